from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.errors import PlanValidationError
from planbook.facts import normalize
from planbook.scenarios import Override, apply_overrides, compare_scenario


def _amounts(facts, **where):
    mask = pd.Series(True, index=facts.index)
    for column, value in where.items():
        mask &= facts[column] == value
    return {(r.team, r.account, r.line, r.period): r.amount for r in facts[mask].itertuples()}


def test_percent_on_a_department_and_p_and_l_line(demo):
    overrides = [
        Override("percent", Decimal("0.1"), team="marketing", account="Marketing programs")
    ]
    what_if = apply_overrides(demo.plan, demo.facts, overrides)
    before = _amounts(demo.facts, scenario="base")
    after = _amounts(what_if)
    assert before.keys() == after.keys()
    programs = {a.id for a in demo.plan.accounts if a.pnl_line == "Marketing programs"}
    marketing = {t.id for t in demo.plan.teams_of("marketing")}
    for key, old in before.items():
        team, account = key[0], key[1]
        if team in marketing and account in programs:
            assert after[key] == (old * Decimal("1.1")).quantize(Decimal("0.01"))
        else:
            assert after[key] == old


def test_add_and_set_by_period_label_round_to_the_unit(demo):
    overrides = [
        Override("add", Decimal("5000"), team="sales-na", account="travel", period="FY2027-Q3"),
        Override("set", Decimal("2.4"), account="new-customers", period="2026-05"),
        Override("percent", Decimal("0.333333"), account="headcount"),
    ]
    what_if = apply_overrides(demo.plan, demo.facts, overrides, name="board-ask")
    assert set(what_if["scenario"]) == {"board-ask"}
    before, after = _amounts(demo.facts, scenario="base"), _amounts(what_if)
    q3 = demo.plan.calendar.periods[6:9]
    for key, old in before.items():
        team, account, _, period = key
        if account == "travel" and team == "sales-na" and period in q3:
            assert after[key] == old + 5000
        if account == "new-customers" and period == "2026-05":
            assert after[key] == 2  # whole customers
        if account == "headcount":
            assert after[key] == (old * Decimal("1.333333")).quantize(
                Decimal("0.01"), "ROUND_HALF_UP"
            )


@settings(max_examples=25, deadline=None)
@given(st.decimals(min_value=-1, max_value=3, places=4))
def test_percent_then_identity_keys_and_zero_percent_changes_nothing(demo, pct):
    what_if = apply_overrides(demo.plan, demo.facts, [Override("percent", pct)], name="base")
    base = demo.facts[demo.facts["scenario"] == "base"]
    assert len(what_if) == len(base)
    same = apply_overrides(demo.plan, demo.facts, [Override("percent", Decimal(0))], name="base")
    pd.testing.assert_frame_equal(normalize(same), normalize(base))


def test_compare_scenario_reports_the_delta(demo):
    overrides = [Override("add", Decimal("1000"), team="sales-na", account="travel")]
    result = compare_scenario(
        demo.plan,
        demo.facts,
        overrides,
        by=["department"],
        period="year",
        filters={"account_type": ["opex", "cogs"]},
    )
    sales = result[result["department"] == "sales"].iloc[0]
    assert sales["delta"] == 12 * 1000
    assert sales["what_if"] - sales["base"] == sales["delta"]
    assert (result.loc[result["department"] != "sales", "delta"] == 0).all()


def test_unknown_selections_are_named(demo):
    with pytest.raises(PlanValidationError) as info:
        apply_overrides(
            demo.plan,
            demo.facts,
            [
                Override("percent", Decimal(1), team="x"),
                Override("double", Decimal(1), account="nope", period="FY2031"),  # type: ignore[arg-type]
            ],
        )
    assert [p.loc for p in info.value.problems] == [
        ("overrides", 0, "team"),
        ("overrides", 1, "kind"),
        ("overrides", 1, "account"),
        ("overrides", 1, "period"),
    ]
