"""What a button needs from its workbook: the settings sheet, and a way to tell the user."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from addin import session
from addin.acting import caller
from addin.settings import (
    KEYS,
    SETTINGS_SHEET,
    AddinSettings,
    for_service,
    load_settings,
    rows_to_mapping,
)
from planbook.errors import PlanbookError

__all__ = [
    "SETTINGS_SHEET",
    "UNEXPECTED",
    "alert",
    "book_settings",
    "failure",
    "replace_sheet",
    "write_back",
]

UNEXPECTED = "Planbook hit an unexpected error; the log has details."
_log = logging.getLogger("planbook.addin")


def sheet_values(book: Any) -> dict[str, str]:
    """The key/value rows of the workbook's ``xlwings.conf`` sheet (empty if it has none)."""
    if SETTINGS_SHEET not in [s.name for s in book.sheets]:
        return {}
    values = book.sheets[SETTINGS_SHEET]["A1"].expand().value
    if not isinstance(values, list):
        return {}
    rows = values if values and isinstance(values[0], list) else [values]
    return rows_to_mapping(rows)


def book_settings(book: Any) -> tuple[AddinSettings, dict[str, str]]:
    """The add-in settings with the workbook's settings sheet first, and the sheet's keys.

    Run by Planbook's service for an Office.js caller, the service's own settings with only
    the workbook's plan and version (a sheet naming a store, server, token, cache folder or
    author is refused: :func:`addin.settings.for_service`)."""
    sheet = sheet_values(book)
    if caller() is not None:
        return for_service(session.current().settings, sheet), sheet
    settings = load_settings(sheet=sheet)
    if not (settings.server or settings.db) and session.configured():
        # served by Planbook's own service (addin.officejs): its store, the book's choices
        base = session.current().settings
        given = {k: v for k, v in settings.__dict__.items() if v and k in sheet_keys(sheet)}
        settings = replace(base, **given)
    return settings, sheet


def sheet_keys(sheet: dict[str, str]) -> set[str]:
    """The settings names the sheet sets."""
    return {name for name, key in KEYS.items() if key in sheet}


def replace_sheet(book: Any, name: str) -> Any:
    """A fresh sheet ``name`` at the end of the book (an old one of that name is deleted)."""
    if name in [s.name for s in book.sheets]:
        book.sheets[name].delete()
    return book.sheets.add(name=name, after=book.sheets[-1])


def alert(book: Any, title: str, lines: list[str]) -> None:
    """One alert listing every line."""
    book.app.alert("\n".join(lines), title=title)


def failure(exc: Exception, title: str) -> str:
    """What an alert says about why a button failed. A :class:`PlanbookError` says it itself
    (where, and what to do); anything else is a bug: logged with its traceback, and the
    alert says only that."""
    if isinstance(exc, PlanbookError):
        return str(exc)
    _log.error("%s: unexpected error", title, exc_info=exc)
    return UNEXPECTED


def write_back(book: Any, values: dict[str, Any]) -> None:
    """Set keys in the settings sheet (existing rows updated, new ones appended)."""
    if SETTINGS_SHEET not in [s.name for s in book.sheets]:
        book.sheets.add(name=SETTINGS_SHEET, after=book.sheets[-1])
    sheet = book.sheets[SETTINGS_SHEET]
    current = sheet["A1"].expand().value or []
    rows = current if current and isinstance(current[0], list) else [current] if current else []
    keys = [str(r[0]).strip().upper() if r and r[0] else "" for r in rows]
    for key, value in values.items():
        row = keys.index(key) + 1 if key in keys else len(keys) + 1
        if key not in keys:
            keys.append(key)
        sheet[f"A{row}"].value = [[key, value]]
