"""Plan facts: the long-format interchange table (files: :mod:`planbook.factfiles`).

One row a number, with the columns of :data:`FACT_COLUMNS`. The key is
(scenario, team, account, line, period). In memory facts are a pandas DataFrame whose key
columns are categoricals and whose ``amount`` is an exact Arrow decimal
(:data:`AMOUNT_TYPE`), so millions of facts stay columnar and never drift like floats.
:func:`normalize` puts any frame with these columns into that canonical form and order.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.codes import KEY_TYPE as _KEY_TYPE
from planbook.codes import sorted_codes
from planbook.errors import FactsFileError, PlanValidationError, Problem

__all__ = [
    "AMOUNT_DECIMALS",
    "AMOUNT_TYPE",
    "FACT_COLUMNS",
    "KEY_COLUMNS",
    "amounts_from_cents",
    "amounts_from_words",
    "canonical_dtypes",
    "decimal_words",
    "empty_facts",
    "fact_keys",
    "facts_from_arrow",
    "facts_from_cents",
    "facts_from_records",
    "facts_to_arrow",
    "normalize",
    "plain_decimal",
    "sort_table",
    "text_records",
    "widened",
]

FACT_COLUMNS = ("scenario", "team", "account", "line", "period", "amount")
KEY_COLUMNS = FACT_COLUMNS[:-1]
AMOUNT_DECIMALS = 6
AMOUNT_TYPE = pa.decimal128(38, AMOUNT_DECIMALS)
"""Exact decimals with 6 places (128-bit), native in Arrow and Parquet."""
AMOUNT_DIGITS = 38 - AMOUNT_DECIMALS  # most digits before the point: below 10**32 in size
TOO_LARGE = (
    f"is too large; amounts must have at most {AMOUNT_DIGITS} digits before the decimal point"
)

NUMBER_RE = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"
MAX_PROBLEMS = 1000
"""Most problems reported one by one; the rest are counted."""
_ARROW_SCHEMA = pa.schema(
    [pa.field(c, _KEY_TYPE) for c in KEY_COLUMNS] + [pa.field("amount", AMOUNT_TYPE)]
)


def empty_facts() -> pd.DataFrame:
    """A facts frame with no rows."""
    return facts_from_arrow(_ARROW_SCHEMA.empty_table())


def facts_from_records(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Facts from dicts with the fact columns; amounts may be Decimal, int or exact text.

    Raises :class:`PlanValidationError` naming the record of any amount that is not an exact
    number (floats are refused: they are where drift comes from).
    """
    columns: dict[str, list[Any]] = {c: [] for c in FACT_COLUMNS}
    problems = []
    for i, record in enumerate(records, start=1):
        for c in KEY_COLUMNS:
            value = record.get(c, "" if c == "line" else None)
            columns[c].append(None if value is None else str(value))
        try:
            columns["amount"].append(_to_decimal(record.get("amount")))
        except ValueError as exc:
            columns["amount"].append(None)
            problems.append(Problem(("facts", f"row {i}", "amount"), str(exc)))
    if problems:
        raise PlanValidationError(problems, subject="facts")
    table = pa.table(
        {c: pa.array(columns[c], pa.string()) for c in KEY_COLUMNS}
        | {"amount": pa.array(columns["amount"], AMOUNT_TYPE)}
    )
    return facts_from_arrow(table)


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise ValueError(
            f"{value!r} is not an exact amount; give a Decimal, an integer or a number as text"
        )
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number; enter an amount such as 1250.50") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if -amount.as_tuple().exponent > AMOUNT_DECIMALS:  # type: ignore[operator]
        raise ValueError(f"{value!r} has more than {AMOUNT_DECIMALS} decimal places")
    if amount.adjusted() >= AMOUNT_DIGITS:
        raise ValueError(f"{value!r} {TOO_LARGE}")
    return amount


def facts_from_cents(frame: pd.DataFrame) -> pd.DataFrame:
    """Facts from a frame of the key columns and integer ``cents`` (exact, vectorized)."""
    amount = amounts_from_cents(frame["cents"].to_numpy(dtype="int64"))
    columns = {
        c: pa.array(frame[c])
        if isinstance(frame[c].dtype, pd.CategoricalDtype)
        else pa.array(frame[c].astype(str), pa.string())
        for c in KEY_COLUMNS
    }
    return facts_from_arrow(pa.table(columns | {"amount": amount}))


