"""The buttons on a filled team budget template, as Excel sends it: ``xw.Book(json=...)``
from a workbook pulled with ``planbook pull --out``, edited, and recalculated by LibreOffice
(so formula cells carry values, as in Excel), run through xlwings Server's custom-script
path. A button push stores exactly what ``planbook push FILE.xlsx`` stores."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw
from fastapi.testclient import TestClient
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from addin.buttons.book import book_settings
from addin.libreoffice import convert
from addin.officejs import PREFIX, mount
from addin.settings import SETTINGS_SHEET, AddinSettings
from addin.templates.layout import GOAL_ROWS, TeamLayout
from addin.templates.settings_sheet import SETTINGS_ROWS
from planbook.cli.main import app as cli_app
from planbook.demo import Demo
from server.app import create_app
from server.settings import Settings
from server.store import FactFilter, PushRequest
from server.store.store import Store
from tests.addin.book_json import (
    alerts,
    book_from_file,
    book_payload,
    run_button,
    settings_written,
)
from tests.addin.functions_helpers import (
    closed_session,  # noqa: F401 (autouse)
    seeded_db,
)
from tests.server.live import LiveServer
from tests.server.store.helpers import bump, same_facts, seed, team_facts

TEAM = "sales-na"
runner = CliRunner(env={"COLUMNS": "250"})


def cli(*args: object) -> str:
    result = runner.invoke(cli_app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, demo: Demo) -> dict[str, Path]:
    """sales-na's workbook of version 2 pulled with positions, its first budget line's first
    month raised by 1,000, and recalculated by LibreOffice; and one pulled without positions."""
    folder = tmp_path_factory.mktemp("buttons")
    db = seeded_db(folder / "origin.db", demo)
    positions = folder / "positions.csv"
    demo.positions.to_csv(positions, index=False)
    edited = folder / "in" / f"{TEAM}.xlsx"
    edited.parent.mkdir()
    cli("pull", "--out", edited, "--team", TEAM, "--positions", positions, "--db", db)
    layout = TeamLayout(demo.plan, demo.plan.team(TEAM))
    wb = openpyxl.load_workbook(edited)
    cell = wb["Budget"].cell(row=layout.budget_first_row, column=layout.budget_first_column)
    cell.value = float(cell.value) + 1000
    wb.save(edited)
    bare = folder / f"{TEAM}-no-positions.xlsx"
    cli("pull", "--out", bare, "--team", TEAM, "--db", db)
    return {"recalculated": convert(edited, folder / "out", "xlsx"), "bare": bare}


@pytest.fixture
def db(tmp_path: Path, demo: Demo, monkeypatch: pytest.MonkeyPatch) -> str:
    for key in ("PLANBOOK_SERVER", "PLANBOOK_TOKEN", "PLANBOOK_VERSION", "PLANBOOK_DB"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PLANBOOK_AUTHOR", "lead@cirrus")
    return seeded_db(tmp_path / "store.db", demo)


def test_push_button_on_a_filled_template_stores_what_the_cli_push_stores(
    filled, db, tmp_path, demo
):
    path = filled["recalculated"]
    book = book_from_file(path, settings=[["PLANBOOK_DB", db]], name=f"{TEAM}.xlsx")
    actions = run_button(book, "push_budget")
    assert len(alerts(actions)) == 1
    assert alerts(actions)[0].startswith(
        f"Pushed version 3 of plan cirrus: {TEAM}'s base budget ("
    ), alerts(actions)
    written = settings_written(actions)
    assert written["PLANBOOK_BASE"] == 3 and written["PLANBOOK_STATUS"] == "pushed"
    by_cli = seeded_db(tmp_path / "cli.db", demo)
    named = tmp_path / f"{TEAM}.xlsx"
    named.write_bytes(path.read_bytes())
    cli("push", named, "--db", by_cli, "--author", "lead@cirrus")
    a, b = Store.open(db), Store.open(by_cli)
    try:
        assert same_facts(a.facts("cirrus", 3), b.facts("cirrus", 3))
        assert a.version("cirrus", 3).hash == b.version("cirrus", 3).hash
        mine = FactFilter(teams=[TEAM], scenarios=["base"])
        before, after = a.facts("cirrus", 2, mine), a.facts("cirrus", 3, mine)
        delta = Decimal(str(after["amount"].sum())) - Decimal(str(before["amount"].sum()))
        assert delta == 1000
    finally:
        a.close()
        b.close()


def test_push_button_through_a_live_service_as_the_team_lead(filled, db, tmp_path, demo):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    store = Store.open(url)
    seed(store, demo)
    _, token = store.create_token(name="lead-marcus", role="lead", teams=(TEAM,))
    store.close()
    server = LiveServer(url, log=tmp_path / "server.log").start()
    try:
        settings = [["PLANBOOK_SERVER", server.url], ["PLANBOOK_TOKEN", token]]
        book = book_from_file(filled["recalculated"], settings=settings, name=f"{TEAM}.xlsx")
        actions = run_button(book, "push_budget")
    finally:
        server.stop()
    assert alerts(actions)[0].startswith("Pushed version 3 of plan cirrus"), alerts(actions)
    named = tmp_path / f"{TEAM}.xlsx"
    named.write_bytes(filled["recalculated"].read_bytes())
    cli("push", named, "--db", db, "--author", "lead-marcus")
    live, embedded = Store.open(url), Store.open(db)
    try:
        assert same_facts(live.facts("cirrus", 3), embedded.facts("cirrus", 3))
        assert live.version("cirrus", 3).author == "lead-marcus"
    finally:
        live.close()
        embedded.close()


def test_push_button_lists_bad_cells_highlights_them_and_stores_nothing(filled, db, demo):
    layout = TeamLayout(demo.plan, demo.plan.team(TEAM))
    first = layout.budget_first_row
    edits = {f"Budget!F{first}": "12k", f"Budget!A{first + 1}": "trvel"}
    settings = [["PLANBOOK_DB", db]]
    book = book_from_file(filled["recalculated"], settings=settings, edits=edits)
    actions = run_button(book, "push_budget")
    (alert,) = alerts(actions)
    assert alert.startswith("Nothing was pushed.")
    assert f'Budget!F{first}: "12k" is not a number' in alert
    assert f"Budget!A{first + 1}: unknown account" in alert
    colored = {
        (a["start_row"], a["start_column"]): a["args"][0]
        for a in actions
        if a["func"] == "setRangeColor"
    }
    assert colored == {(first - 1, 5): "#FFC7CE", (first, 0): "#FFC7CE"}
    marked = settings_written(actions)["PLANBOOK_MARKED"]
    assert marked == f"Budget!F{first},Budget!A{first + 1}"
    store = Store.open(db)
    assert store.version("cirrus").number == 2
    store.close()
    # fixed: the marks go back to the input colour and the push lands
    fixed = book_from_file(
        filled["recalculated"], settings=[*settings, ["PLANBOOK_MARKED", marked]]
    )
    actions = run_button(fixed, "push_budget")
    assert alerts(actions)[0].startswith("Pushed version 3"), alerts(actions)
    restored = [a["args"][0] for a in actions if a["func"] == "setRangeColor"]
    assert restored == ["#FFF2CC", "#FFF2CC"]


def _bob_changes_the_team(db: str, demo: Demo) -> None:
    """Someone else pushes sales-na on top of version 2 (as version 3)."""
    store = Store.open(db)
    store.acting_as("bob@cirrus").push(
        PushRequest("cirrus", base=2, facts=bump(team_facts(demo, TEAM), 1))
    )
    store.close()


def test_push_button_names_who_changed_the_team_since_the_workbook_base(filled, db, demo):
    _bob_changes_the_team(db, demo)
    book = book_from_file(filled["recalculated"], settings=[["PLANBOOK_DB", db]])
    (alert,) = alerts(run_button(book, "push_budget"))
    assert "Nothing was pushed." in alert
    assert f"team:{TEAM}" in alert and "bob@cirrus" in alert and "version 3" in alert
    store = Store.open(db)
    assert store.version("cirrus").number == 3
    store.close()


def test_a_second_push_from_the_same_workbook_builds_on_the_first(filled, db):
    settings = [["PLANBOOK_DB", db]]
    first = run_button(book_from_file(filled["recalculated"], settings=settings), "push_budget")
    base = settings_written(first)["PLANBOOK_BASE"]
    assert base == 3
    again = book_from_file(
        filled["recalculated"],
        settings=[*settings, ["PLANBOOK_BASE", float(base)]],
        edits={"Budget!D6": 4321.5},
    )
    actions = run_button(again, "push_budget")
    assert alerts(actions)[0].startswith("Pushed version 4"), alerts(actions)


def test_push_button_asks_what_to_do_with_headcount_it_cannot_see(filled, db):
    book = book_from_file(filled["bare"], settings=[["PLANBOOK_DB", db]])
    (alert,) = alerts(run_button(book, "push_budget"))
    assert "the Headcount sheet is empty" in alert and "PLANBOOK_HEADCOUNT" in alert
    assert "--" not in alert
    keep = [["PLANBOOK_DB", db], ["PLANBOOK_HEADCOUNT", "keep"]]
    actions = run_button(book_from_file(filled["bare"], settings=keep), "push_budget")
    assert alerts(actions)[0].startswith("Nothing changed: plan cirrus stays at version 2")


def test_diff_button_runs_on_a_template(filled, db):
    settings = [["PLANBOOK_DB", db], ["PLANBOOK_DIFF_FROM", 1.0], ["PLANBOOK_DIFF_TO", 2.0]]
    actions = run_button(book_from_file(filled["recalculated"], settings=settings), "diff_versions")
    assert not alerts(actions)
    added = [a for a in actions if a["func"] == "addSheet"]
    assert len(added) == 1
    blocks = [a["values"] for a in actions if a["func"] == "setValues"]
    header, *lines = next(b for b in blocks if b[0][0] == "scenario")  # the changed lines
    assert lines and {line[header.index("change")] for line in lines} == {"added"}
    assert {line[header.index("old")] for line in lines} == {""}


def _new_company(store: Store, demo: Demo, *, tax: str, extra_assumption: bool = False) -> int:
    """Finance changes the payroll tax rate of the first month and sales-na's base envelope
    and adds a goal for sales-na (and, if asked, an assumption: another layout); returns the
    new version."""
    plan = store.plan("cirrus", 2)
    first = plan.calendar.periods[0]
    assumptions = [
        a.model_copy(update={"values": {**a.values, first: Decimal(tax)}})
        if a.id == "payroll_tax_rate"
        else a
        for a in plan.assumptions
    ]
    if extra_assumption:
        extra = assumptions[0].model_copy(update={"id": "fx_rate", "name": "FX rate"})
        assumptions.append(extra)
    envelopes = [
        e.model_copy(update={"amounts": {k: v + 100 for k, v in e.amounts.items()}})
        if (e.team, e.scenario) == (TEAM, "base")
        else e
        for e in plan.envelopes
    ]
    goal = plan.goals[0].model_copy(
        update={"id": "na-bookings", "description": "Grow NA bookings", "team": TEAM}
    )
    update = {
        "assumptions": tuple(assumptions),
        "envelopes": tuple(envelopes),
        "goals": (*plan.goals, goal),
    }
    changed = plan.model_copy(update=update)
    info, _ = store.acting_as("cfo@cirrus").push(PushRequest("cirrus", base=2, company=changed))
    return info.number


def test_pull_button_refreshes_a_template_in_place_and_keeps_its_base(filled, db, demo):
    store = Store.open(db)
    version = _new_company(store, demo, tax="0.0812")
    store.close()
    book = book_from_file(filled["recalculated"], settings=[["PLANBOOK_DB", db]])
    actions = run_button(book, "pull_plan")
    (alert,) = alerts(actions)
    periods = demo.plan.calendar.periods
    # 1 tax rate + every month of the envelope + the 8 cells of the new goal's row
    assert alert == (
        f"Pulled version {version} of plan cirrus.\nRefreshed the assumptions, {TEAM}'s "
        f"envelope and goals: {1 + len(periods) + 8} values changed."
    )
    layout = TeamLayout(demo.plan, demo.plan.team(TEAM))
    assumptions = next(i for i, s in enumerate(book.sheets) if s.name == "Assumptions")
    writes = {
        (a["start_row"] + 1, a["start_column"] + 1): a["values"]
        for a in actions
        if a["func"] == "setValues" and a["sheet_position"] == assumptions
    }
    first = layout.assumptions_first_column
    tax_row, goals_row = layout.assumption_row("payroll_tax_rate"), layout.goals_header_row + 1
    # only the blocks that changed are written
    assert set(writes) == {(tax_row, first), (layout.envelope_row, first), (goals_row, 1)}
    assert writes[(tax_row, first)][0][0] == 0.0812
    goals = [row[0] for row in writes[(goals_row, 1)] if row[0]]
    assert goals[-1] == "na-bookings" and len(writes[(goals_row, 1)]) == GOAL_ROWS
    written = settings_written(actions)
    assert written["PLANBOOK_PULLED"] == version and "PLANBOOK_BASE" not in written
    # the push reads the refreshed sheet with the pulled plan: no warnings, base kept
    refreshed = {
        f"Assumptions!{_ref(layout.assumption_row('payroll_tax_rate'), 4)}": 0.0812,
        **{
            f"Assumptions!{_ref(layout.envelope_row, 4 + i)}": v
            for i, v in enumerate(writes[(layout.envelope_row, 4)][0])
        },
    }
    pulled = [["PLANBOOK_DB", db], ["PLANBOOK_PULLED", float(version)]]
    after = book_from_file(filled["recalculated"], settings=pulled, edits=refreshed)
    (alert,) = alerts(run_button(after, "push_budget"))
    assert alert.startswith(f"Pushed version {version + 1} of plan cirrus") and "Note" not in alert
    # a workbook that shows the old figures while the plan says the new: notes, not errors
    base = [["PLANBOOK_BASE", float(version + 1)]]
    stale = book_from_file(filled["recalculated"], settings=pulled + base)
    (alert,) = alerts(run_button(stale, "push_budget"))
    assert alert.startswith(f"Nothing changed: plan cirrus stays at version {version + 1}")
    assert "Note: Assumptions!" in alert and "the plan's value counts" in alert


def _ref(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


def test_pull_button_warns_when_the_team_changed_since_the_workbook_base(filled, db, demo):
    _bob_changes_the_team(db, demo)
    book = book_from_file(filled["recalculated"], settings=[["PLANBOOK_DB", db]])
    (alert,) = alerts(run_button(book, "pull_plan"))
    assert "already current" in alert
    assert f"Note: {TEAM}'s budget changed after version 2" in alert
    assert "planbook" not in alert and "--" not in alert


def test_pull_button_asks_for_a_fresh_workbook_when_the_layout_changed(filled, db, demo):
    store = Store.open(db)
    _new_company(store, demo, tax="0.08", extra_assumption=True)
    store.close()
    book = book_from_file(filled["recalculated"], settings=[["PLANBOOK_DB", db]])
    actions = run_button(book, "pull_plan")
    (alert,) = alerts(actions)
    assert alert.startswith("The plan could not be pulled:") and "pull a fresh workbook" in alert
    assert "planbook" not in alert and "--" not in alert  # no command line in Excel
    assert not [a for a in actions if a["func"] == "setValues"]


def test_buttons_served_by_the_service_act_as_the_caller(filled, db, demo):
    """Through the Office.js routes of ``planbook``'s own service: a lead pushes their own
    team under their own name, not another team; a viewer cannot push; a lead's diff leaves
    out other teams' confidential lines."""
    app = create_app(Settings(db=db, secret="s" * 32))
    assert mount(app, settings=AddinSettings(db=db, plan="cirrus")) is None
    store = app.state.store
    tokens = {
        "lead-marcus": store.create_token(name="lead-marcus", role="lead", teams=(TEAM,))[1],
        "lead-emea": store.create_token(name="lead-emea", role="lead", teams=("sales-emea",))[1],
        "viewer": store.create_token(name="viewer", role="viewer")[1],
    }
    payload = book_payload(filled["recalculated"])

    def run(who: str, script: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        auth = {"Authorization": f"Bearer {tokens[who]}"}
        response = client.post(f"{PREFIX}/custom-scripts-call/{script}", json=body, headers=auth)
        assert response.status_code == 200, response.text
        actions: list[dict[str, Any]] = response.json()["actions"]
        return actions

    with TestClient(app) as client:
        (refused,) = alerts(run("lead-emea", "push_budget", payload))
        assert "may push only for sales-emea, not for team 'sales-na'" in refused
        (refused,) = alerts(run("viewer", "push_budget", payload))
        assert "pushing needs the role" in refused and "viewer" in refused
        assert store.version("cirrus").number == 2
        (done,) = alerts(run("lead-marcus", "push_budget", payload))
        assert done.startswith("Pushed version 3 of plan cirrus"), done
        assert store.version("cirrus", 3).author == "lead-marcus"
        settings = [["PLANBOOK_DIFF_FROM", 1.0], ["PLANBOOK_DIFF_TO", 2.0]]
        actions = run("lead-emea", "diff_versions", book_payload(filled["bare"], settings=settings))
    confidential = {a.id for a in demo.plan.accounts if a.confidential}
    blocks = [a["values"] for a in actions if a["func"] == "setValues"]
    header, *lines = next(b for b in blocks if b[0][0] == "scenario")  # the changed lines
    team, account = header.index("team"), header.index("account")
    assert lines and confidential
    secret = {line[team] for line in lines if line[account] in confidential}
    assert secret == {"sales-emea"}
    store.close()


def test_push_button_on_the_company_workbook_pushes_the_plan(tmp_path, db):
    path = tmp_path / "company.xlsx"
    cli("pull", "--out", path, "--db", db)
    settings = [["PLANBOOK_DB", db]]
    (alert,) = alerts(run_button(book_from_file(path, settings=settings), "push_budget"))
    assert alert.startswith("Nothing changed: plan cirrus stays at version 2"), alert
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Assumptions").to_python()
    header = next(r for r in rows if "Id" in r)
    row = next(i for i, r in enumerate(rows, start=1) if r[0] == "payroll_tax_rate")
    first = header.index(_first_month(rows))
    edits = {f"Assumptions!{_ref(row, first + 1)}": 0.0812}
    book = book_from_file(path, settings=settings, edits=edits)
    (alert,) = alerts(run_button(book, "push_budget"))
    assert alert == "Pushed version 3 of plan cirrus: the company plan.", alert
    store = Store.open(db)
    try:
        plan = store.plan("cirrus", 3)
        tax = next(a for a in plan.assumptions if a.id == "payroll_tax_rate")
        assert tax.values[plan.calendar.periods[0]] == Decimal("0.0812")
    finally:
        store.close()
    (alert,) = alerts(run_button(book_from_file(path, settings=settings), "pull_plan"))
    assert "company AOP workbook" in alert and "pull a fresh one from the store" in alert
    assert "planbook" not in alert and "--" not in alert


def _first_month(rows: Sequence[Sequence[object]]) -> str:
    """The first month heading of a company table."""
    header = next(r for r in rows if "Id" in r)
    return next(str(h) for h in header if str(h)[:2] == "20")


def test_the_template_ships_the_settings_sheet_the_buttons_read(filled, db):
    book = book_from_file(filled["bare"], settings=[["PLANBOOK_DB", db]])
    settings, sheet = book_settings(book)
    assert (settings.plan, settings.db, settings.server) == ("cirrus", db, "")
    assert "PLANBOOK_SERVER" not in sheet  # empty rows leave it to the config file
    actions = run_button(book, "pull_plan")
    conf = next(i for i, s in enumerate(book.sheets) if s.name == SETTINGS_SHEET)
    rows = {
        a["values"][0][0]: a["start_row"]
        for a in actions
        if a["func"] == "setValues" and a["sheet_position"] == conf
    }
    shipped = len(SETTINGS_ROWS) + 1  # and the PLANBOOK_DB row typed in
    assert rows == {"PLANBOOK_PULLED": shipped, "PLANBOOK_PULLED_AT": shipped + 1}
    assert not [a for a in actions if a["func"] == "addSheet"]


def test_push_button_refuses_an_edited_or_broken_template_in_one_alert(filled, db):
    settings = [["PLANBOOK_DB", db]]
    edited = book_from_file(filled["bare"], settings=settings, edits={"_planbook!B5": "other"})
    (alert,) = alerts(run_button(edited, "push_budget"))
    assert alert.startswith("Nothing was pushed.") and "the metadata sheet was edited" in alert
    broken = book_payload(filled["bare"], settings=settings)
    broken["sheets"] = [s for s in broken["sheets"] if s["name"] != "Budget"]
    (alert,) = alerts(run_button(xw.Book(json=broken), "push_budget"))
    assert "Budget: the sheet 'Budget' is missing" in alert
    store = Store.open(db)
    assert store.version("cirrus").number == 2
    store.close()
