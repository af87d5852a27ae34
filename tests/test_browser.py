"""The browser the web tests use really runs a page's JavaScript (a smoke test of the set-up)."""

from __future__ import annotations

from playwright.sync_api import Browser


def test_chromium_runs_a_pages_javascript(browser: Browser) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<p id=out></p><script>out.textContent = String(6 * 7)</script>")
        assert page.text_content("#out") == "42"
    finally:
        context.close()
