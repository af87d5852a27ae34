"""An open xlwings book as the readers see a workbook: what a button reads in Excel.

A button runs on the book the user has open (classic Excel through ``RunPython``, or Excel
on the web and desktop through xlwings Server, where the book arrives as the JSON the
Office.js add-in sends). Such a book gives each cell's value, as Excel shows it, but not
its formula, so the readers skip their formula checks for it
(:attr:`BookSheets.formulas_known` is false); the numbers pushed are the input cells either
way, and ``planbook push FILE.xlsx`` of the saved file checks the formulas too.
"""

from __future__ import annotations

from typing import Any

from addin.reader.cells import Rows

__all__ = ["BookSheets"]


class BookSheets:
    """The sheets of an xlwings book (:class:`xlwings.Book`, classic or from JSON)."""

    formulas_known = False

    def __init__(self, book: Any) -> None:
        self.book = book
        self._rows: dict[str, Rows] = {}

    @property
    def name(self) -> str:
        return str(self.book.name)

    @property
    def sheet_names(self) -> list[str]:
        return [str(s.name) for s in self.book.sheets]

    def rows(self, sheet: str) -> Rows:
        """Every value of the sheet from A1 to its last used cell; empty cells are ``""``."""
        if sheet not in self._rows:
            ws = self.book.sheets[sheet]
            last = ws.used_range.last_cell
            values = ws.range((1, 1), (last.row, last.column)).options(ndim=2, empty="").value
            self._rows[sheet] = [list(row) for row in values]
        return self._rows[sheet]

    def formulas(self, sheet: str) -> dict[str, str]:
        """Not known for an open book (see the module docstring)."""
        return {}
