"""Writing a report (a variance table, the alignment findings) as a table in the terminal,
CSV, JSON or an Excel workbook."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.table import Table

from planbook.cli.common import console
from planbook.errors import UsageError
from planbook.facts import text_records

REPORT_FORMATS = ("table", "csv", "json", "xlsx")


def check_format(output: str, out: Path | None) -> None:
    """Refuse an unknown format, and xlsx without ``--out``."""
    if output not in REPORT_FORMATS:
        raise UsageError(f"--format must be {', '.join(REPORT_FORMATS)}, not {output!r}")
    if output == "xlsx" and out is None:
        raise UsageError("--format xlsx writes a workbook: give its path with --out FILE.xlsx")


def emit(
    frame: pd.DataFrame,
    *,
    output: str,
    title: str,
    meta: dict[str, Any],
    key: str,
    out: Path | None = None,
    cell: Any = str,
) -> None:
    """Print or write ``frame`` in ``output`` form; JSON is ``meta`` plus ``{key: records}``."""
    records = text_records(frame)
    if output == "json":
        typer.echo(json.dumps(meta | {key: records}, indent=2))
    elif output == "csv":
        typer.echo(pd.DataFrame(records, columns=frame.columns).to_csv(index=False), nl=False)
    elif output == "xlsx":
        assert out is not None
        _workbook(frame, out, title=title)
        console.print(f"Wrote {title} to {out}.")
    else:
        table = Table(title=title)
        for column in frame.columns:
            numeric = frame[column].map(lambda v: isinstance(v, Decimal | float | int)).any()
            table.add_column(str(column), justify="right" if numeric else "left")
        for row in frame.itertuples(index=False):
            table.add_row(*(cell(v) for v in row))
        console.print(table)


def _workbook(frame: pd.DataFrame, path: Path, *, title: str) -> None:
    from openpyxl import Workbook  # the excel extra: imported when used
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Report"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(map(str, frame.columns)))
    for c in sheet[2]:
        c.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        sheet.append([None if v is None else v for v in (plain_number(v) for v in row)])
    book.save(path)


def plain_number(value: Any) -> Any:
    """Exact decimals stay numbers in a workbook; NaN is an empty cell."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
