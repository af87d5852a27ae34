"""The company AOP workbook: the company part of a plan as editable tables, for finance.

One sheet per section (departments, teams, accounts, scenarios, assumptions, goals,
envelopes) holding an Excel table, plus the plan's own fields on the Plan sheet. Finance
edits the tables (add rows at the bottom of a table and it grows); the reader turns the
workbook back into a :class:`~planbook.model.Plan`, naming the cell of every problem.
"""

from __future__ import annotations

import json
from typing import Any

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from addin.metadata import (
    COMPANY_KIND,
    TEMPLATE_VERSION,
    Metadata,
    check_version,
    layout_hash,
    write_metadata,
)
from addin.templates import style
from addin.templates.company_layout import HEADER_ROW, PLAN_FIELDS, PLAN_SHEET, TABLES, Table
from addin.templates.layout import col
from addin.templates.reference import define
from addin.templates.settings_sheet import settings_sheet
from planbook.model import Plan


def company_workbook(plan: Plan, *, version: str = "") -> Workbook:
    """The company AOP workbook of ``plan`` (based on store ``version``, if any)."""
    check_version(version)
    wb = Workbook()
    _instructions(wb, plan, version)
    _plan_sheet(wb, plan)
    for table in TABLES:
        _table_sheet(wb, plan, table)
    meta = Metadata(
        kind=COMPANY_KIND,
        template_version=TEMPLATE_VERSION,
        plan=plan.id,
        plan_name=plan.name,
        layout=layout_hash(COMPANY_KIND, [t.section for t in TABLES]),
        base_version=version,
    )
    settings_sheet(wb, plan.id)
    write_metadata(wb, meta)
    wb.properties.creator = "Planbook"
    wb.properties.title = f"{plan.name}: company set-up"
    return wb


def _instructions(wb: Workbook, plan: Plan, version: str) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = "Instructions"
    based = f"version {version}" if version else "a plan file (not yet in the store)"
    style.title(ws, f"{plan.name}: company set-up", f"Company AOP workbook, based on {based}")
    lines = [
        "This workbook holds the company part of the plan: calendar, departments, teams, chart "
        "of accounts, scenarios, assumptions, goals and each team's envelope.",
        "Edit the yellow tables; add a row by typing directly below a table (it grows).",
        "Assumptions and Envelopes have one column per month, headed YYYY-MM.",
        "Push the workbook (the Push button, or planbook push); every problem comes back "
        "with its cell, e.g. Teams!C7, and nothing is stored until the whole workbook is valid.",
    ]
    for i, line in enumerate(lines, start=4):
        ws.cell(row=i, column=1, value=line)
    style.widths(ws, {1: 120})
    style.protect(ws)
    style.print_setup(ws, title_rows="1:2", landscape=False)


def _plan_sheet(wb: Workbook, plan: Plan) -> None:
    ws = wb.create_sheet(PLAN_SHEET)
    style.title(ws, "Plan", "The plan's id, name, currency and fiscal calendar.")
    style.header(ws, HEADER_ROW, ["Field", "Value"])
    for r, column in enumerate(PLAN_FIELDS, start=HEADER_ROW + 1):
        style.readonly_cell(ws, r, 1, column.heading)
        style.input_cell(ws, r, 2, style.TEXT if column.kind == "text" else "General")
        style.literal(ws.cell(row=r, column=2, value=getattr(plan, column.field)))
        define(wb, f"plan_{column.field}", PLAN_SHEET, f"$B${r}")
    style.widths(ws, {1: 26, 2: 40})
    style.protect(ws)
    style.print_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", landscape=False)


def _table_sheet(wb: Workbook, plan: Plan, table: Table) -> None:
    ws = wb.create_sheet(table.sheet)
    style.title(ws, table.sheet, f"The plan's {table.section}; one row each.")
    periods = plan.calendar.periods if table.by_month else ()
    headings = [c.heading for c in table.columns] + list(periods)
    style.header(ws, HEADER_ROW, headings)
    records = [_record(item) for item in getattr(plan, table.section)] or [{}]
    for r, record in enumerate(records, start=HEADER_ROW + 1):
        for c, column in enumerate(table.columns, start=1):
            style.input_cell(ws, r, c, _format(column.kind))
            value = record.get(column.field)
            if column.kind == "json":
                value = _json_cell(value)
            style.literal(ws.cell(row=r, column=c, value=value))
        by_month = record.get(table.by_month, {}) if table.by_month else {}
        for i, period in enumerate(periods, start=len(table.columns) + 1):
            style.input_cell(ws, r, i, "General")
            ws.cell(row=r, column=i, value=by_month.get(period))
    last = f"{col(len(headings))}{HEADER_ROW + len(records)}"
    excel_table = ExcelTable(displayName=table.name, ref=f"A{HEADER_ROW}:{last}")
    excel_table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(excel_table)
    _validations(ws, table, HEADER_ROW + 1, HEADER_ROW + len(records) + 200)
    widths = {i: c.width for i, c in enumerate(table.columns, start=1)}
    style.widths(ws, widths | {len(table.columns) + 1 + i: 12 for i in range(len(periods))})
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=2)
    style.print_setup(
        ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", months=len(periods), title_columns="A:B"
    )


def _record(item: Any) -> dict[str, Any]:
    data: dict[str, Any] = item.model_dump(mode="python")
    for key, value in data.items():
        if hasattr(value, "value"):  # enums as their text
            data[key] = value.value
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            data[key] = ", ".join(value) or None  # ids, as the reader takes them
    return data


def _json_cell(value: Any) -> str | None:
    """A list of overrides or milestones as compact JSON text (decimals as text)."""
    if not value:
        return None
    return json.dumps(value, default=str, separators=(",", ":"))


def _format(kind: str) -> str:
    return {"decimal": "General", "int": "0", "bool": "General"}.get(kind, style.TEXT)


def _validations(ws: Worksheet, table: Table, top: int, bottom: int) -> None:
    for c, column in enumerate(table.columns, start=1):
        if column.kind.startswith("ref:"):
            sheet = next(t.sheet for t in TABLES if t.section == column.kind[4:])
            choices = f"'{sheet}'!$A${HEADER_ROW + 1}:$A${HEADER_ROW + 1000}"
        elif column.kind == "bool":
            choices = '"TRUE,FALSE"'
        elif "|" in column.kind:
            choices = '"' + column.kind.replace("|", ",") + '"'
        else:
            continue
        dv = style.validation(
            "list",
            title=column.heading,
            message=f"{column.heading}: pick one from the list.",
            formula1=choices,
            allow_blank=not column.required,
        )
        dv.add(f"{col(c)}{top}:{col(c)}{bottom}")
        ws.add_data_validation(dv)
