"""The functions' tests share one set-up: a session over a seeded embedded store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from addin.session import Session
from planbook.demo import Demo
from tests.addin.functions_helpers import seeded_db, session_on


@pytest.fixture
def session(tmp_path: Path, demo: Demo) -> Iterator[Session]:
    """The add-in's session over a store seeded with the demo (versions 1 and 2)."""
    s = session_on(seeded_db(tmp_path / "store.db", demo))
    yield s
    s.close()
