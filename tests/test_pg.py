"""The tests' PostgreSQL (tests/pg.py): a throwaway cluster really starts and stops, and when
no PostgreSQL can be had the message says what to install."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests import pg


def test_a_throwaway_cluster_serves_a_test_database_and_leaves_nothing_behind() -> None:
    with pg.throwaway_cluster() as (url, folder):
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar() == "test"
        engine.dispose()
        assert url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    assert not folder.exists()
    assert pg.connect_error(url) is not None


def test_a_named_server_that_does_not_answer_fails_and_says_so() -> None:
    url = f"postgresql+psycopg://postgres:secret@127.0.0.1:{pg.free_port()}/test"
    with pytest.raises(pg.PostgresUnavailable, match=pg.ENV) as caught, pg.postgres({pg.ENV: url}):
        pass
    assert "secret" not in str(caught.value)


def test_without_initdb_the_message_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pg.PostgresUnavailable, match="apt-get install postgresql"):
        pg.find_bindir(str(tmp_path / "*" / "bin"))
