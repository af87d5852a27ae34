"""Versions' parts kept per process (server/store/manifests.py): a push keeps what it
committed, another worker reads only the changes since the newest version it knows, and a
memo that does not match the database is never used. Each "worker" is a Store with its own
engine on the same database, as two uvicorn workers are."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from server.store import PushRequest
from server.store import manifests as manifests_module
from server.store.db import transaction
from server.store.manifests import _Known, _parts_query, database
from server.store.records import PartInfo, VersionInfo
from server.store.store import Store
from tests.server.store.helpers import bump, seed, team_facts


@contextmanager
def parts_reads(store: Store) -> Iterator[list[str]]:
    """The SQL statements that read ``version_parts`` while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        if "version_parts" in statement:
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _push_team(store: Store, demo, base: int, team: str, cents: int) -> VersionInfo:
    facts = bump(team_facts(demo, team), cents)
    version, created = store.push(
        PushRequest(demo.plan.id, base=base, facts=facts, replace_team=True)
    )
    assert created
    return version


def _truth(store: Store, plan_id: str, number: int) -> list[PartInfo]:
    """The parts of a version read from nothing."""
    with transaction(store.engine) as conn:
        return list(_parts_query(conn, plan_id, number).values())


def test_a_pushed_version_is_read_without_a_parts_query(store, demo):
    seed(store, demo)
    pushed = _push_team(store, demo, 2, demo.plan.teams[0].id, 1)
    with parts_reads(store) as reads:
        info, _ = store.version_plan(demo.plan.id, pushed.number)
    assert reads == []
    assert list(info.parts) == list(pushed.parts) == _truth(store, demo.plan.id, 3)
    assert info.changed == ("team:" + demo.plan.teams[0].id,)


def test_another_worker_reads_only_the_changes_since_the_version_it_knows(db_url, demo):
    writer, reader = Store.open(db_url), Store.open(db_url)
    try:
        seed(writer, demo)
        reader.version_plan(demo.plan.id, 2)  # the reader knows version 2
        teams = [t.id for t in demo.plan.teams]
        third = _push_team(writer, demo, 2, teams[0], 1)
        fourth = _push_team(writer, demo, third.number, teams[0], 2)  # the same part again
        with parts_reads(reader) as reads:
            info, _ = reader.version_plan(demo.plan.id, "latest")
        assert len(reads) == 1 and "max(" not in reads[0].lower()  # the changes in 3 and 4
        assert info.number == 4 and info.hash == fourth.hash
        assert list(info.parts) == list(fourth.parts) == _truth(reader, demo.plan.id, 4)
        assert info.changed == ("team:" + teams[0],)
        with parts_reads(reader) as reads:  # the version before: read from nothing, right
            before, _ = reader.version_plan(demo.plan.id, 3)
        assert len(reads) == 1 and list(before.parts) == _truth(reader, demo.plan.id, 3)
    finally:
        writer.close()
        reader.close()


def test_a_memo_that_does_not_match_the_database_is_not_used(db_url, demo):
    """A memo from another database (as if the store were restored under the worker)
    gives parts whose content hash is not the version's: they are read from nothing."""
    writer, reader = Store.open(db_url), Store.open(db_url)
    try:
        seed(writer, demo)
        info, _ = reader.version_plan(demo.plan.id, 2)
        wrong = {p.part: PartInfo(p.part, "0" * 64, p.rows, p.changed_in) for p in info.parts}
        key = (database(reader.engine), demo.plan.id)
        manifests_module._NEWEST[key] = _Known(2, info.hash, wrong)
        third = _push_team(writer, demo, 2, demo.plan.teams[0].id, 1)
        with parts_reads(reader) as reads:
            read, _ = reader.version_plan(demo.plan.id, 3)
        assert len(reads) == 2  # the changes since 2, then the whole history
        assert list(read.parts) == list(third.parts) == _truth(reader, demo.plan.id, 3)
    finally:
        writer.close()
        reader.close()


def test_workers_pushing_in_turn_always_read_the_stored_parts(db_url, demo):
    """Two workers push and read in a random order: every version either reads has the
    parts stored, whichever worker pushed it and whatever each knew before."""
    workers = [Store.open(db_url), Store.open(db_url)]
    try:
        seed(workers[0], demo)
        teams, head, rng = [t.id for t in demo.plan.teams], 2, random.Random(15)
        for step in range(1, 9):
            pusher, other = rng.sample(workers, 2)
            head = _push_team(pusher, demo, head, rng.choice(teams), step).number
            for worker in (other, pusher):
                number = rng.randint(2, head)
                info, _ = worker.version_plan(demo.plan.id, number)
                assert list(info.parts) == _truth(worker, demo.plan.id, number)
    finally:
        for worker in workers:
            worker.close()
