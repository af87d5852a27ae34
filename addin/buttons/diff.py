"""The Diff versions button: a sheet saying what changed between two versions, built on the
store's diff (:func:`server.store.compare.diff_versions`, the report of
:mod:`server.diffreport`), so it reads only the parts that differ and, through the
service, shows only what the caller's role may see.

The versions are ``PLANBOOK_DIFF_FROM`` and ``PLANBOOK_DIFF_TO`` in the settings sheet
(numbers or tags); by default the pinned version and ``latest``. The sheet holds a summary,
the bridge of operating income by department, the changed lines (largest first, up to
:data:`MAX_LINES`) and who changed what. ``planbook diff A B --format xlsx`` writes the full
report with its chart.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from addin.buttons.book import alert, book_settings, failure, replace_sheet
from addin.cache import VersionCache
from planbook import PCT_COLUMNS
from server.diffreport import diff_report
from server.store.compare import diff_versions as store_diff

__all__ = ["MAX_LINES", "diff_versions", "diff_versions_classic", "write_diff"]

TITLE = "Planbook: diff versions"
MAX_LINES = 10_000
"""Changed lines written to the sheet, largest first."""
AMOUNTS = ("old", "new", "delta")


@xw.script
def diff_versions(book: xw.Book) -> None:
    """Write a sheet with what changed between two versions."""
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
            store = cache.source()
            found = store_diff(
                store,
                plan_id=cache.plan_id(),
                a=sheet.get("PLANBOOK_DIFF_FROM") or settings.version or "latest",
                b=sheet.get("PLANBOOK_DIFF_TO") or "latest",
            )
            report = diff_report(store, found, limit=MAX_LINES, largest_first=True)
        finally:
            cache.close()
    except Exception as exc:  # one alert, never a traceback
        alert(book, TITLE, [f"The diff could not be made: {failure(exc, TITLE)}"])
        return None
    a, b = report["from"], report["to"]
    target = replace_sheet(book, f"Diff v{a['number']}-v{b['number']}")
    row = 1
    for block in _blocks(report):
        target[f"A{row}"].value = block
        target[f"A{row}"].font.bold = True
        row += len(block) + 1
    return str(target.name)


def _blocks(report: dict[str, Any]) -> list[list[list[Any]]]:
    """The sheet's tables, top to bottom, each starting with its heading row."""
    a, b, s = report["from"], report["to"], report["summary"]
    summary = (
        f"Version {a['number']} ({a['author']}) to version {b['number']} ({b['author']}): "
        f"{s['changed']} lines changed, {s['added']} added, {s['removed']} removed; "
        f"{len(s['skipped_parts'])} parts unchanged"
    )
    blocks: list[list[list[Any]]] = [[[summary]]]
    bridge = report["bridge"]
    if bridge and len(bridge["steps"]) > 2:
        heading = f"bridge of operating income ({bridge['scenario']}, {bridge['unit']})"
        steps = [[x["step"], float(x["amount"])] for x in bridge["steps"]]
        blocks.append([[heading, "amount"], *steps])
    lines = [[_cell(c, line[c]) for c in PCT_COLUMNS] for line in report["lines"]]
    blocks.append([list(PCT_COLUMNS), *lines])
    history = [
        [h["number"], h["created_at"][:16].replace("T", " "), h["author"], h["message"]]
        for h in report["history"]
    ]
    if history:
        blocks.append([["version", "when (UTC)", "who", "message"], *history])
    return blocks


def _cell(column: str, value: Any) -> Any:
    """A report value as a cell: amounts (exact text) as numbers, missing ones empty."""
    if value is None:
        return ""
    return float(value) if column in AMOUNTS else value
