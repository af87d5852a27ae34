"""Facts files: reading and writing the facts table as ``.csv`` or ``.parquet``.

Amounts are read as exact text (never through floats); every bad amount is reported with its
row, and a file that cannot be read at all is a :class:`FactsFileError` naming it.
"""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from planbook.errors import FactsFileError, PlanValidationError, Problem
from planbook.facts import (
    AMOUNT_DECIMALS,
    AMOUNT_DIGITS,
    AMOUNT_TYPE,
    FACT_COLUMNS,
    KEY_COLUMNS,
    MAX_PROBLEMS,
    NUMBER_RE,
    TOO_LARGE,
    facts_from_arrow,
    facts_to_arrow,
    plain_decimal_text,
)

__all__ = ["read_facts", "write_facts"]


def read_facts(path: str | Path) -> pd.DataFrame:
    """Read facts from a ``.csv`` or ``.parquet`` file.

    Every amount that is not a number is reported with its row (1 is the first row after the
    header) in one :class:`PlanValidationError`. A file that cannot be read at all raises
    :class:`FactsFileError`.
    """
    path = Path(path)
    if not path.is_file():
        raise FactsFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        table = _read_parquet(path)
    elif suffix == ".csv":
        table = _read_csv(path)
    else:
        raise FactsFileError(f"{path}: facts must be a .csv or .parquet file, not {suffix!r}")
    return facts_from_arrow(table)


def _read_parquet(path: Path) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise FactsFileError(f"{path}: not a readable Parquet file ({exc})") from None
    _check_columns(path, table.column_names)
    amount = table.column("amount")
    if pa.types.is_integer(amount.type) or amount.type == AMOUNT_TYPE:
        return table
    if pa.types.is_decimal(amount.type):  # a safe cast; if it would lose digits, the
        with contextlib.suppress(pa.ArrowInvalid):  # text form below names the rows
            fitted = amount.cast(AMOUNT_TYPE)
            return table.set_column(table.column_names.index("amount"), "amount", fitted)
    return _parse_amounts(
        path,
        table.set_column(table.column_names.index("amount"), "amount", amount.cast(pa.string())),
    )


def _read_csv(path: Path) -> pa.Table:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            header = next(csv.reader(f), [])
    except UnicodeDecodeError:
        raise FactsFileError(f"{path}: not a UTF-8 text CSV file") from None
    _check_columns(path, header)
    options = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in header},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        table = pacsv.read_csv(path, convert_options=options)
    except pa.ArrowInvalid as exc:
        raise FactsFileError(f"{path}: not a readable CSV file ({exc})") from None
    return _parse_amounts(path, table)


def _check_columns(path: Path, names: list[str]) -> None:
    missing = [c for c in FACT_COLUMNS if c not in names]
    if missing:
        raise FactsFileError(
            f"{path}: missing column {', '.join(map(repr, missing))}; facts need the columns "
            f"{', '.join(FACT_COLUMNS)}"
        )


def _parse_amounts(path: Path, table: pa.Table) -> pa.Table:
    text = pc.fill_null(table.column("amount"), "")
    stripped = pc.utf8_trim_whitespace(text)
    is_number = pc.match_substring_regex(stripped, NUMBER_RE)
    fraction = pc.struct_field(pc.extract_regex(stripped, r"(?P<d>\.\d*?)?0*$"), "d")
    too_precise = pc.greater(pc.subtract(pc.utf8_length(fraction), 1), AMOUNT_DECIMALS)
    too_large = pc.match_substring_regex(stripped, rf"^[+-]?0*[1-9]\d{{{AMOUNT_DIGITS},}}")
    bad = pc.or_(pc.invert(is_number), pc.and_(is_number, pc.or_(too_precise, too_large)))
    if pc.any(bad).as_py():
        rows = pc.indices_nonzero(bad).to_pylist()
        problems = [
            Problem(
                (path.name, f"row {row + 1}", "amount"),
                f"{text[row].as_py()!r} is not a number; enter an amount such as 1250.50"
                if not is_number[row].as_py()
                else f"{text[row].as_py()!r} {TOO_LARGE}"
                if too_large[row].as_py()
                else f"{text[row].as_py()!r} has more than {AMOUNT_DECIMALS} decimal places",
            )
            for row in rows[:MAX_PROBLEMS]
        ]
        if len(rows) > MAX_PROBLEMS:
            problems.append(Problem((path.name,), f"... and {len(rows) - MAX_PROBLEMS} more"))
        raise PlanValidationError(problems, subject=f"facts file {path.name}")
    amounts = pc.cast(stripped, pa.decimal128(38, AMOUNT_DECIMALS)).cast(AMOUNT_TYPE)
    return table.set_column(table.column_names.index("amount"), "amount", amounts)


def write_facts(facts: pd.DataFrame, path: str | Path) -> Path:
    """Write facts to ``.csv`` (amounts as plain decimals) or ``.parquet`` (exact decimals)."""
    path = Path(path)
    table = facts_to_arrow(facts)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        pq.write_table(table, path, compression="zstd")
    elif suffix == ".csv":
        columns = [table.column(c).cast(pa.string()) for c in KEY_COLUMNS]
        pacsv.write_csv(
            pa.table(
                dict(zip(KEY_COLUMNS, columns, strict=True))
                | {"amount": plain_decimal_text(table.column("amount"))}
            ),
            path,
        )
    else:
        raise FactsFileError(f"{path}: facts must be written as .csv or .parquet")
    return path
