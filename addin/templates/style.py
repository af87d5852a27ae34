"""The house style of Planbook workbooks: colours, number formats, widths, protection, print.

Input cells are pale yellow with blue text (the FP&A convention: blue is typed in); formula
cells are white with black text; read-only reference data is grey. Every sheet is protected
without a password (against accidents, not adversaries); input cells are unlocked, and so is
the reference data a button refreshes (Office.js cannot write locked cells of a protected
sheet), which a data validation keeps from being typed over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from copy import copy
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

NAVY = "1F3864"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
FORMULA_FILL = PatternFill("solid", fgColor="FFFFFF")
READONLY_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
TOTAL_FILL = PatternFill("solid", fgColor="D9E1F2")
INPUT_FONT = Font(name="Calibri", size=10, color="0000CC")
FORMULA_FONT = Font(name="Calibri", size=10, color="000000")
HEADER_FONT = Font(name="Calibri", size=10, bold=True, color="FFFFFF")
TOTAL_FONT = Font(name="Calibri", size=10, bold=True)
TITLE_FONT = Font(name="Calibri", size=16, bold=True, color=NAVY)
SUBTITLE_FONT = Font(name="Calibri", size=10, italic=True, color="595959")
SECTION_FONT = Font(name="Calibri", size=11, bold=True, color=NAVY)
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOTAL_BORDER = Border(top=Side(style="thin", color=NAVY), bottom=Side(style="double", color=NAVY))

MONEY = '#,##0.00;[Red]-#,##0.00;"-"'
MONEY_WHOLE = "#,##0;[Red]-#,##0"
PERCENT = "0.00%"
RATIO = "0.0000"
COUNT = "#,##0"
HEADS = "#,##0.00"
TEXT = "@"
UNIT_FORMATS = {
    "currency": MONEY,
    "heads": HEADS,
    "customers": COUNT,
    "count": COUNT,
    "percent": PERCENT,
    "ratio": RATIO,
}
UNLOCKED = Protection(locked=False)


def title(ws: Worksheet, text: str, subtitle: str) -> None:
    """The sheet's title in A1 and a one-line explanation in A2."""
    ws["A1"] = text
    ws["A1"].font = TITLE_FONT
    ws["A2"] = subtitle
    ws["A2"].font = SUBTITLE_FONT
    ws.row_dimensions[1].height = 24


def section(ws: Worksheet, row: int, text: str) -> None:
    """A section heading in column A."""
    ws.cell(row=row, column=1, value=text).font = SECTION_FONT


