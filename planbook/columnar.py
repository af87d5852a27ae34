"""Grouping millions of facts by their categories' codes, never by their text.

A key column is :class:`Coded`: one integer code a row and the sorted categories the codes
point into (a canonical facts frame's categoricals are exactly that). Mapping a dimension
(team to department, month to quarter) maps its few hundred categories, not its rows; a
filter is a lookup of the allowed categories; a group-by combines the codes of its keys into
one integer and sums the exact decimal amounts in Arrow (``decimal128``, no rounding).
Text appears again only in the small result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.codes import sorted_codes
from planbook.errors import FactsFileError
from planbook.facts import (
    AMOUNT_TYPE,
    FACT_COLUMNS,
    KEY_COLUMNS,
    amounts_from_words,
    canonical_dtypes,
    decimal_words,
    widened,
)

__all__ = [
    "Coded",
    "DenseSums",
    "FactColumns",
    "amounts_of",
    "decimals",
    "dense_sums",
    "exact_sums",
    "float_grid",
    "grouped_sums",
    "rows_in",
]


@dataclass(frozen=True)
class Coded:
    """A key column by code: ``codes[i]`` indexes ``categories`` (sorted), -1 is missing."""

    codes: np.ndarray
    categories: tuple[str, ...]

    @classmethod
    def of(cls, column: pd.Series) -> Coded:
        """The codes and categories of a canonical (sorted categorical) key column, the
        codes as pandas holds them (int8 or int16 for a few categories), read-only and
        not copied."""
        values = column.array
        if not isinstance(values, pd.Categorical):
            raise TypeError(f"column {column.name!r} is not categorical")
        return cls(values.codes, tuple(values.categories))

    @classmethod
    def of_arrow(cls, column: pa.ChunkedArray | pa.Array) -> Coded:
        """The codes and sorted categories of an Arrow key column (dictionary-encoded, as
        the store gives, or text): only its dictionary is sorted, never its rows."""
        codes, categories = sorted_codes(column, used_only=False)
        return cls(codes, tuple(categories))

    @classmethod
    def constant(cls, value: str, rows: int) -> Coded:
        return cls(np.zeros(rows, dtype=np.int32), (value,))

    def map(self, fn: Callable[[str], str]) -> Coded:
        """Each category through ``fn``; equal results merge (sorted again)."""
        mapped = [fn(c) for c in self.categories]
        unique = sorted(set(mapped))
        position = {v: i for i, v in enumerate(unique)}
        recode = np.array([position[v] for v in mapped] + [-1], dtype=np.int32)
        return Coded(np.take(recode, self.codes), tuple(unique))

    def isin(self, values: Sequence[str] | set[str]) -> np.ndarray:
        """A boolean a row: is its category one of ``values`` (missing: never)."""
        wanted = set(values)
        allowed = np.array([c in wanted for c in self.categories] + [False], dtype=bool)
        result: np.ndarray = np.take(allowed, self.codes)  # faster than allowed[codes]
        return result

    def only(self, values: Sequence[str] | set[str]) -> bool:
        """Whether every row's category is one of ``values`` (no row missing), judged from
        the categories and one pass over the codes for a missing one: a filter that keeps
        every row is then skipped."""
        wanted = set(values)
        if not all(c in wanted for c in self.categories):
            return False
        return not len(self.codes) or int(self.codes.min()) >= 0

    def lookup(self, table: np.ndarray, *, missing: object) -> np.ndarray:
        """``table[code]`` a row (``table`` has one entry a category), ``missing`` for -1."""
        extended = np.append(table, np.array([missing], dtype=table.dtype))
        result: np.ndarray = np.take(extended, self.codes)
        return result

    def positions(self, order: Sequence[str]) -> np.ndarray:
        """A row's position in ``order``; -1 where its category is not there or missing
        (the codes themselves, not a copy, when ``order`` is the categories)."""
        if self.categories == tuple(order):
            return self.codes
        index = {v: i for i, v in enumerate(order)}
        table = np.array([index.get(c, -1) for c in self.categories], dtype=np.int64)
        return self.lookup(table, missing=-1)

    def used(self, mask: np.ndarray) -> list[str]:
        """The categories of the rows where ``mask`` holds, sorted."""
        codes = self.codes[mask]
        used = np.bincount(codes[codes >= 0], minlength=len(self.categories))
        return [self.categories[c] for c in np.flatnonzero(used)]


@dataclass(frozen=True)
class FactColumns:
    """A canonical facts frame by code: its key columns and its exact amounts."""

    scenario: Coded
    team: Coded
    account: Coded
    line: Coded
    period: Coded
    amounts: pa.Array

    @classmethod
    def of(cls, facts: pd.DataFrame | pa.Table) -> FactColumns:
        """The columns of a facts frame, or of an Arrow facts table (as the store reads a
        version: no pandas frame is built)."""
        if isinstance(facts, pa.Table):
            missing = [c for c in FACT_COLUMNS if c not in facts.column_names]
            if missing:
                raise FactsFileError(f"facts have no column {', '.join(map(repr, missing))}")
            keys = {c: Coded.of_arrow(facts.column(c)) for c in KEY_COLUMNS}
            amounts = facts.column("amount")
            amounts = amounts if amounts.type == AMOUNT_TYPE else amounts.cast(AMOUNT_TYPE)
            one = amounts.chunk(0) if amounts.num_chunks == 1 else amounts.combine_chunks()
            return cls(**keys, amounts=one)  # one chunk as it is: combining copies it
        facts = canonical_dtypes(facts)
        keys = {c: Coded.of(facts[c]) for c in KEY_COLUMNS}
        return cls(**keys, amounts=amounts_of(facts))

    def __len__(self) -> int:
        return len(self.amounts)

    def frame(self) -> pd.DataFrame:
        """The canonical facts frame of these columns (used categories only, sorted)."""
        data: dict[str, object] = {}
        for c in KEY_COLUMNS:
            coded: Coded = getattr(self, c)
            codes = coded.codes
            used = np.bincount(codes[codes >= 0], minlength=len(coded.categories)) > 0
            recode = np.append(np.cumsum(used, dtype=np.int32) - 1, np.int32(-1))
            kept = [v for v, u in zip(coded.categories, used, strict=True) if u]
            data[c] = pd.Categorical.from_codes(
                recode[codes], categories=pd.Index(kept, dtype="str"), validate=False
            )
        data["amount"] = pd.arrays.ArrowExtensionArray(pa.chunked_array([self.amounts]))
        return pd.DataFrame(data)

    def take(self, rows: np.ndarray) -> FactColumns:
        """The facts at these row positions (same categories)."""
        keys = {
            c: Coded(getattr(self, c).codes[rows], getattr(self, c).categories) for c in KEY_COLUMNS
        }
        return FactColumns(**keys, amounts=self.amounts.take(pa.array(rows)))

    def rows(self) -> np.ndarray:
        """A mask of every row."""
        return np.ones(len(self.amounts), dtype=bool)


def amounts_of(facts: pd.DataFrame) -> pa.Array:
    """The exact decimal ``amount`` column of a canonical frame as one Arrow array."""
    array = pa.array(facts["amount"].array, AMOUNT_TYPE)
    if isinstance(array, pa.ChunkedArray):
        return array.combine_chunks()
    return array


def grouped_sums(
    keys: Sequence[np.ndarray],
    amounts: pa.Array,
    mask: np.ndarray,
    *,
    sizes: Sequence[int] | None = None,
) -> pa.Table:
    """Exact sums of ``amounts`` by integer ``keys`` (``key0``, ``key1``, ... and
    ``amount_sum``, sorted by the keys) over the rows where ``mask`` holds and no key is
    negative (missing). With every key's bound (``sizes``), the keys are hashed as one
    integer (faster) and split again in the small result."""
    names = [f"key{i}" for i in range(len(keys))]
    kept, picked = _picked(keys, amounts, mask)
    if sizes is not None and float(np.prod(np.array(sizes, dtype=float))) < 2**62:
        combined = _combined(kept, sizes, len(picked))
        dense = _dense(combined, picked, int(np.prod(sizes)))
        if dense is not None:
            rest = np.flatnonzero(dense.counts)
            total = dense.decimals(rest)
        else:
            sums = pa.table({"key": combined, "amount": picked}).group_by("key")
            result = sums.aggregate([("amount", "sum")]).sort_by("key")
            rest, total = result.column("key").to_numpy(), result.column("amount_sum")
        split: dict[str, np.ndarray] = {}
        for name, size in reversed(list(zip(names, sizes, strict=True))):
            rest, split[name] = np.divmod(rest, size)
        columns = {n: pa.array(split[n]) for n in names}
        return pa.table(columns | {"amount_sum": total})
    table = pa.table({n: pa.array(k) for n, k in zip(names, kept, strict=True)})
    return (
        table.append_column("amount", picked)
        .group_by(names)
        .aggregate([("amount", "sum")])
        .sort_by([(n, "ascending") for n in names])
    )


@dataclass(frozen=True)
class DenseSums:
    """Exact sums by every combination of small integer keys, as arrays shaped by the
    keys' bounds: ``counts`` (rows summed) and ``millionths`` (each sum in whole
    millionths, a float64 holding an integer below 2**53 exactly)."""

    counts: np.ndarray
    millionths: np.ndarray

    def decimals(self, at: np.ndarray | None = None) -> pa.Array:
        """The sums (at these flat positions, or all) as exact Arrow decimals."""
        flat = self.millionths.reshape(-1)
        return amounts_from_words(widened((flat if at is None else flat[at]).astype(np.int64)))


def dense_sums(
    keys: Sequence[np.ndarray], amounts: pa.Array, mask: np.ndarray, sizes: Sequence[int]
) -> DenseSums | None:
    """:func:`grouped_sums` as dense arrays of shape ``sizes`` (a key's value is its index
    on its axis), when the sums can be counted exactly in numpy (see :func:`_dense`);
    otherwise None. Summing dense sums over an axis stays exact while each result's
    absolute value stays below 2**53."""
    size = int(np.prod(np.array(sizes, dtype=float)))
    if size > _DENSE_MOST:
        return None
    kept, picked = _picked(keys, amounts, mask)
    dense = _dense(_combined(kept, sizes, len(picked)), picked, size)
    if dense is None:
        return None
    shape = tuple(sizes)
    return DenseSums(dense.counts.reshape(shape), dense.millionths.reshape(shape))


def _picked(
    keys: Sequence[np.ndarray], amounts: pa.Array, mask: np.ndarray
) -> tuple[list[np.ndarray], pa.Array]:
    """The keys and amounts of the rows where ``mask`` holds and no key is missing
    (negative); the arrays themselves when that is every row."""
    missing = [key for key in keys if len(key) and key.min() < 0]
    if missing:
        mask = mask.copy()
        for key in missing:
            mask &= key >= 0
    if mask.all():
        return list(keys), amounts
    return [k[mask] for k in keys], amounts.filter(pa.array(mask))


def _combined(keys: Sequence[np.ndarray], sizes: Sequence[int], rows: int) -> np.ndarray:
    """The keys as one integer (the first the most significant), in int32 while every
    combination fits (half the memory traffic of int64), as the int64 bincount reads."""
    wide = float(np.prod(np.array(sizes, dtype=float))) >= 2**31
    if not keys:
        return np.zeros(rows, dtype=np.int64)
    combined: np.ndarray = keys[0].astype(np.int64 if wide else np.int32)  # a copy
    for key, size in zip(keys[1:], sizes[1:], strict=True):
        np.multiply(combined, size, out=combined, casting="same_kind")
        np.add(combined, key, out=combined, casting="same_kind")
    return combined.astype(np.int64, copy=False)


_EXACT_IN_FLOAT = 2**52
"""Integers below this add up exactly in float64 (whatever the order: 2**53 is the limit)."""

_DENSE_MOST = 1 << 24
"""The most key combinations counted densely (a float64 and a count each)."""


def _dense(key: np.ndarray, amounts: pa.Array, size: int) -> DenseSums | None:
    """Exact sums by a small integer ``key`` (below ``size``) counted in numpy, flat. Each
    amount is its whole number of millionths; when every one fits an int64 and each
    group's absolute sum stays below :data:`_EXACT_IN_FLOAT`, every partial float sum is a
    whole number held exactly, so the sums are the exact decimal sums. Otherwise None
    (Arrow's decimal group-by then).

    Amounts that are all non-negative (the usual budget) are checked in two passes over
    the words (no copy), and their sums are their own bound; signed amounts are checked
    row by row, bounded by the largest amount times the largest group, and only when
    that is too coarse by summing absolute values."""
    if size > _DENSE_MOST or amounts.type != AMOUNT_TYPE or amounts.null_count:
        return None
    words = decimal_words(amounts)
    low, high = words[:, 0], words[:, 1]
    counts = np.bincount(key, minlength=size)
    if not len(words):
        return DenseSums(counts, np.zeros(size))
    unsigned = int(words.min()) >= 0 and not high.any()  # each a value in [0, 2**63)
    if not unsigned and not np.array_equal(high, low >> 63):  # a value beyond int64
        return None
    values = low.astype(np.float64)
    if not unsigned:
        largest = max(-float(low.min()), float(low.max()))
        if largest * float(counts.max()) >= _EXACT_IN_FLOAT:
            bound = np.bincount(key, weights=np.abs(values), minlength=size)
            if bound.max() >= _EXACT_IN_FLOAT:
                return None
    sums = np.bincount(key, weights=values, minlength=size)
    if unsigned and sums.max() >= _EXACT_IN_FLOAT:  # non-negative: the sums bound themselves
        return None
    return DenseSums(counts, sums)


def float_grid(
    rows: np.ndarray,
    columns: np.ndarray,
    shape: tuple[int, int],
    amounts: pa.Array,
    mask: np.ndarray,
) -> np.ndarray:
    """Exact sums by ``rows`` x ``columns`` (integer positions, -1 for none) as a float
    matrix of ``shape``, zeros where nothing was summed."""
    sums = grouped_sums([rows, columns], amounts, mask, sizes=shape)
    grid = np.zeros(shape)
    values = sums.column("amount_sum").cast(pa.float64()).to_numpy()
    grid[sums.column("key0").to_numpy(), sums.column("key1").to_numpy()] = values
    return grid


def decimals(amounts: pa.Array | pa.ChunkedArray) -> list[Decimal]:
    """Exact Arrow decimals as Python :class:`~decimal.Decimal` values with the stored
    places (``Decimal("12.500000")``), through their text (faster than Arrow's own
    conversion, and the same values)."""
    text = pc.cast(amounts.cast(AMOUNT_TYPE), pa.string()).to_pylist()
    return list(map(Decimal, text))


def exact_sums(keys: Sequence[Coded], amounts: pa.Array, mask: np.ndarray) -> pd.DataFrame:
    """The sum of ``amounts`` by ``keys`` over the rows where ``mask`` holds (rows with a
    missing key are left out), sorted by the keys' categories.

    Returns one column a key (``key0``, ``key1``, ..., as text) and ``amount`` (exact
    :class:`~decimal.Decimal` values, decimal places as stored).
    """
    sizes = [max(len(k.categories), 1) for k in keys]
    grouped = grouped_sums([k.codes for k in keys], amounts, mask, sizes=sizes)
    names = [f"key{i}" for i in range(len(keys))]
    frame = pd.DataFrame(
        {
            n: pd.Series(
                np.array(k.categories or ("",), dtype=object)[grouped.column(n).to_numpy()],
                dtype=str,
            )
            for n, k in zip(names, keys, strict=True)
        }
    )
    frame["amount"] = pd.Series(
        decimals(grouped.column("amount_sum")), index=frame.index, dtype=object
    )
    return frame


def rows_in(column: pa.ChunkedArray, values: Iterable[str]) -> pa.ChunkedArray:
    """Which rows of a key column hold one of ``values``: on a dictionary column, looked up
    in its (small) dictionary and spread by its indices, never decoding a row's text."""
    value_set = pa.array(list(values), pa.string())
    if not pa.types.is_dictionary(column.type):
        return pc.fill_null(pc.is_in(column, value_set), False)
    chunks = [
        pc.fill_null(pc.take(pc.is_in(chunk.dictionary, value_set), chunk.indices), False)
        for chunk in column.chunks
    ]
    return pa.chunked_array(chunks, pa.bool_())
