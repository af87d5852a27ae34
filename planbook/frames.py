"""Fast whole-frame operations on facts for the engine: amounts as floats for estimates,
and joining facts frames, both in Arrow so millions of rows never become Python objects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.facts import (
    AMOUNT_TYPE,
    KEY_COLUMNS,
    canonical_dtypes,
    facts_from_arrow,
    facts_to_arrow,
)

__all__ = ["concat_facts", "float_amounts"]


def float_amounts(facts: pd.DataFrame) -> np.ndarray:
    """The ``amount`` column as float64, cast in Arrow (fast for millions of decimals);
    for estimates and ratios (KPIs, drivers), never for stored amounts."""
    column = facts["amount"]
    if isinstance(column.dtype, pd.ArrowDtype):
        values: np.ndarray = pc.cast(pa.array(column.array), pa.float64()).to_numpy(
            zero_copy_only=False
        )
        return values
    return column.astype("float64").to_numpy()


def concat_facts(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Several facts frames as one canonical frame (sorted, used categories only): the
    categories are merged and the codes recoded, so millions of rows never become text."""
    frames = [canonical_dtypes(f) for f in frames]
    if any((f[c].cat.codes.to_numpy() < 0).any() for f in frames for c in KEY_COLUMNS):
        tables = [facts_to_arrow(f) for f in frames]  # a missing key: the general path
        return facts_from_arrow(pa.concat_tables(tables))
    data: dict[str, object] = {c: _merged([f[c] for f in frames]) for c in KEY_COLUMNS}
    amounts = [pa.array(f["amount"].array, AMOUNT_TYPE) for f in frames]
    chunks = [c for a in amounts for c in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])]
    data["amount"] = pd.arrays.ArrowExtensionArray(pa.chunked_array(chunks, AMOUNT_TYPE))
    return pd.DataFrame(data)


def _merged(columns: list[pd.Series]) -> pd.Categorical:
    """Categorical columns end to end, with the sorted categories their rows use."""
    categories = sorted(set().union(*(c.cat.categories for c in columns)))
    position = {v: i for i, v in enumerate(categories)}
    codes = np.concatenate(
        [
            np.array([position[v] for v in c.cat.categories], dtype=np.int32)[
                c.cat.codes.to_numpy()
            ]
            if len(c.cat.categories)
            else np.zeros(0, dtype=np.int32)
            for c in columns
        ]
    )
    used = np.bincount(codes, minlength=len(categories)) > 0
    recode = np.cumsum(used, dtype=np.int32) - 1
    kept = [v for v, u in zip(categories, used, strict=True) if u]
    return pd.Categorical.from_codes(
        recode[codes], categories=pd.Index(kept, dtype="str"), validate=False
    )
