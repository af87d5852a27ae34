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
