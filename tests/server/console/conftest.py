"""One live ``planbook serve`` for the console's tests: the demo's history (``first-drafts``,
``board-approved``), then two teams reopened and submitted again, and a token per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from planbook.demo import Demo
from server.demo import FINANCE, load_demo
from server.store.store import Store
from tests.server.live import LiveServer

SUBMITTED = ("sales-emea", "finance")
"""Teams waiting for approval: the browser test approves the first; the refusals use the
second, which must stay submitted."""


@dataclass(frozen=True)
class Console:
    url: str
    tokens: dict[str, str]
    db_url: str

    def status(self, team: str) -> str:
        store = Store.open(self.db_url, upgrade=False)
        try:
            change = store.statuses("cirrus")[team]
            return change.status if change else "draft"
        finally:
            store.close()


@pytest.fixture(scope="package")
def console(tmp_path_factory: pytest.TempPathFactory, demo: Demo) -> Iterator[Console]:
    folder = tmp_path_factory.mktemp("console")
    db_url = f"sqlite:///{folder / 'store.db'}"
    store = Store.open(db_url)
    load_demo(store, demo)
    for team in SUBMITTED:
        store.acting_as(FINANCE).change_status(plan_id="cirrus", team=team, action="reopen")
        store.acting_as("lead").change_status(plan_id="cirrus", team=team, action="submit")
    tokens = {
        role: store.create_token(name=f"{role}@cirrus.example", role=role, teams=teams)[1]
        for role, teams in (("finance", ()), ("viewer", ()), ("lead", ("sales-emea",)))
    }
    store.close()
    server = LiveServer(db_url, log=folder / "server.log").start()
    yield Console(server.url, tokens, db_url)
    server.stop()
