"""Fast whole-frame operations on facts for the engine: amounts as floats for estimates,
and joining facts frames, both in Arrow so millions of rows never become Python objects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.facts import canonical_dtypes, facts_from_arrow, facts_to_arrow

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
    """Several facts frames as one canonical frame, joined in Arrow: categoricals with
    different categories never fall back to millions of Python strings."""
    tables = [facts_to_arrow(canonical_dtypes(f)) for f in frames]
    return facts_from_arrow(pa.concat_tables(tables))
