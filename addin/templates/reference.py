"""The read-only sheets of a team template: Instructions, Assumptions and Accounts.

:func:`reference_blocks` says what the Assumptions sheet's refreshable cells hold (the
assumptions' and the envelope's months, the goals); the template writes them and the Pull
plan button rewrites them in an open workbook, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.styles import Alignment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from addin.templates import style
from addin.templates.layout import (
    ACCOUNTS,
    ASSUMPTIONS,
    GOAL_COLUMNS,
    GOAL_ROWS,
    INSTRUCTIONS,
    SUMMARY,
    TeamLayout,
    col,
)
from addin.templates.summary import summary_rows
from planbook.model import Goal, Plan


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
            fmt = style.MONEY_WHOLE
        style.formula_cell(ws, r, 2, formula, fmt)
        ws.cell(row=r, column=2).alignment = Alignment(horizontal="left")


def assumptions_sheet(wb: Workbook, layout: TeamLayout) -> None:
    """Company assumptions by month, the team's envelope, and the goals that concern it."""
    ws = wb.create_sheet(ASSUMPTIONS)
    plan, first = layout.plan, layout.assumptions_first_column
    style.title(ws, "Company assumptions, envelope and goals", "Set by finance; read-only.")
    style.header(ws, layout.assumptions_header_row, ["Assumption", "Name", "Unit", *layout.periods])
    for a in plan.assumptions:
        for c, value in enumerate((a.id, a.name, a.unit.value), start=1):
            style.readonly_cell(ws, layout.assumption_row(a.id), c, value)
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
    style.section(ws, layout.goals_header_row - 1, "Goals")
    style.header(ws, layout.goals_header_row, list(GOAL_COLUMNS))
    _refreshable(ws, layout)
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
    row = layout.envelope_row
    style.section(ws, row - 2, f"Budget envelope: {layout.team.name}, scenario {layout.scenario}")
    style.header(ws, row - 1, ["Envelope", "", "", *layout.periods])
    for c, value in enumerate(("envelope", "Cost envelope (COGS, opex, capex)", "currency"), 1):
        style.readonly_cell(ws, row, c, value)


def _refreshable(ws: Worksheet, layout: TeamLayout) -> None:
    """The reference blocks: grey, unlocked for the Pull plan button, typing refused."""
    refuse = style.refuse_typing(*style.SET_BY_FINANCE)
    for block in reference_blocks(layout):
        for row, column, value in block.cells():
            style.refreshable_cell(ws, row, column, value, block.number_format)
        refuse.add(block.ref)
    ws.add_data_validation(refuse)


@dataclass(frozen=True, kw_only=True)
class Block:
    """A rectangle of reference values: its top-left cell (1-based) and its rows.

    A value is a Decimal, str or None (None clears the cell)."""

    row: int
    column: int
    values: list[list[object]]
    number_format: str = "General"
    """How the template formats the block's cells (a pull need not touch formats)."""

    @property
    def ref(self) -> str:
        """The block's range in A1 notation, e.g. ``D5:O5``."""
        bottom = self.row + len(self.values) - 1
        right = self.column + len(self.values[0]) - 1
        return f"{col(self.column)}{self.row}:{col(right)}{bottom}"

    def cells(self) -> Iterator[tuple[int, int, object]]:
        """(row, column, value) of every cell, row by row."""
        for r, values in enumerate(self.values, start=self.row):
            for c, value in enumerate(values, start=self.column):
                yield r, c, value


def reference_blocks(layout: TeamLayout) -> list[Block]:
    """The Assumptions sheet's refreshable values, as the plan has them now: each assumption's
    months (None where the plan has no value), the team's envelope months (0 where none) and
    the goals block (:data:`GOAL_ROWS` rows of :data:`GOAL_COLUMNS`, padded with None so that
    a pull clears the rows of goals that were removed).

    The template writes exactly these cells, unlocked; the Pull plan button writes them into an
    open workbook. Ids, names and units are not here: they are the layout (its fingerprint
    covers the assumption ids), and a workbook of another layout is pulled afresh."""
    plan, periods, first = layout.plan, layout.periods, layout.assumptions_first_column
    blocks = [
        Block(
            row=layout.assumption_row(a.id),
            column=first,
            values=[[a.values.get(p) for p in periods]],
            number_format=style.UNIT_FORMATS[a.unit.value],
        )
        for a in plan.assumptions
    ]
    amounts = next(
        (
            e.amounts
            for e in plan.envelopes
            if e.team == layout.team.id and e.scenario == layout.scenario
        ),
        {},
    )
    envelope: list[list[object]] = [[amounts.get(p, Decimal(0)) for p in periods]]
    blocks.append(
        Block(row=layout.envelope_row, column=first, values=envelope, number_format=style.MONEY)
    )
    goals = goals_for(plan, layout.team.id)
    blocks.append(Block(row=layout.goals_header_row + 1, column=1, values=_goal_rows(goals)))
    return blocks


def goals_for(plan: Plan, team_id: str) -> tuple[Goal, ...]:
    """The goals that concern a team: the company's (no team), the team's and its
    department's, in plan order."""
    department = plan.team(team_id).department
    return tuple(g for g in plan.goals if g.team in (None, team_id, department))


def _goal_rows(goals: tuple[Goal, ...]) -> list[list[object]]:
    """:data:`GOAL_ROWS` rows: one per goal, then empty rows; when there are more goals, the
    last row says how many more."""
    rows: list[list[object]] = [
        [g.id, g.description, g.metric, g.target, g.direction, g.due, g.owner, g.team or "company"]
        for g in goals
    ]
    if len(rows) > GOAL_ROWS:
        more = len(rows) - GOAL_ROWS + 1  # at least 2: the last row replaces a goal
        rows = [*rows[: GOAL_ROWS - 1], [f"... and {more} more goals: see the plan"]]
    width = len(GOAL_COLUMNS)
    return [row + [None] * (width - len(row)) for row in rows] + [
        [None] * width for _ in range(GOAL_ROWS - len(rows))
    ]


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
