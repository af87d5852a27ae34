"""The add-in's state in one process: its settings, the version cache and recent errors.

Worksheet functions ask :func:`current` for the session; it is made from the settings
sources on first use (see :mod:`addin.settings`). :func:`configure` replaces it (buttons and
tests); :meth:`Session.pin` changes the pinned version and so invalidates the cache.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from addin.acting import caller
from addin.cache import Snapshot, VersionCache
from addin.settings import AddinSettings, load_settings

__all__ = [
    "ErrorRecord",
    "Session",
    "close_current",
    "configure",
    "configured",
    "current",
    "workbook_pin",
]

MAX_ERRORS = 50
_workbook_pin: ContextVar[str] = ContextVar("planbook_workbook_pin", default="")


@contextmanager
def workbook_pin(version: str | None) -> Iterator[None]:
    """Within the block, the calling workbook's own pin (its ``PLANBOOK_VERSION`` setting)
    is the pin: a function whose ``version`` argument is blank reads it, ahead of the add-in's
    settings (config file, environment). The Office.js route wraps each workbook's calls in
    it; classic Excel's wrappers pass the workbook's pin as the ``version`` argument."""
    token = _workbook_pin.set((version or "").strip())
    try:
        yield
    finally:
        _workbook_pin.reset(token)


@dataclass(frozen=True)
class ErrorRecord:
    """One error a function returned: when, which function, the Excel error and why."""

    at: datetime
    function: str
    code: str
    message: str
    caller: str = ""
    """Whose call it was, when the service runs the functions for an Office.js caller."""


class Session:
    """Settings, cache and the last errors of the worksheet functions."""

    def __init__(self, settings: AddinSettings) -> None:
        self.settings = settings
        self.cache = VersionCache(settings, as_caller=False)
        self.errors: deque[ErrorRecord] = deque(maxlen=MAX_ERRORS)

    def pinned(self) -> str:
        """The pin: the calling workbook's own (:func:`workbook_pin`), else the settings'."""
        return _workbook_pin.get() or self.settings.version or "latest"

    def snapshot(self, version: str | None = None) -> Snapshot:
        """The pinned version (:meth:`pinned`), or ``version``, from the cache."""
        return self.cache.snapshot(version or self.pinned())

    def pin(self, version: str) -> None:
        """Pin another version; snapshots of the old pin are dropped."""
        if (version or "latest") == self.settings.version:
            return
        self.cache.close()
        self.settings = self.settings.pinned(version)
        self.cache = VersionCache(self.settings, as_caller=False)

    def refresh(self) -> None:
        """Resolve tags and ``latest`` again on the next call (the Refresh button); versions
        already fetched stay cached by number."""
        self.cache.refresh()

    def record(self, function: str, code: str, message: str) -> None:
        """Remember an error for ``pb_errors``."""
        record = ErrorRecord(datetime.now(UTC), function, code, message, _caller_name())
        self.errors.appendleft(record)

    def my_errors(self) -> list[ErrorRecord]:
        """The errors of the caller's own calls (every error on the user's own machine)."""
        name = _caller_name()
        return [e for e in self.errors if e.caller == name]

    def close(self) -> None:
        """Close the store connection."""
        self.cache.close()


_current: Session | None = None


def current() -> Session:
    """The process's session (made from the settings sources on first use)."""
    global _current
    if _current is None:
        _current = Session(load_settings())
    return _current


def configured() -> bool:
    """Whether a session was made (or configured) in this process."""
    return _current is not None


def configure(settings: AddinSettings | None = None) -> Session:
    """Start a new session with ``settings`` (default: read the sources again)."""
    global _current
    if _current is not None:
        _current.close()
    _current = Session(settings or load_settings())
    return _current


def close_current() -> None:
    """Close and forget the process's session."""
    global _current
    if _current is not None:
        _current.close()
    _current = None


def _caller_name() -> str:
    who = caller()
    return who.name if who else ""
