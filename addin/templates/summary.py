"""The Summary sheet of a team template: the request in P&L order (each P&L line's accounts by
name, then the line's subtotal), by month, quarter and year, against the envelope, in
whole-currency native formulas."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles import Alignment
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from addin.templates import style
from addin.templates.layout import BUDGET, HEADCOUNT, SUMMARY, TeamLayout, col
from planbook.headcount import HeadcountAccounts
from planbook.model import Account

PERSONNEL = "personnel"
NOT_IN_PNL = "Not in the P&L"
TOTALS = ("request", "envelope", "remaining")
WHOLE_FORMATS = {
    "currency": style.MONEY_WHOLE,
    "heads": style.HEADS,
    "customers": style.COUNT,
    "count": style.COUNT,
    "percent": style.PERCENT,
    "ratio": style.RATIO,
}


@dataclass(frozen=True)
class SummaryLine:
    """One P&L line of the Summary: its name and the keys of its rows (``personnel`` or an
    account id), in chart order."""

    name: str
    keys: tuple[str, ...]

    @property
    def key(self) -> str:
        """The key of the line's subtotal row."""
        return f"line:{self.name}"

    @property
    def subtotal(self) -> bool:
        """Accounts outside the P&L (metrics in different units) are not added up."""
        return self.name != NOT_IN_PNL


def summary_lines(layout: TeamLayout) -> list[SummaryLine]:
    """The Summary's P&L lines in the chart of accounts' order (accounts with no P&L line
    last); the Headcount sheet's loaded cost sits in the salaries account's line."""
    salaries = next((a for a in layout.plan.accounts if a.id == HeadcountAccounts().salaries), None)
    personnel_line = salaries.pnl_line if salaries and salaries.pnl_line else None
    lines: dict[str, list[str]] = {}
    if personnel_line is None:
        lines["Personnel, loaded"] = [PERSONNEL]
    budget = {a.id for a in layout.budget_accounts}
    for account in layout.plan.accounts:
        name = account.pnl_line or NOT_IN_PNL
        if account.id == HeadcountAccounts().salaries and personnel_line:
            lines.setdefault(name, []).append(PERSONNEL)
        elif account.id in budget:
            lines.setdefault(name, []).append(account.id)
    lines = {k: v for k, v in lines.items() if k != NOT_IN_PNL} | (
        {NOT_IN_PNL: lines[NOT_IN_PNL]} if NOT_IN_PNL in lines else {}
    )
    return [SummaryLine(name, tuple(keys)) for name, keys in lines.items() if keys]


def summary_columns(layout: TeamLayout) -> list[tuple[str, list[int]]]:
    """(label, month indexes) of every Summary column: months, then quarters, then years."""
    calendar = layout.plan.calendar
    columns: list[tuple[str, list[int]]] = [(p, [i]) for i, p in enumerate(layout.periods)]
    for grain in ("quarter", "year"):
        groups: dict[str, list[int]] = {}
        for i, p in enumerate(layout.periods):
            groups.setdefault(calendar.label(p, grain), []).append(i)
        columns += list(groups.items())
    return columns


def summary_rows(layout: TeamLayout) -> dict[str, int]:
    """Row of each Summary line: every P&L line's heading (``heading:NAME``), its rows
    (``personnel``, account ids) and its subtotal (``line:NAME``), then the totals
    (``request``, ``envelope``, ``remaining``) and ``heads``."""
    row = layout.summary_header_row
    rows: dict[str, int] = {}
    for line in summary_lines(layout):
        row += 1
        rows[f"heading:{line.name}"] = row
        for key in line.keys:
            row += 1
            rows[key] = row
        if line.subtotal:
            row += 1
            rows[line.key] = row
    for key in TOTALS:
        row += 2 if key == "request" else 1
        rows[key] = row
    rows["heads"] = row + 2
    return rows


def summary_sheet(wb: Workbook, layout: TeamLayout) -> None:
    """Request by P&L line and account, by month/quarter/year, against the envelope."""
    ws = wb.create_sheet(SUMMARY)
    style.title(
        ws,
        "Summary: request vs envelope",
        f"{layout.team.name}, scenario {layout.scenario}, in {layout.plan.currency} (whole "
        "units). Every number is a formula over the Budget and Headcount sheets.",
    )
    columns = summary_columns(layout)
    first = layout.summary_first_column
    style.header(ws, layout.summary_header_row, ["P&L line", "Account", *(c[0] for c in columns)])
    rows = summary_rows(layout)
    _labels(ws, layout, rows, len(columns))
    _month_cells(ws, layout, rows)
    _group_cells(ws, layout, rows, columns)
    style.widths(ws, {1: 24, 2: 34} | {first + i: 13 for i in range(len(columns))})
    ws.freeze_panes = ws.cell(row=layout.summary_header_row + 1, column=first)
    style.protect(ws)
    style.print_setup(
        ws,
        title_rows=f"{layout.summary_header_row}:{layout.summary_header_row}",
        months=len(layout.periods),
        title_columns="A:B",
    )


