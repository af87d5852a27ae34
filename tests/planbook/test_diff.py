from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.diff import (
    CHANGE_COLUMNS,
    apply_diff,
    bridge,
    bridge_steps,
    diff_facts,
    diff_rollup,
    diff_tables,
    with_percent,
)
from planbook.facts import canonical_dtypes as canonical
from planbook.facts import facts_from_records, facts_to_arrow, normalize

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


def _as_stored(facts, *, reverse=False):
    """Facts as the store reads a version: one sorted record batch per team."""
    batches = [
        facts_to_arrow(normalize(rows)).combine_chunks().to_batches()[0]
        for _, rows in normalize(facts).groupby("team", observed=True)
    ]
    batches = batches[::-1] if reverse else batches
    return pa.Table.from_batches(batches, facts_to_arrow(facts).schema)


@settings(max_examples=120, deadline=None)
@given(a=fact_sets, b=fact_sets, edits_only=st.booleans(), reverse=st.booleans())
def test_diff_of_stored_tables_is_the_diff_of_the_facts(a, b, edits_only, reverse):
    """Amount edits are compared row by row, other parts matched on their keys: the same
    lines either way, and applying them to A gives B."""
    if edits_only:  # the same keys in every part: no join at all
        b = {**a, **{k: v for k, v in b.items() if k in a}}
    facts_a, facts_b = _facts(a), _facts(b)
    changes = diff_tables(_as_stored(facts_a), _as_stored(facts_b, reverse=reverse))
    pd.testing.assert_frame_equal(_text(changes), _text(diff_facts(facts_a, facts_b)))
    pd.testing.assert_frame_equal(apply_diff(facts_a, changes), normalize(facts_b))
    assert len(diff_tables(_as_stored(facts_a), _as_stored(facts_a))) == 0


def _text(changes):
    return changes.astype({c: str for c in ("scenario", "team", "account", "line", "period")})


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


def _one(scenario, team, account, period, amount, line=""):
    return {
        "scenario": scenario,
        "team": team,
        "account": account,
        "line": line,
        "period": period,
        "amount": amount,
    }


@settings(max_examples=60, deadline=None)
@given(a=fact_sets)
def test_diff_of_a_with_itself_is_empty_for_any_facts(a):
    facts = _facts(a)
    assert len(diff_facts(facts, facts)) == 0


@settings(max_examples=60, deadline=None)
@given(a=fact_sets, b=fact_sets)
def test_bridge_steps_add_up_to_b_minus_a(a, b):
    from planbook.demo import build_demo

    plan = build_demo().plan
    a = {k: v for k, v in a.items() if k[1] in {t.id for t in plan.teams}}
    b = {k: v for k, v in b.items() if k[1] in {t.id for t in plan.teams}}
    facts_a, facts_b = _facts(a), _facts(b)
    start = sum(a.values(), Decimal(0))
    for by in ("department", "account"):
        steps = bridge_steps(plan, diff_facts(facts_a, facts_b), start=start, by=by)
        assert steps["amount"].iloc[0] == start
        assert steps["amount"].iloc[-1] == sum(b.values(), Decimal(0))
        assert sum(steps["amount"].iloc[1:-1], Decimal(0)) == steps["amount"].iloc[-1] - start


def test_small_diff_checked_by_hand():
    a = facts_from_records(
        [
            _one("base", "sales-na", "travel", "2026-02", "100"),
            _one("base", "sales-na", "rent", "2026-02", "50"),
            _one("base", "finance", "travel", "2026-03", "0"),
            _one("base", "finance", "rent", "2026-03", "10"),
        ]
    )
    b = facts_from_records(
        [
            _one("base", "sales-na", "travel", "2026-02", "125.50"),
            _one("base", "sales-na", "rent", "2026-02", "50"),
            _one("base", "finance", "travel", "2026-03", "7"),
            _one("base", "finance", "legal", "2026-03", "3"),
        ]
    )
    changes = with_percent(diff_facts(a, b))
    columns = ["team", "account", "change", "old", "new", "delta", "pct"]
    rows = {r[:2]: r[2:] for r in changes[columns].itertuples(index=False, name=None)}
    assert rows[("sales-na", "travel")][:4] == (
        "changed",
        Decimal(100),
        Decimal("125.5"),
        Decimal("25.5"),
    )
    assert rows[("sales-na", "travel")][4] == 25.5
    assert rows[("finance", "travel")][3] == 7 and pd.isna(rows[("finance", "travel")][4])
    assert rows[("finance", "rent")][0] == "removed" and rows[("finance", "rent")][3] == -10
    assert rows[("finance", "rent")][4] == -100.0
    assert rows[("finance", "legal")][0] == "added" and pd.isna(rows[("finance", "legal")][4])
    assert len(rows) == 4


def test_compare_facts_scope_threshold_and_unchanged(demo):
    from planbook.diff import DiffScope, compare_facts

    a = demo.facts
    b = a.copy()
    b["amount"] = b["amount"].astype(object)
    first_sales = b.index[(b["team"] == "sales-na") & (b["scenario"] == "base")][:3]
    for i, bump in zip(first_sales, ("0.01", "500", "1000"), strict=True):
        b.loc[i, "amount"] = a.loc[i, "amount"] + Decimal(bump)
    b = canonical(b)
    full = compare_facts(a, b, plans=[demo.plan])
    assert len(full.changes) == 3 and full.unchanged == len(a) - 3
    big = compare_facts(a, b, plans=[demo.plan], scope=DiffScope(threshold=Decimal(100)))
    assert sorted(big.changes["delta"]) == [Decimal(500), Decimal(1000)]
    assert big.below_threshold == 1 and len(big.all_changes) == 3
    sales = compare_facts(a, b, plans=[demo.plan], scope=DiffScope(departments=("sales",)))
    assert len(sales.changes) == 3
    sales_teams = {t.id for t in demo.plan.teams_of("sales")}
    assert sales.unchanged == int(a["team"].isin(sales_teams).sum()) - 3
    other = compare_facts(a, b, plans=[demo.plan], scope=DiffScope(teams=("finance",)))
    assert len(other.changes) == 0


def test_compare_facts_names_unknown_values(demo):
    from planbook.diff import DiffScope, compare_facts
    from planbook.errors import PlanValidationError

    scope = DiffScope(teams=("nope",), accounts=("salarys",), periods=("1999-01",))
    with pytest.raises(PlanValidationError) as raised:
        compare_facts(demo.facts, demo.facts, plans=[demo.plan], scope=scope)
    text = str(raised.value)
    assert "'nope'" in text and "'salarys'" in text and "'1999-01'" in text


def test_rollup_of_a_diff_goes_wide(demo):
    from planbook.consolidate import to_wide
    from planbook.demo import build_demo

    changes = diff_facts(demo.facts, build_demo(seed=11).facts)
    rolled = diff_rollup(
        demo.plan,
        changes,
        by=["department"],
        period="quarter",
        filters={"scenario": ["base"], "account_type": ["opex"]},
    )
    wide = to_wide(rolled)
    assert "department" in wide.columns and len(wide) == rolled["department"].nunique()
    q = [c for c in wide.columns if c != "department"]
    total = sum((v for c in q for v in wide[c]), Decimal(0))
    assert total == sum(rolled["delta"], Decimal(0))
