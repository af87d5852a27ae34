"""What Excel sends and what it shows: argument conversion and error values.

Arguments arrive as scalars or ranges (lists, or lists of rows), dates as datetimes (classic
Excel) or serial numbers (Office.js), blanks as None. Errors go back as Excel error values
(``#N/A``, ``#VALUE!``, ``#REF!``), never a traceback: a table function puts the message in
the cell beside the error; every message is also listed by ``PB_ERRORS()``.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from addin.cache import Offline
from addin.functions.docs import decorators
from addin.session import current
from planbook.calendar import is_period
from planbook.errors import PlanbookError
from server.store import NotFound, StoreError, StoreUnavailable

__all__ = [
    "ERROR_VALUES",
    "NA",
    "REF",
    "VALUE",
    "Cell",
    "FunctionError",
    "as_number",
    "check_required",
    "excel_function",
    "excel_value",
    "flag",
    "period",
    "refuse_error",
    "table",
    "text",
    "texts",
]

Cell = Any
"""A worksheet argument: a scalar, a range (list of rows) or None for a blank."""
NA, VALUE, REF = "#N/A", "#VALUE!", "#REF!"
ERROR_VALUES = frozenset(
    {NA, VALUE, REF, "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!", "#FIELD!"}
    | {"#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA"}
)
"""Excel's error values as text: how an error-valued argument arrives (classic xlwings with
``err_to_str``, the Planbook add-in's VBA and JavaScript clients), and what a function returns
for an error (the add-in turns the text into the error value itself)."""
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_log = logging.getLogger("planbook.addin")
F = TypeVar("F", bound=Callable[..., Any])


class FunctionError(PlanbookError):
    """A worksheet function's arguments are wrong: returned as the Excel error value ``code``
    (``#VALUE!``, ``#REF!``, ``#N/A``) with a readable message. A user error like any other
    :class:`PlanbookError`, so the buttons that convert cells with these helpers alert it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def excel_function(*, tabular: bool) -> Callable[[F], F]:
    """Turn every exception of a worksheet function into an Excel error value (with the
    message beside it when ``tabular``), recorded for ``PB_ERRORS()``."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                check_required(fn, _signature(fn).bind_partial(*args, **kwargs).arguments)
                return fn(*args, **kwargs)
            except Exception as exc:  # an error value in the cell, never a traceback
                code, message = _error(exc)
                current().record(fn.__name__, code, message)
                if isinstance(exc, PlanbookError):
                    _log.info("%s: %s %s", fn.__name__, code, message)
                else:  # a bug: its traceback goes to the log
                    _log.error("%s: %s %s", fn.__name__, code, message, exc_info=exc)
                return [[code, message]] if tabular else code

        return wrapper  # type: ignore[return-value]

    return decorate


def check_required(fn: Callable[..., Any], given: Mapping[str, Any]) -> None:
    """Refuse a blank required argument (``=PB.GET(,"sales-na","2026-03")``) with #VALUE!
    naming it and what it takes (its ``@xw.arg`` doc), on either path: classic Excel passes a
    blank as None, the Office.js route leaves it out of ``given``."""
    for name, param in _signature(fn).parameters.items():
        if param.default is not inspect.Parameter.empty:
            continue
        value = given.get(name)
        while isinstance(value, list | tuple) and len(value) == 1:
            value = value[0]  # a 1x1 range is its value; a larger range is not blank
        if value is None or (isinstance(value, str) and not value.strip()):
            docs, _ = decorators(fn)
            expected = docs.get(name, "a value").rstrip(".")
            raise FunctionError(
                VALUE, f"the {name} argument is blank but required; expected: {expected}"
            )


@functools.cache
def _signature(fn: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(fn)


def _error(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, FunctionError):
        return exc.code, str(exc)
    if isinstance(exc, Offline | StoreUnavailable):
        return NA, str(exc)
    if isinstance(exc, NotFound):
        return REF, str(exc)
    if isinstance(exc, PlanbookError | StoreError):
        return VALUE, str(exc)
    return VALUE, "Planbook hit an unexpected error; the log has details"


def refuse_error(value: Any, what: str) -> None:
    """Refuse an error-valued argument (``#N/A`` in the cell a formula names): the function
    answers that same error, as Excel's own functions do, never the default of a blank."""
    if isinstance(value, str) and value.strip().upper() in ERROR_VALUES:
        code = value.strip().upper()
        raise FunctionError(
            code if code in (NA, VALUE, REF) else VALUE,
            f"the {what} argument is the error value {code}; fix the cell it comes from",
        )


def text(value: Cell, what: str, default: str | None = None) -> str:
    """One text argument: ``12.0`` -> ``"12"``; a blank takes ``default`` (or is an error)."""
    value = _scalar(value)
    refuse_error(value, what)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value is None or str(value).strip() == "":
        if default is None:
            raise FunctionError(VALUE, f"{what} is blank; give a {what}")
        return default
    return str(value).strip()


def texts(value: Cell) -> list[str]:
    """Every non-blank value of a range, a comma-separated text or one value, in order."""
    out = []
    for item in _flat(value):
        refuse_error(item, "list")
        if isinstance(item, str):
            out += [p.strip() for p in item.split(",") if p.strip()]
        elif item is not None:
            out.append(text(item, "value"))
    return out


def period(value: Cell) -> str:
    """A month ``YYYY-MM`` from text (``2026-03``, ``2026-03-01``), a date or an Excel
    serial date number."""
    if isinstance(value, str) and len(value) == 7 and is_period(value):
        return value  # the fast path of thousands of cells
    value = _scalar(value)
    refuse_error(value, "month")
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        day = _EXCEL_EPOCH + dt.timedelta(days=float(value))
        return f"{day.year:04d}-{day.month:02d}"
    if isinstance(value, str) and is_period(value.strip()[:7]):
        return value.strip()[:7]
    raise FunctionError(VALUE, f"{value!r} is not a month; give a date or text such as 2026-03")


def as_number(value: Cell, what: str) -> Decimal:
    """An exact number from a cell: ``0.1`` -> ``Decimal("0.1")``, ``"12.5%"`` -> 0.125."""
    value = _scalar(value)
    refuse_error(value, what)
    try:
        if isinstance(value, str) and value.strip().endswith("%"):
            return Decimal(value.strip()[:-1].strip()) / 100
        if isinstance(value, bool) or value is None:
            raise ValueError
        return Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except (ArithmeticError, ValueError):
        raise FunctionError(VALUE, f"{what} {value!r} is not a number") from None


def flag(value: Cell) -> bool:
    """A TRUE/FALSE argument: Excel's booleans, 1/0, or text such as TRUE, yes, no."""
    value = _scalar(value)
    refuse_error(value, "TRUE/FALSE")
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "y", "1", "wahr", "vrai")
    return bool(value)


def excel_value(value: Any) -> Any:
    """A value as Excel shows it: Decimals as numbers, None as blank."""
    if isinstance(value, Decimal):
        return float(value)
    return "" if value is None else value


def table(header: list[str], rows: Iterable[Iterable[Any]]) -> list[list[Any]]:
    """A dynamic array: the header row, then the rows."""
    return [header, *([excel_value(v) for v in row] for row in rows)]


def _scalar(value: Cell) -> Any:
    while isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]
    if isinstance(value, list | tuple):
        raise FunctionError(VALUE, "a range was given where one value is expected")
    return value


def _flat(value: Cell) -> Iterable[Any]:
    if isinstance(value, list | tuple):
        for item in value:
            yield from _flat(item)
    else:
        yield value
