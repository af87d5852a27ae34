"""Reading versions: references, filters, hidden accounts, history."""

from __future__ import annotations

from functools import partial

import pytest

from server.store import FactFilter, NotFound
from tests.server.store.helpers import bump, same_facts, seed, team_facts


def test_resolve_number_tag_and_latest(store, demo):
    seed(store, demo)
    store.acting_as("cfo").set_tag(plan_id="cirrus", name="board-approved", ref=1)
    assert store.resolve("cirrus", "latest") == 2
    assert store.resolve("cirrus", "2") == 2
    assert store.resolve("cirrus", "v1") == 1
    assert store.resolve("cirrus", "board-approved") == 1


@pytest.mark.parametrize("ref", ["7", "0", "nope"])
def test_resolve_unknown_reference(store, demo, ref):
    seed(store, demo)
    with pytest.raises(NotFound):
        store.resolve("cirrus", ref)


@pytest.mark.parametrize("ref", ["7", "v3000000000", "99999999999999999999"])
def test_read_a_version_number_beyond_the_head(store, demo, ref):
    """Not found on both backends, however large (PostgreSQL's integer holds 2**31 - 1)."""
    seed(store, demo)
    for read in (store.version, store.version_plan, store.plan, store.facts_table):
        with pytest.raises(NotFound, match="versions are 1 to 2"):
            read("cirrus", ref)


def test_read_unknown_plan(store):
    with pytest.raises(NotFound, match="no plan 'x'"):
        store.version("x")


def test_filters_keep_only_what_is_asked(store, demo):
    seed(store, demo)
    wanted = FactFilter(
        scenarios=["base"], teams=["sales-na", "finance"], periods=["2026-03", "2026-04"]
    )
    got = store.facts("cirrus", "latest", wanted)
    facts = demo.facts
    expected = facts[
        (facts["scenario"] == "base")
        & facts["team"].isin(["sales-na", "finance"])
        & facts["period"].isin(["2026-03", "2026-04"])
    ]
    assert len(got) == len(expected) > 0
    assert same_facts(got, expected)


def test_actuals_only_reads_the_actuals_part(store, demo):
    seed(store, demo)
    got = store.facts("cirrus", "latest", FactFilter(scenarios=["actuals"]))
    assert same_facts(got, demo.facts[demo.facts["scenario"] == "actuals"])


def test_hidden_accounts_are_left_out(store, demo):
    seed(store, demo)
    secret = [a.id for a in demo.plan.accounts if a.confidential]
    assert secret
    got = store.facts("cirrus", "latest", FactFilter(hidden_accounts=secret))
    assert not set(got["account"].astype(str)) & set(secret)
    kept = demo.facts[~demo.facts["account"].isin(secret)]
    assert same_facts(got, kept)


def test_log_and_part_history(store, demo):
    seed(store, demo)
    sales = team_facts(demo, "sales-na")
    store.acting_as("alice").push(_req(demo, 2, bump(sales, 1), "first fix"))
    store.acting_as("bob").push(_req(demo, 3, bump(team_facts(demo, "finance")), "finance"))
    store.acting_as("alice").push(_req(demo, 4, bump(sales, 2), "second fix"))
    log = store.log("cirrus")
    assert [v.number for v in log] == [5, 4, 3, 2, 1]
    assert log[0].changed == ("team:sales-na",) and log[0].message == "second fix"
    assert log[-1].changed == ("company",)
    history = store.part_history("cirrus", "team:sales-na")
    assert [(v.number, v.author) for v in history] == [
        (5, "alice"),
        (3, "alice"),
        (2, "finance@cirrus"),
    ]
    assert [v.number for v in store.log("cirrus", limit=2)] == [5, 4]


def test_old_versions_stay_readable(store, demo):
    seed(store, demo)
    sales = team_facts(demo, "sales-na")
    store.push(_req(demo, 2, bump(sales, 5), "raise"))
    old = store.facts("cirrus", 2, FactFilter(teams=["sales-na"], scenarios=["base"]))
    assert same_facts(old, sales[sales["scenario"] == "base"])


def _req(demo, base, facts, message):
    from server.store import PushRequest

    return PushRequest(demo.plan.id, base=base, facts=facts, message=message)


def test_decoded_parts_are_cached_and_read_the_same(store, demo):
    """A second read (parts found decoded) gives what the first (parts decoded) gave, for
    every kind of filter; scenario slices of the cached parts never leak other rows."""
    from server.store.decoded import FACTS_CACHE, clear_facts_cache

    seed(store, demo)
    secret = [a.id for a in demo.plan.accounts if a.confidential]
    filters = [
        FactFilter(),
        FactFilter(scenarios=["conservative"]),
        FactFilter(scenarios=["aggressive", "base"], accounts=["travel", "salaries"]),
        FactFilter(scenarios=["base"], hidden_accounts=secret, own_teams=["finance"]),
    ]
    clear_facts_cache()
    cold = [store.facts("cirrus", "latest", w) for w in filters]
    assert FACTS_CACHE.size > 0
    warm = [store.facts("cirrus", "latest", w) for w in filters]
    for wanted, a, b in zip(filters, cold, warm, strict=True):
        assert same_facts(a, b)
        expected = demo.facts
        if wanted.scenarios:
            expected = expected[expected["scenario"].isin(list(wanted.scenarios))]
        if wanted.accounts:
            expected = expected[expected["account"].isin(list(wanted.accounts))]
        expected = wanted.visible(expected)
        assert len(a) == len(expected) > 0
        assert same_facts(a, expected)


def test_the_decoded_parts_cache_peeks_refreshes_and_clears():
    from server.lru import LruCache

    cache: LruCache[str, int] = LruCache(4)
    assert cache.peek("a") is None
    for i, key in enumerate("abcd"):
        cache.get(key, partial(int, i))
    assert cache.peek("a") == 0  # now the most recently used: "b" goes first
    cache.get("e", lambda: 4)
    assert cache.peek("b") is None and cache.peek("a") == 0 and cache.peek("e") == 4
    cache.clear()
    assert cache.size == 0 and cache.peek("a") is None
