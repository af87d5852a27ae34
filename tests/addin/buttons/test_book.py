"""Every button fails the same way (addin.buttons.book.failure): a Planbook error is alerted
in its own words; anything else is a bug, logged with its traceback, and the alert says
only that Planbook hit an unexpected error."""

from __future__ import annotations

import logging

import pytest

from addin.buttons.book import UNEXPECTED
from addin.cache import VersionCache
from tests.addin.book_json import alerts, book_of, facts_rows, run_button
from tests.addin.functions_helpers import (
    closed_session,  # noqa: F401 (autouse)
    seeded_db,
)

BUTTONS = ["push_budget", "pull_plan", "diff_versions"]


@pytest.fixture
def book(tmp_path, demo, monkeypatch):
    """A plain workbook with a Facts sheet, on a store whose pinned version is no tag."""
    for key in ("PLANBOOK_SERVER", "PLANBOOK_DB", "PLANBOOK_VERSION"):
        monkeypatch.delenv(key, raising=False)
    db = seeded_db(tmp_path / "store.db", demo)
    settings = [["PLANBOOK_DB", db], ["PLANBOOK_VERSION", "no-such-tag"]]
    facts = facts_rows(demo.facts.head(3))
    return lambda: book_of("plain.xlsx", {"Facts": facts, "xlwings.conf": settings})


def _errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("button", BUTTONS)
def test_button_alerts_a_planbook_error_in_its_own_words(button, book, caplog):
    (alert,) = alerts(run_button(book(), button))
    assert "'no-such-tag' is neither a version number, 'latest', nor a tag" in alert
    assert UNEXPECTED not in alert
    assert not _errors(caplog)


@pytest.mark.parametrize("button", BUTTONS)
def test_button_logs_an_unexpected_error_with_its_traceback(button, book, caplog, monkeypatch):
    def broken(self: VersionCache, version: str | None = None) -> None:
        raise KeyError("an internal detail")

    monkeypatch.setattr(VersionCache, "snapshot", broken)
    monkeypatch.setattr(VersionCache, "source", broken)  # the diff reads through the door
    (alert,) = alerts(run_button(book(), button))
    assert UNEXPECTED in alert
    assert "internal detail" not in alert and "KeyError" not in alert
    (record,) = _errors(caplog)
    assert record.name == "planbook.addin"
    assert record.exc_info is not None and record.exc_info[0] is KeyError
