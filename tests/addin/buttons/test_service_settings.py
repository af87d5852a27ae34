"""Buttons served by Planbook's own service (the Office.js routes of :mod:`addin.officejs`)
read and write only the service's store: a workbook whose ``xlwings.conf`` sheet names
another store, service URL, token, cache folder or author changes nothing on the server and
gets one alert naming the key (issue 15, finding 1). It may still choose plan and version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from addin.officejs import PREFIX, mount
from addin.settings import AddinSettings
from planbook.demo import Demo
from server.app import create_app
from server.settings import Settings
from server.store.store import Store
from tests.addin.book_json import alerts, facts_rows, payload_of, settings_written
from tests.addin.functions_helpers import (
    closed_session,  # noqa: F401 (autouse)
    seeded_db,
)
from tests.server.store.helpers import bump, team_facts

TEAM = "sales-na"


class Service:
    """The service with its Office.js routes over its own store, and one token per role."""

    def __init__(self, client: TestClient, store: Store) -> None:
        self.client = client
        self.store = store
        self.tokens = {
            "finance": store.create_token(name="fp-and-a", role="finance")[1],
            "lead": store.create_token(name="lead-marcus", role="lead", teams=(TEAM,))[1],
            "viewer": store.create_token(name="viewer", role="viewer")[1],
        }

    def run(
        self, who: str, script: str, sheets: dict[str, list[list[Any]]]
    ) -> list[dict[str, Any]]:
        auth = {"Authorization": f"Bearer {self.tokens[who]}"}
        body = payload_of("Budget.xlsx", sheets)
        url = f"{PREFIX}/custom-scripts-call/{script}"
        response = self.client.post(url, json=body, headers=auth)
        assert response.status_code == 200, response.text
        actions: list[dict[str, Any]] = response.json()["actions"]
        return actions


@pytest.fixture
def service(tmp_path: Path, demo: Demo, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    for key in ("PLANBOOK_SERVER", "PLANBOOK_TOKEN", "PLANBOOK_VERSION", "PLANBOOK_DB"):
        monkeypatch.delenv(key, raising=False)
    db = seeded_db(tmp_path / "service.db", demo)
    app = create_app(Settings(db=db, secret="s" * 32))
    assert mount(app, settings=AddinSettings(db=db, plan="cirrus")) is None
    with TestClient(app) as client:
        yield Service(client, app.state.store)


@pytest.fixture
def other(tmp_path: Path, demo: Demo) -> str:
    """Another store on the same machine, which no token of the service was issued for."""
    return seeded_db(tmp_path / "other.db", demo)


def _refused(actions: list[dict[str, Any]], *keys: str) -> str:
    (text,) = alerts(actions)
    for key in keys:
        assert key in text, text
    assert "only its own store" in text and "Traceback" not in text
    assert not [a for a in actions if a["func"] == "addSheet"]
    assert not settings_written(actions)
    return text


def _versions(url: str) -> int:
    store = Store.open(url, upgrade=False)
    try:
        return store.version("cirrus").number
    finally:
        store.close()


@pytest.mark.parametrize("who", ["viewer", "finance", "lead"])
def test_a_workbook_naming_another_store_reads_nothing_from_it(service, other, who):
    conf = [["PLANBOOK_DB", other], ["PLANBOOK_TEAM", TEAM]]
    text = _refused(service.run(who, "pull_plan", {"xlwings.conf": conf}), "PLANBOOK_DB")
    assert other not in text


def test_a_workbook_naming_another_store_pushes_nothing_into_it(service, other, demo):
    facts = facts_rows(bump(team_facts(demo, TEAM), 7))
    sheets = {"Facts": facts, "xlwings.conf": [["PLANBOOK_DB", other]]}
    _refused(service.run("lead", "push_budget", sheets), "PLANBOOK_DB")
    assert _versions(other) == 2
    assert service.store.version("cirrus").number == 2


def test_a_workbook_naming_a_new_store_file_creates_nothing(service, tmp_path):
    target = tmp_path / "planted" / "made.db"
    conf = [["PLANBOOK_DB", f"sqlite:///{target}"], ["PLANBOOK_DIFF_FROM", 1.0]]
    _refused(service.run("viewer", "diff_versions", {"xlwings.conf": conf}), "PLANBOOK_DB")
    assert not target.exists() and not target.parent.exists()


def test_a_workbook_naming_a_service_and_token_sends_nothing(service, monkeypatch):
    sent: list[object] = []
    monkeypatch.setattr("httpx.Client.send", lambda *a, **k: sent.append(a))
    conf = [["PLANBOOK_SERVER", "http://127.0.0.1:9"], ["PLANBOOK_TOKEN", "pb_chosen"]]
    actions = service.run("finance", "pull_plan", {"xlwings.conf": conf})
    _refused(actions, "PLANBOOK_SERVER", "PLANBOOK_TOKEN")
    assert sent == []


@pytest.mark.parametrize("key", ["PLANBOOK_CACHE", "PLANBOOK_AUTHOR"])
def test_a_workbook_naming_a_cache_folder_or_author_is_refused(service, tmp_path, key):
    folder = tmp_path / "planted-cache"
    conf = [[key, str(folder) if key == "PLANBOOK_CACHE" else "ceo@cirrus"]]
    _refused(service.run("lead", "pull_plan", {"xlwings.conf": conf}), key)
    assert not folder.exists()


def test_a_workbook_may_choose_plan_version_and_team(service):
    conf = [["PLANBOOK_PLAN", "cirrus"], ["PLANBOOK_VERSION", 1.0], ["PLANBOOK_TEAM", TEAM]]
    actions = service.run("viewer", "pull_plan", {"xlwings.conf": conf})
    (text,) = alerts(actions)
    assert text.startswith("Pulled version 1 of plan cirrus."), text
    assert settings_written(actions)["PLANBOOK_PULLED"] == 1
