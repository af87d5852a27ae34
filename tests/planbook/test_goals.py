"""Goal attainment by hand on the small company (see test_drivers.py for its ARR)."""

from __future__ import annotations

import math

import pytest

from planbook.errors import PlanValidationError
from planbook.goals import goal_attainment
from planbook.model import BUILTIN_SCENARIOS, Scenario
from tests.planbook.engine_plans import PERIODS, small_facts, small_plan


def test_goals_and_milestones_by_hand():
    table = goal_attainment(small_plan(), small_facts(), scenarios=["base"])
    rows = {(r.goal, r.due): r for r in table.itertuples()}
    milestone = rows[("arr", PERIODS[0])]
    assert (milestone.checkpoint, milestone.projected, milestone.status) == (
        "milestone",
        1312000.0,
        "met",
    )
    assert milestone.gap == pytest.approx(12000)
    final = rows[("arr", PERIODS[2])]
    assert final.projected == pytest.approx(1589371.20) and final.status == "met"
    ads = rows[("ads-spend", PERIODS[2])]  # a flow: Q1's three months of 60,000
    assert (ads.projected, ads.gap, ads.status) == (180000.0, 50000.0, "missed")


def test_goals_differ_by_scenario_for_a_reason():
    """A what-if that cuts ads by half misses the ARR goal the base meets."""
    cut = Scenario.model_validate(
        {
            "id": "half-ads",
            "name": "Ads halved",
            "base": "base",
            "facts": [{"kind": "percent", "value": "-0.5", "account": "ads"}],
        }
    )
    plan = small_plan(scenarios=[s.model_dump() for s in (*BUILTIN_SCENARIOS, cut)])
    table = goal_attainment(plan, small_facts(), scenarios=["base", "half-ads"], goals=["arr"])
    final = table[(table["checkpoint"] == "goal")].set_index("scenario")
    # Half the ads: demand 75,000 a month; net expansion is 1% of ARR at the month's start:
    # 1,200,000 -> 1,287,000 (+75,000 + 12,000) -> 1,374,870 (+75,000 + 12,870)
    # -> 1,463,618.70 (+75,000 + 13,748.70), short of 1,500,000.
    assert final.loc["half-ads", "projected"] == pytest.approx(1463618.70)
    assert list(final["status"]) == ["met", "missed"]
    assert table["scenario"].tolist()[:2] == ["base", "half-ads"]


def test_unknown_goal_and_scenario_are_named():
    with pytest.raises(PlanValidationError, match="'nope'"):
        goal_attainment(small_plan(), small_facts(), goals=["nope"])
    with pytest.raises(PlanValidationError, match="'imaginary'"):
        goal_attainment(small_plan(), small_facts(), scenarios=["imaginary"])


def test_goal_beyond_the_actuals_is_not_defined():
    """Actuals are never driven: they stop where the ledger does."""
    facts = small_facts("actuals")
    facts = facts[facts["period"].isin(PERIODS[:1])]
    table = goal_attainment(small_plan(), facts, scenarios=["actuals"], goals=["arr"])
    final = table[table["checkpoint"] == "goal"].iloc[0]
    assert math.isnan(final["projected"]) and final["status"] == "not defined"
