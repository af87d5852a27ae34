"""The Diff versions button through xlwings Server's custom-script path, on a book built
from the JSON the Office.js add-in sends (xw.Book(json=...)); actions checked, not pixels."""

from __future__ import annotations

from planbook import PCT_COLUMNS, diff_facts
from server.store import PushRequest
from server.store.store import Store
from tests.addin.book_json import book_of, run_button
from tests.addin.functions_helpers import (
    closed_session,  # noqa: F401 (autouse)
    seeded_db,
)
from tests.server.store.helpers import bump, team_facts


def _book(settings_rows):
    return book_of("Budget.xlsx", {"Budget": [["team", "sales-na"]], "xlwings.conf": settings_rows})


def _run(book):
    return run_button(book, "diff_versions")


def test_diff_button_writes_a_sheet_of_every_changed_line(tmp_path, demo, monkeypatch):
    for key in ("PLANBOOK_SERVER", "PLANBOOK_TOKEN", "PLANBOOK_VERSION"):
        monkeypatch.delenv(key, raising=False)
    db = seeded_db(tmp_path / "store.db", demo)
    store = Store.open(db)
    sales = bump(team_facts(demo, "sales-na"), 5)
    store.acting_as("lead@cirrus").push(PushRequest("cirrus", base=2, facts=sales))
    expected = diff_facts(store.facts("cirrus", 2), store.facts("cirrus", 3))
    store.close()
    rows = [["PLANBOOK_DB", db], ["PLANBOOK_PLAN", "cirrus"], ["PLANBOOK_DIFF_FROM", 2.0]]
    actions = _run(_book(rows))
    assert {"func": "addSheet", "name": "Diff v2-v3"}.items() <= _flat(actions[0]).items()
    values = [a["values"] for a in actions if a["func"] == "setValues"]
    assert "2 (finance@cirrus) to version 3 (lead@cirrus)" in values[0][0][0]
    assert "13 parts unchanged" in values[0][0][0]  # the store diff skipped them unread
    bridge, (header, *lines), history = values[1:]
    assert bridge[0][0].startswith("bridge of operating income (base")
    steps = [row[1] for row in bridge[1:]]
    assert [row[0] for row in bridge[1:]] == ["start", "sales", "end"]
    assert steps[0] + steps[1] == steps[2] and steps[1] < 0  # costs up 5 a line
    assert header == list(PCT_COLUMNS)
    assert len(lines) == len(expected) > 0
    assert {line[8] for line in lines} == {5.0}
    assert history[0] == ["version", "when (UTC)", "who", "message"]
    assert [row[0] for row in history[1:]] == [3] and history[1][2] == "lead@cirrus"
    assert not [a for a in actions if a["func"] == "alert"]


def test_diff_button_alerts_once_when_it_cannot_diff(tmp_path, demo, monkeypatch):
    monkeypatch.delenv("PLANBOOK_SERVER", raising=False)
    db = seeded_db(tmp_path / "store.db", demo)
    rows = [["PLANBOOK_DB", db], ["PLANBOOK_DIFF_FROM", "no-such-tag"]]
    actions = _run(_book(rows))
    alerts = [a for a in actions if a["func"] == "alert"]
    assert len(alerts) == 1 and "no-such-tag" in alerts[0]["args"][0]
    assert "Traceback" not in alerts[0]["args"][0]
    assert not [a for a in actions if a["func"] == "addSheet"]


def _flat(action):
    return {"func": action["func"], "name": action["args"][1] if action["args"] else None}
