"""Fixtures of the server tests: a fresh store per test, on SQLite and on PostgreSQL.

PostgreSQL is the session's ``pg_url`` (tests/pg.py: ``PLANBOOK_TEST_PG``, else 127.0.0.1:5432,
else a throwaway cluster); each test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from planbook.demo import Demo, build_demo
from server.store.store import Store


@pytest.fixture(scope="session")
def demo() -> Demo:
    """The 12-team demo company (built once; frames are never modified by tests)."""
    return build_demo()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    pg_url: str = request.getfixturevalue("pg_url")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{pg_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An empty, migrated store."""
    opened = Store.open(db_url)
    yield opened
    opened.close()


ROLES = {
    "admin": ("admin", ()),
    "finance": ("finance", ()),
    "lead": ("lead", ("sales-na",)),
    "viewer": ("viewer", ()),
}


@pytest.fixture
def api(db_url: str, demo: Demo) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    """A TestClient over a store seeded with the demo (versions 1 and 2), and the
    Authorization headers of one token per role."""
    from fastapi.testclient import TestClient as _TestClient

    from server.app import create_app
    from server.settings import Settings
    from tests.server.store.helpers import seed

    app = create_app(Settings(db=db_url, secret="s" * 32, max_body_bytes=4 * 1024 * 1024))
    store: Store = app.state.store
    seed(store, demo)
    headers = {}
    for name, (role, teams) in ROLES.items():
        _, secret = store.create_token(name=f"{name}-user", role=role, teams=teams)
        headers[name] = {"Authorization": f"Bearer {secret}"}
    with _TestClient(app) as client:
        yield client, headers
    store.close()
