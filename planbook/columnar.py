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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.facts import AMOUNT_TYPE, KEY_COLUMNS, canonical_dtypes

__all__ = [
    "Coded",
    "FactColumns",
    "amounts_of",
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
        """The codes and categories of a canonical (sorted categorical) key column."""
        codes = column.cat.codes.to_numpy().astype(np.int32, copy=False)
        return cls(codes, tuple(column.cat.categories))

    @classmethod
    def constant(cls, value: str, rows: int) -> Coded:
        return cls(np.zeros(rows, dtype=np.int32), (value,))

    def map(self, fn: Callable[[str], str]) -> Coded:
        """Each category through ``fn``; equal results merge (sorted again)."""
        mapped = [fn(c) for c in self.categories]
        unique = sorted(set(mapped))
        position = {v: i for i, v in enumerate(unique)}
        recode = np.array([position[v] for v in mapped] + [-1], dtype=np.int32)
        return Coded(recode[self.codes], tuple(unique))

    def isin(self, values: Sequence[str] | set[str]) -> np.ndarray:
        """A boolean a row: is its category one of ``values`` (missing: never)."""
        wanted = set(values)
        allowed = np.array([c in wanted for c in self.categories] + [False], dtype=bool)
        result: np.ndarray = allowed[self.codes]
        return result

    def lookup(self, table: np.ndarray, *, missing: object) -> np.ndarray:
        """``table[code]`` a row (``table`` has one entry a category), ``missing`` for -1."""
        extended = np.append(table, np.array([missing], dtype=table.dtype))
        result: np.ndarray = extended[self.codes]
        return result

    def positions(self, order: Sequence[str]) -> np.ndarray:
        """A row's position in ``order``; -1 where its category is not there or missing."""
        index = {v: i for i, v in enumerate(order)}
        table = np.array([index.get(c, -1) for c in self.categories], dtype=np.int64)
        return self.lookup(table, missing=-1)

    def used(self, mask: np.ndarray) -> list[str]:
        """The categories of the rows where ``mask`` holds, sorted."""
        codes = np.unique(self.codes[mask])
        return [self.categories[c] for c in codes if c >= 0]


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
    def of(cls, facts: pd.DataFrame) -> FactColumns:
        facts = canonical_dtypes(facts)
        keys = {c: Coded.of(facts[c]) for c in KEY_COLUMNS}
        return cls(**keys, amounts=amounts_of(facts))

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
    mask = mask.copy()
    for key in keys:
        mask &= key >= 0
    names = [f"key{i}" for i in range(len(keys))]
    picked = amounts.filter(pa.array(mask)) if not mask.all() else amounts
    if sizes is not None and float(np.prod(np.array(sizes, dtype=float))) < 2**62:
        combined = np.zeros(len(picked), dtype=np.int64)
        for key, size in zip(keys, sizes, strict=True):
            combined = combined * size + key[mask]
        sums = pa.table({"key": combined, "amount": picked}).group_by("key")
        result = sums.aggregate([("amount", "sum")]).sort_by("key")
        rest = result.column("key").to_numpy()
        split: dict[str, np.ndarray] = {}
        for name, size in reversed(list(zip(names, sizes, strict=True))):
            rest, split[name] = np.divmod(rest, size)
        columns = {n: pa.array(split[n]) for n in names}
        return pa.table(columns | {"amount_sum": result.column("amount_sum")})
    table = pa.table({n: pa.array(k[mask]) for n, k in zip(names, keys, strict=True)})
    return (
        table.append_column("amount", picked)
        .group_by(names)
        .aggregate([("amount", "sum")])
        .sort_by([(n, "ascending") for n in names])
    )


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
    total = grouped.column("amount_sum").cast(AMOUNT_TYPE).to_pylist()
    frame["amount"] = pd.Series(total, index=frame.index, dtype=object)
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
