"""What a team's budget workbook computes, month by month, from its typed-in rows.

The team template's formulas compute these numbers in Excel; the template generator writes
them as the formulas' cached values, so a workbook opened without recalculation (Protected
View, a mail preview) shows the same totals Excel will compute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from planbook.headcount import HeadcountAccounts, loaded_monthly_cost
from planbook.model import Plan

__all__ = ["BudgetRow", "PositionRow", "TeamBudget", "team_budget"]

ZERO = Decimal(0)


@dataclass(frozen=True)
class PositionRow:
    """One Headcount row as typed: ``role`` and ``annual_salary`` make it a person on the
    payroll from ``start`` (a month; empty: already on the payroll)."""

    role: str
    start: str
    annual_salary: Decimal | None


@dataclass(frozen=True)
class BudgetRow:
    """One Budget row as typed: an account and amounts by month."""

    account: str
    amounts: Mapping[str, Decimal]


@dataclass(frozen=True)
class TeamBudget:
    """A team's workbook numbers; every sequence runs over the plan's months."""

    position_costs: tuple[tuple[Decimal, ...], ...]
    """Loaded cost (salary + payroll tax + benefits) of each position row by month."""
    heads: tuple[int, ...]
    """Heads on payroll by month."""
    personnel: tuple[Decimal, ...]
    """Loaded cost of every position by month."""
    by_account: Mapping[str, tuple[Decimal, ...]]
    """The budget rows summed by account, for every account of the plan (zeros where none)."""
    request: tuple[Decimal, ...]
    """Personnel plus every other cost account: what the team asks for."""
    envelope: tuple[Decimal, ...]
    remaining: tuple[Decimal, ...]
    """Envelope minus request."""


def team_budget(
    plan: Plan,
    *,
    team: str,
    scenario: str,
    positions: Sequence[PositionRow],
    rows: Sequence[BudgetRow],
) -> TeamBudget:
    """The numbers a team's budget workbook shows for ``positions`` and budget ``rows``."""
    periods = plan.calendar.periods
    costs = tuple(tuple(_loaded(plan, p, period) for period in periods) for p in positions)
    heads = tuple(sum(1 for p in positions if _on_payroll(p, period)) for period in periods)
    personnel = tuple(sum((c[i] for c in costs), ZERO) for i in range(len(periods)))
    by_account = {a.id: [ZERO] * len(periods) for a in plan.accounts}
    for row in rows:
        if row.account in by_account:
            for i, period in enumerate(periods):
                by_account[row.account][i] += row.amounts.get(period, ZERO)
    driven = set(vars(HeadcountAccounts()).values())  # the positions' costs are personnel
    cost_accounts = [a.id for a in plan.accounts if a.type.is_cost and a.id not in driven]
    request = tuple(
        personnel[i] + sum((by_account[a][i] for a in cost_accounts), ZERO)
        for i in range(len(periods))
    )
    envelope = _envelope(plan, team=team, scenario=scenario)
    return TeamBudget(
        position_costs=costs,
        heads=heads,
        personnel=personnel,
        by_account={k: tuple(v) for k, v in by_account.items()},
        request=request,
        envelope=envelope,
        remaining=tuple(e - r for e, r in zip(envelope, request, strict=True)),
    )


def _on_payroll(position: PositionRow, period: str) -> bool:
    if not position.role or position.annual_salary is None:
        return False
    return not position.start or position.start <= period


def _loaded(plan: Plan, position: PositionRow, period: str) -> Decimal:
    if position.annual_salary is None or not _on_payroll(position, period):
        return ZERO
    return loaded_monthly_cost(plan, annual_salary=position.annual_salary, period=period)


def _envelope(plan: Plan, *, team: str, scenario: str) -> tuple[Decimal, ...]:
    amounts = next(
        (e.amounts for e in plan.envelopes if e.team == team and e.scenario == scenario), {}
    )
    return tuple(amounts.get(p, ZERO) for p in plan.calendar.periods)
