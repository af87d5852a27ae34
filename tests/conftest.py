"""Shared fixtures: the demo company (built once per session; frames are not mutated), the
PostgreSQL of the tests (see tests/pg.py), and one hypothesis profile for every property test."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack

# xlwings reads XLWINGS_ON_SERVER when it is first imported (without it, @xw.func registers
# nothing on Linux): set before any test module imports it, with the non-commercial key that
# covers xlwings Server's code paths, so every run serves (and fuzzes) the same routes
if "xlwings" in sys.modules and not os.environ.get("XLWINGS_ON_SERVER"):
    raise RuntimeError("xlwings was imported before tests/conftest.py set XLWINGS_ON_SERVER")
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest
from hypothesis import HealthCheck, settings
from playwright.sync_api import Browser

from planbook.demo import Demo, build_demo
from tests import browser as browsers
from tests import pg

# Timing is not what property tests check: a loaded 2-core CI machine must not fail them.
settings.register_profile("planbook", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("planbook")

# The CLI's tables wrap to the terminal; tests read them whole, with or without a terminal.
os.environ["COLUMNS"] = "200"

PG_ORIGIN = pytest.StashKey[str]()


@pytest.fixture(scope="session")
def demo() -> Demo:
    return build_demo()


@pytest.fixture(scope="session")
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of the tests' PostgreSQL database: ``PLANBOOK_TEST_PG``, else the server at
    127.0.0.1:5432, else a throwaway cluster started for this session. Tests that need
    PostgreSQL fail (never skip) with what to install when there is none."""
    with ExitStack() as stack:
        try:
            server = stack.enter_context(pg.postgres())
        except pg.PostgresUnavailable as exc:
            raise pytest.fail.Exception(str(exc), pytrace=False) from None
        request.config.stash[PG_ORIGIN] = server.origin
        yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for one test module (tests/browser.py); open a context per test.

    Per module, not per session: Playwright's sync API keeps an asyncio loop running in the
    main thread while it is open, and a later test calling ``asyncio.run`` would fail."""
    try:
        with browsers.chromium() as launched:
            yield launched
    except browsers.BrowserUnavailable as exc:
        raise pytest.fail.Exception(str(exc), pytrace=False) from None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which PostgreSQL the session used, if any."""
    origin = terminalreporter.config.stash.get(PG_ORIGIN, None)
    if origin:
        terminalreporter.write_line(f"PostgreSQL: {origin}")
