"""Many clients against a real uvicorn: nothing accepted is lost, nothing is half-written.

SQLite and PostgreSQL, each with one and with two worker processes: at least 8 clients push to
different teams and to the same team, a few hundred pushes in all; every push either lands
in the history or gets a 409, and the final state equals replaying the accepted pushes.
Then the server is killed with SIGKILL while pushes are in flight; after a restart every
version is complete.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pandas as pd
import pytest

from server.client import Client
from server.store import Conflict, FactFilter, PushRequest, StoreError
from server.store.store import Store
from tests.server.live import LiveServer
from tests.server.store.helpers import bump, same_facts, seed, team_facts

pytestmark = pytest.mark.slow

BUDGET = ["base", "conservative", "aggressive"]
# four clients on four different teams, four on the same team
CLIENT_TEAMS = ["finance", "demand-gen", "people-ops", "cs-support"] + ["sales-na"] * 4


@dataclass
class Outcome:
    landed: dict[int, tuple[str, pd.DataFrame, str]] = field(default_factory=dict)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)


def _pusher(url, token, index, team, pushes, base_facts, out, retries=8):
    with Client(url, token=token, retries=retries, backoff=0.05) as client:
        for k in range(pushes):
            if out.stop.is_set():
                return
            facts = bump(base_facts, index * 1000 + k + 1)
            message = f"client {index} push {k}"
            try:
                base = client.resolve("cirrus", "latest")
                version, created = client.push(
                    PushRequest("cirrus", base=base, message=message, facts=facts)
                )
                assert created
                with out.lock:
                    out.landed[version.number] = (team, facts, message)
            except Conflict:
                with out.lock:
                    out.conflicts += 1
            except (StoreError, AssertionError) as exc:
                with out.lock:
                    out.errors.append(f"{type(exc).__name__}: {exc}")


def _run_clients(server: LiveServer, token: str, demo, pushes: int) -> Outcome:
    out = Outcome()
    threads = [
        threading.Thread(
            target=_pusher,
            args=(server.url, token, i, team, pushes, team_facts(demo, team), out),
        )
        for i, team in enumerate(CLIENT_TEAMS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _check_history_and_replay(db_url: str, out: Outcome, demo) -> None:
    store = Store.open(db_url)
    try:
        log = {v.number: v for v in store.log("cirrus")}
        assert set(out.landed) == set(log) - {1, 2}  # every accepted push is in the history
        for number, (team, _, message) in out.landed.items():
            assert log[number].message == message and log[number].changed == (f"team:{team}",)
        final: dict[str, pd.DataFrame] = {}
        for number in sorted(out.landed):  # replay the accepted pushes in order
            team, facts, _ = out.landed[number]
            final[team] = facts
        for team in set(CLIENT_TEAMS):
            pulled = store.facts("cirrus", "latest", FactFilter(teams=[team], scenarios=BUDGET))
            expected = final.get(team, team_facts(demo, team))
            assert same_facts(pulled, expected), team
        assert store.verify() == []
    finally:
        store.close()


def _prepare(db_url: str, demo) -> str:
    store = Store.open(db_url)
    seed(store, demo)
    _, token = store.create_token(name="finance", role="finance")
    store.close()
    return token


@pytest.mark.parametrize("workers", [1, 2])
def test_concurrent_pushes_lose_nothing(db_url, demo, tmp_path, workers):
    token = _prepare(db_url, demo)
    server = LiveServer(db_url, workers=workers, log=tmp_path / "server.log").start()
    try:
        out = _run_clients(server, token, demo, pushes=25)
    finally:
        server.stop()
    assert out.errors == []
    assert len(out.landed) + out.conflicts == 8 * 25
    assert len(out.landed) >= 4 * 25  # the four single-team clients never conflict
    _check_history_and_replay(db_url, out, demo)


def test_sigkill_while_pushing_leaves_only_complete_versions(db_url, demo, tmp_path):
    token = _prepare(db_url, demo)
    server = LiveServer(db_url, workers=2, log=tmp_path / "server.log").start()
    out = Outcome()
    threads = [
        threading.Thread(
            target=_pusher,
            args=(server.url, token, i, team, 1000, team_facts(demo, team), out, 1),
            daemon=True,
        )
        for i, team in enumerate(CLIENT_TEAMS)
    ]
    for t in threads:
        t.start()
    while len(out.landed) < 20:
        time.sleep(0.05)
    out.stop.set()  # the pushes in flight now are the ones the kill interrupts
    server.kill()
    for t in threads:
        t.join(timeout=120)
    acknowledged = dict(out.landed)
    store = Store.open(db_url)
    try:
        assert store.verify() == []
        head = store.version("cirrus").number
        assert [v.number for v in store.log("cirrus")] == list(range(head, 0, -1))
        for number, (team, facts, _) in acknowledged.items():  # acknowledged = durable
            pulled = store.facts("cirrus", number, FactFilter(teams=[team], scenarios=BUDGET))
            assert same_facts(pulled, facts)
    finally:
        store.close()
    restarted = LiveServer(db_url, log=tmp_path / "server.log").start()
    try:
        with Client(restarted.url, token=token) as client:
            version, created = client.push(
                PushRequest(
                    "cirrus",
                    base=head,
                    facts=bump(team_facts(demo, "finance"), 99999),
                )
            )
        assert created and version.number == head + 1
    finally:
        restarted.stop()
