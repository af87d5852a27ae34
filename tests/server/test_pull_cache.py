"""Finding 9: encoded pulls are kept by what their bytes depend on (format, the filter as the
caller's role may see it, the parts' blobs), in memory per worker and in the store for every
worker; never shared across what different callers may see, and bounded in bytes. After a
push, the most pulled answers are encoded ahead in the background, and a failed warm never
breaks the push."""

from __future__ import annotations

import io
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete

from planbook.facts import facts_to_arrow
from server import formats
from server.api import answers as answers_module
from server.api.answers import AnswerCache, Warmer, answer_key, reading_filter, warm_views
from server.app import create_app
from server.auth import Principal, hidden_filter
from server.formats import facts_from_bytes, facts_to_bytes, facts_to_columns
from server.settings import Settings
from server.store import ALL_FACTS, FactFilter, PushRequest
from server.store.schema import AnswerRow
from server.store.store import Store
from tests.server.store.helpers import bump, same_facts, seed, team_facts

P = "/api/v1/plans/cirrus/versions/2/facts"
VIEWER = Principal("v", "viewer")


def _pull(client, headers, path=P, **params):
    answer = client.get(path, params={"format": "parquet"} | params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer


def _rows(answer) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(io.BytesIO(answer.content)).to_pylist()
    return rows


def _fresh_memory(client: TestClient) -> AnswerCache:
    """Wait for the warms, then start the worker's memory empty."""
    app = client.app
    assert isinstance(app, FastAPI)
    app.state.warmer.wait()
    answers = app.state.answers = AnswerCache(64 * 1024 * 1024)
    return answers


def test_a_repeated_pull_is_served_from_the_cache_per_role(api, demo):
    client, h = api
    cache = _fresh_memory(client)
    secret = {a.id for a in demo.plan.accounts if a.confidential}
    finance = _pull(client, h["finance"])
    viewer = _pull(client, h["viewer"])
    lead = _pull(client, h["lead"])
    assert len({finance.headers["etag"], viewer.headers["etag"], lead.headers["etag"]}) == 3
    kept = dict(cache._entries)
    assert len(kept) == 3 and cache.size == sum(map(len, kept.values()))
    # the same bytes again, for each role: no new entry, nothing re-encoded
    assert any(_pull(client, h["viewer"]).content is v for v in kept.values())
    assert _pull(client, h["finance"]).content == finance.content and len(cache._entries) == 3
    seen = {r["account"] for r in _rows(_pull(client, h["viewer"]))}
    assert not seen & secret and secret <= {r["account"] for r in _rows(finance)}
    lead_rows = _rows(lead)
    assert {r["team"] for r in lead_rows if r["account"] in secret} == {"sales-na"}
    # a filter and a format are part of the key too
    one = _pull(client, h["viewer"], team="sales-na")
    assert {r["team"] for r in _rows(one)} == {"sales-na"}
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
        assert cache.get(f"key{n}", encode(20)) == b"x" * 20
    assert cache.size <= cap and len(cache._entries) == cap // 20
    cache.get("key9", encode(20))  # the newest is kept (when anything is)
    assert len(calls) == (10 if cap else 11)
    assert cache.get("key99", encode(cap + 1)) and cache.size <= cap  # too big: not kept


@pytest.mark.parametrize("threaded_rows", [0, 10**9])
def test_an_answer_decodes_to_the_rows_it_was_encoded_from(demo, monkeypatch, threaded_rows):
    """Small answers decode in the calling thread, large ones with Arrow's threads: the
    same rows either way."""
    monkeypatch.setattr(formats, "THREADED_ROWS", threaded_rows)
    table = facts_to_arrow(demo.facts)
    decoded = facts_from_bytes(facts_to_bytes(table, "parquet"))
    assert decoded.num_rows == len(demo.facts) and decoded.to_pylist() == table.to_pylist()


def test_warmed_answers_equal_fresh_encodings_byte_for_byte(api, demo):
    """After a push, the store keeps the whole version for finance and for viewers (and each
    changed team both ways); each equals an encoding made now, and what the route sends."""
    client, h = api
    _fresh_memory(client)
    store: Store = client.app.state.store
    info, plan = store.version("cirrus", 2), store.plan("cirrus", 2)
    views = warm_views(plan, info)
    assert len(views) == 2 + 2 * len(demo.plan.teams)  # version 2 changed every team
    for wanted in views:
        kept = store.answer(answer_key(plan, info, wanted, "parquet"))
        fresh = facts_to_bytes(store.facts_table("cirrus", 2, reading_filter(wanted))[1], "parquet")
        assert kept is not None and kept == fresh
    assert _pull(client, h["finance"]).content == store.answer(
        answer_key(plan, info, ALL_FACTS, "parquet")
    )
    viewer = _pull(client, h["viewer"])
    assert viewer.content == store.answer(
        answer_key(plan, info, hidden_filter(VIEWER, plan, ALL_FACTS), "parquet")
    )
    expected = FactFilter(hidden_accounts=hidden_filter(VIEWER, plan, ALL_FACTS).hidden_accounts)
    assert same_facts(
        pq.read_table(io.BytesIO(viewer.content)).to_pandas(),
        store.facts("cirrus", 2, expected),
    )


def test_a_push_warms_the_teams_it_changed_and_keeps_the_others(api, demo):
    client, h = api
    store: Store = client.app.state.store
    client.app.state.warmer.wait()
    sales = bump(team_facts(demo, "sales-na"))
    body = {"base": 2, "facts": facts_to_columns(facts_to_arrow(sales))}
    assert client.post("/api/v1/plans/cirrus/versions", json=body, headers=h["lead"]).status_code
    client.app.state.warmer.wait()
    v2, v3, plan = store.version("cirrus", 2), store.version("cirrus", 3), store.plan("cirrus", 3)
    sales_na, finance = FactFilter(teams=["sales-na"]), FactFilter(teams=["finance"])
    # content-addressed: an unchanged team's answer is the same in both versions
    assert answer_key(plan, v2, finance, "parquet") == answer_key(plan, v3, finance, "parquet")
    assert answer_key(plan, v2, sales_na, "parquet") != answer_key(plan, v3, sales_na, "parquet")
    kept = store.kept_answers()
    for wanted in (sales_na, hidden_filter(VIEWER, plan, sales_na), ALL_FACTS):
        assert answer_key(plan, v3, wanted, "parquet") in kept
    # a lead's pull of its own team reads what finance's does: one answer, every row
    lead = hidden_filter(Principal("l", "lead", ("sales-na",)), plan, sales_na)
    assert answer_key(plan, v3, lead, "parquet") == answer_key(plan, v3, sales_na, "parquet")
    path = "/api/v1/plans/cirrus/versions/3/facts"
    mine = _pull(client, h["lead"], path, team="sales-na")
    assert mine.content == store.answer(answer_key(plan, v3, sales_na, "parquet"))
    secret = {a.id for a in demo.plan.accounts if a.confidential}
    assert secret & {r["account"] for r in _rows(mine)}  # its own salaries: seen


def test_a_viewer_never_gets_a_finance_answer(api, demo):
    """Only finance's answers are kept (the viewer's are deleted): a viewer's pull encodes
    its own, without a confidential row, whatever finance's answer holds."""
    client, h = api
    _fresh_memory(client)
    store: Store = client.app.state.store
    info, plan = store.version("cirrus", 2), store.plan("cirrus", 2)
    secret = {a.id for a in demo.plan.accounts if a.confidential}
    finance_key = answer_key(plan, info, ALL_FACTS, "parquet")
    viewer_key = answer_key(plan, info, hidden_filter(VIEWER, plan, ALL_FACTS), "parquet")
    lead_key = answer_key(
        plan, info, hidden_filter(Principal("l", "lead", ("sales-na",)), plan, ALL_FACTS), "parquet"
    )
    assert len({finance_key, viewer_key, lead_key}) == 3
    with store.engine.begin() as conn:
        conn.execute(delete(AnswerRow).where(AnswerRow.key != finance_key))
    assert set(store.kept_answers()) == {finance_key}
    for role in ("viewer", "lead"):
        rows = _rows(_pull(client, h[role]))
        assert {r["team"] for r in rows if r["account"] in secret} <= (
            {"sales-na"} if role == "lead" else set()
        )
    assert secret <= {r["account"] for r in _rows(_pull(client, h["finance"]))}


def test_two_workers_and_a_restart_share_the_kept_answers(db_url, demo, monkeypatch):
    """A push through one worker is warmed there; another worker, or the same service after a
    restart, sends the kept bytes without reading a part or encoding anything."""
    settings = Settings(db=db_url, secret="s" * 32)
    one = create_app(settings)
    seed(one.state.store, demo)
    one.state.warmer.wait()
    store: Store = one.state.store
    info, plan = store.version("cirrus", 2), store.plan("cirrus", 2)
    kept = store.answer(answer_key(plan, info, ALL_FACTS, "parquet"))
    assert kept is not None
    other = create_app(settings)  # a second worker (or the first, restarted)

    def no_reads(*_args, **_kwargs):
        raise AssertionError("the answer was kept: nothing should be read or encoded")

    monkeypatch.setattr(Store, "facts_table", no_reads)
    with TestClient(other) as client:
        answer = _pull(client, {"Authorization": "Bearer " + "s" * 32})
    assert answer.content == kept
    for app in (one, other):
        app.state.warmer.close()
        app.state.store.close()


def test_a_failed_warm_never_breaks_a_push(api, demo, monkeypatch):
    client, h = api
    store: Store = client.app.state.store
    client.app.state.warmer.wait()

    def broken(*_args, **_kwargs):
        raise RuntimeError("the warm broke")

    monkeypatch.setattr(answers_module, "facts_to_bytes", broken)
    sales = bump(team_facts(demo, "sales-na"))
    body = {"base": 2, "facts": facts_to_columns(facts_to_arrow(sales))}
    pushed = client.post("/api/v1/plans/cirrus/versions", json=body, headers=h["lead"])
    assert pushed.status_code == 201, pushed.text
    client.app.state.warmer.wait()
    v3, plan = store.version("cirrus", 3), store.plan("cirrus", 3)
    assert answer_key(plan, v3, ALL_FACTS, "parquet") not in store.kept_answers()
    # even a store told of pushes by something that raises commits and answers the push
    store.after_push = broken
    again = store.acting_as("finance").push(
        PushRequest("cirrus", base=3, facts=bump(team_facts(demo, "finance")))
    )
    assert again[1] and store.version("cirrus", "latest").number == 4
    rows = _rows(_pull(client, h["finance"], "/api/v1/plans/cirrus/versions/3/facts"))
    assert len(rows) == len(demo.facts)


def test_the_store_keeps_answers_within_its_cap(store):
    assert store.keep_answer(key="a" * 64, plan_id="p", data=b"1" * 40, cap=100)
    assert not store.keep_answer(key="a" * 64, plan_id="p", data=b"1" * 40, cap=100)  # kept
    assert store.keep_answer(key="b" * 64, plan_id="p", data=b"2" * 40, cap=100)
    assert store.keep_answer(key="c" * 64, plan_id="p", data=b"3" * 40, cap=100)
    assert store.kept_answers() == {"b" * 64: 40, "c" * 64: 40}  # the oldest went
    assert not store.keep_answer(key="d" * 64, plan_id="p", data=b"4" * 101, cap=100)
    assert store.answer("c" * 64) == b"3" * 40 and store.answer("a" * 64) is None


def test_kept_answers_are_not_backed_up(store, demo, tmp_path):
    """Derived data: an export leaves the answers out, and a store imported from it pulls
    the same facts, encoding them anew."""
    warmer = Warmer(store, AnswerCache(0), cap=64 * 1024 * 1024)
    store.after_push = warmer.schedule
    seed(store, demo)
    warmer.wait()
    assert store.kept_answers()
    store.export(tmp_path / "backup.zip")
    restored = Store.open(f"sqlite:///{tmp_path / 'restored.db'}")
    restored.import_(tmp_path / "backup.zip")
    assert restored.kept_answers() == {}
    assert same_facts(restored.facts("cirrus", 2), store.facts("cirrus", 2))
    restored.close()
    warmer.close()


def test_a_warmer_with_no_room_warms_nothing(store, demo):
    warmer = Warmer(store, AnswerCache(0), cap=0)
    store.after_push = warmer.schedule
    seed(store, demo)
    warmer.wait()
    assert store.kept_answers() == {}
    warmer.close()
