"""Hiring delays: a scenario's hires of a team started some months later.

A :class:`~planbook.model.HiringDelay` picks hires on a team's (or a department's)
headcount lines, the first ``count`` of them in month order (teams in plan order, lines in
name order within a month), and starts each ``months`` later. A moved hire of ``k`` heads
hired in month ``h`` on line ``L``:

- its ``hires`` fact moves from ``h`` to ``h + months`` (out of the plan if that is past its
  last month);
- ``headcount`` on ``L`` falls by ``k`` in the months ``h`` to ``h + months - 1``;
- every currency fact on ``L`` in those months (the line's salaries, payroll taxes and
  benefits) is scaled by the heads left over the heads planned, rounded to the cent (half
  away from zero): the line's average cost per head stays as planned.

So the driver model sees fewer heads and a later hire: ramped quota capacity falls, and with
it new ARR where capacity binds (docs/engine.md). Only facts of the selected team and line
change, and no fact key is created but a moved hire's.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from planbook.calendar import FiscalCalendar
from planbook.errors import PlanValidationError, Problem
from planbook.facts import canonical_dtypes, facts_from_records, normalize
from planbook.frames import concat_facts
from planbook.model import HiringDelay, Plan, Unit

__all__ = ["delay_hires", "hiring_problems"]

HEADS = "headcount"
HIRES = "hires"


def delay_hires(
    plan: Plan, facts: pd.DataFrame, delays: Sequence[HiringDelay], *, scenario: str
) -> pd.DataFrame:
    """The facts of ``scenario`` with each delay applied in order (other scenarios' facts
    are left as they are)."""
    if not delays:
        return facts
    problems = hiring_problems(plan, delays)
    if problems:
        raise PlanValidationError(problems, subject=f"scenario {scenario!r}")
    facts = canonical_dtypes(facts)
    for delay in delays:
        teams = _teams(plan, delay.team)
        touched = (facts["scenario"] == scenario) & facts["team"].isin(teams)
        changed = _delay(plan, facts[touched], delay, teams)
        facts = concat_facts([facts[~touched], changed])
    return normalize(facts)


def hiring_problems(plan: Plan, delays: Sequence[HiringDelay]) -> list[Problem]:
    """Delays of unknown teams or departments, lines no team of theirs plans heads on, or
    periods that are not a month, quarter, half or year of the plan (each named)."""
    calendar = plan.calendar
    periods = {
        label
        for p in calendar.periods
        for label in (p, calendar.quarter(p), calendar.half(p), calendar.fiscal_year(p))
    }
    problems = []
    for i, delay in enumerate(delays):
        if not _teams(plan, delay.team):
            msg = f"{delay.team!r} is neither a team nor a department of plan {plan.id!r}"
            problems.append(Problem((i, "team"), msg))
        if delay.period is not None and delay.period not in periods:
            msg = f"{delay.period!r} is not a month or fiscal quarter, half or year of the plan"
            problems.append(Problem((i, "period"), msg))
        if delay.count is not None and delay.count != delay.count.to_integral_value():
            problems.append(Problem((i, "count"), f"{delay.count} is not a whole number of hires"))
    return problems


def _teams(plan: Plan, team: str) -> list[str]:
    ids = [t.id for t in plan.teams]
    return [team] if team in ids else [t.id for t in plan.teams if t.department == team]


def _delay(plan: Plan, rows: pd.DataFrame, delay: HiringDelay, teams: list[str]) -> pd.DataFrame:
    """One delay on the facts of the selected teams (one scenario)."""
    calendar = plan.calendar
    periods = list(calendar.periods)
    index = {p: i for i, p in enumerate(periods)}
    units = {a.id: a.unit for a in plan.accounts}
    amounts: dict[tuple[str, str, str, str, str], Decimal] = {
        (str(r.scenario), str(r.team), str(r.account), str(r.line), str(r.period)): Decimal(
            str(r.amount)
        )
        for r in rows.itertuples(index=False)
    }
    wanted = set(periods) if delay.period is None else set(_months(calendar, delay.period))
    order = {t: i for i, t in enumerate(teams)}
    hires = sorted(
        (index[k[4]], order[k[1]], k[3], k)
        for k, v in amounts.items()
        if k[2] == HIRES
        and v > 0
        and k[4] in wanted
        and k[4] in index
        and (delay.line is None or k[3] == delay.line)
    )
    costs: dict[tuple[str, str, str], list[tuple[str, str, str, str, str]]] = {}
    for k in amounts:  # the currency facts of each (team, line, month): per-head costs
        if units.get(k[2]) is Unit.CURRENCY:
            costs.setdefault((k[1], k[3], k[4]), []).append(k)
    if not hires:
        where = (f" on line {delay.line!r}" if delay.line else "") + (
            f" in {delay.period}" if delay.period else ""
        )
        msg = f"{delay.team!r} hires no one{where} in this scenario: there is no hire to delay"
        raise PlanValidationError([Problem(("hiring", "team"), msg)], subject="hiring delay")
    left = delay.count
    for h, _, line, key in hires:
        if left is not None and left <= 0:
            break
        moved = amounts[key] if left is None else min(amounts[key], left)
        left = None if left is None else left - moved
        amounts[key] -= moved
        if h + delay.months < len(periods) and moved:
            later = (key[0], key[1], key[2], key[3], periods[h + delay.months])
            amounts[later] = amounts.get(later, Decimal(0)) + moved
        for m in periods[h : h + delay.months]:
            heads = (key[0], key[1], HEADS, line, m)
            before = amounts.get(heads, Decimal(0))
            after = max(before - moved, Decimal(0))
            if heads in amounts:
                amounts[heads] = after
            for k in costs.get((key[1], line, m), ()):
                if before > 0:
                    cost = amounts[k] * after / before
                    amounts[k] = cost.quantize(Decimal("0.01"), ROUND_HALF_UP)
    columns = ("scenario", "team", "account", "line", "period")
    records = [dict(zip(columns, k, strict=True)) | {"amount": v} for k, v in amounts.items()]
    return facts_from_records(records) if records else rows.iloc[:0]


def _months(calendar: FiscalCalendar, period: str) -> list[str]:
    return [
        p
        for p in calendar.periods
        if period in (p, calendar.quarter(p), calendar.half(p), calendar.fiscal_year(p))
    ]
