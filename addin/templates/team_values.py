"""What every formula of a team template shows, cell by cell: the core's numbers
(:func:`planbook.team_budget.team_budget`) placed where the template's formulas sit, to be
written as their cached values (:mod:`addin.templates.cached`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from addin.templates.cached import SheetValues
from addin.templates.layout import BUDGET, HEADCOUNT, INSTRUCTIONS, SUMMARY, TeamLayout, col
from addin.templates.reference import GLANCE, GLANCE_ROW
from addin.templates.summary import PERSONNEL, summary_columns, summary_lines, summary_rows
from planbook.team_budget import BudgetRow, PositionRow, TeamBudget, team_budget

ZERO = Decimal(0)
Line = tuple[str, str, dict[str, Decimal]]
"""(account, line, amounts by month) of one Budget row."""
Person = tuple[str, str, str, str, Decimal]
"""(position, role, level, start month, annual salary) of one Headcount row."""


def team_values(layout: TeamLayout, people: Sequence[Person], lines: Sequence[Line]) -> SheetValues:
    """The cached value of every formula cell of the team template of ``layout`` with
    ``people`` on its Headcount sheet and ``lines`` on its Budget sheet."""
    budget = team_budget(
        layout.plan,
        team=layout.team.id,
        scenario=layout.scenario,
        positions=[PositionRow(role=p[1], start=p[3], annual_salary=p[4]) for p in people],
        rows=[BudgetRow(account=a, amounts=amounts) for a, _, amounts in lines],
    )
    summary = _summary(layout, budget)
    return {
        HEADCOUNT: _headcount(layout, budget),
        BUDGET: _budget(layout, lines),
        SUMMARY: summary,
        INSTRUCTIONS: _glance(layout, summary),
    }


def _row(values: dict[str, object], row: int, first: int, numbers: Sequence[object]) -> None:
    for i, value in enumerate(numbers):
        values[f"{col(first + i)}{row}"] = value


def _headcount(layout: TeamLayout, budget: TeamBudget) -> dict[str, object]:
    values: dict[str, object] = {}
    first, n = layout.headcount_first_column, len(layout.periods)
    _row(values, layout.headcount_period_row, first, layout.periods)
    drivers = ("salary_inflation", "payroll_tax_rate", "benefits_per_head")
    for row, driver in zip(layout.headcount_driver_rows, drivers, strict=True):
        assumption = layout.plan.assumption(driver).values
        _row(values, row, first, [assumption.get(p, ZERO) for p in layout.periods])
    empty = (ZERO,) * n
    for k, row in enumerate(range(layout.headcount_first_row, layout.headcount_last_row + 1)):
        costs = budget.position_costs[k] if k < len(budget.position_costs) else empty
        _row(values, row, first, [*costs, sum(costs, ZERO)])
    _row(values, layout.headcount_total_row, first, [*budget.personnel, sum(budget.personnel)])
    _row(values, layout.headcount_heads_row, first, budget.heads)
    return values


def _budget(layout: TeamLayout, lines: Sequence[Line]) -> dict[str, object]:
    values: dict[str, object] = {}
    names = {a.id: a.name for a in layout.plan.accounts}
    first, n = layout.budget_first_column, len(layout.periods)
    totals = [ZERO] * n
    for k, row in enumerate(range(layout.budget_first_row, layout.budget_last_row + 1)):
        account, amounts = (lines[k][0], lines[k][2]) if k < len(lines) else ("", {})
        name = names.get(account, "not in the chart of accounts") if account else ""
        values[f"B{row}"] = name
        months = [amounts.get(p, ZERO) for p in layout.periods]
        totals = [t + m for t, m in zip(totals, months, strict=True)]
        values[f"{col(first + n)}{row}"] = sum(months, ZERO)
    _row(values, layout.budget_last_row + 1, first, [*totals, sum(totals, ZERO)])
    return values


def _summary(layout: TeamLayout, budget: TeamBudget) -> dict[str, object]:
    rows = summary_rows(layout)
    by_key: dict[str, Sequence[Decimal | int]] = {
        PERSONNEL: budget.personnel,
        "request": budget.request,
        "envelope": budget.envelope,
        "remaining": budget.remaining,
        "heads": budget.heads,
    }
    for account in layout.summary_accounts:
        by_key[account.id] = budget.by_account[account.id]
    for line in summary_lines(layout):
        if line.subtotal:
            parts = [by_key[k] for k in line.keys]
            by_key[line.key] = [sum((p[i] for p in parts), ZERO) for i in range(len(parts[0]))]
    values: dict[str, object] = {}
    first = layout.summary_first_column
    for j, (_, months) in enumerate(summary_columns(layout)):
        for key, numbers in by_key.items():
            if key == "heads":
                value: object = numbers[months[-1]]
            else:
                value = sum((numbers[i] for i in months), ZERO)
            values[f"{col(first + j)}{rows[key]}"] = value
    return values


def _glance(layout: TeamLayout, summary: dict[str, object]) -> dict[str, object]:
    rows = summary_rows(layout)
    first, n = layout.summary_first_column, len(layout.periods)
    values: dict[str, object] = {}
    for r, (key, _) in enumerate(GLANCE, start=GLANCE_ROW + 1):
        cells = [summary[f"{col(first + i)}{rows[key]}"] for i in range(n)]
        if key == "heads":
            values[f"B{r}"] = cells[-1]
        else:
            values[f"B{r}"] = sum((Decimal(str(c)) for c in cells), ZERO)
    return values
