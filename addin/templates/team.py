"""The team budget template: headcount plan, spend lines and a summary in native formulas.

``team_template(plan, team_id, ...)`` builds the workbook in memory (openpyxl); with
``facts`` and ``positions`` it comes pre-filled (what ``planbook pull --out`` writes).
The Headcount sheet's formulas compute exactly what :mod:`planbook.headcount` computes:
``ROUND(salary*(1+uplift)/12, 2)`` + ``ROUND(that*tax_rate, 2)`` + benefits per head.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pandas as pd
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from addin.metadata import TEAM_KIND, TEMPLATE_VERSION, Metadata, check_version, write_metadata
from addin.templates import style
from addin.templates.cached import remember
from addin.templates.layout import (
    BLANK_LINES,
    BLANK_PEOPLE,
    BUDGET,
    BUDGET_COLUMNS,
    HEADCOUNT,
    HEADCOUNT_COLUMNS,
    TeamLayout,
    col,
    headcount_driven,
    rows_with_room,
)
from addin.templates.reference import accounts_sheet, assumptions_sheet, define, instructions_sheet
from addin.templates.settings_sheet import settings_sheet
from addin.templates.summary import summary_sheet
from addin.templates.team_values import Person, team_values
from planbook.errors import PlanbookError
from planbook.headcount import HeadcountAccounts
from planbook.model import Plan, Team


def team_template(
    plan: Plan,
    team_id: str,
    *,
    scenario: str = "base",
    version: str = "",
    facts: pd.DataFrame | None = None,
    positions: pd.DataFrame | None = None,
    headcount_rows: int = BLANK_PEOPLE,
    budget_rows: int = BLANK_LINES,
) -> Workbook:
    """The budget template of one team, blank or filled with its facts and positions.

    It has at least ``headcount_rows`` position rows and ``budget_rows`` spend lines, and
    room to grow beyond the positions (or the heads its facts plan) and the lines it holds
    (:func:`~addin.templates.layout.rows_with_room`)."""
    team = _team(plan, team_id)
    check_version(version)
    if scenario not in {s.id for s in plan.scenarios}:
        raise PlanbookError(
            f"unknown scenario {scenario!r}; the plan has {', '.join(s.id for s in plan.scenarios)}"
        )
    lines = _budget_lines(plan, facts, team_id, scenario)
    people = _positions(positions, team_id, scenario)
    heads = max(len(people), _heads(facts, team_id, scenario))
    layout = TeamLayout(
        plan,
        team,
        scenario,
        headcount_rows=rows_with_room(heads, headcount_rows),
        budget_rows=rows_with_room(len(lines), budget_rows),
    )
    wb = Workbook()
    instructions_sheet(wb, layout, version)
    assumptions_sheet(wb, layout)
    headcount_sheet(wb, layout, people)
    budget_sheet(wb, layout, lines)
    summary_sheet(wb, layout)
    accounts_sheet(wb, layout)
    settings_sheet(wb, plan.id)
    write_metadata(wb, team_metadata(layout, version))
    remember(wb, team_values(layout, people, lines))
    wb.properties.creator = "Planbook"
    wb.properties.title = f"{team.name}: budget request ({plan.name}, {scenario})"
    return wb


def team_metadata(layout: TeamLayout, version: str) -> Metadata:
    """The metadata a team template carries."""
    return Metadata(
        kind=TEAM_KIND,
        template_version=TEMPLATE_VERSION,
        plan=layout.plan.id,
        plan_name=layout.plan.name,
        layout=f"{layout.fingerprint()};{layout.headcount_rows};{layout.budget_rows}",
        base_version=version,
        team=layout.team.id,
        scenario=layout.scenario,
    )


def _team(plan: Plan, team_id: str) -> Team:
    try:
        return plan.team(team_id)
    except KeyError:
        raise PlanbookError(
            f"unknown team {team_id!r}; the plan has {', '.join(t.id for t in plan.teams)}"
        ) from None


def _budget_lines(
    plan: Plan, facts: pd.DataFrame | None, team: str, scenario: str
) -> list[tuple[str, str, dict[str, Decimal]]]:
    """(account, line, amounts by month) of the team's spend lines, in chart order."""
    if facts is None:
        return []
    mine = facts[(facts["team"] == team) & (facts["scenario"] == scenario)]
    mine = mine[~mine["account"].isin(headcount_driven())]
    order = {a.id: i for i, a in enumerate(plan.accounts)}
    lines: dict[tuple[str, str], dict[str, Decimal]] = {}
    for account, line, period, amount in zip(
        mine["account"], mine["line"], mine["period"], mine["amount"], strict=True
    ):
        lines.setdefault((str(account), str(line)), {})[str(period)] = Decimal(amount)
    keys = sorted(lines, key=lambda k: (order.get(k[0], len(order)), k[1]))
    return [(a, line, lines[(a, line)]) for a, line in keys]


