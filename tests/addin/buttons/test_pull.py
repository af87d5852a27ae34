"""The Pull plan button through xlwings Server's custom-script path: the pinned version's
assumptions, envelopes and goals written to the book, the version written back."""

from __future__ import annotations

from addin.buttons.pull import plan_tables
from tests.addin.book_json import book_of, run_button
from tests.addin.functions_helpers import (
    closed_session,  # noqa: F401 (autouse)
    seeded_db,
)


def _book(settings_rows):
    return book_of("sales-na.xlsx", {"Budget": [[""]], "xlwings.conf": settings_rows})


def test_pull_plan_writes_assumptions_envelope_goals_and_the_version(tmp_path, demo, monkeypatch):
    monkeypatch.delenv("PLANBOOK_SERVER", raising=False)
    db = seeded_db(tmp_path / "a.db", demo)
    rows = [["PLANBOOK_DB", db], ["PLANBOOK_VERSION", 2.0], ["PLANBOOK_TEAM", "sales-na"]]
    actions = run_button(_book(rows), "pull_plan")
    added = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert added == ["Assumptions", "Envelopes", "Goals"]
    values = [a["values"] for a in actions if a["func"] == "setValues"]
    expected = plan_tables(demo.plan, "sales-na")
    blank = lambda rows: [["" if v is None else v for v in row] for row in rows]  # noqa: E731
    assert values[:3] == [blank(expected[name]) for name in added]
    assert {r[0] for r in expected["Envelopes"][1:]} == {"sales-na"}
    assert len(expected["Assumptions"]) == len(demo.plan.assumptions) + 1
    written = [v[0] for v in values[3:]]
    assert ["PLANBOOK_PULLED", 2] in written
    assert "PLANBOOK_BASE" not in [w[0] for w in written]  # a pull never moves the base
    alerts = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert alerts == [
        "Pulled version 2 of plan cirrus.\nWrote the sheets Assumptions, Envelopes, Goals."
    ]


def test_pull_plan_alerts_when_the_store_is_unreachable(monkeypatch):
    for key in ("PLANBOOK_SERVER", "PLANBOOK_DB"):
        monkeypatch.delenv(key, raising=False)
    actions = run_button(_book([["PLANBOOK_SERVER", "http://127.0.0.1:9"]]), "pull_plan")
    alerts = [a for a in actions if a["func"] == "alert"]
    assert len(alerts) == 1 and "could not be pulled" in alerts[0]["args"][0]
