"""Writing a report frame as a rich table, CSV, JSON or an Excel sheet."""

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
    """A known ``--format``; ``--out`` given for xlsx."""
    if output not in FORMATS:
        raise UsageError(f"--format must be {', '.join(FORMATS)}, not {output!r}")
    if output == "xlsx" and out is None:
        raise UsageError("--format xlsx writes a file: name it with --out FILE.xlsx")


def emit(
    frame: pd.DataFrame,
    *,
    output: str,
    out: Path | None,
    title: str,
    cell: Any = None,
    sections: str | None = None,
    meta: dict[str, Any] | None = None,
) -> None:
    """Print ``frame`` as ``output`` (``cell(column, value)`` formats table cells; a new
    table section starts where the ``sections`` column changes)."""
    if output == "json":  # decimals as plain text, as the service answers (text_records)
        typer.echo(json.dumps({**(meta or {}), "rows": text_records(frame)}, indent=2))
    elif output == "csv":
        text = pd.DataFrame(text_records(frame), columns=frame.columns).to_csv(index=False)
        typer.echo(text, nl=False)
    elif output == "xlsx":
        assert out is not None
        frame.map(_xlsx).to_excel(out, index=False, sheet_name=title[:31].replace(":", ""))
        console.print(f"Wrote {out}")
    else:
        console.print(_table(frame, title=title, cell=cell, sections=sections))


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


def _xlsx(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value
