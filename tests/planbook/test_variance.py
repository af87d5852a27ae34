"""Budget vs actual and the forecast, on the demo company and on generated facts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.demo import build_demo
from planbook.errors import PlanValidationError
from planbook.facts import facts_from_records
from planbook.forecast import forecast
from planbook.variance import variance

DOCS = Path(__file__).parents[2] / "docs" / "actuals.md"


@pytest.fixture(scope="module")
def demo():
    return build_demo()


def test_ytd_for_sales_na_matches_the_by_hand_computation_in_the_docs(demo):
    table, periods = variance(demo.plan, demo.facts, by="team", period="ytd")
    row = table[table["team"] == "sales-na"].iloc[0]
    assert periods.months == ("2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07")
    assert (row["plan"], row["actual"], row["variance"]) == (
        Decimal("832477.36"),
        Decimal("830127.32"),
        Decimal("-2350.04"),
    )
    assert row["status"] == "favourable" and f"{row['pct']:.4%}" == "-0.2823%"
    docs = DOCS.read_text(encoding="utf-8")
    for text in ("832,477.36", "830,127.32", "-2,350.04", "-0.2823%", "favourable"):
        assert text in docs


def test_revenue_below_plan_is_unfavourable_cost_below_is_favourable(demo):
    table, _ = variance(demo.plan, demo.facts, by="account", period="qtd")
    rows = table.set_index("account")
    revenue = rows.loc["rev-subscription"]
    assert revenue["side"] == "revenue" and revenue["variance"] < 0
    assert revenue["status"] == "unfavourable"
    for row in table.to_dict("records"):
        if row["side"] == "cost" and row["variance"]:
            assert (row["status"] == "favourable") == (row["variance"] < 0), row
        if row["side"] == "revenue" and row["variance"]:
            assert (row["status"] == "favourable") == (row["variance"] > 0), row
    assert {"favourable", "unfavourable"} <= set(table["status"])
    assert rows.loc["headcount"]["status"] == ""  # heads are not judged
    heads = demo.facts[(demo.facts["account"] == "headcount") & (demo.facts["period"] == "2026-07")]
    actual_heads = heads[heads["scenario"] == "actuals"]["amount"].sum()
    assert rows.loc["headcount"]["actual"] == Decimal(actual_heads)  # a balance: last month


def test_qtd_and_a_month_cover_their_months(demo):
    _, quarter = variance(demo.plan, demo.facts, period="qtd")
    assert quarter.months == ("2026-05", "2026-06", "2026-07")
    _, month = variance(demo.plan, demo.facts, period="2026-03")
    assert month.months == ("2026-03",)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"period": "2026-09"}, "2026-09 has no actuals yet"),
        ({"period": "last"}, "'last' is not ytd, qtd, mtd or a month"),
        ({"by": "colour"}, "cannot group by 'colour'"),
        ({"plan_scenario": "nope"}, "scenario 'nope' has no facts"),
        ({"as_of": "2030-01"}, "'2030-01' is not a month of the plan"),
    ],
)
def test_bad_requests_name_what_is_wrong(demo, options, message):
    with pytest.raises(PlanValidationError, match=message):
        variance(demo.plan, demo.facts, **options)


def test_no_actuals_is_an_error(demo):
    plan_only = demo.facts[demo.facts["scenario"] == "base"]
    with pytest.raises(PlanValidationError, match="import actuals first"):
        variance(demo.plan, plan_only)


def test_full_year_forecast_by_plan_and_run_rate(demo):
    table, _ = variance(demo.plan, demo.facts, by="team")
    row = table[table["team"] == "sales-na"].iloc[0]
    assert row["fy_forecast"] - row["fy_plan"] == row["variance"]  # rest of year = plan
    rate, _ = variance(demo.plan, demo.facts, by="account", method="run-rate")
    travel = rate[rate["account"] == "travel"].iloc[0]
    f = demo.facts
    closed = f[(f["scenario"] == "actuals") & (f["account"] == "travel")]
    last3 = closed[closed["period"].isin(["2026-05", "2026-06", "2026-07"])]
    per_team = last3.groupby("team", observed=True)["amount"].sum()
    expected = Decimal(closed["amount"].sum()) + sum(
        ((Decimal(v) / 3).quantize(Decimal("0.01")) * 6 for v in per_team), Decimal(0)
    )
    assert travel["fy_forecast"] == expected


@st.composite
def _facts(draw: st.DrawFn):
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    keys = [("t1", "opex"), ("t1", "rev"), ("t2", "opex")]
    closed = draw(st.integers(1, 11))
    records = []
    amounts = st.decimals(min_value=0, max_value=10**6, places=2)
    for scenario in ("base", "actuals"):
        for team, account in keys:
            for i, month in enumerate(months):
                if scenario == "actuals" and i >= closed:
                    continue
                if draw(st.booleans()):
                    records.append(
                        {"scenario": scenario, "team": team, "account": account, "line": ""}
                        | {"period": month, "amount": draw(amounts)}
                    )
    return records, months[closed - 1]


@given(_facts())
@settings(max_examples=40, deadline=None)
def test_forecast_is_actuals_where_they_exist_and_plan_elsewhere(tiny_plan, drawn):
    records, as_of = drawn
    facts = facts_from_records(records)
    out = forecast(tiny_plan, facts, as_of=as_of)
    got = {(r.team, r.account, r.period): r.amount for r in out.itertuples()}
    want = {
        (r["team"], r["account"], r["period"]): r["amount"]
        for r in records
        if (r["scenario"] == "actuals") == (r["period"] <= as_of)
    }
    assert got == want
    assert set(out["scenario"]) <= {"forecast"}


@pytest.fixture(scope="module")
def tiny_plan():
    from planbook.model import Account, AccountType, Department, Plan, Team

    return Plan(
        id="tiny",
        name="Tiny",
        start="2026-01",
        departments=(Department(id="d", name="D"),),
        teams=(Team(id="t1", name="T1", department="d"), Team(id="t2", name="T2", department="d")),
        accounts=(
            Account(id="opex", name="Opex", type=AccountType.OPEX, pnl_line="Opex", pnl_sign=-1),
            Account(id="rev", name="Revenue", type=AccountType.REVENUE, pnl_line="Revenue"),
        ),
    )
