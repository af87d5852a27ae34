"""The read-only sheets of a team template: Instructions, Assumptions and Accounts."""

from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Alignment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from addin.templates import style
from addin.templates.layout import (
    ACCOUNTS,
    ASSUMPTIONS,
    INSTRUCTIONS,
    SUMMARY,
    TeamLayout,
    col,
)
from addin.templates.summary import summary_rows
from planbook.model import Goal


def define(wb: Workbook, name: str, sheet: str, ref: str) -> None:
    """A workbook-level named range ``name`` for ``sheet!ref`` (absolute)."""
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{ref}")


def instructions_sheet(wb: Workbook, layout: TeamLayout, version: str) -> None:
    """What the team lead does, in five steps, and what the colours mean."""
    ws = wb.active
    assert ws is not None
    ws.title = INSTRUCTIONS
    plan, team = layout.plan, layout.team
    based = f"version {version}" if version else "the plan file (not yet in the store)"
    style.title(ws, f"{team.name}: budget request", f"{plan.name}, scenario {layout.scenario}")
    facts = [
        ("Team", f"{team.name} ({team.id}), led by {team.lead or 'n/a'}"),
        ("Plan", f"{plan.name} ({plan.id}), {plan.currency}"),
        ("Months", f"{layout.periods[0]} to {layout.periods[-1]} ({len(layout.periods)} months)"),
        ("Based on", based),
    ]
    for i, (key, value) in enumerate(facts, start=4):
        ws.cell(row=i, column=1, value=key).font = style.TOTAL_FONT
        style.literal(ws.cell(row=i, column=2, value=value))
    steps = [
        "1. Read the company assumptions, your envelope and your goals on the Assumptions sheet.",
        "2. Headcount: one row per person, on the payroll now (leave Start month empty) or to "
        "hire (pick the month). The loaded monthly cost is computed from the assumptions.",
        "3. Budget: one row per spend line. Pick the account from the list, name the line "
        "(vendor, program) and enter an amount per month in plan currency.",
        "4. Summary: check your request against your envelope; Remaining below zero is red.",
        "5. Push the workbook (planbook push or the Push button). Every problem comes back "
        "with its cell, e.g. Budget!F14; nothing is stored until the workbook is clean.",
    ]
    style.section(ws, 9, "How to fill this workbook")
    for i, step in enumerate(steps, start=10):
        ws.cell(row=i, column=1, value=step)
    style.section(ws, 16, "Colours")
    style.input_cell(ws, 17, 1)
    ws.cell(row=17, column=1, value="Input")
    ws.cell(row=17, column=2, value="Yellow cells with blue text are yours to fill.")
    style.formula_cell(ws, 18, 1, "Formula", "General")
    ws.cell(row=18, column=2, value="White cells are formulas; the sheets are protected.")
    style.readonly_cell(ws, 19, 1, "Reference")
    ws.cell(row=19, column=2, value="Grey cells are set by finance and read-only.")
    _at_a_glance(ws, layout)
    style.widths(ws, {1: 16, 2: 100})
    style.protect(ws)
    style.print_setup(ws, title_rows="1:2", landscape=False)


GLANCE_ROW = 21
GLANCE = (
    ("envelope", "Envelope"),
    ("request", "Cost request"),
    ("remaining", "Remaining"),
    ("heads", "Heads at plan end"),
)


def _at_a_glance(ws: Worksheet, layout: TeamLayout) -> None:
    """Whole-plan envelope, request, remaining and heads, live from the Summary sheet."""
    style.section(ws, GLANCE_ROW, "At a glance (whole plan, live from the Summary sheet)")
    rows = summary_rows(layout)
    first = layout.summary_first_column
    months = f"{col(first)}{{row}}:{col(first + len(layout.periods) - 1)}{{row}}"
    for r, (key, label) in enumerate(GLANCE, start=GLANCE_ROW + 1):
        ws.cell(row=r, column=1, value=label).font = style.TOTAL_FONT
        if key == "heads":
            formula = f"={SUMMARY}!{col(first + len(layout.periods) - 1)}{rows[key]}"
            fmt = style.COUNT
        else:
            formula = f"=SUM({SUMMARY}!{months.format(row=rows[key])})"
            fmt = style.MONEY
        style.formula_cell(ws, r, 2, formula, fmt)
        ws.cell(row=r, column=2).alignment = Alignment(horizontal="left")