def _heads(facts: pd.DataFrame | None, team: str, scenario: str) -> int:
    """The most heads on payroll the team's facts plan in any month (0 without facts)."""
    if facts is None or facts.empty:
        return 0
    heads = HeadcountAccounts().heads
    mine = facts[
        (facts["team"] == team) & (facts["scenario"] == scenario) & (facts["account"] == heads)
    ]
    if mine.empty:
        return 0
    return int(mine.groupby("period", observed=True)["amount"].sum().map(Decimal).max())


def _positions(positions: pd.DataFrame | None, team: str, scenario: str) -> list[Person]:
    if positions is None:
        return []
    mine = positions[(positions["team"] == team) & (positions["scenario"] == scenario)]
    columns = ["position", "role", "level", "start", "annual_salary"]
    people = []
    for n, (position, role, level, start, salary) in enumerate(
        mine[columns].itertuples(index=False), start=1
    ):
        try:
            amount = Decimal(str(salary).strip())
        except InvalidOperation:
            raise PlanbookError(
                f"positions, row {n} of team {team}: annual_salary {salary!r} is not a number"
            ) from None
        people.append((_text(position), _text(role), _text(level), _text(start), amount))
    return people


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def headcount_sheet(wb: Workbook, layout: TeamLayout, people: list[Person]) -> None:
    """Drivers from the assumptions, one input row per position, loaded cost by month."""
    ws = wb.create_sheet(HEADCOUNT)
    style.title(
        ws,
        "Headcount plan",
        "One row per person. Leave Start month empty for people "
        "already on the payroll. Loaded cost = salary + payroll tax + benefits.",
    )
    _drivers(ws, layout)
    first, n = layout.headcount_first_column, len(layout.periods)
    style.header(ws, layout.headcount_header_row, [*HEADCOUNT_COLUMNS, *layout.periods, "Total"])
    formats = (style.TEXT, style.TEXT, style.TEXT, style.TEXT, style.MONEY)
    for r in range(layout.headcount_first_row, layout.headcount_last_row + 1):
        for c, fmt in enumerate(formats, start=1):
            style.input_cell(ws, r, c, fmt)
        for i in range(n):
            style.formula_cell(ws, r, first + i, loaded_cost_formula(layout, r, first + i))
        style.formula_cell(ws, r, first + n, f"=SUM({col(first)}{r}:{col(first + n - 1)}{r})")
    for r, person in enumerate(people, start=layout.headcount_first_row):
        for c, value in enumerate(person, start=1):
            style.literal(ws.cell(row=r, column=c, value=value if value != "" else None))
    _headcount_totals(ws, layout)
    _headcount_validations(ws, layout)
    style.widths(ws, {1: 16, 2: 26, 3: 8, 4: 11, 5: 14} | {first + i: 12 for i in range(n + 1)})
    ws.freeze_panes = ws.cell(row=layout.headcount_first_row, column=first)
    style.protect(ws)
    style.print_setup(
        ws,
        title_rows=f"{layout.headcount_header_row}:{layout.headcount_header_row}",
        months=len(layout.periods),
        title_columns="A:E",
    )
    last = layout.headcount_last_row
    define(wb, "HeadcountInputs", HEADCOUNT, f"$A${layout.headcount_first_row}:$E${last}")


def _drivers(ws: Worksheet, layout: TeamLayout) -> None:
    first, row = layout.headcount_first_column, layout.headcount_period_row
    ws.cell(row=row, column=1, value="Month").font = style.TOTAL_FONT
    for i in range(len(layout.periods)):
        style.formula_cell(ws, row, first + i, f"=INDEX(Periods,1,{i + 1})", "General")
    labels = ("Salary uplift", "Payroll tax rate", "Benefits per head")
    ids = ("salary_inflation", "payroll_tax_rate", "benefits_per_head")
    formats = (style.PERCENT, style.PERCENT, style.MONEY)
    for r, label, aid, fmt in zip(layout.headcount_driver_rows, labels, ids, formats, strict=True):
        ws.cell(row=r, column=1, value=label).font = style.TOTAL_FONT
        source = layout.assumption_row(aid)
        for i in range(len(layout.periods)):
            ref = f"=Assumptions!{col(layout.assumptions_first_column + i)}{source}"
            style.formula_cell(ws, r, first + i, ref, fmt)


def loaded_cost_formula(layout: TeamLayout, row: int, column: int) -> str:
    """One position's loaded cost in one month, exactly as :mod:`planbook.headcount`."""
    m = col(column)
    uplift, tax, benefits = (f"{m}${r}" for r in layout.headcount_driver_rows)
    period = f"{m}${layout.headcount_period_row}"
    salary = f"ROUND($E{row}*(1+{uplift})/12,2)"
    return (
        f'=IF(OR($B{row}="",$E{row}=""),0,IF(OR($D{row}="",$D{row}<={period}),'
        f"{salary}+ROUND({salary}*{tax},2)+{benefits},0))"
    )


