"""The ``xlwings.conf`` sheet every Planbook workbook ships with: where its add-in settings
live (key in column A, value in B, as xlwings reads them), with what each one means.

The plan is filled in; everything else is left empty, so the user's xlwings config file and
environment decide (see :mod:`addin.settings`). The token never goes here: a workbook is
shared, a token is personal. The sheet is not protected: the buttons write their state
(``PLANBOOK_BASE``, ``PLANBOOK_PULLED``, ...) below these rows.
"""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.workbook.workbook import Workbook

from addin.settings import SETTINGS_SHEET
from addin.templates import style

__all__ = ["SETTINGS_ROWS", "settings_sheet"]

SETTINGS_ROWS: tuple[tuple[str, str], ...] = (
    ("PLANBOOK_PLAN", "The plan this workbook belongs to."),
    (
        "PLANBOOK_SERVER",
        "URL of the Planbook service, e.g. https://planbook.example.com (empty: your xlwings "
        'config file). Your token goes in ~/.xlwings/xlwings.conf as "PLANBOOK_TOKEN","...", '
        "never in a workbook you share.",
    ),
    (
        "PLANBOOK_VERSION",
        "The version the PB_ functions and Pull plan read: a number, a tag such as board, or "
        "latest (empty: latest).",
    ),
    (
        "PLANBOOK_HEADCOUNT",
        "keep or replace: what Push budget does with the stored headcount lines when the "
        "Headcount sheet is empty (a workbook pulled without positions).",
    ),
)
"""Key and meaning of each row the sheet starts with."""


def settings_sheet(wb: Workbook, plan_id: str) -> None:
    """Add the settings sheet (after the visible sheets; before the hidden metadata sheet)."""
    ws = wb.create_sheet(SETTINGS_SHEET)
    for r, (key, meaning) in enumerate(SETTINGS_ROWS, start=1):
        ws.cell(row=r, column=1, value=key).font = style.TOTAL_FONT
        style.input_cell(ws, r, 2)
        if key == "PLANBOOK_PLAN":
            style.literal(ws.cell(row=r, column=2, value=plan_id))
        note = ws.cell(row=r, column=3, value=meaning)
        note.font = style.SUBTITLE_FONT
        note.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 14 * -(-len(meaning) // 100)  # lines of ~100 characters
    style.widths(ws, {1: 22, 2: 36, 3: 90})
    style.print_setup(ws, title_rows="1:1")
