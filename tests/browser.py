"""Debian's Chromium, headless, driven by Playwright for Python: one browser per test session.

Tests that run a web page (the console, the Office.js task pane) take the ``browser`` fixture
(module-scoped, in tests/conftest.py) and open their own context, so cookies and storage never
leak between tests. Playwright's own browser downloads are never used: the system browser is
launched by path, so nothing is fetched at test time. When Chromium is missing the tests fail
(never skip) and say what to install.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, sync_playwright

__all__ = ["BrowserUnavailable", "chromium"]


class BrowserUnavailable(RuntimeError):
    """No Chromium to run the browser tests with."""


def _executable() -> str:
    path = os.environ.get("PLANBOOK_TEST_CHROMIUM") or shutil.which("chromium")
    if not path:
        raise BrowserUnavailable(
            "browser tests need Debian's chromium: run `bash scripts/setup` as root, or "
            "`sudo apt-get install chromium`, or set PLANBOOK_TEST_CHROMIUM to a Chromium binary"
        )
    return path


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium for the length of the ``with`` block."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_executable(),
            headless=True,
            # The sandbox needs user namespaces, which containers and CI runners often lack.
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            yield browser
        finally:
            browser.close()
