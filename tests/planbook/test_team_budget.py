"""What a team's budget workbook computes (the template's cached values), from the core."""

from __future__ import annotations

from decimal import Decimal

from planbook.headcount import loaded_monthly_cost
from planbook.team_budget import BudgetRow, PositionRow, team_budget


def test_team_budget_adds_up_what_the_sheets_compute(demo):
    plan = demo.plan
    first, third = plan.calendar.periods[0], plan.calendar.periods[2]
    salary = Decimal("98000")
    budget = team_budget(
        plan,
        team="sales-na",
        scenario="base",
        positions=[
            PositionRow(role="AE", start="", annual_salary=salary),
            PositionRow(role="SDR", start=third, annual_salary=salary),
            PositionRow(role="", start="", annual_salary=salary),  # no role: not a person
        ],
        rows=[
            BudgetRow(account="travel", amounts={first: Decimal("100.50")}),
            BudgetRow(account="travel", amounts={first: Decimal("9.50")}),
            BudgetRow(account="new-customers", amounts={first: Decimal("4")}),  # not a cost
        ],
    )
    cost = loaded_monthly_cost(plan, annual_salary=salary, period=first)
    assert budget.position_costs[0][0] == cost
    assert budget.position_costs[1][:2] == (Decimal(0), Decimal(0))
    assert budget.position_costs[2] == (0,) * len(plan.calendar.periods)
    assert budget.heads[:3] == (1, 1, 2)
    assert budget.by_account["travel"][0] == Decimal("110.00")
    assert budget.personnel[0] == cost
    assert budget.request[0] == cost + Decimal("110.00")
    envelope = next(e for e in plan.envelopes if e.team == "sales-na").amounts[first]
    assert budget.envelope[0] == envelope and budget.remaining[0] == envelope - budget.request[0]
