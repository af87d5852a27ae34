"""Progress to goals: the actuals against the plan's trajectory and milestones."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from planbook.demo import Demo, build_demo
from planbook.errors import PlanValidationError
from planbook.goals import goal_attainment
from planbook.model import Milestone
from planbook.progress import goal_progress


@pytest.fixture(scope="module")
def demo() -> Demo:
    return build_demo()


@pytest.fixture(scope="module")
def arr(demo):
    return goal_progress(demo.plan, demo.facts, goals=["double-arr"])


def test_months_closed_so_far_compare_actual_with_the_plan(demo, arr):
    months = arr[arr["checkpoint"] == "month"]
    closed = sorted(demo.facts[demo.facts["scenario"] == "actuals"]["period"].astype(str).unique())
    assert list(months["period"]) == [p for p in demo.plan.calendar.periods if p <= closed[-1]]
    planned = goal_attainment(demo.plan, demo.facts, goals=["double-arr"])
    at = dict(zip(planned["due"], planned["projected"], strict=True))
    april = months[months["period"] == "2026-04"].iloc[0]
    assert april["planned"] == at["2026-04"]
    assert april["variance"] == pytest.approx(april["actual"] - april["planned"])
    assert set(months["status"]) <= {"ahead", "behind", "on plan"}
    behind = months["actual"] < months["planned"]
    assert list(months["status"] == "behind") == list(behind)


def test_milestones_closed_are_met_or_missed_and_later_ones_open(arr):
    checks = arr[arr["checkpoint"] != "month"].set_index("period")
    assert checks.loc["2026-04", "status"] == "missed"  # 13.8M against 15M
    assert checks.loc["2026-07", "status"] == "missed"
    assert checks.loc["2026-10", "status"] == "open" and math.isnan(checks.loc["2026-10", "actual"])
    assert checks.loc["2027-01", "checkpoint"] == "goal"


def test_a_milestone_the_actuals_reach_is_met(demo):
    goals = tuple(
        g.model_copy(update={"milestones": (Milestone(due="2026-04", target=Decimal(13_000_000)),)})
        if g.id == "double-arr"
        else g
        for g in demo.plan.goals
    )
    plan = demo.plan.model_copy(update={"goals": goals})
    frame = goal_progress(plan, demo.facts, goals=["double-arr"], as_of="2026-05")
    checks = frame[frame["checkpoint"] == "milestone"]
    assert list(checks["status"]) == ["met"]
    assert frame["period"].max() == "2027-01"
    assert list(frame[frame["checkpoint"] == "month"]["period"])[-1] == "2026-05"


def test_an_at_most_goal_below_plan_is_ahead(demo):
    frame = goal_progress(demo.plan, demo.facts, goals=["burn-multiple"], as_of="2026-04")
    months = frame[frame["checkpoint"] == "month"]
    assert list(months["status"]) == ["ahead", "ahead", "ahead"]
    assert (months["actual"] < months["planned"]).all()


def test_bad_input_is_named(demo):
    with pytest.raises(PlanValidationError, match="'2030-01' is not a month"):
        goal_progress(demo.plan, demo.facts, as_of="2030-01")
    with pytest.raises(PlanValidationError, match="goal 'nope'"):
        goal_progress(demo.plan, demo.facts, goals=["nope"])
    no_actuals = demo.facts[demo.facts["scenario"] != "actuals"]
    with pytest.raises(PlanValidationError, match="'actuals' has no facts"):
        goal_progress(demo.plan, no_actuals)
