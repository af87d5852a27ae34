"""The Push budget button on a plain workbook's Facts sheet, through xlwings
Server's custom-script path: it stores exactly the facts ``planbook push`` stores; bad cells
come back in one alert and are highlighted, and nothing is stored."""

from __future__ import annotations

from typer.testing import CliRunner

from planbook import write_facts
from planbook.cli.main import app as cli_app
from server.store.store import Store
from tests.addin.book_json import book_of, facts_rows, run_button
from tests.addin.functions_helpers import (
    closed_session,  # noqa: F401 (autouse)
    seeded_db,
)
from tests.server.store.helpers import bump, same_facts, team_facts

HEADER = ["scenario", "team", "account", "line", "period", "amount"]


def _book(facts, settings_rows):
    return book_of("sales-na.xlsx", {"Facts": facts, "xlwings.conf": settings_rows})


def _push(book):
    return run_button(book, "push_budget")


def test_push_button_stores_exactly_what_the_cli_push_stores(tmp_path, demo, monkeypatch):
    monkeypatch.delenv("PLANBOOK_SERVER", raising=False)
    monkeypatch.setenv("PLANBOOK_AUTHOR", "lead@cirrus")
    budget = bump(team_facts(demo, "sales-na"), 7)
    by_button = seeded_db(tmp_path / "a.db", demo)
    by_cli = seeded_db(tmp_path / "b.db", demo)
    settings = [["PLANBOOK_DB", by_button], ["PLANBOOK_VERSION", 2.0]]
    book = _book(facts_rows(budget), settings)
    actions = _push(book)
    alerts = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert alerts == [f"Pushed version 3 of plan cirrus: the Facts sheet ({len(budget):,} facts)."]
    written = {tuple(a["values"][0]) for a in actions if a["func"] == "setValues"}
    assert ("PLANBOOK_BASE", 3) in written and ("PLANBOOK_STATUS", "pushed") in written
    write_facts(budget, tmp_path / "budget.csv")
    out = CliRunner().invoke(
        cli_app, ["push", str(tmp_path / "budget.csv"), "--base", "2", "--db", by_cli]
    )
    assert out.exit_code == 0, out.output
    a, b = Store.open(by_button), Store.open(by_cli)
    assert same_facts(a.facts("cirrus", 3), b.facts("cirrus", 3))
    assert a.version("cirrus", 3).hash == b.version("cirrus", 3).hash
    a.close()
    b.close()


def test_push_button_lists_every_bad_cell_and_stores_nothing(tmp_path, demo, monkeypatch):
    monkeypatch.delenv("PLANBOOK_SERVER", raising=False)
    db = seeded_db(tmp_path / "a.db", demo)
    rows = facts_rows(team_facts(demo, "sales-na").head(5))
    rows[2][1] = "sales-nz"
    rows[4][5] = "12k"
    book = _book(rows, [["PLANBOOK_DB", db], ["PLANBOOK_VERSION", 2.0]])
    actions = _push(book)
    alerts = [a for a in actions if a["func"] == "alert"]
    assert len(alerts) == 1 and "Facts!F5" in alerts[0]["args"][0]
    colored = [a for a in actions if a["func"] == "setRangeColor"]
    assert colored and colored[0]["start_row"] == 4 and colored[0]["start_column"] == 5
    rows[4][5] = 12.5
    actions = _push(_book(rows, [["PLANBOOK_DB", db], ["PLANBOOK_VERSION", 2.0]]))
    alert = next(a for a in actions if a["func"] == "alert")["args"][0]
    assert "Facts!B3" in alert and "sales-nz" in alert
    store = Store.open(db)
    assert store.version("cirrus").number == 2
    store.close()


def test_push_button_without_a_facts_sheet_says_so(tmp_path, demo, monkeypatch):
    monkeypatch.delenv("PLANBOOK_SERVER", raising=False)
    db = seeded_db(tmp_path / "a.db", demo)
    book = _book([HEADER], [["PLANBOOK_DB", db]])
    book.sheets["Facts"].delete()
    actions = _push(book)
    alerts = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert len(alerts) == 1 and "no Facts sheet" in alerts[0]
