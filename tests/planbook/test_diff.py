from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.diff import CHANGE_COLUMNS, apply_diff, bridge, diff_facts, diff_rollup
from planbook.facts import facts_from_records, normalize

TEAMS = ["sales-na", "sales-emea", "finance", "rnd-x"]
ACCOUNTS = ["travel", "rent", "salaries"]
PERIODS = ["2026-02", "2026-03", "2026-11"]

fact_sets = st.dictionaries(
    st.tuples(
        st.sampled_from(["base", "actuals"]),
        st.sampled_from(TEAMS),
        st.sampled_from(ACCOUNTS),
        st.sampled_from(["", "a", "b"]),
        st.sampled_from(PERIODS),
    ),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    max_size=30,
)


def _facts(mapping):
    return facts_from_records(
        {"scenario": s, "team": t, "account": a, "line": line, "period": p, "amount": v}
        for (s, t, a, line, p), v in mapping.items()
    )


@settings(max_examples=80, deadline=None)
@given(a=fact_sets, b=fact_sets)
def test_diff_applied_to_a_gives_b(a, b):
    facts_a, facts_b = _facts(a), _facts(b)
    changes = diff_facts(facts_a, facts_b)
    pd.testing.assert_frame_equal(apply_diff(facts_a, changes), normalize(facts_b))
    expected = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    assert len(changes) == len(expected)
    assert sum(changes["delta"], Decimal(0)) == sum(b.values(), Decimal(0)) - sum(
        a.values(), Decimal(0)
    )


def test_diff_of_a_version_with_itself_is_empty(demo):
    changes = diff_facts(demo.facts, demo.facts)
    assert len(changes) == 0 and tuple(changes.columns) == CHANGE_COLUMNS


def test_changed_added_removed_lines(demo):
    a = demo.facts
    b = a.copy()
    b.loc[0, "amount"] = a.loc[0, "amount"] + 100
    b = b.drop(index=5)
    extra = facts_from_records(
        [
            {
                "scenario": "base",
                "team": "sales-na",
                "account": "travel",
                "line": "offsite",
                "period": "2026-09",
                "amount": "2500",
            }
        ]
    )
    b = pd.concat([b, extra], ignore_index=True)
    changes = diff_facts(a, b)
    assert sorted(changes["change"]) == ["added", "changed", "removed"]
    changed = changes[changes["change"] == "changed"].iloc[0]
    assert changed["delta"] == 100 and changed["new"] - changed["old"] == 100
    added = changes[changes["change"] == "added"].iloc[0]
    assert pd.isna(added["old"]) and added["new"] == 2500 and added["line"] == "offsite"
    removed = changes[changes["change"] == "removed"].iloc[0]
    assert pd.isna(removed["new"]) and removed["delta"] == -removed["old"]


def test_rollup_and_bridge_add_up(demo):
    from planbook.demo import build_demo

    other = build_demo(seed=11).facts
    costs = {"scenario": ["base"], "account_type": ["opex", "cogs"]}
    steps = bridge(demo.plan, demo.facts, other, by="department", filters=costs)
    assert steps["step"].iloc[0] == "start" and steps["step"].iloc[-1] == "end"
    assert sum(steps["amount"].iloc[:-1], Decimal(0)) == steps["amount"].iloc[-1]
    rolled = diff_rollup(
        demo.plan, diff_facts(demo.facts, other), by=["department"], period="total", filters=costs
    )
    by_step = dict(zip(steps["step"], steps["amount"], strict=True))
    for row in rolled.itertuples():
        assert by_step.get(row.department, Decimal(0)) == row.delta
