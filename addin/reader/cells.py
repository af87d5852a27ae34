"""Cell values as python-calamine reads them, turned into what a plan needs, or a problem.

Nothing is guessed: a number cell holding text is a problem even if the text looks like a
number; a number with more decimals than the account allows is reported, never rounded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import get_column_letter

from planbook.calendar import is_period
from planbook.errors import Problem

Rows = list[list[Any]]


def address(sheet: str, row: int, column: int) -> str:
    """``Budget!F14`` (row and column counted from 1)."""
    return f"{sheet}!{get_column_letter(column)}{row}"


def cell(rows: Rows, row: int, column: int) -> Any:
    """The value at (row, column), counted from 1; ``""`` outside the sheet's data."""
    if row - 1 < len(rows):
        values = rows[row - 1]
        if column - 1 < len(values):
            return values[column - 1]
    return ""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def shown(value: Any) -> str:
    """A value as a message quotes it."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def number(value: Any, where: str, expected: str) -> Decimal | Problem:
    """An exact number from a numeric cell; text, dates and booleans are problems."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "text" if isinstance(value, str) else type(value).__name__
        if isinstance(value, str):
            try:
                Decimal(value.strip().replace(",", ""))
                detail = f"{shown(value)} is text that looks like a number, not a number"
            except InvalidOperation:
                detail = f"{shown(value)} is not a number"
        else:
            detail = f"{shown(value)} is a {kind}, not a number"
        return Problem((where,), f"{detail}; enter {expected}.")
    if isinstance(value, float) and not (value == value and abs(value) != float("inf")):
        return Problem((where,), f"{shown(value)} is not a finite number; enter {expected}.")
    if isinstance(value, int) or value.is_integer():
        return Decimal(int(value))
    return Decimal(repr(value))


def text(value: Any) -> str:
    """A text cell's value, trimmed; whole numbers typed in a text column as their digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def month(value: Any) -> str | None:
    """``YYYY-MM`` from a text cell or a date cell (the first of a month), else None."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}" if value.day == 1 else None
    result = text(value)
    return result if is_period(result) else None