def _labels(ws: Worksheet, layout: TeamLayout, rows: dict[str, int], width: int) -> None:
    names = {a.id: a.name for a in layout.summary_accounts}
    names[PERSONNEL] = "Personnel, loaded (Headcount sheet)"
    last = layout.summary_first_column + width - 1
    for line in summary_lines(layout):
        ws.cell(
            row=rows[f"heading:{line.name}"], column=1, value=line.name
        ).font = style.SECTION_FONT
        for key in line.keys:
            style.readonly_cell(ws, rows[key], 2, names[key])
            ws.cell(row=rows[key], column=2).alignment = Alignment(indent=1)
        if line.subtotal:
            style.readonly_cell(ws, rows[line.key], 1, f"Total {line.name}")
            style.total_style(ws, rows[line.key], 1, last)
    labels = {
        "request": "Cost request",
        "envelope": "Envelope",
        "remaining": "Remaining (envelope - request)",
        "heads": "Heads on payroll",
    }
    for key, label in labels.items():
        style.readonly_cell(ws, rows[key], 1, label)
        style.readonly_cell(ws, rows[key], 2, None)
    for key in ("request", "remaining"):
        style.total_style(ws, rows[key], 1, last)


def _format(account: Account | None) -> str:
    return WHOLE_FORMATS[account.unit.value] if account else style.MONEY_WHOLE


def _cost_cells(layout: TeamLayout, rows: dict[str, int], column: str) -> str:
    """The cells the cost request adds up, consecutive rows joined into ranges."""
    costs = {a.id for a in layout.summary_accounts if a.type.is_cost} | {PERSONNEL}
    picked = sorted(r for k, r in rows.items() if k in costs)
    ranges: list[list[int]] = []
    for r in picked:
        if ranges and ranges[-1][1] == r - 1:
            ranges[-1][1] = r
        else:
            ranges.append([r, r])
    return ",".join(f"{column}{a}" if a == b else f"{column}{a}:{column}{b}" for a, b in ranges)


def _month_cells(ws: Worksheet, layout: TeamLayout, rows: dict[str, int]) -> None:
    first, n = layout.summary_first_column, len(layout.periods)
    top, bottom = layout.budget_first_row, layout.budget_last_row
    accounts = {a.id: a for a in layout.summary_accounts}
    lines = summary_lines(layout)
    for i in range(n):
        c, m = first + i, col(first + i)
        hc = col(layout.headcount_first_column + i)
        bc = col(layout.budget_first_column + i)
        personnel = f"={HEADCOUNT}!{hc}{layout.headcount_total_row}"
        style.formula_cell(ws, rows[PERSONNEL], c, personnel, style.MONEY_WHOLE)
        for account in layout.summary_accounts:
            r = rows[account.id]
            sumif = (
                f'=SUMIF({BUDGET}!$A${top}:$A${bottom},"{account.id}",'
                f"{BUDGET}!{bc}${top}:{bc}${bottom})"
            )
            style.formula_cell(ws, r, c, sumif, _format(account))
        for line in (line for line in lines if line.subtotal):
            subtotal = f"=SUM({m}{rows[line.keys[0]]}:{m}{rows[line.keys[-1]]})"
            units = {accounts[k].unit for k in line.keys if k in accounts}
            fmt = _format(accounts.get(line.keys[-1])) if len(units) == 1 else "General"
            style.formula_cell(ws, rows[line.key], c, subtotal, fmt)
        request = f"=SUM({_cost_cells(layout, rows, m)})"
        style.formula_cell(ws, rows["request"], c, request, style.MONEY_WHOLE)
        envelope = col(layout.assumptions_first_column + i)
        envelope_ref = f"=Assumptions!{envelope}{layout.envelope_row}"
        style.formula_cell(ws, rows["envelope"], c, envelope_ref, style.MONEY_WHOLE)
        remaining = f"={m}{rows['envelope']}-{m}{rows['request']}"
        style.formula_cell(ws, rows["remaining"], c, remaining, style.MONEY_WHOLE)
        heads = f"={HEADCOUNT}!{hc}{layout.headcount_heads_row}"
        style.formula_cell(ws, rows["heads"], c, heads, style.COUNT)


def _group_cells(
    ws: Worksheet, layout: TeamLayout, rows: dict[str, int], columns: list[tuple[str, list[int]]]
) -> None:
    first, n = layout.summary_first_column, len(layout.periods)
    for j, (_, months) in enumerate(columns[n:], start=n):
        left, right = col(first + months[0]), col(first + months[-1])
        for key, row in rows.items():
            if key.startswith("heading:"):
                continue
            fmt = ws.cell(row=row, column=first).number_format
            # heads at the end of the period, not summed
            formula = f"={right}{row}" if key == "heads" else f"=SUM({left}{row}:{right}{row})"
            style.formula_cell(ws, row, first + j, formula, fmt)
