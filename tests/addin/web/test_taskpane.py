"""The Office.js add-in in real headless Chromium, against a live ``planbook serve`` over
HTTPS, with a stand-in for the Office host (office_shim.js): sign-in, functions registered
from the metadata, 10,000 PB.GET cells through the batch route, Push budget refusing a bad
cell, Pull plan writing the pinned version's plan, and Refresh after a tag moved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from server.store.store import Store
from tests.addin.functions_helpers import seeded_db
from tests.addin.web.live import HttpsServer

SHIM = (Path(__file__).parent / "office_shim.js").read_text(encoding="utf-8")
OFFICE_JS = "https://appsforoffice.microsoft.com/**"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, demo: Any) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("addin-live")
    db = seeded_db(folder / "store.db", demo)
    store = Store.open(db)
    tokens = {
        "finance": store.create_token(name="Fiona Finance", role="finance")[1],
        "viewer": store.create_token(name="Victor Viewer", role="viewer")[1],
    }
    store.set_tag(plan_id="cirrus", name="board-approved", ref=1)
    server = HttpsServer(db, folder)
    try:
        yield {"url": server.url, "store": store, "tokens": tokens, "demo": demo}
    finally:
        server.stop()
        store.close()


def _pane(browser: Browser, live: dict[str, Any], setup: str = "") -> tuple[Any, Page]:
    context = browser.new_context(ignore_https_errors=True)
    # the host's office.js is replaced by the shim; the setup runs before the client loads
    shim = SHIM + setup
    context.route(OFFICE_JS, lambda r: r.fulfill(body=shim, content_type="text/javascript"))
    page = context.new_page()
    page.on("console", lambda m: print("console:", m.text))
    page.on("pageerror", lambda e: print("pageerror:", e))
    page.goto(f"{live['url']}/addin/taskpane.html")
    page.wait_for_function("window.Planbook !== undefined")
    registered = page.evaluate("Planbook.ready")
    arity = page.evaluate(
        "fetch('functions.json').then(r => r.json()).then(m => { window.__arity = "
        "Object.fromEntries(m.functions.map(f => [f.id, f.parameters.length])); "
        "return m.functions.length; })"
    )
    assert arity == len(registered)
    return context, page


def _sign_in(page: Page, token: str) -> None:
    page.fill("#token", token)
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#signed:not([hidden]), #messages.bad")
    assert page.is_visible("#signed"), page.text_content("#messages")


def _expected(live: dict[str, Any], version: int, keys: list[tuple[str, str, str]]) -> list[float]:
    facts = live["store"].facts("cirrus", version)
    base = facts[facts["scenario"] == "base"]
    sums = base.groupby(["account", "team", "period"], observed=True)["amount"].sum()
    return [float(sums.get(k, 0)) for k in keys]


def test_sign_in_registers_functions_and_computes_10000_cells_in_one_batch(browser, live):
    context, page = _pane(browser, live)
    try:
        names = set(page.evaluate("Object.keys(__shim.registry)"))
        assert {"GET", "TABLE", "VERSION", "KPI", "ERRORS"} <= names
        _sign_in(page, live["tokens"]["finance"])
        assert page.text_content("#who") == "Fiona Finance"
        assert page.text_content("#role") == "finance"
        # the token is in the user's storage, never in the workbook
        assert page.evaluate("localStorage.getItem('planbook.token')") == live["tokens"]["finance"]
        assert live["tokens"]["finance"] not in str(page.evaluate("__shim.book.settings"))
        plan = live["demo"].plan
        months = list(plan.calendar.periods)[:12]
        keys = [(a.id, t.id, m) for a in plan.accounts for t in plan.teams for m in months]
        keys = (keys * (10_000 // len(keys) + 1))[:10_000]
        page.evaluate(
            "keys => { __shim.sheet('Sheet1'); keys.forEach((k, i) => __shim.formula('Sheet1', "
            "'A' + (i + 1), 'GET', [[[k[0]]], [[k[1]]], [[k[2]]]])); }",
            keys,
        )
        before = page.evaluate("__shim.requests.filter(r => r.calls > 0).length")
        page.evaluate("__shim.calculate()")
        values = page.evaluate("__shim.values('Sheet1')")
        assert len(values) == 10_000
        batches = page.evaluate("__shim.requests.filter(r => r.calls > 0).length") - before
        assert batches == 1  # one request for the whole recalculation
        got = page.evaluate(
            "() => [...Array(11).keys()].map(i => __shim.value('Sheet1', 'A' + (i * 997 + 1)))"
        )
        want = _expected(live, 2, keys[::997])
        for g, w, k in zip(got, want, keys[::997], strict=True):
            if isinstance(g, dict):  # a confidential line: finance sees them all
                raise AssertionError((k, g))
            assert g == pytest.approx(w), k
    finally:
        context.close()


def test_a_viewer_gets_an_error_with_its_reason_and_errors_are_refused(browser, live):
    context, page = _pane(browser, live)
    try:
        _sign_in(page, live["tokens"]["viewer"])
        page.evaluate(
            "() => { __shim.sheet('S'); __shim.formula('S', 'A1', 'GET', "
            "[[['salaries']], [['sales-na']], [['2026-03']]]); "
            "__shim.formula('S', 'A2', 'GET', [[['travel']], [[{code: '#N/A'}]], [['2026-03']]]); "
            "__shim.formula('S', 'A3', 'GET', [[['nope']], [['sales-na']], [['2026-03']]]); "
            "__shim.formula('S', 'A4', 'GET', [null, [['sales-na']], [['2026-03']]]); "
            "__shim.formula('S', 'A5', 'GET', [[['travel']], [['']], [['2026-03']]]); }"
        )
        page.evaluate("__shim.calculate()")
        hidden = page.evaluate("__shim.value('S', 'A1')")
        assert hidden["error"] == "#N/A" and "confidential" in hidden["message"].lower()
        refused = page.evaluate("__shim.value('S', 'A2')")
        assert refused["error"] == "#VALUE!" and "team is the error #N/A" in refused["message"]
        assert page.evaluate("__shim.value('S', 'A3')")["error"] == "#REF!"
        for cell, name in (("A4", "account"), ("A5", "team")):  # =PB.GET(,...), a blank cell
            blank = page.evaluate(f"__shim.value('S', '{cell}')")
            assert blank["error"] == "#VALUE!", blank
            assert blank["message"].startswith(f"the {name} argument is blank but required; ")
    finally:
        context.close()


def test_push_budget_with_a_bad_cell_shows_it_and_stores_nothing(browser, live):
    context, page = _pane(browser, live)
    store = live["store"]
    latest = store.resolve("cirrus", "latest")
    try:
        _sign_in(page, live["tokens"]["finance"])
        page.evaluate(
            "() => __shim.sheet('Facts', [['scenario', 'team', 'account', 'line', 'period', "
            "'amount'], ['base', 'sales-na', 'travel', '', '2026-03', 100], "
            "['base', 'sales-na', 'travel', '', '2026-04', 'lots']])"
        )
        page.click("#push")
        page.wait_for_selector("#messages.bad")
        text = page.text_content("#messages")
        assert text is not None
        assert "Nothing was pushed" in text and "Facts!F3" in text, text
        assert page.text_content("#messages .cells") == "Facts!F3"
        assert page.evaluate("__shim.book.fills['Facts!F3']")
        assert store.resolve("cirrus", "latest") == latest
    finally:
        context.close()


def test_refresh_shows_the_new_numbers_after_a_tag_moves(browser, live):
    setup = "\n__shim.book.settings.PLANBOOK_VERSION = 'board-approved';"
    context, page = _pane(browser, live, setup)
    store = live["store"]
    try:
        _sign_in(page, live["tokens"]["finance"])
        assert page.input_value("#pin") == "board-approved"
        key = ("salaries", "sales-na", "2026-03")
        page.evaluate(
            "k => { __shim.sheet('P'); __shim.formula('P', 'A1', 'GET', [[[k[0]]], [[k[1]]], "
            "[[k[2]]]]); __shim.formula('P', 'B1', 'VERSION', []); }",
            list(key),
        )
        page.evaluate("__shim.calculate()")
        assert page.evaluate("__shim.value('P', 'A1')") == _expected(live, 1, [key])[0]
        # the buttons read the pane's pin too: Diff versions compares it with latest
        page.evaluate("() => __shim.sheet('xlwings.conf', [['PLANBOOK_PLAN', 'cirrus']])")
        page.click("#diff")
        page.wait_for_selector("#messages.good, #messages.bad")
        sheets = page.evaluate("__shim.book.sheets.map(s => s.name)")
        assert "Diff v1-v2" in sheets, (sheets, page.text_content("#messages"))
        store.set_tag(plan_id="cirrus", name="board-approved", ref=2)
        page.click("#refresh")
        page.wait_for_function("document.querySelector('#reads').textContent === 'version 2'")
        page.evaluate("__shim.settled()")
        now = page.evaluate("__shim.value('P', 'A1')")
        assert now == _expected(live, 2, [key])[0] and now != 0
        assert page.evaluate("__shim.value('P', 'C3')") == 2  # PB.VERSION's version row
    finally:
        store.set_tag(plan_id="cirrus", name="board-approved", ref=1)
        context.close()


def _sheet(page: Page, name: str) -> list[list[Any]]:
    """A shim sheet's cells as rows (blanks as "")."""
    rows: list[list[Any]] = page.evaluate(
        """n => { const s = __shim.book.sheets.find(x => x.name === n); if (!s) return null;
        let r = -1, c = -1; Object.keys(s.cells).forEach(k => { const p = k.split(',');
          r = Math.max(r, +p[0]); c = Math.max(c, +p[1]); });
        return [...Array(r + 1).keys()].map(i => [...Array(c + 1).keys()].map(j => {
          const v = s.cells[i + ',' + j]; return v === undefined ? '' : v; })); }""",
        name,
    )
    return rows


