"""Opening stores: migrations create the schema; SQLite runs in WAL mode; writes serialize."""

from __future__ import annotations

import threading

from sqlalchemy import inspect, text

from server.store import Conflict, PushRequest
from server.store.db import database_url, is_current, transaction
from server.store.store import Store
from tests.server.store.helpers import bump, seed, team_facts


def test_migration_creates_every_table_and_is_idempotent(db_url):
    store = Store.open(db_url)
    assert is_current(store.engine)
    tables = set(inspect(store.engine).get_table_names())
    assert {"plans", "blobs", "versions", "version_parts", "tags", "tokens"} <= tables
    store.close()
    Store.open(db_url).close()


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path):
    store = Store.open(tmp_path / "s.db")
    with transaction(store.engine) as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() >= 1000
    store.close()


def test_database_url_forms(tmp_path):
    assert database_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_concurrent_pushes_to_one_team_from_one_base_let_exactly_one_land(db_url, demo):
    stores = [Store.open(db_url) for _ in range(4)]
    seed(stores[0], demo)
    sales = team_facts(demo, "sales-na")
    outcomes: list[str] = []

    def attempt(i: int) -> None:
        try:
            stores[i].acting_as(f"u{i}").push(
                PushRequest("cirrus", base=2, facts=bump(sales, i + 1))
            )
            outcomes.append("landed")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["landed"]
    assert stores[0].version("cirrus").number == 3
    for s in stores:
        s.close()


def test_migrations_match_the_models(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from server.store.schema import Base

    store = Store.open(db_url)
    with transaction(store.engine) as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert diff == []


def test_two_writers_creating_the_same_plan_at_once(db_url, demo):
    from server.store import ConcurrentWrite, InvalidRequest

    stores = [Store.open(db_url) for _ in range(2)]
    outcomes: list[str] = []

    def create(i: int) -> None:
        request = PushRequest("cirrus", base=None, company=demo.plan)
        try:
            stores[i].push(request)
            outcomes.append("created")
        except (ConcurrentWrite, InvalidRequest) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0] in ("ConcurrentWrite", "InvalidRequest")
    assert outcomes.count("created") == 1
    assert stores[0].version("cirrus").number == 1
    for s in stores:
        s.close()
