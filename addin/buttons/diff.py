"""The Diff versions button: a sheet listing every line that changed between two versions.

The versions are ``PLANBOOK_DIFF_FROM`` and ``PLANBOOK_DIFF_TO`` in the settings sheet
(numbers or tags); by default the pinned version and ``latest``. The arithmetic is
:func:`planbook.diff_facts`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import xlwings as xw

from addin.buttons.book import alert, book_settings, failure, replace_sheet
from addin.cache import VersionCache
from planbook import CHANGE_COLUMNS, diff_facts

__all__ = ["diff_versions", "diff_versions_classic", "write_diff"]

TITLE = "Planbook: diff versions"


@xw.script
def diff_versions(book: xw.Book) -> None:
    """Write a sheet with every line that changed between two versions."""
    write_diff(book)


def diff_versions_classic() -> None:
    """The same button for classic Excel: ``RunPython "import addin.buttons;
    addin.buttons.diff_versions_classic()"``."""
    write_diff(xw.Book.caller())


def write_diff(book: Any) -> str | None:
    """Write the diff sheet; returns its name, or None after an alert saying what failed."""
    try:
        settings, sheet = book_settings(book)
        cache = VersionCache(settings)
        try:
            old = cache.snapshot(sheet.get("PLANBOOK_DIFF_FROM") or settings.version)
            new = cache.snapshot(sheet.get("PLANBOOK_DIFF_TO") or "latest")
        finally:
            cache.close()
        changes = diff_facts(old.facts, new.facts)
        rows = [[_cell(v) for v in row] for row in changes.itertuples(index=False)]
    except Exception as exc:  # one alert, never a traceback
        alert(book, TITLE, [f"The diff could not be made: {failure(exc, TITLE)}"])
        return None
    name = f"Diff v{old.info.number}-v{new.info.number}"
    target = replace_sheet(book, name)
    summary = (
        f"Version {old.info.number} ({old.info.author}) to version {new.info.number} "
        f"({new.info.author}): {len(changes)} lines changed"
    )
    target["A1"].value = [[summary]]
    target["A3"].value = [list(CHANGE_COLUMNS), *rows]
    target[f"A3:{chr(ord('A') + len(CHANGE_COLUMNS) - 1)}3"].font.bold = True
    return name


def _cell(value: Any) -> Any:
    """A diff value as a cell: amounts as numbers, missing (an added or removed line) empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, Decimal):
        return "" if value.is_nan() else float(value)
    return str(value)
