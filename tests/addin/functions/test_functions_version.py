"""PB_VERSION, the pin and the per-version cache (embedded store; the service in
test_functions_live.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from addin.session import workbook_pin
from addin.settings import AddinSettings, load_settings, rows_to_mapping
from server.store import PushRequest
from server.store.store import Store
from tests.addin.functions_helpers import (
    call,
    closed_session,  # noqa: F401 (autouse)
    seeded_db,
    session_on,
)
from tests.server.store.helpers import bump, team_facts

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def db(tmp_path, demo):
    return seeded_db(tmp_path / "store.db", demo)


def _info(out):
    return {row[0]: row[1] for row in out[1:]}


def _push_new_version(db, demo):
    store = Store.open(db)
    store.acting_as("lead@cirrus").push(
        PushRequest("cirrus", base=2, facts=bump(team_facts(demo, "sales-na"), 1000))
    )
    store.close()


def test_pb_version_reports_the_pin_and_staleness(db, demo):
    session = session_on(db, version="2")
    info = _info(call("pb_version"))
    assert info["version"] == 2 and info["stale"] is False and info["status"] == "online"
    assert info["author"] == "finance@cirrus" and info["latest"] == 2
    before = call("pb_get", "rev-subscription", "sales-na", "2026-03")
    _push_new_version(db, demo)
    info = _info(call("pb_version"))
    assert info["version"] == 2 and info["latest"] == 3 and info["stale"] is True
    assert call("pb_get", "rev-subscription", "sales-na", "2026-03") == before
    assert session.cache.fetches == 1
    session.close()


def test_a_pin_change_invalidates_the_cache(db, demo):
    _push_new_version(db, demo)
    session = session_on(db, version="2")
    team_facts_ = team_facts(demo, "sales-na")
    row = team_facts_[(team_facts_["scenario"] == "base") & (team_facts_["line"] == "")].iloc[0]
    key = (str(row["account"]), "sales-na", str(row["period"]))
    old = call("pb_get", *key)[0][0]
    session.pin("3")
    assert session.cache.fetches == 0
    assert call("pb_get", *key)[0][0] == old + 1000
    assert _info(call("pb_version"))["stale"] is False
    assert call("pb_get", *key, "base", 2)[0][0] == old
    session.close()


def test_settings_come_from_the_sheet_then_the_config_then_the_environment():
    sheet = rows_to_mapping([["PLANBOOK_SERVER", "http://s"], ["PLANBOOK_VERSION", 4.0], [None, 1]])
    env = {"PLANBOOK_SERVER": "http://env", "PLANBOOK_TOKEN": "t", "PLANBOOK_PLAN": "cirrus"}
    conf = {"PLANBOOK_PLAN": "other"}
    settings = load_settings(sheet=sheet, conf=conf, env=env)
    assert settings == AddinSettings(server="http://s", token="t", plan="other", version="4")
    assert (
        load_settings(given={"version": "board"}, sheet=sheet, conf={}, env={}).version == "board"
    )
    assert load_settings(conf={}, env={}).version == "latest"


def test_no_store_configured_is_a_clear_error(tmp_path):
    session = session_on("", version="2")
    out = call("pb_version")
    assert "PLANBOOK_SERVER" in out[0][1]
    session.close()


def test_the_cli_runs_without_xlwings_importable():
    code = (
        "import sys; sys.modules['xlwings'] = None\n"
        "from planbook.cli.main import app\n"
        "import typer.testing\n"
        "r = typer.testing.CliRunner().invoke(app, ['template', '--help'])\n"
        "assert r.exit_code == 0, r.output\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS")}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


def test_a_moved_tag_pin_is_followed_within_30_seconds_and_on_refresh(db, demo):
    store = Store.open(db)
    store.acting_as("cfo").set_tag(plan_id="cirrus", name="board", ref=2)
    store.close()
    session = session_on(db, version="board")
    now = [1000.0]
    session.cache.clock = lambda: now[0]
    before = call("pb_get", "software-tools", "sales-na", "2026-03")
    _push_new_version(db, demo)
    store = Store.open(db)
    store.acting_as("cfo").set_tag(plan_id="cirrus", name="board", ref=3)
    store.close()
    now[0] += 10  # within 30 s: the tag is not asked again
    assert call("pb_get", "software-tools", "sales-na", "2026-03") == before
    info = _info(call("pb_version"))
    assert info["pinned"] == "board" and info["version"] == 2
    assert info["pin now"] == 3 and info["stale"] is True
    now[0] += 21  # 31 s after the first answer: resolved again, the new version answers
    after = call("pb_get", "software-tools", "sales-na", "2026-03")
    assert after[0][0] == before[0][0] + 1000
    assert _info(call("pb_version"))["version"] == 3
    fetches = session.cache.fetches
    store = Store.open(db)
    store.acting_as("cfo").set_tag(plan_id="cirrus", name="board", ref=2)
    store.close()
    session.refresh()  # the Refresh button: no wait, and version 2 is still in memory
    assert call("pb_get", "software-tools", "sales-na", "2026-03") == before
    assert session.cache.fetches == fetches


def test_a_numbered_pin_is_never_asked_again(db, demo):
    session = session_on(db, version="2")
    now = [0.0]
    session.cache.clock = lambda: now[0]
    before = call("pb_get", "software-tools", "sales-na", "2026-03")
    _push_new_version(db, demo)
    now[0] += 3600
    assert call("pb_get", "software-tools", "sales-na", "2026-03") == before
    assert session.cache.fetches == 1


def test_the_workbooks_own_pin_is_read_by_the_functions(db, demo):
    session_on(db, version="latest")
    _push_new_version(db, demo)  # latest is now 3; the workbook pins 2
    with workbook_pin("2"):
        pinned = call("pb_get", "software-tools", "sales-na", "2026-03")[0][0]
        info = _info(call("pb_version"))
        assert info["pinned"] == "2" and info["version"] == 2 and info["stale"] is True
    latest = call("pb_get", "software-tools", "sales-na", "2026-03")[0][0]
    assert latest == pinned + 1000
    with workbook_pin(""):  # a workbook without a pin of its own: the settings decide
        assert _info(call("pb_version"))["pinned"] == "latest"
