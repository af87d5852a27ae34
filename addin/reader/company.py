"""Reading the company AOP workbook back into a :class:`~planbook.model.Plan`.

Each table is read by its headings, every value converted without guessing, and the result
validated by the core (:func:`planbook.validation.parse_plan`); every problem it finds is
reported at the cell it came from (``Teams!C7``), all at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from addin.metadata import COMPANY_KIND, Metadata
from addin.reader.cells import Rows, address, cell, is_blank, number, shown, text
from addin.reader.workbook import Sheets, open_workbook, read_metadata
from addin.templates.company_layout import HEADER_ROW, PLAN_FIELDS, PLAN_SHEET, TABLES, Column
from addin.templates.company_layout import Table as TableSpec
from planbook.calendar import is_period
from planbook.errors import PlanValidationError, Problem
from planbook.model import Plan
from planbook.validation import parse_plan

Where = dict[tuple[Any, ...], str]


@dataclass(frozen=True)
class CompanyWorkbook:
    """The company part a workbook holds, and its metadata."""

    metadata: Metadata
    plan: Plan

    @property
    def base_version(self) -> int | None:
        return int(self.metadata.base_version) if self.metadata.base_version else None


def read_company_workbook(path: str | Path, *, plan_id: str | None = None) -> CompanyWorkbook:
    """Read the company AOP workbook file; ``plan_id``, if given, is the plan it must belong
    to."""
    wb = open_workbook(path)
    try:
        return read_company_sheets(wb, plan_id=plan_id)
    finally:
        wb.close()


def read_company_sheets(wb: Sheets, *, plan_id: str | None = None) -> CompanyWorkbook:
    """Read a company AOP workbook already open (a file, or a book in Excel)."""
    meta = read_metadata(wb, kind=COMPANY_KIND, plan_id=plan_id)
    data, where, problems = _read(wb)
    if data.get("id") not in (None, meta.plan):
        problems.append(
            Problem(
                (where[("id",)],),
                f"the plan id was changed from {meta.plan!r}; a workbook pushes to its own plan",
            )
        )
    try:
        plan = parse_plan(data)
    except PlanValidationError as exc:
        seen = {p.where for p in problems}
        for p in exc.problems:
            at = _locate(p.loc, where)
            if at not in seen:  # a cell that could not be read is reported once
                problems.append(Problem((at,), p.msg))
    if problems:
        raise PlanValidationError(problems, subject=f"workbook {wb.name}")
    return CompanyWorkbook(meta, plan)


def _read(wb: Sheets) -> tuple[dict[str, Any], Where, list[Problem]]:
    data: dict[str, Any] = {}
    where: Where = {}
    problems: list[Problem] = []
    rows = wb.rows(PLAN_SHEET) if PLAN_SHEET in wb.sheet_names else []
    for r, column in enumerate(PLAN_FIELDS, start=HEADER_ROW + 1):
        at = address(PLAN_SHEET, r, 2)
        where[(column.field,)] = at
        value = _convert(cell(rows, r, 2), column, at, problems)
        if value is not None:
            data[column.field] = value
    for table in TABLES:
        if table.sheet not in wb.sheet_names and table.optional:
            continue
        if table.sheet not in wb.sheet_names:
            problems.append(
                Problem(
                    (table.sheet,),
                    f"the sheet {table.sheet!r} is missing; it was deleted or renamed",
                )
            )
            continue
        data[table.section] = _table(wb.rows(table.sheet), table, where, problems)
    return data, where, problems


def _table(
    rows: Rows, table: TableSpec, where: Where, problems: list[Problem]
) -> list[dict[str, Any]]:
    months = _headings(rows, table, problems)
    if months is None:
        return []
    records: list[dict[str, Any]] = []
    for r in range(HEADER_ROW + 1, len(rows) + 1):
        values = rows[r - 1]
        if all(is_blank(v) for v in values):
            continue
        i = len(records)
        where[(table.section, i)] = address(table.sheet, r, 1)
        record: dict[str, Any] = {}
        for c, column in enumerate(table.columns, start=1):
            at = address(table.sheet, r, c)
            where[(table.section, i, column.field)] = at
            value = _convert(cell(rows, r, c), column, at, problems)
            if value is not None:
                record[column.field] = value
        if table.by_month:
            record[table.by_month] = _months(rows, r, table, months, where, i, problems)
        records.append(record)
    return records


def _headings(rows: Rows, table: TableSpec, problems: list[Problem]) -> dict[int, str] | None:
    """Column -> month of the month columns; None when a fixed heading is wrong."""
    ok = True
    for c, column in enumerate(table.columns, start=1):
        found = text(cell(rows, HEADER_ROW, c))
        if found.lower() != column.heading.lower():
            problems.append(
                Problem(
                    (address(table.sheet, HEADER_ROW, c),),
                    (
                        f"the heading reads {shown(found)}; expected {column.heading!r} "
                        "(columns are found by their headings)"
                    ),
                )
            )
            ok = False
    months: dict[int, str] = {}
    width = len(rows[HEADER_ROW - 1]) if len(rows) >= HEADER_ROW else 0
    for c in range(len(table.columns) + 1, width + 1) if table.by_month else ():
        found = text(cell(rows, HEADER_ROW, c))
        if not found:
            continue
        if not is_period(found):
            problems.append(
                Problem(
                    (address(table.sheet, HEADER_ROW, c),),
                    (f"the heading {shown(found)} is not a month; head month columns YYYY-MM"),
                )
            )
            ok = False
        months[c] = found
    return months if ok else None


def _months(
    rows: Rows,
    r: int,
    table: TableSpec,
    months: dict[int, str],
    where: Where,
    i: int,
    problems: list[Problem],
) -> dict[str, Decimal]:
    out = {}
    for c, period in months.items():
        value, at = cell(rows, r, c), address(table.sheet, r, c)
        where[(table.section, i, table.by_month, period)] = at
        if is_blank(value):
            continue
        amount = number(value, at, "a number")
        if isinstance(amount, Problem):
            problems.append(amount)
        else:
            out[period] = amount
    return out


def _convert(value: Any, column: Column, at: str, problems: list[Problem]) -> Any:
    """A cell as the plan field takes it; None for blank (the field's default applies)."""
    if is_blank(value):
        return "" if column.required and column.kind == "text" else None
    if column.kind in ("decimal", "int", "1|-1"):
        amount = number(value, at, "a number")
        if isinstance(amount, Problem):
            problems.append(amount)
            return None
        return amount if column.kind == "decimal" else int(amount)
    if column.kind == "ids":
        return tuple(i.strip() for i in text(value).split(",") if i.strip())
    if column.kind == "json":
        try:
            parsed = json.loads(text(value))
        except ValueError:
            parsed = None
        if not isinstance(parsed, list):
            problems.append(Problem((at,), f"{shown(value)} is not a JSON list; write [...]"))
            return None
        return parsed
    if column.kind == "bool":
        if isinstance(value, bool):
            return value
        if text(value).upper() in ("TRUE", "FALSE"):
            return text(value).upper() == "TRUE"
        problems.append(Problem((at,), f"{shown(value)} is not TRUE or FALSE; pick one"))
        return None
    result = text(value)
    choices = column.kind.split("|") if "|" in column.kind else None
    if choices and result not in choices:
        problems.append(Problem((at,), f"{shown(value)} is not one of {', '.join(choices)}"))
        return None
    return result


def _locate(loc: tuple[Any, ...], where: Where) -> str:
    """The cell of a plan location, or of its nearest enclosing row or sheet."""
    for n in range(len(loc), 0, -1):
        if tuple(loc[:n]) in where:
            return where[tuple(loc[:n])]
    sheets = {t.section: t.sheet for t in TABLES}
    return sheets.get(str(loc[0]), PLAN_SHEET) if loc else PLAN_SHEET
