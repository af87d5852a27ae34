"""The console in headless Chromium against a live ``planbook serve``: sign in, open the diff
of two tags, see the bridge, drill into a department, approve a submitted budget as finance,
see goals and KPIs, be refused as a viewer, sign out.

With ``PLANBOOK_SCREENSHOTS=DIR`` the pages are also saved as PNGs (docs/images/console-*.png
come from ``PLANBOOK_SCREENSHOTS=docs/images pytest tests/server/console/test_browser.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.server.console.conftest import SUBMITTED, Console


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("PLANBOOK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"console-{name}.png"), full_page=True)


def _sign_in(page: Page, console: Console, role: str) -> None:
    page.goto(console.url + "/")
    assert page.url.endswith("/console/signin")
    page.fill("#token", console.tokens[role])
    page.click("button:text('Sign in')")
    page.wait_for_url("**/console/plans/cirrus")


def test_finance_diffs_drills_down_approves_and_signs_out(page: Page, console: Console) -> None:
    _sign_in(page, console, "finance")
    assert page.locator("table.timeline").get_by_text("board-approved").count() == 1
    _shot(page, "timeline")

    page.select_option("#from", "first-drafts")
    page.select_option("#to", "board-approved")
    page.click("button:text('Show the diff')")
    page.wait_for_url("**/diff?from=first-drafts&to=board-approved")
    bars = page.locator("#bridge g.bar")
    assert bars.count() >= 3
    assert page.locator("#bridge g.bar.total").count() == 2
    assert page.locator("#history").get_by_text("programs cut by 10%").count() == 1
    _shot(page, "diff")

    page.locator("#steps a", has_text="sales").first.click()
    page.wait_for_url("**department=sales")
    assert page.locator("nav.crumbs").inner_text().endswith("sales")
    assert "by team" in page.locator("h2").first.inner_text()
    assert page.locator("#steps").get_by_text("sales-na").count() == 1
    assert page.locator("#lines tbody tr").count() > 0
    _shot(page, "department")

    page.click("nav >> text=Status board")
    row = page.locator(f"tr[data-team='{SUBMITTED[0]}']")
    assert row.locator(".status").inner_text() == "submitted"
    band = row.locator(".finding[data-rule=salary-band]")  # planted (docs/alignment.md)
    assert "Account Executive" in band.inner_text() and "warning" in band.inner_text()
    tight = page.locator("tr[data-team='platform-eng'] .finding[data-rule=team-envelope]")
    assert "blocking" in tight.inner_text() and "FY2027" in tight.inner_text()
    assert page.locator("#wider-findings [data-rule=company-envelope]").count() == 1
    row.locator("button[value=approve]").click()
    page.wait_for_url("**/status?done=*")
    assert page.locator(f"tr[data-team='{SUBMITTED[0]}'] .status").inner_text() == "approved"
    assert console.status(SUBMITTED[0]) == "approved"
    _shot(page, "status")

    page.click("nav >> text=KPIs and goals")
    assert page.locator("#goals tbody tr").count() > 0
    assert page.locator("table.kpis[data-scenario=base]").count() == 1
    _shot(page, "kpis")

    page.click("button:text('Sign out')")
    page.wait_for_url("**/console/signin")
    page.goto(console.url + "/console/plans/cirrus")
    assert page.url.endswith("/console/signin")


def test_a_viewer_sees_the_board_read_only_and_is_refused(page: Page, console: Console) -> None:
    _sign_in(page, console, "viewer")
    page.click("nav >> text=Status board")
    assert page.locator("#board button").count() == 0
    csrf = page.locator("form.signout input[name=csrf]").input_value()
    answer = page.request.post(
        f"{console.url}/console/plans/cirrus/status/{SUBMITTED[1]}",
        form={"action": "approve", "csrf": csrf},
        headers={"Origin": console.url},
    )
    assert answer.status == 403 and "needs the role finance" in answer.text()
    assert console.status(SUBMITTED[1]) == "submitted"
