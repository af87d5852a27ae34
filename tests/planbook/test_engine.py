"""Scenarios as data: overrides on facts and drivers, what-ifs on a base, and the demo's
documented what-if (docs/engine.md)."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.drivers import DRIVEN_ACCOUNTS, drive
from planbook.engine import apply_assumption_overrides, scenario_kpis, scenario_view
from planbook.errors import PlanValidationError
from planbook.facts import normalize
from planbook.model import BUILTIN_SCENARIOS, AssumptionOverride, Plan, Scenario
from planbook.validation import validate_plan
from server.store.parts import company_blob
from tests.planbook.engine_plans import PERIODS, small_facts, small_plan

MARKETING_CUT_ARR_DELTA = Decimal("-678739.78")
"""ARR at the demo's last month, marketing-cut less base, as docs/engine.md derives it."""


def _what_if(**fields: object) -> Scenario:
    return Scenario.model_validate({"id": "what-if", "name": "What if", "base": "base", **fields})


def _plan_with(*scenarios: Scenario) -> Plan:
    return small_plan(scenarios=[s.model_dump() for s in (*BUILTIN_SCENARIOS, *scenarios)])


def _rows(facts: pd.DataFrame) -> list[tuple[str, ...]]:
    frame = normalize(facts.assign(scenario="x"))
    return sorted(tuple(map(str, r)) for r in frame.itertuples(index=False))


@settings(max_examples=5, deadline=None)
@given(ads=st.integers(0, 200_000), churn=st.sampled_from(["0", "0.005", "0.03"]))
def test_what_if_without_overrides_equals_its_base(ads, churn):
    plan = _plan_with(_what_if())
    plan = apply_assumption_overrides(
        plan, [AssumptionOverride(assumption="churn_rate", kind="set", value=Decimal(churn))]
    )
    facts = small_facts()
    facts = facts.assign(amount=facts["amount"].mask(facts["account"] == "ads", Decimal(ads)))
    base = scenario_view(plan, facts, "base")
    what_if = scenario_view(plan, facts, "what-if")
    assert _rows(what_if.facts) == _rows(base.facts)
    both = scenario_kpis(plan, facts, scenarios=["base", "what-if"], metrics=["arr", "burn"])
    values = both.pivot_table(index=["metric", "period"], columns="scenario", values="value")
    assert (values["base"] == values["what-if"]).all()


def test_assumption_overrides_add_percent_set_by_period():
    plan = small_plan()
    changed = apply_assumption_overrides(
        plan,
        [
            AssumptionOverride(assumption="churn_rate", kind="add", value=Decimal("0.01")),
            AssumptionOverride(
                assumption="win_rate", kind="percent", value=Decimal("0.1"), period="FY2026-Q1"
            ),
            AssumptionOverride(
                assumption="quota_per_rep", kind="set", value=Decimal("600000"), period=PERIODS[5]
            ),
        ],
    )
    assert changed.assumption("churn_rate").values[PERIODS[7]] == Decimal("0.02")
    win = changed.assumption("win_rate").values
    assert [win[p] for p in PERIODS[:4]] == [Decimal("0.275")] * 3 + [Decimal("0.25")]
    quota = changed.assumption("quota_per_rep").values
    assert (quota[PERIODS[5]], quota[PERIODS[6]]) == (Decimal(600000), Decimal(1200000))


def test_fact_and_driver_overrides_change_arr_for_a_readable_reason():
    """Ads -10% makes demand 135,000: month 1 stays capacity-bound (100,000), month 3 drops
    from 150,000 to 135,000. Churn +1 point adds 12,000 of churn in month 1."""
    cut = _what_if(facts=[{"kind": "percent", "value": "-0.1", "account": "Marketing programs"}])
    churn = Scenario.model_validate(
        {
            "id": "churn-up",
            "name": "Churn +1 point",
            "base": "base",
            "assumptions": [{"assumption": "churn_rate", "kind": "add", "value": "0.01"}],
        }
    )
    plan = _plan_with(cut, churn)
    assert validate_plan(plan) == []
    view = scenario_view(plan, small_facts(), "what-if")
    model = drive(view.plan, view.facts, scenario="what-if")
    assert model["new_arr"].iloc[:4].tolist() == [100000, 100000, 135000, 135000]
    up = scenario_view(plan, small_facts(), "churn-up")
    assert drive(up.plan, up.facts, scenario="churn-up")["churned_arr"].iloc[0] == 24000


