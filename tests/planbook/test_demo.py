"""The demo company is deterministic, valid and plausible."""

from decimal import Decimal

import pandas as pd

from planbook.consolidate import cost_by_team, request_vs_envelope
from planbook.demo import build_demo
from planbook.demo.breaches import LOADED_COST_BREACHES
from planbook.headcount import loaded_monthly_cost
from planbook.validation import validate_facts


def _sum(frame):
    return sum(frame["amount"], Decimal(0))


def test_same_seed_same_company_other_seed_other_numbers(demo):
    again = build_demo()
    assert again.plan == demo.plan
    pd.testing.assert_frame_equal(again.facts, demo.facts)
    other = build_demo(seed=8)
    assert _sum(other.facts) != _sum(demo.facts)


def test_shape_of_the_company(demo):
    plan = demo.plan
    assert [d.id for d in plan.departments] == [
        "sales",
        "marketing",
        "customer-success",
        "rnd",
        "ga",
    ]
    assert len(plan.teams) == 12 and len(plan.accounts) == 40 and plan.months == 12
    assert {s.id for s in plan.scenarios} == {
        "base",
        "conservative",
        "aggressive",
        "actuals",
        "marketing-cut",
    }
    assert set(demo.facts["scenario"].unique()) == {"base", "conservative", "aggressive", "actuals"}
    assert {g.id for g in plan.goals} >= {"double-arr", "logo-churn", "acv", "ltv"}
    assert {a.id for a in plan.accounts if a.confidential} == {"salaries", "commissions", "bonus"}
    assert {e.team for e in plan.envelopes} == {t.id for t in plan.teams}


def test_every_team_plans_in_every_plan_scenario(demo):
    facts = demo.facts
    for scenario in ("base", "conservative", "aggressive"):
        teams = set(facts.loc[facts["scenario"] == scenario, "team"].unique())
        assert teams == {t.id for t in demo.plan.teams}, scenario


def test_actuals_cover_the_first_six_months_only(demo):
    actuals = demo.facts[demo.facts["scenario"] == "actuals"]
    assert sorted(actuals["period"].unique()) == list(demo.plan.calendar.periods[:6])


def test_department_totals_equal_the_sum_of_their_teams(demo):
    by_team = request_vs_envelope(demo.plan, demo.facts, by="team").set_index("team")
    by_department = request_vs_envelope(demo.plan, demo.facts).set_index("department")
    for department in demo.plan.departments:
        members = [t.id for t in demo.plan.teams_of(department.id)]
        for column in ("request", "envelope", "remaining"):
            assert by_department.loc[department.id, column] == sum(
                by_team.loc[members, column], Decimal(0)
            )
    cost_ids = [a.id for a in demo.plan.accounts if a.type.is_cost]
    base = demo.facts[(demo.facts["scenario"] == "base") & demo.facts["account"].isin(cost_ids)]
    assert sum(by_department["request"], Decimal(0)) == _sum(base)


def test_headcount_cost_equals_positions_times_loaded_salary(demo):
    plan, facts, positions = demo.plan, demo.facts, demo.positions
    people = facts[facts["account"].isin(["salaries", "payroll-taxes", "benefits"])]
    booked = people.groupby(["scenario", "team", "period"], observed=True)["amount"].sum()
    expected: dict[tuple[object, ...], Decimal] = {}
    for p in positions.itertuples():
        for period in plan.calendar.periods:
            if p.scenario == "actuals" and period not in plan.calendar.periods[:6]:
                continue
            if p.start == "" or p.start <= period:
                key = (p.scenario, p.team, period)
                expected[key] = expected.get(key, Decimal(0)) + loaded_monthly_cost(
                    plan, annual_salary=p.annual_salary, period=period
                )
    planted = {("base", team) for team in LOADED_COST_BREACHES}  # docs/alignment.md
    assert {k: Decimal(v) for k, v in booked.items() if k[:2] not in planted} == {
        k: v for k, v in expected.items() if k[:2] not in planted
    }


def test_hires_and_heads_match_the_positions(demo):
    facts, positions = demo.facts, demo.positions
    base = positions[positions["scenario"] == "base"]
    hires = facts[(facts["scenario"] == "base") & (facts["account"] == "hires")]
    assert _sum(hires) == int((base["start"] != "").sum())
    last = demo.plan.calendar.end
    heads = facts[
        (facts["scenario"] == "base")
        & (facts["account"] == "headcount")
        & (facts["period"] == last)
    ]
    assert _sum(heads) == len(base)


def test_numbers_are_plausible_for_a_saas_company(demo):
    facts = demo.facts
    base = facts[facts["scenario"] == "base"]

    def total(account, frame=base):
        return _sum(frame[frame["account"] == account])

    acv = total("new-arr") / total("new-customers")
    assert Decimal(25_000) < acv < Decimal(40_000)
    people = len(demo.positions[demo.positions["scenario"] == "base"])
    assert 80 <= people <= 200
    avg_salary = total("salaries") / total("headcount")  # per head-month
    assert Decimal(6_000) < avg_salary < Decimal(15_000)
    revenue = total("rev-subscription")
    assert Decimal(10_000_000) < revenue < Decimal(30_000_000)
    costs = cost_by_team(demo.plan, facts)
    conservative = cost_by_team(demo.plan, facts, scenario="conservative")
    aggressive = cost_by_team(demo.plan, facts, scenario="aggressive")
    assert sum(conservative) < sum(costs) < sum(aggressive)
    rows = request_vs_envelope(demo.plan, facts, by="team")
    ratio = rows["request"] / rows["envelope"]
    assert ((ratio > Decimal("0.85")) & (ratio < Decimal("1.15"))).all()
    assert (rows["remaining"] < 0).any() and (rows["remaining"] > 0).any()


def test_actuals_are_close_to_plan(demo):
    facts = demo.facts
    first_half = list(demo.plan.calendar.periods[:6])
    cost_ids = [a.id for a in demo.plan.accounts if a.type.is_cost]
    spend = facts[facts["account"].isin(cost_ids) & facts["period"].isin(first_half)]
    actual = _sum(spend[spend["scenario"] == "actuals"])
    plan = _sum(spend[spend["scenario"] == "base"])
    assert Decimal("0.85") < actual / plan < Decimal("1.1")


def test_company_scale_plan_has_about_two_million_valid_facts():
    big = build_demo(teams=300, accounts=200, months=36)
    assert 2_000_000 <= len(big.facts) <= 2_400_000
    assert big.facts["account"].nunique() == 200
    assert big.facts["team"].nunique() == 300
    assert validate_facts(big.plan, big.facts) == []