def assumptions_sheet(wb: Workbook, layout: TeamLayout, goals: tuple[Goal, ...]) -> None:
    """Company assumptions by month, the team's envelope, and the goals that concern it."""
    ws = wb.create_sheet(ASSUMPTIONS)
    plan, first = layout.plan, layout.assumptions_first_column
    style.title(ws, "Company assumptions, envelope and goals", "Set by finance; read-only.")
    style.header(ws, layout.assumptions_header_row, ["Assumption", "Name", "Unit", *layout.periods])
    for a in plan.assumptions:
        row = layout.assumption_row(a.id)
        for c, value in enumerate((a.id, a.name, a.unit.value), start=1):
            style.readonly_cell(ws, row, c, value)
        for i, period in enumerate(layout.periods):
            fmt = style.UNIT_FORMATS[a.unit.value]
            style.readonly_cell(ws, row, first + i, a.values.get(period), fmt)
    last = col(first + len(layout.periods) - 1)
    header_row = layout.assumptions_header_row
    define(wb, "Periods", ASSUMPTIONS, f"${col(first)}${header_row}:${last}${header_row}")
    _envelope(ws, layout)
    define(
        wb,
        "Envelope",
        ASSUMPTIONS,
        f"${col(first)}${layout.envelope_row}:${last}${layout.envelope_row}",
    )
    _goals(ws, layout, goals)
    style.widths(ws, {1: 20, 2: 48, 3: 10} | {first + i: 12 for i in range(len(layout.periods))})
    ws.freeze_panes = ws.cell(row=layout.assumptions_header_row + 1, column=first)
    style.protect(ws)
    style.print_setup(
        ws,
        title_rows=f"{layout.assumptions_header_row}:{layout.assumptions_header_row}",
        months=len(layout.periods),
        title_columns="A:C",
    )


def _envelope(ws: Worksheet, layout: TeamLayout) -> None:
    row, first = layout.envelope_row, layout.assumptions_first_column
    style.section(ws, row - 2, f"Budget envelope: {layout.team.name}, scenario {layout.scenario}")
    style.header(ws, row - 1, ["Envelope", "", "", *layout.periods])
    amounts: dict[str, Decimal] = {}
    for e in layout.plan.envelopes:
        if e.team == layout.team.id and e.scenario == layout.scenario:
            amounts = dict(e.amounts)
    for c, value in enumerate(("envelope", "Cost envelope (COGS, opex, capex)", "currency"), 1):
        style.readonly_cell(ws, row, c, value)
    for i, period in enumerate(layout.periods):
        style.readonly_cell(ws, row, first + i, amounts.get(period, Decimal(0)), style.MONEY)


def _goals(ws: Worksheet, layout: TeamLayout, goals: tuple[Goal, ...]) -> None:
    row = layout.goals_header_row
    style.section(ws, row - 1, "Goals")
    labels = ["Goal", "Description", "Metric", "Target", "Direction", "Due", "Owner", "Team"]
    style.header(ws, row, labels)
    for r, g in enumerate(goals, start=row + 1):
        values = (g.id, g.description, g.metric, g.target, g.direction, g.due, g.owner)
        for c, value in enumerate((*values, g.team or "company"), start=1):
            style.readonly_cell(ws, r, c, value)


def accounts_sheet(wb: Workbook, layout: TeamLayout) -> None:
    """The chart of accounts; the first block is the Budget sheet's account list."""
    ws = wb.create_sheet(ACCOUNTS)
    style.title(
        ws,
        "Chart of accounts",
        "Budget lines use the first block; the Headcount sheet computes the second. Read-only.",
    )
    style.header(ws, layout.accounts_header_row, ["Account", "Name", "Type", "Unit", "P&L line"])
    budget = layout.budget_accounts
    driven = [a for a in layout.plan.accounts if a not in budget]
    row = layout.accounts_header_row + 1
    for account in (*budget, *driven):
        values = (
            account.id,
            account.name,
            account.type.value,
            account.unit.value,
            account.pnl_line or "",
        )
        for c, value in enumerate(values, start=1):
            style.readonly_cell(ws, row, c, value)
        row += 1
    first = layout.accounts_header_row + 1
    define(wb, "BudgetAccounts", ACCOUNTS, f"$A${first}:$A${first + len(budget) - 1}")
    define(wb, "AccountIds", ACCOUNTS, f"$A${first}:$A${row - 1}")
    define(wb, "AccountNames", ACCOUNTS, f"$B${first}:$B${row - 1}")
    style.widths(ws, {1: 24, 2: 34, 3: 12, 4: 12, 5: 24})
    ws.freeze_panes = ws.cell(row=first, column=1)
    style.protect(ws)
    style.print_setup(
        ws, title_rows=f"{layout.accounts_header_row}:{layout.accounts_header_row}", landscape=False
    )