def test_salary_inflation_override_rescales_salaries():
    rise = Scenario.model_validate(
        {
            "id": "raise",
            "name": "Salary inflation 6%",
            "base": "base",
            "assumptions": [{"assumption": "salary_inflation", "kind": "set", "value": "0.06"}],
        }
    )
    view = scenario_view(_plan_with(rise), small_facts(), "raise")
    salaries = view.facts[view.facts["account"] == "salaries"]
    assert sorted(set(salaries["amount"])) == [Decimal("10600"), Decimal("21200")]


def test_scenario_problems_are_named():
    bad = _what_if(
        base="nowhere",
        assumptions=[{"assumption": "no_such_driver", "kind": "add", "value": "1"}],
    )
    with pytest.raises(PlanValidationError) as caught:
        _plan_with(bad)
    messages = [str(p) for p in caught.value.problems]
    assert any("scenarios[4].base" in m and "'nowhere'" in m for m in messages)
    assert any("'no_such_driver'" in m for m in messages)


def test_company_hash_is_stable_without_overrides():
    plan = small_plan()
    data = json.loads(company_blob(plan).data)
    assert "base" not in data["scenarios"][0] and "milestones" not in data["goals"][1]
    again = small_plan(scenarios=[s.model_dump() for s in plan.scenarios])
    assert company_blob(again).hash == company_blob(plan).hash


def test_demo_stored_bookings_are_the_driver_models(demo):
    for scenario in ("base", "conservative", "aggressive"):
        stored = demo.facts[
            (demo.facts["scenario"] == scenario) & demo.facts["account"].isin(DRIVEN_ACCOUNTS)
        ]
        view = scenario_view(demo.plan, demo.facts, scenario)
        driven = view.facts[view.facts["account"].isin(DRIVEN_ACCOUNTS)]
        assert _rows(stored) == _rows(driven)


def test_demo_marketing_cut_moves_arr_as_documented(demo):
    """docs/engine.md: -0.1 x programs / 0.125 x 0.23 of new ARR each month, compounding at
    1 + 0.9% - 0.85% a month to the plan's end."""
    base = drive(demo.plan, demo.facts, scenario="base")
    view = scenario_view(demo.plan, demo.facts, "marketing-cut")
    cut = drive(view.plan, view.facts, scenario="marketing-cut")
    delta = Decimal(str(round(cut["arr"].iloc[-1] - base["arr"].iloc[-1], 2)))
    assert delta == MARKETING_CUT_ARR_DELTA
    by_hand = sum(
        -0.1 * p / 0.125 * 0.23 * 1.0005 ** (len(base) - 1 - t)
        for t, p in enumerate(base["programs"])
    )
    assert abs(float(delta) - by_hand) < 1
    assert base["programs"].sum() == 3678500


def test_scenario_kpis_from_sums_equal_the_resolved_facts_kpis(demo):
    """The engine's KPIs of a scenario (monthly sums of every scenario at once, driven
    accounts replaced there) are exactly the KPIs of the scenario's resolved facts."""
    from planbook.kpis import kpis

    scenarios = [s.id for s in demo.plan.scenarios]
    got = scenario_kpis(demo.plan, demo.facts, scenarios=scenarios, grain="month")
    expected = []
    for scenario in scenarios:
        view = scenario_view(demo.plan, demo.facts, scenario)
        expected.append(kpis(view.plan, view.facts, scenarios=[scenario], grain="month"))
    want = pd.concat(expected, ignore_index=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got["value"].notna().sum() > 100