def test_pull_plan_writes_the_pinned_versions_plan_into_the_workbook(browser, live):
    setup = "\n__shim.book.settings.PLANBOOK_VERSION = 'board-approved';"
    context, page = _pane(browser, live, setup)
    store = live["store"]
    try:
        _sign_in(page, live["tokens"]["finance"])
        page.evaluate(
            "() => { __shim.sheet('xlwings.conf', [['PLANBOOK_PLAN', 'cirrus']]); "
            "__shim.sheet('Envelopes', [['stale'], ['old', 'rows', 1]]); }"
        )
        assert store.resolve("cirrus", "board-approved") == 1 != store.resolve("cirrus", "latest")
        page.click("#pull")
        page.wait_for_selector("#messages.good, #messages.bad")
        text = page.text_content("#messages")
        assert text is not None
        assert "Pulled version 1 of plan cirrus" in text, text
        plan = store.plan("cirrus", 1)
        months = list(plan.calendar.periods)
        envelopes = _sheet(page, "Envelopes")
        assert envelopes[0] == ["team", "scenario", *months]  # the stale rows are gone
        assert len(envelopes) == len(plan.envelopes) + 1
        first = plan.envelopes[0]
        assert envelopes[1][:2] == [first.team, first.scenario]
        assert envelopes[1][2:] == [float(first.amounts[m]) if m in first.amounts else ""
                                    for m in months]  # fmt: skip
        assumptions = _sheet(page, "Assumptions")
        assert [row[0] for row in assumptions[1:]] == [a.id for a in plan.assumptions]
        goals = _sheet(page, "Goals")
        assert [row[0] for row in goals[1:]] == [g.id for g in plan.goals]
        conf = {row[0]: row[1] for row in _sheet(page, "xlwings.conf")}
        assert conf["PLANBOOK_PULLED"] == 1  # the version the pane's pin named
        assert "(version 1 by " in conf["PLANBOOK_PULLED_AT"]
    finally:
        context.close()