def _headcount_totals(ws: Worksheet, layout: TeamLayout) -> None:
    first, n = layout.headcount_first_column, len(layout.periods)
    top, bottom = layout.headcount_first_row, layout.headcount_last_row
    total, heads = layout.headcount_total_row, layout.headcount_heads_row
    ws.cell(row=total, column=1, value="Total loaded cost")
    ws.cell(row=heads, column=1, value="Heads on payroll")
    for i in range(n + 1):
        c = col(first + i)
        style.formula_cell(ws, total, first + i, f"=SUM({c}{top}:{c}{bottom})")
        if i < n:
            on_payroll = (
                f'=SUMPRODUCT(($B${top}:$B${bottom}<>"")*($E${top}:$E${bottom}<>"")*'
                f'((($D${top}:$D${bottom}="")+($D${top}:$D${bottom}<={c}${layout.headcount_period_row}))>0))'
            )
            style.formula_cell(ws, heads, first + i, on_payroll, style.COUNT)
    style.total_style(ws, total, 1, first + n)
    style.total_style(ws, heads, 1, first + n - 1)


def _headcount_validations(ws: Worksheet, layout: TeamLayout) -> None:
    top, bottom = layout.headcount_first_row, layout.headcount_last_row
    start = style.validation(
        "list",
        title="Start month",
        message="Pick a month of the plan, or leave empty for people already on the payroll.",
        formula1="Periods",
        allow_blank=True,
    )
    start.add(f"D{top}:D{bottom}")
    salary = style.validation(
        "decimal",
        title="Annual salary",
        message="Enter the annual base salary in plan currency (a number, 0 or more), e.g. 98000.",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
    )
    salary.add(f"E{top}:E{bottom}")
    ws.add_data_validation(start)
    ws.add_data_validation(salary)


def budget_sheet(
    wb: Workbook, layout: TeamLayout, lines: list[tuple[str, str, dict[str, Decimal]]]
) -> None:
    """One input row per spend line: account (from the list), line label, amount by month."""
    ws = wb.create_sheet(BUDGET)
    style.title(
        ws,
        "Budget lines",
        "One row per spend line: pick the account, name the line, "
        "enter an amount per month in plan currency.",
    )
    first, n = layout.budget_first_column, len(layout.periods)
    style.header(ws, layout.budget_header_row, [*BUDGET_COLUMNS, *layout.periods, "Total"])
    for r in range(layout.budget_first_row, layout.budget_last_row + 1):
        style.input_cell(ws, r, 1, style.TEXT)
        name = (
            f'=IF($A{r}="","",IFERROR(INDEX(AccountNames,MATCH($A{r},AccountIds,0)),'
            f'"not in the chart of accounts"))'
        )
        style.formula_cell(ws, r, 2, name, "General")
        style.input_cell(ws, r, 3, style.TEXT)
        for i in range(n):
            style.input_cell(ws, r, first + i, style.MONEY)
        style.formula_cell(ws, r, first + n, f"=SUM({col(first)}{r}:{col(first + n - 1)}{r})")
    for r, (account, line, amounts) in enumerate(lines, start=layout.budget_first_row):
        ws.cell(row=r, column=1, value=account)
        style.literal(ws.cell(row=r, column=3, value=line or None))
        for i, period in enumerate(layout.periods):
            ws.cell(row=r, column=first + i, value=amounts.get(period))
    _budget_totals(ws, layout)
    _budget_validations(ws, layout)
    style.widths(ws, {1: 22, 2: 28, 3: 22} | {first + i: 12 for i in range(n + 1)})
    ws.freeze_panes = ws.cell(row=layout.budget_first_row, column=first)
    style.protect(ws)
    style.print_setup(
        ws,
        title_rows=f"{layout.budget_header_row}:{layout.budget_header_row}",
        months=len(layout.periods),
        title_columns="A:C",
    )
    define(
        wb,
        "BudgetInputs",
        BUDGET,
        f"$A${layout.budget_first_row}:${col(first + n - 1)}${layout.budget_last_row}",
    )


def _budget_totals(ws: Worksheet, layout: TeamLayout) -> None:
    first, n = layout.budget_first_column, len(layout.periods)
    top, bottom = layout.budget_first_row, layout.budget_last_row
    row = bottom + 1
    ws.cell(row=row, column=1, value="Total")
    for i in range(n + 1):
        c = col(first + i)
        style.formula_cell(ws, row, first + i, f"=SUM({c}{top}:{c}{bottom})")
    style.total_style(ws, row, 1, first + n)


def _budget_validations(ws: Worksheet, layout: TeamLayout) -> None:
    top, bottom = layout.budget_first_row, layout.budget_last_row
    account = style.validation(
        "list",
        title="Account",
        message="Pick an account id from the list (the chart of accounts, Accounts sheet).",
        formula1="BudgetAccounts",
        allow_blank=True,
    )
    account.add(f"A{top}:A{bottom}")
    amount = style.validation(
        "decimal",
        title="Amount",
        message="Enter an amount in plan currency (a number), e.g. 1250.50.",
        operator="between",
        formula1="-1000000000000",
        formula2="1000000000000",
        allow_blank=True,
    )
    last = col(layout.budget_first_column + len(layout.periods) - 1)
    amount.add(f"{col(layout.budget_first_column)}{top}:{last}{bottom}")
    ws.add_data_validation(account)
    ws.add_data_validation(amount)
