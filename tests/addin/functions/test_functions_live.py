"""The worksheet functions against a real ``planbook serve`` (uvicorn on 127.0.0.1): pin a
version, evaluate, push a new version, see the pin stale while PB_GET still answers from it;
the cache's conditional GET (ETag/304) and answers while the service is down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from addin.session import configure
from addin.settings import AddinSettings
from server.client import Client
from server.store import FactFilter, PushRequest
from server.store.store import Store
from tests.addin.book_json import alerts, book_of, facts_rows, run_button
from tests.addin.functions_helpers import (
    call,
    closed_session,  # noqa: F401 (autouse)
    error,
)
from tests.server.live import LiveServer
from tests.server.store.helpers import bump, same_facts, seed, team_facts

KEY = ("software-tools", "sales-na", "2026-03")


@pytest.fixture
def live(tmp_path, demo) -> Iterator[tuple[LiveServer, str]]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(url)
    seed(store, demo)
    _, token = store.create_token(name="finance-user", role="finance")
    store.close()
    server = LiveServer(url, log=tmp_path / "server.log").start()
    yield server, token
    server.stop()


def _info(out):
    return {row[0]: row[1] for row in out[1:]}


def _settings(server, token, tmp_path, version="2"):
    cache = str(tmp_path / "cache")
    return AddinSettings(
        server=server.url, token=token, plan="cirrus", version=version, cache=cache
    )


def test_pin_evaluate_push_stale_and_still_answering(live, demo, tmp_path):
    server, token = live
    session = configure(_settings(server, token, tmp_path))
    pinned = call("pb_get", *KEY)
    table = call("pb_table", "team", "month", "software-tools", "sales")
    assert _info(call("pb_version"))["stale"] is False
    with Client(server.url, token=token) as client:
        sales = bump(team_facts(demo, "sales-na"), 1000)
        version, _ = client.push(PushRequest("cirrus", base=2, facts=sales))
    assert version.number == 3
    info = _info(call("pb_version"))
    assert info["version"] == 2 and info["latest"] == 3 and info["stale"] is True
    assert info["status"] == "online" and info["author"] == "finance@cirrus"
    assert call("pb_get", *KEY) == pinned
    assert call("pb_table", "team", "month", "software-tools", "sales") == table
    assert call("pb_get", *KEY, "base", "latest")[0][0] == pinned[0][0] + 1000
    assert session.cache.fetches == 2
    session.close()


def test_conditional_get_and_offline_answers(live, tmp_path):
    server, token = live
    first = configure(_settings(server, token, tmp_path))
    value = call("pb_get", *KEY)
    assert not first.snapshot().from_disk
    second = configure(_settings(server, token, tmp_path))
    assert call("pb_get", *KEY) == value
    assert second.snapshot().from_disk  # 304: the copy in the cache folder is current
    server.stop()
    assert call("pb_get", *KEY) == value  # in memory, service down
    info = _info(call("pb_version"))
    assert info["status"] == "offline" and info["stale"] == ""
    third = configure(_settings(server, token, tmp_path))
    assert call("pb_get", *KEY) == value  # from the cache folder, service down
    assert third.snapshot().offline
    assert _info(call("pb_version"))["status"] == "offline"
    configure(_settings(server, token, tmp_path, version="7"))
    out = call("pb_get", *KEY)
    assert out == [[error("NotAvailable")]]
    third.close()


def test_a_token_that_may_not_read_is_an_error_value(live, tmp_path):
    server, _ = live
    configure(_settings(server, "pb_wrong", tmp_path))
    assert call("pb_get", *KEY) == [[error("Value")]]
    out = call("pb_version")
    assert out[0][0] == error("Value") and "token" in out[0][1].lower()


def test_push_button_through_the_service(live, demo, tmp_path):
    server, token = live
    budget = bump(team_facts(demo, "sales-na"), 3)
    settings = [["PLANBOOK_SERVER", server.url], ["PLANBOOK_TOKEN", token], ["PLANBOOK_BASE", 2]]
    book = book_of("sales-na.xlsx", {"Facts": facts_rows(budget), "xlwings.conf": settings})
    actions = run_button(book, "push_budget")
    assert alerts(actions) == [
        f"Pushed version 3 of plan cirrus: the Facts sheet ({len(budget)} facts)."
    ]
    with Client(server.url, token=token) as client:
        info = client.version("cirrus", "latest")
        wanted = FactFilter(teams=["sales-na"], scenarios=["base", "conservative", "aggressive"])
        stored = client.facts("cirrus", "latest", wanted)
    assert info.number == 3 and info.author == "finance-user"
    assert same_facts(stored, budget)


def test_classic_through_the_service_a_hidden_amount_is_an_error_never_zero(tmp_path, demo):
    """The service leaves confidential accounts out for a viewer (and other teams' for a
    lead); on the user's own machine the functions answer those amounts #N/A with the
    reason, in PB_GET and the cost KPIs, and keep every other number."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(url)
    seed(store, demo)
    tokens = {
        "viewer": store.create_token(name="viewer-vi", role="viewer")[1],
        "lead": store.create_token(name="lead-na", role="lead", teams=("sales-na",))[1],
    }
    store.close()
    server = LiveServer(url, log=tmp_path / "server.log").start()
    try:
        configure(_settings(server, tokens["viewer"], tmp_path / "viewer"))
        assert call("pb_get", "salaries", "sales-na", "2026-03") == [[error("NotAvailable")]]
        assert "confidential" in call("pb_errors")[1][3]
        assert call("pb_get", *KEY)[0][0] > 0
        assert call("pb_kpi", "burn_multiple", "FY2027") == [[error("NotAvailable")]]
        assert "needs confidential cost accounts" in call("pb_errors")[1][3]
        configure(_settings(server, tokens["lead"], tmp_path / "lead"))
        assert call("pb_get", "salaries", "sales-na", "2026-03")[0][0] > 0
        assert call("pb_get", "salaries", "sales-emea", "2026-03") == [[error("NotAvailable")]]
        configure(_settings(server, tokens["lead"], tmp_path / "lead"))  # from the disk copy
        assert call("pb_get", "salaries", "sales-emea", "2026-03") == [[error("NotAvailable")]]
    finally:
        server.stop()
