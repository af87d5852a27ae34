"""Hiring delays: hires moved later with their heads and per-head costs, and ARR moved
through ramped quota capacity where capacity binds (docs/engine.md derives the figures)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planbook.engine import scenario_kpis, scenario_problems, scenario_view
from planbook.errors import PlanValidationError
from planbook.model import Scenario

AE = "Account Executive"


def _with(demo, **what_if):
    scenario = Scenario.model_validate({"id": "late-hires", "name": "Late hires", **what_if})
    return demo.plan.model_copy(update={"scenarios": (*demo.plan.scenarios, scenario)})


def _amounts(facts, team, account, line):
    rows = facts[(facts["team"] == team) & (facts["account"] == account) & (facts["line"] == line)]
    return {str(p): a for p, a in zip(rows["period"], rows["amount"], strict=True)}


def test_two_sales_hires_delayed_two_months_cost_arr_where_capacity_binds(demo):
    plan = _with(
        demo,
        base="aggressive",
        hiring=[{"team": "sales", "months": 2, "count": 2, "line": AE}],
    )
    got = scenario_kpis(
        plan, demo.facts, scenarios=["aggressive", "late-hires"], metrics=["new_arr", "arr"]
    )
    wide = got.pivot_table(index=["metric", "period"], columns="scenario", values="value")
    delta = (wide["late-hires"] - wide["aggressive"]).round(2)
    new_arr = {p: d for p, d in delta.xs("new_arr").items() if d}
    assert new_arr == {"2026-06": -55555.55, "2026-07": -34313.33}
    assert delta[("arr", "2027-01")] == pytest.approx(-90764.82, abs=0.005)


def test_moved_hires_take_their_heads_and_line_costs(demo):
    plan = _with(
        demo,
        base="aggressive",
        hiring=[{"team": "sales", "months": 2, "count": 2, "line": AE}],
    )
    before = scenario_view(plan, demo.facts, "aggressive").facts
    after = scenario_view(plan, demo.facts, "late-hires").facts
    hires = _amounts(after, "sales-emea", "hires", AE)
    assert hires["2026-05"] == 0 and hires["2026-07"] == Decimal(3)
    heads_before = _amounts(before, "sales-emea", "headcount", AE)
    heads_after = _amounts(after, "sales-emea", "headcount", AE)
    for month in ("2026-05", "2026-06"):
        assert heads_after[month] == heads_before[month] - 2
        salary = _amounts(before, "sales-emea", "salaries", AE)[month]
        expected = (salary * heads_after[month] / heads_before[month]).quantize(Decimal("0.01"))
        assert _amounts(after, "sales-emea", "salaries", AE)[month] == expected
    assert heads_after["2026-07"] == heads_before["2026-07"]
    others = after[(after["team"] != "sales-emea")]
    assert len(others) == len(before[before["team"] != "sales-emea"])


def test_a_demand_bound_plan_keeps_its_arr_and_saves_salaries(demo):
    plan = _with(demo, base="base", hiring=[{"team": "sales-na", "months": 3}])
    kpi = scenario_kpis(plan, demo.facts, scenarios=["base", "late-hires"], metrics=["arr"])
    values = kpi.groupby("scenario")["value"].last()
    assert values["base"] == values["late-hires"]
    base = scenario_view(plan, demo.facts, "base").facts
    late = scenario_view(plan, demo.facts, "late-hires").facts

    def salaries(facts):
        rows = facts[(facts["team"] == "sales-na") & (facts["account"] == "salaries")]
        return sum(rows["amount"], Decimal(0))

    assert salaries(late) < salaries(base)


def test_bad_hiring_delays_are_named(demo):
    plan = _with(
        demo,
        hiring=[
            {"team": "nobody", "months": 1},
            {"team": "sales", "months": 1, "period": "FY99", "count": "1.5"},
        ],
    )
    messages = [(p.loc, p.msg) for p in scenario_problems(plan)]
    text = " ".join(m for _, m in messages)
    assert "delays hires but names no base" in text
    assert "'nobody' is neither a team nor a department" in text
    assert "'FY99' is not a month" in text
    assert "1.5 is not a whole number of hires" in text
    assert any(loc[-2:] == (0, "team") and "hiring" in loc for loc, _ in messages)


def test_a_delay_that_finds_no_hire_is_named(demo):
    plan = _with(demo, base="base", hiring=[{"team": "sales", "months": 1, "line": "Juggler"}])
    with pytest.raises(PlanValidationError, match="'sales' hires no one on line 'Juggler'"):
        scenario_view(plan, demo.facts, "late-hires")
