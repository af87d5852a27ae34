"""Vertical alignment of goals and drivers: an ARR goal needs the sales capacity the
driver model says it needs (``docs/alignment.md``, rule ``goal-drivers``)."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd

from planbook.align.findings import WARNING, AlignmentSettings, Finding, money
from planbook.drivers import capacity_reach, has_drivers
from planbook.errors import PlanValidationError
from planbook.model import Goal, Plan

__all__ = ["driver_findings"]

CENT = Decimal("0.01")


def driver_findings(plan: Plan, facts: pd.DataFrame, settings: AlignmentSettings) -> list[Finding]:
    """Each ARR goal whose target the plan's sales capacity (ramped quota-carrying reps x
    quota) cannot reach by its due month, even if every rep sold a full ramped quota. The
    needed capacity is the planned capacity through the due month plus the ARR it falls
    short by; skipped when the plan does not run the driver model."""
    goals = [g for g in plan.goals if g.metric == settings.arr_metric]
    if not goals or not has_drivers(plan):
        return []
    try:
        reach = capacity_reach(plan, facts, scenario=settings.scenario)
    except PlanValidationError:
        return []
    found = []
    for goal in goals:
        if goal.direction == "at_least" and goal.due in reach.index:
            finding = _short(plan, goal, reach, settings.scenario)
            if finding is not None:
                found.append(finding)
    return found


def _short(plan: Plan, goal: Goal, reach: pd.DataFrame, scenario: str) -> Finding | None:
    through = reach.loc[: goal.due]
    reachable = _dec(float(through["arr"].iloc[-1]))
    if reachable >= goal.target:
        return None
    planned = _dec(float(through["capacity"].sum()))
    gap = goal.target - reachable
    needed = planned + gap
    quota = Decimal(str(plan.assumption("quota_per_rep").values[goal.due]))
    months = len(through)
    extra = math.ceil(gap / (quota * months / 12)) if quota > 0 else 0
    return Finding(
        rule="goal-drivers",
        severity=WARNING,
        team=goal.team,
        period=goal.due,
        numbers={
            "target": goal.target,
            "reachable": reachable,
            "needed_capacity": needed,
            "planned_capacity": planned,
            "gap": gap,
            "ramped_reps": _dec(float(through["ramped_reps"].iloc[-1])),
            "extra_reps": Decimal(extra),
        },
        sentence=(
            f"Goal {goal.id!r} ({goal.description}) wants ARR of {money(goal.target)} by "
            f"{goal.due}, which needs {money(needed)} of new-ARR sales capacity through "
            f"{goal.due}; the {scenario} plan's reps carry {money(planned)} (ARR "
            f"{money(reachable)} even at full quota): {money(gap)} short; hire about "
            f"{extra} more ramped quota-carrying reps or lower the goal."
        ),
    )


def _dec(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT)
