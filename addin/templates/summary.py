"""The Summary sheet of a team template: totals by account, quarter and year, and the
request against the envelope, all in native formulas."""

from __future__ import annotations

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from addin.templates import style
from addin.templates.layout import BUDGET, HEADCOUNT, SUMMARY, TeamLayout, col


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
    """Row of each Summary line: ``personnel``, every budget account, and the totals."""
    row = layout.summary_header_row + 1
    rows = {"personnel": row}
    for account in layout.summary_accounts:
        row += 1
        rows[account.id] = row
    rows["request"] = row + 2
    rows["envelope"] = row + 3
    rows["remaining"] = row + 4
    rows["heads"] = row + 6
    return rows


def summary_sheet(wb: Workbook, layout: TeamLayout) -> None:
    """Request by account and month/quarter/year, against the envelope."""
    ws = wb.create_sheet(SUMMARY)
    style.title(
        ws,
        "Summary: request vs envelope",
        f"{layout.team.name}, scenario "
        f"{layout.scenario}. Every number is a formula over the Budget and Headcount "
        "sheets.",
    )
    columns = summary_columns(layout)
    first = layout.summary_first_column
    style.header(ws, layout.summary_header_row, ["Account", "Name", *(c[0] for c in columns)])
    rows = summary_rows(layout)
    _month_cells(ws, layout, rows)
    _group_cells(ws, layout, rows, columns)
    style.widths(ws, {1: 22, 2: 34} | {first + i: 13 for i in range(len(columns))})
    ws.freeze_panes = ws.cell(row=layout.summary_header_row + 1, column=first)
    style.protect(ws)
    style.print_setup(
        ws,
        title_rows=f"{layout.summary_header_row}:{layout.summary_header_row}",
        months=len(layout.periods),
        title_columns="A:B",
    )


def _month_cells(ws: Worksheet, layout: TeamLayout, rows: dict[str, int]) -> None:
    first, n = layout.summary_first_column, len(layout.periods)
    top, bottom = layout.budget_first_row, layout.budget_last_row
    labels = {
        "personnel": ("personnel", "Personnel, loaded (Headcount sheet)"),
        "request": ("request", "Cost request"),
        "envelope": ("envelope", "Envelope"),
        "remaining": ("remaining", "Remaining (envelope - request)"),
        "heads": ("heads", "Heads on payroll"),
    } | {a.id: (a.id, a.name) for a in layout.summary_accounts}
    for key, row in rows.items():
        for c, value in enumerate(labels[key], start=1):
            style.readonly_cell(ws, row, c, value)
    last_cost = rows["personnel"] + layout.cost_account_count
    for i in range(n):
        c, m = first + i, col(first + i)
        hc = col(layout.headcount_first_column + i)
        bc = col(layout.budget_first_column + i)
        style.formula_cell(
            ws, rows["personnel"], c, f"={HEADCOUNT}!{hc}{layout.headcount_total_row}"
        )
        for account in layout.summary_accounts:
            r = rows[account.id]
            fmt = style.UNIT_FORMATS[account.unit.value]
            style.formula_cell(
                ws,
                r,
                c,
                f"=SUMIF({BUDGET}!$A${top}:$A${bottom},$A{r},{BUDGET}!{bc}${top}:{bc}${bottom})",
                fmt,
            )
        style.formula_cell(ws, rows["request"], c, f"=SUM({m}{rows['personnel']}:{m}{last_cost})")
        envelope = col(layout.assumptions_first_column + i)
        style.formula_cell(ws, rows["envelope"], c, f"=Assumptions!{envelope}{layout.envelope_row}")
        style.formula_cell(ws, rows["remaining"], c, f"={m}{rows['envelope']}-{m}{rows['request']}")
        style.formula_cell(
            ws, rows["heads"], c, f"={HEADCOUNT}!{hc}{layout.headcount_heads_row}", style.COUNT
        )


def _group_cells(
    ws: Worksheet, layout: TeamLayout, rows: dict[str, int], columns: list[tuple[str, list[int]]]
) -> None:
    first, n = layout.summary_first_column, len(layout.periods)
    formats = {a.id: style.UNIT_FORMATS[a.unit.value] for a in layout.summary_accounts}
    for j, (_, months) in enumerate(columns[n:], start=n):
        left, right = col(first + months[0]), col(first + months[-1])
        for key, row in rows.items():
            if key == "heads":  # heads at the end of the period, not summed
                formula = f"={col(first + months[-1])}{row}"
                fmt = style.COUNT
            else:
                formula = f"=SUM({left}{row}:{right}{row})"
                fmt = formats.get(key, style.MONEY)
            style.formula_cell(ws, row, first + j, formula, fmt)
    for key in ("request", "remaining"):
        style.total_style(ws, rows[key], 1, first + len(columns) - 1)