def amounts_from_cents(cents: np.ndarray) -> pa.Array:
    """Whole cents as exact amounts (:data:`AMOUNT_TYPE`): each its whole number of
    millionths as a 128-bit integer (two's complement, low word first) when that fits an
    int64, else by Arrow's exact decimal division."""
    cents = np.asarray(cents, dtype=np.int64)
    scale = 10 ** (AMOUNT_DECIMALS - 2)
    if not len(cents) or (cents.max() < 2**63 // scale and cents.min() > -(2**63) // scale):
        return amounts_from_words(widened(cents * scale))
    amount = pc.divide(
        pa.array(cents, pa.int64()).cast(pa.decimal128(20, 0)),
        pa.scalar(Decimal("100"), pa.decimal128(5, 2)),
    )
    result: pa.Array = amount.cast(AMOUNT_TYPE)
    return result


def decimal_words(amounts: pa.Array) -> np.ndarray:
    """Exact amounts (:data:`AMOUNT_TYPE`, none missing) as ``(rows, 2)`` int64 words: each
    amount's unscaled 128-bit integer, low word first (a view of the buffer, not a copy)."""
    buffer = amounts.buffers()[1]
    if buffer is None or not len(amounts):
        return np.zeros((0, 2), np.int64)
    start = 2 * amounts.offset
    words = np.frombuffer(buffer, np.int64)[start : start + 2 * len(amounts)]
    return words.reshape(len(amounts), 2)


def widened(millionths: np.ndarray) -> np.ndarray:
    """int64 millionths as ``(rows, 2)`` decimal128 words (the high word their sign)."""
    words = np.empty((len(millionths), 2), np.int64)
    words[:, 0] = millionths
    np.right_shift(millionths, 63, out=words[:, 1])
    return words


def amounts_from_words(words: np.ndarray) -> pa.Array:
    """``(rows, 2)`` decimal128 words (:func:`decimal_words`, :func:`widened`) as exact
    amounts (:data:`AMOUNT_TYPE`)."""
    data = pa.py_buffer(np.ascontiguousarray(words, np.int64))
    return pa.Array.from_buffers(AMOUNT_TYPE, len(words), [None, data])


def facts_from_arrow(table: pa.Table) -> pd.DataFrame:
    """The canonical facts frame from an Arrow table with the fact columns."""
    missing = [c for c in FACT_COLUMNS if c not in table.column_names]
    if missing:
        raise FactsFileError(f"facts have no column {', '.join(map(repr, missing))}")
    data: dict[str, Any] = {}
    for c in KEY_COLUMNS:
        column = table.column(c)
        if c == "line" and column.null_count:
            column = pc.fill_null(column.cast(pa.string()), "")
        data[c] = _categorical(column)
    amount = table.column("amount")
    if amount.type != AMOUNT_TYPE:
        amount = amount.cast(AMOUNT_TYPE)
    data["amount"] = pd.arrays.ArrowExtensionArray(amount)
    return pd.DataFrame(data)


def _categorical(column: pa.ChunkedArray) -> pd.Categorical:
    """A key column as a pandas Categorical with sorted, used categories only (canonical),
    without materializing millions of strings."""
    codes, categories = sorted_codes(column)
    return pd.Categorical.from_codes(
        codes, categories=pd.Index(categories, dtype="str"), validate=False
    )


def facts_to_arrow(facts: pd.DataFrame) -> pa.Table:
    """An Arrow table (dictionary-encoded keys, decimal amounts) of canonical facts."""
    return pa.Table.from_arrays(
        [_dictionary(facts[c]) for c in KEY_COLUMNS] + [_amounts(facts["amount"])],
        schema=_ARROW_SCHEMA,
    )


def _dictionary(column: pd.Series) -> pa.Array:
    if isinstance(column.dtype, pd.CategoricalDtype):
        array = pa.array(column)
    else:
        array = pa.array(column.astype(str), pa.string()).dictionary_encode()
    return array.cast(_KEY_TYPE)


def _amounts(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    if column.dtype.kind == "f":
        raise FactsFileError(
            "amounts are floating-point numbers, which drift; give exact decimals "
            "(Decimal, integers, or text such as 1250.50)"
        )
    try:
        return pa.array(column.array, AMOUNT_TYPE)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise FactsFileError(f"amounts must be exact decimal numbers ({exc})") from None


def canonical_dtypes(facts: pd.DataFrame) -> pd.DataFrame:
    """``facts`` with categorical keys (sorted text categories) and decimal amounts, in the
    same row order. Returns the frame itself when it already is so (no copy)."""
    missing = [c for c in FACT_COLUMNS if c not in facts.columns]
    if missing:
        raise FactsFileError(f"facts have no column {', '.join(map(repr, missing))}")
    amount = facts["amount"].dtype
    amount_ok = isinstance(amount, pd.ArrowDtype) and amount.pyarrow_dtype == AMOUNT_TYPE
    keys_ok = all(_is_text_categorical(facts[c]) for c in KEY_COLUMNS)
    if not (amount_ok and keys_ok):
        return facts_from_arrow(facts_to_arrow(facts[list(FACT_COLUMNS)]))
    unsorted = [c for c in KEY_COLUMNS if not facts[c].cat.categories.is_monotonic_increasing]
    if not unsorted:
        return facts
    frame = facts[list(FACT_COLUMNS)].copy()
    for c in unsorted:
        frame[c] = frame[c].cat.reorder_categories(sorted(frame[c].cat.categories))
    return frame


def _is_text_categorical(column: pd.Series) -> bool:
    dtype = column.dtype
    return isinstance(dtype, pd.CategoricalDtype) and str(dtype.categories.dtype) == "str"


def fact_keys(*frames: pd.DataFrame) -> list[np.ndarray]:
    """One integer per fact key (mixed radix of the category codes), comparable across
    ``frames`` when they share categories; past 2**62 combinations, factorized text."""
    sizes = [len(frames[0][c].cat.categories) + 1 for c in KEY_COLUMNS]
    if float(np.prod(np.array(sizes, dtype=float))) >= 2**62:  # too many combinations
        texts = [pd.MultiIndex.from_frame(f[list(KEY_COLUMNS)].astype(str)) for f in frames]
        codes, _ = pd.factorize(texts[0].append(texts[1:]) if len(texts) > 1 else texts[0])
        bounds = np.cumsum([0] + [len(f) for f in frames])
        return [np.asarray(codes[i:j], dtype=np.int64) for i, j in itertools.pairwise(bounds)]
    out = []
    for frame in frames:
        key = np.zeros(len(frame), dtype=np.int64)
        for column, size in zip(KEY_COLUMNS, sizes, strict=True):
            key = key * size + frame[column].cat.codes.to_numpy().astype(np.int64) + 1
        out.append(key)
    return out


def normalize(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts in canonical form: fact columns only, canonical dtypes, sorted by key.

    Categories are sorted, so ordering by their codes orders by the keys' text (a missing
    key sorts first).
    """
    frame = canonical_dtypes(facts)
    if frame is facts:
        frame = facts[list(FACT_COLUMNS)]
    codes = [frame[c].cat.codes.to_numpy() for c in reversed(KEY_COLUMNS)]
    order = np.lexsort(codes) if len(frame) else np.arange(0)
    sorted_frame = frame.take(order)
    sorted_frame.index = pd.RangeIndex(len(sorted_frame))
    return _drop_unused_categories(sorted_frame)


def sort_table(table: pa.Table) -> pa.Table:
    """An Arrow facts table in canonical form and order (see :func:`normalize`)."""
    return facts_to_arrow(normalize(facts_from_arrow(table)))


def _drop_unused_categories(frame: pd.DataFrame) -> pd.DataFrame:
    for c in KEY_COLUMNS:
        codes = frame[c].cat.codes.to_numpy()
        if (np.bincount(codes[codes >= 0], minlength=len(frame[c].cat.categories)) == 0).any():
            frame[c] = frame[c].cat.remove_unused_categories()
    return frame


def plain_decimal(value: Decimal) -> str:
    """``Decimal("1250.500000")`` -> ``"1250.5"``; ``Decimal("3.000000")`` -> ``"3"``."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def plain_decimal_text(amount: pa.ChunkedArray) -> pa.ChunkedArray:
    """``1250.500000`` -> ``1250.5``; ``3.000000`` -> ``3``."""
    text = amount.cast(pa.string())
    text = pc.replace_substring_regex(text, r"(\.\d*?)0+$", r"\1")
    return pc.replace_substring_regex(text, r"\.$", "")


def text_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame``'s rows as JSON-ready records: exact decimals as plain text (``"1250.5"``),
    NaN as None. The one text of a table in JSON and CSV, from the CLI and the service."""

    def value(v: Any) -> Any:
        if isinstance(v, Decimal):
            return plain_decimal(v)
        if (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            return None
        return v

    names = [str(c) for c in frame.columns]
    columns = [[value(v) for v in frame[c].tolist()] for c in frame.columns]  # by column:
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]  # fast
