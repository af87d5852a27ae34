from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.consolidate import request_vs_envelope
from planbook.facts import facts_from_records


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 11),
            st.sampled_from(["travel", "rent", "new-arr"]),
            st.integers(0, 11),
            st.decimals(min_value=0, max_value=10**6, places=2),
        ),
        min_size=1,
        max_size=40,
        unique_by=lambda r: r[:3],
    )
)
def test_department_totals_equal_the_sum_of_their_lines(demo, rows):
    teams = [t.id for t in demo.plan.teams]
    periods = demo.plan.calendar.periods
    facts = facts_from_records(
        {
            "scenario": "base",
            "team": teams[t],
            "account": a,
            "line": "",
            "period": periods[p],
            "amount": amount,
        }
        for t, a, p, amount in rows
    )
    result = request_vs_envelope(demo.plan, facts)
    costs = sum((amount for _, a, _, amount in rows if a != "new-arr"), Decimal(0))
    assert sum(result["request"], Decimal(0)) == costs
    department = {t.id: t.department for t in demo.plan.teams}
    for row in result.itertuples():
        assert row.request == sum(
            (
                amount
                for t, a, _, amount in rows
                if a != "new-arr" and department[teams[t]] == row.department
            ),
            Decimal(0),
        )


def test_unknown_grouping(demo):
    with pytest.raises(ValueError, match="by must be"):
        request_vs_envelope(demo.plan, demo.facts, by="account")


def _total(frame):
    return sum(frame["amount"], Decimal(0))


def test_roll_up_by_department_and_quarter(demo):
    from planbook.consolidate import consolidate

    costs = {"account_type": ["opex", "cogs"], "scenario": ["base"]}
    result = consolidate(demo.plan, demo.facts, by=["department"], period="quarter", filters=costs)
    assert list(result.columns) == ["department", "period", "amount"]
    assert set(result["period"]) == {"FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4"}
    cost_ids = [a.id for a in demo.plan.accounts if a.type.value in ("opex", "cogs")]
    base = demo.facts[(demo.facts["scenario"] == "base") & demo.facts["account"].isin(cost_ids)]
    assert _total(result) == sum(base["amount"], Decimal(0))
    by_team = request_vs_envelope(demo.plan, demo.facts, by="team")
    sales = result[result["department"] == "sales"]
    assert _total(sales) == sum(
        by_team.loc[by_team["team"].str.startswith("sales"), "request"], Decimal(0)
    )


@pytest.mark.parametrize("grain", ["month", "quarter", "half", "year", "total"])
def test_every_period_grain_adds_up_to_the_same_total(demo, grain):
    from planbook.consolidate import consolidate

    result = consolidate(
        demo.plan,
        demo.facts,
        by=["account"],
        period=grain,
        filters={"scenario": ["base"], "account": ["travel", "salaries"]},
    )
    base = demo.facts[
        (demo.facts["scenario"] == "base") & demo.facts["account"].isin(["travel", "salaries"])
    ]
    assert _total(result) == sum(base["amount"], Decimal(0))
    expected = {"month": 12, "quarter": 4, "half": 2, "year": 1, "total": 1}[grain]
    assert result["period"].nunique() == expected


def test_signed_pnl_adds_up_to_operating_income(demo):
    from planbook.consolidate import consolidate, to_wide

    pnl = consolidate(
        demo.plan,
        demo.facts,
        by=["pnl_line"],
        period="year",
        filters={"scenario": ["base"]},
        signed=True,
    )
    revenue = pnl.loc[pnl["pnl_line"] == "Revenue", "amount"].iloc[0]
    assert revenue > 0 and (pnl.loc[pnl["pnl_line"] != "Revenue", "amount"] < 0).all()
    costs = request_vs_envelope(demo.plan, demo.facts)["request"].sum()
    assert _total(pnl) == revenue - costs
    wide = to_wide(pnl)
    assert list(wide.columns) == ["pnl_line", "FY2027"]


def test_mixed_units_are_not_added(demo):
    from planbook.consolidate import consolidate
    from planbook.errors import PlanValidationError

    with pytest.raises(PlanValidationError, match="mixes units"):
        consolidate(demo.plan, demo.facts, by=["team"], filters={"scenario": ["base"]})


def test_bad_roll_up_arguments_are_all_named(demo):
    from planbook.consolidate import consolidate
    from planbook.errors import PlanValidationError

    with pytest.raises(PlanValidationError) as info:
        consolidate(demo.plan, demo.facts, by=["colour"], period="week", filters={"mood": []})
    assert [p.loc for p in info.value.problems] == [("by",), ("filters", "mood"), ("period",)]


def test_to_wide_fills_gaps_with_zero(demo):
    from planbook.consolidate import consolidate, to_wide

    result = consolidate(
        demo.plan,
        demo.facts,
        by=["team"],
        period="month",
        filters={"scenario": ["actuals"], "account": ["hires"]},
    )
    wide = to_wide(result)
    months = [c for c in wide.columns if c != "team"]
    assert months == sorted(months)
    assert all(isinstance(v, Decimal) for v in wide[months].to_numpy().ravel())


def test_balances_count_at_the_end_of_the_period(demo):
    from planbook.consolidate import consolidate

    result = consolidate(
        demo.plan,
        demo.facts,
        by=["company"],
        period="quarter",
        filters={"scenario": ["base"], "account": ["headcount"]},
    )
    base = demo.facts[(demo.facts["scenario"] == "base") & (demo.facts["account"] == "headcount")]
    q_ends = [demo.plan.calendar.periods[i] for i in (2, 5, 8, 11)]
    expected = [sum(base.loc[base["period"] == p, "amount"], Decimal(0)) for p in q_ends]
    assert list(result["amount"]) == expected
    year = consolidate(
        demo.plan,
        demo.facts,
        by=["company"],
        period="year",
        filters={"scenario": ["base"], "account": ["headcount"]},
    )
    assert year["amount"].iloc[0] == len(demo.positions[demo.positions["scenario"] == "base"])


def test_averages_divide_by_the_months_of_the_period(demo):
    from planbook.consolidate import consolidate
    from planbook.facts import facts_from_records

    plan = demo.plan.model_copy(
        update={
            "accounts": tuple(
                a.model_copy(update={"period_rollup": "average"})
                if a.id == "pipeline-generated"
                else a
                for a in demo.plan.accounts
            )
        }
    )
    periods = plan.calendar.periods
    facts = facts_from_records(
        {
            "scenario": "base",
            "team": "sales-dev",
            "account": "pipeline-generated",
            "line": "",
            "period": p,
            "amount": Decimal(i + 1),
        }
        for i, p in enumerate(periods[:3])
    )
    result = consolidate(plan, facts, by=["team"], period="quarter")
    assert list(result["amount"]) == [Decimal(2)]  # (1 + 2 + 3) / 3


def test_in_plan_order_puts_what_the_plan_does_not_know_last(demo):
    import pandas as pd

    from planbook.consolidate import in_plan_order

    wide = pd.DataFrame(
        {
            "department": ["zzz", "rnd", "sales", "ga", "(unknown)"],
            "FY2027": [1, 2, 3, 4, 5],
        }
    )
    ordered = in_plan_order(demo.plan, wide)
    assert list(ordered["department"]) == ["sales", "rnd", "ga", "(unknown)", "zzz"]
    assert list(ordered["FY2027"]) == [3, 2, 4, 5, 1]
