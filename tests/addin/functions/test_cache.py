"""The per-version cache: the lookup index is exact, snapshots are fetched once and kept
within bounds, and a store that cannot be reached is said plainly."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import addin.index
from addin.cache import MAX_SNAPSHOTS, Offline, VersionCache
from addin.index import FactIndex, micro_units
from addin.settings import AddinSettings
from planbook import facts_from_records
from server.store import PushRequest
from server.store.store import Store
from tests.addin.functions_helpers import seeded_db
from tests.server.live import free_port
from tests.server.store.helpers import bump, team_facts

amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6, allow_nan=False
)


@settings(max_examples=50, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=5))
def test_index_sums_lines_exactly(values):
    records = [
        {
            "scenario": "base",
            "team": "t",
            "account": "a",
            "line": f"l{i}",
            "period": "2026-01",
            "amount": v,
        }
        for i, v in enumerate(values)
    ]
    index = FactIndex.build(facts_from_records(records))
    total = sum(values, Decimal(0))
    assert index.get("base", "t", "a", "2026-01") == float(total)
    assert index.get("base", "t", "a", "2026-02") is None
    assert index.get("base", "x", "a", "2026-01") is None


@pytest.mark.parametrize("dense", [True, False], ids=["dense table", "binary search"])
def test_many_keys_at_once_answer_as_one_key_at_a_time(monkeypatch, dense):
    """:meth:`FactIndex.lookup` (a batch's thousands of keys) answers as :meth:`get`, from
    the dense table and from the sorted keys alike, with amounts beyond 2**53 millionths."""
    monkeypatch.setattr(addin.index, "DENSE_CELLS", 10**6 if dense else 0)
    records = [
        {"scenario": s, "team": t, "account": a, "line": "", "period": p, "amount": amount}
        for s, t, a, p, amount in [
            ("base", "t1", "a1", "2026-01", Decimal("1.5")),
            ("base", "t1", "a2", "2026-02", Decimal("-0.000001")),
            ("base", "t2", "a1", "2026-02", Decimal("9000000000000.123456")),
            ("what_if", "t2", "a2", "2026-01", Decimal("7")),
        ]
    ]
    index = FactIndex.build(facts_from_records(records))
    teams, accounts, periods = (
        ["t1", "t2", "nope"],
        ["a1", "a2", "nope"],
        ["2026-01", "2026-02", "x"],
    )
    keys = [(t, a, p) for t in teams for a in accounts for p in periods]
    codes = [
        np.array([index.codes[d].get(k[d - 1], -1) for k in keys], dtype=np.int64)
        for d in (1, 2, 3)
    ]
    for scenario in ("base", "what_if", "nope"):
        found, amounts = index.lookup(scenario, *codes)
        one = [index.get(scenario, *k) for k in keys]
        assert [a if f else None for f, a in zip(found, amounts.tolist(), strict=True)] == one
    assert index.get("base", "t2", "a1", "2026-02") == 9000000000000.123456


def test_micro_units_are_the_exact_decimals():
    facts = facts_from_records(
        [
            {"scenario": "s", "team": "t", "account": "a", "period": "2026-01", "amount": a}
            for a in ("0.000001", "-1250.5", "9000000000000.123456")
        ]
    )
    assert micro_units(facts["amount"]).tolist() == [1, -1250500000, 9000000000000123456]


def test_snapshots_are_fetched_once_and_bounded(tmp_path, demo):
    db = seeded_db(tmp_path / "s.db", demo)
    store = Store.open(db)
    for base in range(2, 2 + MAX_SNAPSHOTS):
        sales = bump(team_facts(demo, "sales-na"), base)
        store.acting_as("x").push(PushRequest("cirrus", base=base, facts=sales))
    store.close()
    cache = VersionCache(AddinSettings(db=db, version="2"))
    first = cache.snapshot()
    assert cache.snapshot("2") is first and cache.snapshot(2) is first
    assert cache.fetches == 1 and cache.settings.plan == "cirrus"
    for number in range(3, 3 + MAX_SNAPSHOTS):
        cache.snapshot(str(number))
    assert len(cache._snapshots) == MAX_SNAPSHOTS
    assert cache.snapshot("latest").info.number == 2 + MAX_SNAPSHOTS
    cache.close()


def test_an_unreachable_service_without_a_copy_is_offline(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    cache = VersionCache(AddinSettings(server=url, token="t", plan="cirrus", cache=str(tmp_path)))
    with pytest.raises(Offline, match="offline, and version latest is not in the cache"):
        cache.snapshot()
    assert cache.offline
    cache.close()
