"""Books as the Office.js add-in sends them to a button: ``xw.Book(json=...)`` from a saved
workbook's values, and running a button through xlwings Server's custom-script path."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import xlwings as xw
import xlwings.server
from openpyxl.utils.cell import coordinate_to_tuple
from python_calamine import CalamineWorkbook

import addin.buttons
from planbook.facts import FACT_COLUMNS


def _value(value: Any) -> Any:
    """A cell value as the Office.js client sends it: dates as ISO text, empty as ""."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day).isoformat()
    return "" if value is None else value


def sheet_json(name: str, rows: list[list[Any]]) -> dict[str, Any]:
    """One sheet of the payload: its values from A1, a rectangle."""
    width = max((len(r) for r in rows), default=1) or 1
    values = [[_value(v) for v in r] + [""] * (width - len(r)) for r in rows] or [[""]]
    return {"name": name, "values": values, "pictures": [], "tables": []}


def _edit(rows: list[list[Any]], ref: str, value: Any) -> None:
    row, column = coordinate_to_tuple(ref)
    while len(rows) < row:
        rows.append([])
    rows[row - 1].extend([""] * (column - len(rows[row - 1])))
    rows[row - 1][column - 1] = value


def _settings(values: dict[str, list[list[Any]]], settings: list[list[Any]]) -> None:
    """Set ``settings`` rows in the workbook's ``xlwings.conf`` sheet (a template ships one;
    otherwise it is added at the end), as a user would type them."""
    rows = values.setdefault("xlwings.conf", [])
    keys = [str(r[0]) if r else "" for r in rows]
    for key, value in settings:
        if key in keys:
            _edit(rows, f"B{keys.index(key) + 1}", value)
        else:
            rows.append([key, value])
            keys.append(key)


def book_from_file(
    path: Path,
    *,
    settings: list[list[Any]] | None = None,
    name: str | None = None,
    edits: dict[str, Any] | None = None,
) -> xw.Book:
    """The book of :func:`book_payload`."""
    return xw.Book(json=book_payload(path, settings=settings, name=name, edits=edits))


def book_payload(
    path: Path,
    *,
    settings: list[list[Any]] | None = None,
    name: str | None = None,
    edits: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What Excel would send for the saved workbook ``path`` (every sheet, hidden ones too,
    values as last calculated), with ``edits`` (``"Budget!F5": value``) typed in, plus an
    ``xlwings.conf`` sheet of ``settings`` rows."""
    workbook = CalamineWorkbook.from_path(str(path))
    values = {
        s: [list(r) for r in workbook.get_sheet_by_name(s).to_python(skip_empty_area=False)]
        for s in workbook.sheet_names
    }
    for where, value in (edits or {}).items():
        sheet, _, ref = where.partition("!")
        _edit(values[sheet], ref, value)
    if settings is not None:
        _settings(values, settings)
    return payload_of(name or path.name, values)


def payload_of(name: str, sheets: dict[str, list[list[Any]]]) -> dict[str, Any]:
    """What Excel sends for a book ``name`` of these sheets (name -> rows from A1)."""
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [sheet_json(s, rows) for s, rows in sheets.items()],
    }


def book_of(name: str, sheets: dict[str, list[list[Any]]]) -> xw.Book:
    """The book of :func:`payload_of`."""
    return xw.Book(json=payload_of(name, sheets))


def facts_rows(facts: pd.DataFrame) -> list[list[Any]]:
    """A Facts sheet of ``facts``: the interchange header, then one row a fact."""
    return [list(FACT_COLUMNS)] + [
        [str(s), str(t), str(a), str(line), str(p), float(amount)]
        for s, t, a, line, p, amount in facts[list(FACT_COLUMNS)].itertuples(index=False, name=None)
    ]


def run_button(book: xw.Book, name: str) -> list[dict[str, Any]]:
    """Run the button ``name`` of :mod:`addin.buttons` on ``book``; the actions it recorded."""
    asyncio.run(
        xlwings.server.custom_scripts_call(addin.buttons, name, typehint_to_value={xw.Book: book})
    )
    actions: list[dict[str, Any]] = book.json()["actions"]
    return actions


def alerts(actions: list[dict[str, Any]]) -> list[str]:
    """The text of every alert among ``actions``."""
    return [a["args"][0] for a in actions if a["func"] == "alert"]


def settings_written(actions: list[dict[str, Any]]) -> dict[str, Any]:
    """Key -> value of every settings row the button wrote (one-row ``setValues``)."""
    out = {}
    for a in actions:
        values = a.get("values")
        if a["func"] == "setValues" and values and len(values) == 1 and len(values[0]) == 2:
            out[str(values[0][0])] = values[0][1]
    return out
