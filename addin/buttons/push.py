"""The Push budget button: the open workbook becomes a new version of the plan.

- A filled team budget template (or a company AOP workbook) is read exactly as
  ``planbook push FILE.xlsx`` reads the saved file (:mod:`addin.workbook_push`), from the
  values Excel shows: the same facts reach the store.
- Any other workbook pushes its ``Facts`` sheet in the interchange format (a header row
  ``scenario, team, account, line, period, amount``, one row a number), exactly what
  ``planbook push facts.csv`` sends.

Every problem is listed in one alert and its cell highlighted; nothing is stored then. On
success the new version and status go to the settings sheet (``PLANBOOK_BASE``,
``PLANBOOK_STATUS``, ``PLANBOOK_PUSHED_AT``) and one alert says what was pushed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import pandas as pd
import xlwings as xw

from addin.buttons.book import alert, book_settings, failure, write_back
from addin.cache import VersionCache
from addin.functions.convert import FunctionError, as_number, period
from addin.metadata import TEAM_KIND
from addin.reader import BookSheets, sheets_kind
from addin.templates.layout import BUDGET, HEADCOUNT
from addin.templates.style import INPUT_FILL
from addin.workbook_push import (
    WorkbookPush,
    company_request,
    is_planbook_workbook,
    sheets_plan,
    team_request,
)
from planbook import FACT_COLUMNS, Problem, facts_from_records, validate_facts
from planbook.errors import PlanbookError, PlanValidationError
from server.store import PushRequest

__all__ = ["FACTS_SHEET", "push_budget", "push_budget_classic", "push_to_store", "read_facts_sheet"]

FACTS_SHEET = "Facts"
TITLE = "Planbook: push budget"
BAD = "#FFC7CE"
MARKED = "PLANBOOK_MARKED"
"""Settings key listing the cells the last failed push highlighted (cleared on the next)."""
INPUT_COLOR = f"#{str(INPUT_FILL.fgColor.rgb)[-6:]}"


class Prepared(NamedTuple):
    """A push ready to send: the request (None: the workbook holds its base unchanged),
    what it holds in words, the reader's warnings, and the plan and base version."""

    request: PushRequest | None
    what: str
    warnings: list[str]
    plan: str
    base: int | None


@xw.script
def push_budget(book: xw.Book) -> None:
    """Push the workbook's budget as a new version."""
    push_to_store(book)


def push_budget_classic() -> None:
    """The same button for classic Excel (``RunPython``)."""
    push_to_store(xw.Book.caller())


def push_to_store(book: Any) -> int | None:
    """Read, validate and push; returns the new version, or None after one alert."""
    try:
        settings, sheet = book_settings(book)
        _unmark(book, sheet.get(MARKED, ""))
        cache = VersionCache(settings)
        try:
            prepared = _prepare(book, cache, sheet)
            if prepared.request is not None:
                version, created = cache.source().push(prepared.request)
            else:
                version = cache.source().version(prepared.plan, str(prepared.base))
                created = False
        finally:
            cache.close()
    except Exception as exc:  # one alert, never a traceback
        _report(book, exc)
        return None
    status = "pushed" if created else "unchanged"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    values = {"PLANBOOK_BASE": version.number, "PLANBOOK_STATUS": status}
    write_back(book, values | {"PLANBOOK_PUSHED_AT": when})
    if created:
        done = f"Pushed version {version.number} of plan {version.plan}: {prepared.what}."
    else:
        done = f"Nothing changed: plan {version.plan} stays at version {version.number}."
    alert(book, TITLE, [done, *(f"Note: {w}" for w in prepared.warnings)])
    return version.number


def _prepare(book: Any, cache: VersionCache, sheet: dict[str, str]) -> Prepared:
    """What the workbook pushes (raises with every problem)."""
    sheets = BookSheets(book)
    if not is_planbook_workbook(sheets):
        request = _facts_request(book, cache, sheet)
        count = 0 if request.facts is None else len(request.facts)
        what = f"the {FACTS_SHEET} sheet ({count:,} facts)"
        return Prepared(request, what, [], request.plan_id, request.base)
    how = WorkbookPush(
        plan=cache.settings.plan or None,
        base=sheet.get("PLANBOOK_BASE") or None,
        message="",
        headcount=sheet.get("PLANBOOK_HEADCOUNT") or None,
        reference=sheet.get("PLANBOOK_PULLED") or None,
    )
    store = cache.source()
    if sheets_kind(sheets) == TEAM_KIND:
        request, read = team_request(store, sheets, how)
        what = (
            f"{read.team}'s {read.scenario} budget ({len(read.facts):,} facts, "
            f"{len(read.positions)} positions)"
        )
        warnings = [str(w) for w in read.warnings]
        return Prepared(request, what, warnings, request.plan_id, request.base)
    company, base = company_request(store, sheets, how)
    plan = company.plan_id if company else sheets_plan(sheets)
    return Prepared(company, "the company plan", [], plan, base)


def _facts_request(book: Any, cache: VersionCache, sheet: dict[str, str]) -> PushRequest:
    base = cache.snapshot(sheet.get("PLANBOOK_BASE") or cache.settings.version)
    facts, rows = read_facts_sheet(book)
    problems = validate_facts(base.plan, facts, source=FACTS_SHEET)
    if problems:
        raise PlanValidationError(_located(problems, rows), subject="budget")
    return PushRequest(
        base.info.plan,
        base=base.info.number,
        message=f"pushed from {book.name}",
        facts=facts,
        source=book.name,
    )


def read_facts_sheet(book: Any) -> tuple[pd.DataFrame, list[int]]:
    """The facts of the ``Facts`` sheet and the sheet row of each fact (1-based)."""
    if FACTS_SHEET not in [s.name for s in book.sheets]:
        raise PlanbookError(
            f"the workbook is not a Planbook template and has no {FACTS_SHEET} sheet to push"
        )
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
    except FunctionError as exc:
        raise ValueError(str(exc)) from None
    for c in ("scenario", "team", "account", "line"):
        value = record[c]
        record[c] = str(int(value)) if isinstance(value, float) and value.is_integer() else value
    return record


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


def _cells(problems: Sequence[Problem], sheets: list[str]) -> list[str]:
    """``Sheet!Ref`` of every problem that names one cell of a sheet of the book."""
    out = []
    for p in problems:
        where = str(p.loc[0]) if p.loc else ""
        name, _, ref = where.partition("!")
        if name in sheets and ref[:1].isalpha() and ref[-1:].isdigit() and where not in out:
            out.append(where)
    return out


def _report(book: Any, exc: Exception) -> None:
    problems = exc.problems if isinstance(exc, PlanValidationError) else []
    lines = [str(p) for p in problems] or [failure(exc, TITLE)]
    alert(book, TITLE, ["Nothing was pushed.", *lines])
    marked = _cells(problems, [s.name for s in book.sheets])
    for where in marked:
        name, ref = where.split("!")
        book.sheets[name][ref].color = BAD
    if marked:
        write_back(book, {MARKED: ",".join(marked)})


def _unmark(book: Any, marked: str) -> None:
    """Give the cells the last failed push highlighted their own colour back: the yellow of
    an input cell in a template's Budget and Headcount sheets, no fill elsewhere."""
    if not marked:
        return
    sheets = [s.name for s in book.sheets]
    for where in marked.split(","):
        name, _, ref = where.partition("!")
        if name in sheets and ref:
            book.sheets[name][ref].color = INPUT_COLOR if name in (BUDGET, HEADCOUNT) else None
    write_back(book, {MARKED: ""})
