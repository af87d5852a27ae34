"""The Push budget button: the workbook's facts become a new version of the plan.

Until the template reader (issue 5) lands, the facts come from a ``Facts`` sheet in the
interchange format (a header row ``scenario, team, account, line, period, amount``, one row
a number) — exactly what ``planbook push facts.csv`` sends. The reader will plug in as
``reader``. Every problem is listed in one alert and its cell highlighted; nothing is
stored then. The new version and status are written back to the settings sheet.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import xlwings as xw

from addin.buttons.book import alert, book_settings, write_back
from addin.cache import VersionCache
from addin.functions.convert import as_number, period
from planbook import FACT_COLUMNS, Problem, facts_from_records, validate_facts
from planbook.errors import PlanValidationError
from server.store import PushRequest

__all__ = ["FACTS_SHEET", "push_budget", "push_budget_classic", "push_to_store", "read_facts_sheet"]

FACTS_SHEET = "Facts"
TITLE = "Planbook: push budget"
BAD = "#FFC7CE"
Reader = Callable[[Any], tuple[pd.DataFrame, list[int]]]


@xw.script
def push_budget(book: xw.Book) -> None:
    """Push the workbook's budget as a new version."""
    push_to_store(book)


def push_budget_classic() -> None:
    """The same button for classic Excel (``RunPython``)."""
    push_to_store(xw.Book.caller())


def read_facts_sheet(book: Any) -> tuple[pd.DataFrame, list[int]]:
    """The facts of the ``Facts`` sheet and the sheet row of each fact (1-based)."""
    if FACTS_SHEET not in [s.name for s in book.sheets]:
        raise ValueError(f"the workbook has no {FACTS_SHEET} sheet to push")
    values = book.sheets[FACTS_SHEET]["A1"].expand().value
    header = [str(h or "").strip().lower() for h in values[0]]
    missing = [c for c in FACT_COLUMNS if c not in header and c != "line"]
    if missing:
        raise PlanValidationError(
            [Problem((f"{FACTS_SHEET}!1",), f"no column {', '.join(missing)} in the header row")],
            subject="budget",
        )
    records, rows, problems = [], [], []
    for number, row in enumerate(values[1:], start=2):
        cells = dict(zip(header, row, strict=False))
        if all(v in (None, "") for v in cells.values()):
            continue
        try:
            records.append(_record(cells, number))
            rows.append(number)
        except ValueError as exc:
            problems.append(Problem((_address(header, "amount", number),), str(exc)))
    if problems:
        raise PlanValidationError(problems, subject="budget")
    return facts_from_records(records), rows


def _record(cells: dict[str, Any], number: int) -> dict[str, Any]:
    record = {c: cells.get(c) for c in FACT_COLUMNS if c != "amount"}
    record["line"] = record.get("line") or ""
    try:
        record["period"] = period(record["period"])
        record["amount"] = as_number(cells.get("amount"), "amount")
    except Exception as exc:
        raise ValueError(str(exc)) from None
    for c in ("scenario", "team", "account", "line"):
        value = record[c]
        record[c] = str(int(value)) if isinstance(value, float) and value.is_integer() else value
    return record


def push_to_store(book: Any, reader: Reader = read_facts_sheet) -> int | None:
    """Validate and push; returns the new version, or None after one alert."""
    try:
        settings, sheet = book_settings(book)
        cache = VersionCache(settings)
        try:
            base = cache.snapshot(sheet.get("PLANBOOK_BASE") or settings.version)
            facts, rows = reader(book)
            problems = validate_facts(base.plan, facts, source=FACTS_SHEET)
            if problems:
                raise PlanValidationError(_located(problems, rows), subject="budget")
            author = os.environ.get("PLANBOOK_AUTHOR") or getpass.getuser()
            version, created = cache.source().push(
                PushRequest(
                    base.info.plan,
                    base=base.info.number,
                    author=author,
                    message=f"pushed from {book.name}",
                    facts=facts,
                    source=book.name,
                )
            )
        finally:
            cache.close()
    except Exception as exc:  # one alert, never a traceback
        _report(book, exc)
        return None
    status = "pushed" if created else "unchanged"
    write_back(
        book,
        {
            "PLANBOOK_BASE": version.number,
            "PLANBOOK_STATUS": status,
            "PLANBOOK_PUSHED_AT": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
    )
    return version.number


def _located(problems: list[Problem], rows: list[int]) -> list[Problem]:
    """Problems of ``validate_facts`` (row N of the facts) at their sheet cells."""
    header = list(FACT_COLUMNS)
    out = []
    for p in problems:
        if len(p.loc) == 3 and str(p.loc[1]).startswith("row "):
            row = rows[int(str(p.loc[1])[4:]) - 1]
            out.append(Problem((_address(header, str(p.loc[2]), row),), p.msg))
        else:
            out.append(p)
    return out


def _address(header: list[str], column: str, row: int) -> str:
    index = header.index(column) if column in header else 0
    return f"{FACTS_SHEET}!{chr(ord('A') + index)}{row}"


def _report(book: Any, exc: Exception) -> None:
    problems = exc.problems if isinstance(exc, PlanValidationError) else []
    lines = [str(p) for p in problems] or [str(exc)]
    alert(book, TITLE, ["Nothing was pushed.", *lines])
    for p in problems:
        where = str(p.loc[0]) if p.loc else ""
        if where.startswith(f"{FACTS_SHEET}!") and where[len(FACTS_SHEET) + 1 :][:1].isalpha():
            book.sheets[FACTS_SHEET][where.split("!")[1]].color = BAD
