"""SaaS KPIs against values computed by hand on a small plan, and their invariants.

The fixture company opens with ARR 1,200,000, 100 customers and 1,000,000 cash, and books
the same every month: new ARR 24,000 from 2 customers, expansion 6,000, churn 12,000 and
1 customer; revenue 100,000, COGS 20,000, opex 110,000 (sales 30,000, marketing 10,000,
engineering 70,000); 10 engineers. So net new ARR is 18,000 a month and burn 30,000.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.errors import PlanValidationError
from planbook.facts import facts_from_records
from planbook.kpis import KPI_METRICS, OPENING_ASSUMPTIONS, kpis, opening_problems
from planbook.model import (
    KNOWN_METRICS,
    Account,
    AccountType,
    Assumption,
    Department,
    Plan,
    Team,
    Unit,
)
from planbook.validation import validate_plan

START = "2026-01"
MONTHS = tuple(f"2026-{m:02d}" for m in range(1, 13))
ACCOUNTS = {  # id: (type, unit)
    "rev": ("revenue", "currency"),
    "hosting": ("cogs", "currency"),
    "spend": ("opex", "currency"),
    "new-arr": ("metric", "currency"),
    "expansion-arr": ("metric", "currency"),
    "churned-arr": ("metric", "currency"),
    "new-customers": ("metric", "customers"),
    "churned-customers": ("metric", "customers"),
    "headcount": ("headcount", "heads"),
}
MONTHLY = [  # team, account, amount every month
    ("closers", "new-arr", 24_000),
    ("closers", "new-customers", 2),
    ("closers", "spend", 30_000),
    ("brand", "spend", 10_000),
    ("success", "expansion-arr", 6_000),
    ("success", "churned-arr", 12_000),
    ("success", "churned-customers", 1),
    ("eng", "rev", 100_000),
    ("eng", "hosting", 20_000),
    ("eng", "spend", 70_000),
    ("eng", "headcount", 10),
]
OPENING = {"opening_arr": 1_200_000, "opening_customers": 100, "opening_cash": 1_000_000}


def make_plan(opening: dict[str, int] = OPENING, *, extra: tuple[Account, ...] = ()) -> Plan:
    units = {"opening_arr": Unit.CURRENCY, "opening_cash": Unit.CURRENCY}
    return Plan(
        id="tiny",
        name="Tiny SaaS",
        start=START,
        departments=tuple(
            Department(id=d, name=d) for d in ("sales", "marketing", "success", "rnd")
        ),
        teams=(
            Team(id="closers", name="Closers", department="sales"),
            Team(id="brand", name="Brand", department="marketing"),
            Team(id="success", name="Success", department="success"),
            Team(id="eng", name="Engineering", department="rnd"),
        ),
        accounts=tuple(
            Account(id=a, name=a, type=AccountType(t), unit=Unit(u))
            for a, (t, u) in ACCOUNTS.items()
        )
        + extra,
        assumptions=tuple(
            Assumption(
                id=k,
                name=k,
                unit=units.get(k, Unit.CUSTOMERS),
                values=dict.fromkeys(MONTHS, Decimal(v)),
            )
            for k, v in opening.items()
        ),
    )


def make_facts(rows=MONTHLY, *, scenario: str = "base", months=MONTHS) -> pd.DataFrame:
    return facts_from_records(
        {"scenario": scenario, "team": t, "account": a, "period": p, "amount": Decimal(v)}
        for t, a, v in rows
        for p in months
    )


@pytest.fixture(scope="module")
def monthly() -> dict[tuple[str, str], float]:
    result = kpis(make_plan(), make_facts())
    rows = zip(result["metric"], result["period"], result["value"], strict=True)
    return {(m, p): v for m, p, v in rows}


@pytest.mark.parametrize(
    ("metric", "period", "expected"),
    [
        ("arr", "2026-01", 1_218_000),
        ("arr", "2026-12", 1_416_000),
        ("new_arr", "2026-01", 24_000),
        ("expansion_arr", "2026-01", 6_000),
        ("churned_arr", "2026-01", 12_000),
        ("net_new_arr", "2026-01", 18_000),
        ("nrr", "2026-12", (1_200_000 + 72_000 - 144_000) / 1_200_000),  # 0.94
        ("grr", "2026-12", (1_200_000 - 144_000) / 1_200_000),  # 0.88
        ("nrr_annualised", "2026-01", 0.995**12),
        ("grr_annualised", "2026-01", 0.99**12),
        ("customers", "2026-01", 101),
        ("customers", "2026-12", 112),
        ("new_customers", "2026-01", 2),
        ("churned_customers", "2026-01", 1),
        ("logo_churn_rate", "2026-01", 0.01),
        ("logo_churn_rate", "2026-02", 1 / 101),
        ("acv", "2026-01", 12_000),
        ("arpa", "2026-01", 1_218_000 / 12 / 101),
        ("revenue", "2026-01", 100_000),
        ("gross_margin", "2026-01", 0.8),
        ("ltv", "2026-01", 1_218_000 / 12 / 101 * 0.8 / 0.01),
        ("sm_spend", "2026-01", 40_000),
        ("cac", "2026-01", 20_000),
        ("cac_payback_months", "2026-01", 20_000 / (12_000 / 12 * 0.8)),  # 25
        ("ltv_to_cac", "2026-01", 1_218_000 / 12 / 101 * 0.8 / 0.01 / 20_000),
        ("magic_number", "2026-06", 54_000 / 120_000),
        ("burn", "2026-01", 30_000),
        ("burn_multiple", "2026-01", 30_000 / 18_000),
        ("cash", "2026-01", 970_000),
        ("cash", "2026-12", 640_000),
        ("runway_months", "2026-01", 970_000 / 30_000),
        ("rule_of_40", "2026-12", (1_416_000 / 1_200_000 - 1) + (100_000 - 130_000) / 100_000),
        ("opex_pct_revenue", "2026-01", 1.1),
        ("headcount", "2026-12", 10),
    ],
)
def test_kpi_computed_by_hand(monthly, metric, period, expected):
    assert monthly[(metric, period)] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("metric", "period"),
    [
        ("nrr", "2026-11"),
        ("grr", "2026-01"),
        ("rule_of_40", "2026-11"),
        ("magic_number", "2026-05"),
    ],
)
def test_kpi_needing_more_history_is_not_defined(monthly, metric, period):
    assert math.isnan(monthly[(metric, period)])


def test_every_metric_is_reported_without_contraction_by_default(monthly):
    assert {m for m, _ in monthly} == set(KPI_METRICS) - {"contraction_arr"}


def test_kpis_by_quarter_take_flows_summed_balances_at_end_ratios_of_sums():
    result = kpis(make_plan(), make_facts(), grain="quarter")
    q1 = {r.metric: r.value for r in result.itertuples() if r.period == "FY2026-Q1"}
    assert q1["arr"] == 1_254_000
    assert q1["net_new_arr"] == 54_000
    assert q1["logo_churn_rate"] == pytest.approx(3 / 100 / 3)
    assert q1["cac"] == 20_000
    assert q1["grr_annualised"] == pytest.approx((1 - 36_000 / 1_200_000) ** 4)
    assert q1["runway_months"] == pytest.approx(910_000 / 30_000)
    assert len(result["period"].unique()) == 4


def test_kpis_with_contraction_account_count_it_in_net_new_and_retention():
    contraction = Account(id="contraction-arr", name="Downgrades", type=AccountType.METRIC)
    rows = [*MONTHLY, ("success", "contraction-arr", 3_000)]
    result = kpis(make_plan(extra=(contraction,)), make_facts(rows))
    values = {(r.metric, r.period): r.value for r in result.itertuples()}
    assert values[("contraction_arr", "2026-01")] == 3_000
    assert values[("net_new_arr", "2026-01")] == 15_000
    assert values[("grr", "2026-12")] == pytest.approx((1_200_000 - 180_000) / 1_200_000)


def test_kpis_contraction_without_its_account_names_it():
    with pytest.raises(PlanValidationError) as caught:
        kpis(make_plan(), make_facts(), metrics=["contraction_arr"])
    assert "'contraction-arr' account" in str(caught.value)


def test_kpis_missing_opening_cash_names_it_and_its_metrics():
    plan = make_plan({"opening_arr": 1_200_000, "opening_customers": 100})
    with pytest.raises(PlanValidationError) as caught:
        kpis(plan, make_facts())
    (problem,) = caught.value.problems
    assert problem.loc == ("assumptions", "opening_cash")
    assert "cash, runway_months need" in problem.msg
    assert len(kpis(plan, make_facts(), metrics=["arr"])) == 12


def test_kpis_missing_source_account_names_it():
    plan = make_plan()
    plan = plan.model_copy(
        update={"accounts": tuple(a for a in plan.accounts if a.id != "new-customers")}
    )
    with pytest.raises(PlanValidationError) as caught:
        kpis(plan, make_facts([r for r in MONTHLY if r[1] != "new-customers"]))
    (problem,) = caught.value.problems
    assert problem.loc == ("accounts", "new-customers")


def test_kpis_without_sales_and_marketing_departments_names_them():
    with pytest.raises(PlanValidationError) as caught:
        kpis(make_plan(), make_facts(), metrics=["cac"], sales_and_marketing=["gtm"])
    assert "'gtm'" in str(caught.value) and "cac need" in str(caught.value)


def test_kpis_unknown_scenario_metric_and_grain_are_all_named():
    with pytest.raises(PlanValidationError) as caught:
        kpis(make_plan(), make_facts(), scenarios=["base", "upside"], metrics=["arr", "ebitda"])
    text = str(caught.value)
    assert "'upside'" in text and "'ebitda'" in text
    with pytest.raises(PlanValidationError, match="'weekly'"):
        kpis(make_plan(), make_facts(), grain="weekly")


def test_kpis_scenario_without_facts_is_an_error_not_zeros():
    with pytest.raises(PlanValidationError, match="'conservative' has no facts"):
        kpis(make_plan(), make_facts(), scenarios=["conservative"])


def test_kpis_scenario_covers_months_up_to_its_last_fact():
    facts = pd.concat(
        [make_facts(), make_facts(scenario="actuals", months=MONTHS[:3])], ignore_index=True
    )
    result = kpis(make_plan(), facts, scenarios=["base", "actuals"], metrics=["arr"])
    actuals = result[result["scenario"] == "actuals"]
    assert list(actuals["period"]) == list(MONTHS[:3])
    assert list(actuals["value"]) == [1_218_000, 1_236_000, 1_254_000]


def test_opening_balance_with_wrong_unit_or_negative_is_a_plan_problem():
    plan = make_plan({"opening_arr": -5, "opening_customers": 100, "opening_cash": 1})
    plan = plan.model_copy(
        update={
            "assumptions": (
                *plan.assumptions[:2],
                plan.assumptions[2].model_copy(update={"unit": Unit.PERCENT}),
            )
        }
    )
    problems = opening_problems(plan)
    assert [p.loc for p in problems] == [
        ("assumptions", 0, "values", START),
        ("assumptions", 2, "unit"),
    ]
    assert problems[0] in validate_plan(plan)


ADDITIVE = [m for m, metric in KPI_METRICS.items() if metric.additive and m != "contraction_arr"]


@settings(max_examples=25, deadline=None)
@given(
    amounts=st.lists(
        st.integers(1, 50_000), min_size=len(MONTHLY) * 12, max_size=len(MONTHLY) * 12
    ),
    first_half=st.sets(
        st.sampled_from(["closers", "brand", "success", "eng"]), min_size=1, max_size=3
    ),
)
def test_kpis_of_two_halves_of_the_teams_add_up_to_the_whole(amounts, first_half):
    keys = [(t, a, p) for t, a, _ in MONTHLY for p in MONTHS]
    facts = facts_from_records(
        {"scenario": "base", "team": t, "account": a, "period": p, "amount": amount}
        for (t, a, p), amount in zip(keys, amounts, strict=True)
    )
    halves = facts["team"].isin(list(first_half))
    plan, no_opening = make_plan(), make_plan(dict.fromkeys(OPENING, 0))

    def values(p: Plan, f: pd.DataFrame) -> pd.Series:
        return kpis(p, f, metrics=ADDITIVE).set_index(["metric", "period"])["value"]

    whole = values(plan, facts)
    combined = values(plan, facts[halves]).add(values(no_opening, facts[~halves]), fill_value=0)
    assert combined.to_numpy() == pytest.approx(whole.to_numpy(), rel=1e-9, abs=1e-6)


def test_every_metric_and_opening_balance_is_documented():
    kpi_doc = (Path(__file__).parents[2] / "docs" / "kpis.md").read_text(encoding="utf-8")
    model_doc = (Path(__file__).parents[2] / "docs" / "plan-model.md").read_text(encoding="utf-8")
    for metric in KPI_METRICS:
        assert f"| `{metric}` |" in kpi_doc, metric
    for opening in OPENING_ASSUMPTIONS:
        assert f"| `{opening}` |" in model_doc, opening


def test_every_metric_a_goal_may_target_is_computed():
    assert set(KNOWN_METRICS) <= set(KPI_METRICS)
