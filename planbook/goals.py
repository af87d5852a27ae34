"""Goal attainment: each goal and milestone against a scenario's projection.

A goal (or one of its milestones) is checked at its due month: the projected value is the
goal's metric that month in the scenario as :func:`planbook.engine.scenario_view` resolves
it (its overrides applied and its bookings driven). A KPI is read at monthly grain
(``docs/kpis.md``); an account is the company's, or the goal's team's or department's:
a balance (``period_rollup`` ``last``) at the due month, a flow added up from the plan's
start through the due month. The gap is projected - target; ``met`` when the projection is
at least the target (``at_most`` goals: at most), ``missed`` otherwise, ``not defined``
when the metric has no value that month (ACV in a month without new customers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from planbook.consolidate import consolidate
from planbook.engine import scenario_view
from planbook.errors import PlanValidationError, Problem
from planbook.kpis import KPI_METRICS, kpis
from planbook.model import Goal, Plan

__all__ = ["GOAL_COLUMNS", "chosen_goals", "goal_attainment", "metric_values"]

GOAL_COLUMNS = (
    "goal",
    "scenario",
    "checkpoint",
    "due",
    "metric",
    "direction",
    "target",
    "projected",
    "gap",
    "status",
)
"""Columns of :func:`goal_attainment`: ``checkpoint`` is ``goal`` or ``milestone``;
``target``, ``projected`` and ``gap`` are floats (``NaN`` where not defined)."""


def goal_attainment(
    plan: Plan,
    facts: pd.DataFrame,
    *,
    scenarios: Sequence[str] = ("base",),
    goals: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every goal's (or only ``goals``') milestones and final target in each scenario, in
    goal, scenario and due order."""
    chosen = chosen_goals(plan, goals)
    rows = []
    for scenario in dict.fromkeys(scenarios):
        view = scenario_view(plan, facts, scenario)
        values = metric_values(view.plan, view.facts, scenario, chosen)
        for goal in chosen:
            checks = [(m.due, m.target, "milestone") for m in goal.milestones]
            for due, target, kind in sorted([*checks, (goal.due, goal.target, "goal")]):
                projected = values.get((goal.metric, goal.team, due), math.nan)
                rows.append(_row(goal, scenario, kind, due, target, projected))
    frame = pd.DataFrame(rows, columns=list(GOAL_COLUMNS))
    order = {g.id: i for i, g in enumerate(chosen)}
    rank = {s: i for i, s in enumerate(dict.fromkeys(scenarios))}
    frame["_goal"] = frame["goal"].map(order)
    frame["_scenario"] = frame["scenario"].map(rank)
    frame = frame.sort_values(["_goal", "due", "_scenario"], kind="stable")
    return frame.drop(columns=["_goal", "_scenario"]).reset_index(drop=True)


def _row(
    goal: Goal, scenario: str, kind: str, due: str, target: Decimal, projected: float
) -> tuple[object, ...]:
    wanted = float(target)
    if math.isnan(projected):
        status = "not defined"
    elif goal.direction == "at_least":
        status = "met" if projected >= wanted else "missed"
    else:
        status = "met" if projected <= wanted else "missed"
    gap = projected - wanted
    return (
        goal.id,
        scenario,
        kind,
        due,
        goal.metric,
        goal.direction,
        wanted,
        projected,
        gap,
        status,
    )


def metric_values(
    plan: Plan,
    facts: pd.DataFrame,
    scenario: str,
    goals: Sequence[Goal],
    months: Sequence[str] = (),
) -> dict[tuple[str, str | None, str], float]:
    """Each goal's metric by (metric, team, month) in ``scenario``'s facts (as given: pass
    :func:`~planbook.engine.scenario_view`'s), at the goals' and milestones' due months
    and ``months``; ``NaN`` where not defined."""
    out: dict[tuple[str, str | None, str], float] = {}
    metrics = sorted({g.metric for g in goals if g.metric in KPI_METRICS})
    if metrics:
        table = kpis(plan, facts, scenarios=[scenario], metrics=metrics, grain="month")
        lookup = {
            (m, p): v
            for m, p, v in zip(table["metric"], table["period"], table["value"], strict=True)
        }
        for goal in goals:
            if goal.metric in KPI_METRICS:
                for due in [goal.due, *(m.due for m in goal.milestones), *months]:
                    value = lookup.get((goal.metric, due), math.nan)
                    out[(goal.metric, goal.team, due)] = float(value)
    for goal in goals:
        if goal.metric not in KPI_METRICS:
            for due in [goal.due, *(m.due for m in goal.milestones), *months]:
                out[(goal.metric, goal.team, due)] = _account_value(plan, facts, goal, due)
    return out


def _account_value(plan: Plan, facts: pd.DataFrame, goal: Goal, due: str) -> float:
    account = plan.account(goal.metric)
    months = [p for p in plan.calendar.periods if p <= due]
    if account.period_rollup != "sum":
        months = [due]
    filters: dict[str, list[str]] = {"account": [account.id], "period": months}
    if goal.team is not None:
        dimension = "team" if goal.team in {t.id for t in plan.teams} else "department"
        filters[dimension] = [goal.team]
    sums = consolidate(plan, facts, by=("account",), period="total", filters=filters)
    return float(sum(sums["amount"], Decimal(0)))


def chosen_goals(plan: Plan, goals: Sequence[str] | None) -> list[Goal]:
    """Every goal of the plan, or only ``goals`` (an error names an unknown one)."""
    if goals is None:
        return list(plan.goals)
    known = {g.id: g for g in plan.goals}
    problems = [
        Problem(
            ("goal",),
            f"goal {g!r} is not in plan {plan.id!r}; expected one of {', '.join(known) or 'none'}",
        )
        for g in goals
        if g not in known
    ]
    if problems:
        raise PlanValidationError(problems, subject="goals request")
    return [known[g] for g in dict.fromkeys(goals)]