def header(ws: Worksheet, row: int, labels: list[str], *, first_column: int = 1) -> None:
    """A row of column headings, white on navy."""
    for offset, label in enumerate(labels):
        cell = ws.cell(row=row, column=first_column + offset, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def literal(cell: Cell) -> Cell:
    """Keep user text that starts with ``=`` as text: openpyxl would write it as a formula,
    and a budget line called "=0" must come back as "=0", not as a computed value."""
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"
    return cell


_STYLES: WeakKeyDictionary[Workbook, dict[tuple[str, str], StyleArray]] = WeakKeyDictionary()
"""Per workbook, the style of each kind of cell and number format as openpyxl stores it (a
row of indices into the workbook's fonts, fills, borders...). Setting a cell's font, fill,
border and format one by one makes openpyxl hash each style object anew: most of the time
a team workbook took to write. A cell of a kind already seen takes a copy of the row."""


def _styled(cell: Cell, kind: str, number_format: str, style: Callable[[Cell], None]) -> None:
    """Give ``cell`` the style ``style`` sets for ``kind`` cells with ``number_format``
    (a cell styled already, its alignment say, keeps the rest of its style)."""
    if cell.has_style:
        style(cell)
        cell.number_format = number_format
        return
    known = _STYLES.setdefault(cell.parent.parent, {})
    key = (kind, number_format)
    if key in known:
        cell._style = copy(known[key])  # the row openpyxl itself copies (WorksheetCopy)
        return
    style(cell)
    cell.number_format = number_format
    known[key] = copy(cell._style)


def _input_style(cell: Cell) -> None:
    cell.fill, cell.font, cell.border, cell.protection = INPUT_FILL, INPUT_FONT, GRID, UNLOCKED


def _formula_style(cell: Cell) -> None:
    cell.fill, cell.font, cell.border = FORMULA_FILL, FORMULA_FONT, GRID


def _readonly_style(cell: Cell) -> None:
    cell.fill, cell.font, cell.border = READONLY_FILL, FORMULA_FONT, GRID


def _refreshable_style(cell: Cell) -> None:
    _readonly_style(cell)
    cell.protection = UNLOCKED


def input_cell(ws: Worksheet, row: int, column: int, number_format: str = "General") -> None:
    """Mark a cell as an input: unlocked, yellow, blue text."""
    _styled(ws.cell(row=row, column=column), "input", number_format, _input_style)


def formula_cell(
    ws: Worksheet, row: int, column: int, formula: str, number_format: str = MONEY
) -> None:
    """Write a locked formula cell."""
    cell = ws.cell(row=row, column=column, value=formula)
    _styled(cell, "formula", number_format, _formula_style)


def readonly_cell(
    ws: Worksheet, row: int, column: int, value: object, number_format: str = "General"
) -> None:
    """Write locked reference data (grey)."""
    cell = ws.cell(row=row, column=column, value=value)
    _styled(cell, "readonly", number_format, _readonly_style)


def refreshable_cell(
    ws: Worksheet, row: int, column: int, value: object, number_format: str = "General"
) -> None:
    """Write reference data that the Pull plan button refreshes: grey like
    :func:`readonly_cell`, but unlocked so that a button can write it on the protected sheet;
    :func:`refuse_typing` keeps people from typing over it."""
    cell = literal(ws.cell(row=row, column=column, value=value))
    _styled(cell, "refreshable", number_format, _refreshable_style)


SET_BY_FINANCE = (
    "Set by finance",
    "This value comes from the plan; the Pull plan button refreshes it. "
    "Ask finance to change the plan.",
)


def validation(
    kind: str, *, title: str, message: str, prompt: bool = True, **rule: Any
) -> DataValidation:
    """A data validation that Excel enforces: a wrong entry is refused (error style "stop")
    with an error box titled ``title`` that says ``message`` (what is expected); the same
    text is the input prompt shown when the cell is selected (unless ``prompt`` is false).
    ``rule`` holds the rest of the rule (``formula1``, ``operator``, ``allow_blank`` ...)."""
    return DataValidation(
        type=kind,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=title,
        error=message,
        showInputMessage=prompt,
        promptTitle=title if prompt else None,
        prompt=message if prompt else None,
        **rule,
    )


def refuse_typing(title: str, message: str) -> DataValidation:
    """A data validation that refuses every typed entry (a custom rule that is never true)
    with an error ``title`` and ``message``; programmatic writes are not validated."""
    return validation(
        "custom", title=title, message=message, prompt=False, formula1="FALSE", allow_blank=False
    )


def total_style(ws: Worksheet, row: int, first: int, last: int) -> None:
    """Bold a totals row with a rule above and a double rule below."""
    for column in range(first, last + 1):
        cell = ws.cell(row=row, column=column)
        cell.font = TOTAL_FONT
        cell.fill = TOTAL_FILL
        cell.border = TOTAL_BORDER


def widths(ws: Worksheet, columns: Mapping[int, float]) -> None:
    """Set column widths by column number."""
    for column, width in columns.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def protect(ws: Worksheet) -> None:
    """Protect the sheet (no password); formatting cells, columns and rows stays allowed
    (the Push button colours the cells of problems)."""
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False


def print_setup(
    ws: Worksheet,
    *,
    title_rows: str,
    landscape: bool = True,
    months: int = 12,
    title_columns: str | None = None,
) -> None:
    """Landscape, a page wide per 12 months, headings (and label columns) repeated on every
    page, page numbers in the footer."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = max(1, -(-months // 12))
    if title_columns and months > 12:
        ws.print_title_cols = title_columns
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&A - page &P of &N"
    ws.oddHeader.right.text = "Planbook"
