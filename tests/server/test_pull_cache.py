"""Finding 9: encoded pulls are kept per (version, filter, role, format), never shared
across what different callers may see, and bounded in bytes."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest

from server.api.answers import AnswerCache

P = "/api/v1/plans/cirrus/versions/2/facts"


def _pull(client, headers, **params):
    answer = client.get(P, params={"format": "parquet"} | params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer


def test_a_repeated_pull_is_served_from_the_cache_per_role(api, demo):
    client, h = api
    cache: AnswerCache = client.app.state.answers
    secret = {a.id for a in demo.plan.accounts if a.confidential}
    finance = _pull(client, h["finance"])
    viewer = _pull(client, h["viewer"])
    lead = _pull(client, h["lead"])
    assert len({finance.headers["etag"], viewer.headers["etag"], lead.headers["etag"]}) == 3
    kept = dict(cache._entries)
    assert len(kept) == 3 and cache.size == sum(map(len, kept.values()))
    # the same bytes again, for each role: no new entry, nothing re-encoded
    assert _pull(client, h["viewer"]).content is kept[("cirrus", 2, viewer.headers["etag"])]
    assert _pull(client, h["finance"]).content == finance.content and len(cache._entries) == 3
    seen = set(pq.read_table(io.BytesIO(_pull(client, h["viewer"]).content))["account"].to_pylist())
    assert not seen & secret and secret <= set(
        pq.read_table(io.BytesIO(finance.content))["account"].to_pylist()
    )
    lead_rows = pq.read_table(io.BytesIO(lead.content)).to_pylist()
    assert {r["team"] for r in lead_rows if r["account"] in secret} == {"sales-na"}
    # a filter and a format are part of the key too
    one = _pull(client, h["viewer"], team="sales-na")
    assert set(pq.read_table(io.BytesIO(one.content))["team"].to_pylist()) == {"sales-na"}
    client.get(P, params={"format": "csv"}, headers=h["viewer"])
    assert len(cache._entries) == 5


@pytest.mark.parametrize("cap", [0, 100])
def test_the_cache_keeps_at_most_its_bytes(cap):
    cache = AnswerCache(cap)
    calls = []

    def encode(size: int):
        def make() -> bytes:
            calls.append(size)
            return b"x" * size

        return make

    for n in range(10):
        assert cache.get(("p", n, "e"), encode(20)) == b"x" * 20
    assert cache.size <= cap and len(cache._entries) == cap // 20
    cache.get(("p", 9, "e"), encode(20))  # the newest is kept (when anything is)
    assert len(calls) == (10 if cap else 11)
    assert cache.get(("p", 99, "e"), encode(cap + 1)) and cache.size <= cap  # too big: not kept
