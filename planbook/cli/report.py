"""Writing a report (goals, scenarios, a variance table, the alignment findings, KPIs, a
roll-up) as a rich table in the terminal, CSV, JSON or an Excel workbook: one way for every
command."""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from planbook.cli.common import console
from planbook.errors import UsageError
from planbook.facts import text_records

FORMATS = ("table", "csv", "json", "xlsx")
FormatOption = Annotated[str, typer.Option("--format", help="table, csv, json or xlsx.")]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="The file --format xlsx writes (required for it).")
]


def check_format(output: str, out: Path | None) -> None:
    """A known ``--format``; ``--out`` given for xlsx (and only for it)."""
    if output not in FORMATS:
        raise UsageError(f"--format must be {', '.join(FORMATS)}, not {output!r}")
    if output == "xlsx" and out is None:
        raise UsageError("--format xlsx writes a workbook: give its path with --out FILE.xlsx")
    if output != "xlsx" and out is not None:
        raise UsageError(f"--out names the workbook --format xlsx writes, not {output} output")


def emit(
    frame: pd.DataFrame,
    *,
    output: str,
    out: Path | None,
    title: str,
    cell: Any = None,
    sections: str | None = None,
    meta: dict[str, Any] | None = None,
    key: str = "rows",
) -> None:
    """Print ``frame`` as ``output``: JSON is ``meta`` and ``{key: records}``, decimals as
    plain text (as the service answers); CSV the same records; xlsx a workbook at ``out``
    (:func:`write_workbook`); a table formats its cells with ``cell(column, value)`` (None:
    the default) and starts a new section where the ``sections`` column changes."""
    if output == "json":
        typer.echo(json.dumps({**(meta or {}), key: text_records(frame)}, indent=2))
    elif output == "csv":
        text = pd.DataFrame(text_records(frame), columns=frame.columns).to_csv(index=False)
        typer.echo(text, nl=False)
    elif output == "xlsx":
        assert out is not None
        write_workbook(frame, out, title=title)
    else:
        console.print(_table(frame, title=title, cell=cell, sections=sections))


def write_workbook(frame: pd.DataFrame, path: Path, *, title: str) -> None:
    """``frame`` as an Excel workbook: the title in A1, the header in row 2, exact decimals
    and floats as numbers, NaN as an empty cell."""
    from openpyxl import Workbook  # the excel extra: imported when used
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Report"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([str(c) for c in frame.columns])
    for header in sheet[2]:
        header.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        sheet.append([_number(v) for v in row])
    book.save(path)
    console.print(f"Wrote {title} to {path}.")


def _table(frame: pd.DataFrame, *, title: str, cell: Any, sections: str | None) -> Table:
    table = Table(title=title)
    for column in frame.columns:
        numeric = frame[column].map(_figure).all()
        table.add_column(
            str(column),
            justify="right" if numeric else "left",
            no_wrap=bool(numeric) or column == frame.columns[0],
            min_width=min(len(str(column)), 12),
        )
    previous = None
    for row in frame.to_dict("records"):
        if sections and previous is not None and row[sections] != previous:
            table.add_section()
        table.add_row(*(_text(str(c), v, cell) for c, v in row.items()))
        previous = row[sections] if sections else None
    return table


_FIGURE = re.compile(r"-|[-+]?[\d,]*\.?\d+%?")
"""A figure already formatted as text: ``1,234``, ``-5.5``, ``12.0%``, or ``-`` for none."""


def _figure(value: Any) -> bool:
    """Whether a cell is a figure (a number, or one formatted as text): right-aligned."""
    if isinstance(value, str):
        return bool(_FIGURE.fullmatch(value))
    return isinstance(value, float | int | Decimal) and not isinstance(value, bool)


def _text(column: str, value: Any, cell: Any) -> str:
    if cell is not None:
        shown = cell(column, value)
        if shown is not None:
            return str(shown)
    if isinstance(value, float) and math.isnan(value):
        return "-"
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if abs(value) >= 100 else format(value.normalize(), "f")
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _number(value: Any) -> Any:
    """A workbook cell's value: exact decimals stay numbers; NaN is an empty cell."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
