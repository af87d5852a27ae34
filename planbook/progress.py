"""Progress to each goal: the goal's metric in the actuals (months closed so far) against
its planned trajectory (the plan scenario's value in the same months) and its milestones.

Each month up to ``as_of`` (by default the last month with actuals) is one ``month`` row:
``planned`` is the plan scenario's value of the goal's metric that month, ``actual`` the
actuals scenario's, ``variance`` actual - planned, and the status ``ahead``, ``on plan`` or
``behind`` (for an ``at_most`` goal, below the plan is ahead). Each milestone and the goal
itself is a ``milestone`` or ``goal`` row at its due month with its ``target``: closed
(due by ``as_of``) it is ``met`` or ``missed`` on the actual; otherwise ``open``, with the
plan's value. Values are read as :mod:`planbook.goals` reads them (KPIs at monthly grain,
accounts for the goal's team); ``not defined`` where the metric has no value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from planbook.engine import scenario_view
from planbook.forecast import check_as_of, last_actual_month
from planbook.goals import chosen_goals, metric_values
from planbook.model import Goal, Plan

__all__ = ["PROGRESS_COLUMNS", "goal_progress"]

PROGRESS_COLUMNS = (
    "goal",
    "metric",
    "direction",
    "checkpoint",
    "period",
    "target",
    "planned",
    "actual",
    "variance",
    "status",
)
"""Columns of :func:`goal_progress`; ``checkpoint`` is ``month``, ``milestone`` or
``goal``; ``target``, ``planned``, ``actual`` and ``variance`` are floats (``NaN`` where
none)."""


def goal_progress(
    plan: Plan,
    facts: pd.DataFrame,
    *,
    plan_scenario: str = "base",
    actual_scenario: str = "actuals",
    as_of: str | None = None,
    goals: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every goal's (or only ``goals``') actual-to-date against its planned trajectory and
    milestones, in goal then period order (a month's row before its milestone's)."""
    chosen = chosen_goals(plan, goals)
    if as_of is None:
        as_of = last_actual_month(plan, facts, scenario=actual_scenario)
    check_as_of(plan, as_of)
    closed = [p for p in plan.calendar.periods if p <= as_of]
    planned = _values(plan, facts, plan_scenario, chosen, closed)
    actual = _values(plan, facts, actual_scenario, chosen, closed)
    rows: list[tuple[object, ...]] = []
    for goal in chosen:
        checks = sorted([*((m.due, m.target, "milestone") for m in goal.milestones)])
        checks.append((goal.due, goal.target, "goal"))
        marks = [(p, None, "month") for p in closed]
        for period, target, kind in sorted(
            [*marks, *checks], key=lambda c: (c[0], c[2] != "month")
        ):
            key = (goal.metric, goal.team, period)
            plan_value = planned.get(key, math.nan)
            done = period <= as_of
            actual_value = actual.get(key, math.nan) if done else math.nan
            wanted = math.nan if target is None else float(target)
            status = _status(goal, kind, done, wanted, plan_value, actual_value)
            variance = actual_value - plan_value
            head = (goal.id, goal.metric, goal.direction, kind, period)
            rows.append((*head, wanted, plan_value, actual_value, variance, status))
    return pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS))


def _values(
    plan: Plan, facts: pd.DataFrame, scenario: str, goals: list[Goal], months: list[str]
) -> dict[tuple[str, str | None, str], float]:
    view = scenario_view(plan, facts, scenario)
    return metric_values(view.plan, view.facts, scenario, goals, months)


def _status(goal: Goal, kind: str, done: bool, target: float, planned: float, actual: float) -> str:
    if kind != "month" and not done:
        return "open"
    if math.isnan(actual) or (kind == "month" and math.isnan(planned)):
        return "not defined"
    if kind != "month":
        met = actual >= target if goal.direction == "at_least" else actual <= target
        return "met" if met else "missed"
    if math.isclose(actual, planned, rel_tol=1e-9, abs_tol=1e-9):
        return "on plan"
    better = actual > planned if goal.direction == "at_least" else actual < planned
    return "ahead" if better else "behind"
