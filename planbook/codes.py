"""Key columns by code: an Arrow key column as integer codes into its sorted categories.

Facts keep their keys (scenario, team, account, line, period) as dictionary-encoded text;
grouping, filtering and joining work on the codes, and only the (small) dictionary is ever
sorted or compared as text (:mod:`planbook.facts`, :mod:`planbook.columnar`).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["KEY_TYPE", "sorted_codes"]

KEY_TYPE = pa.dictionary(pa.int32(), pa.string())
"""How a key column is stored in Arrow: text, dictionary-encoded with int32 codes."""


def sorted_codes(
    column: pa.ChunkedArray | pa.Array, *, used_only: bool = True
) -> tuple[np.ndarray, list[str]]:
    """A key column as integer codes (int32, -1 for missing) into its sorted categories
    (with ``used_only``, only those some row uses): the dictionary is sorted, never the
    rows' text, and the rows are recoded only when the dictionary was not already so."""
    if isinstance(column, pa.Array):
        column = pa.chunked_array([column])
    if column.type != KEY_TYPE:
        if not pa.types.is_dictionary(column.type):
            column = pc.dictionary_encode(column.cast(pa.string()))
        column = column.cast(KEY_TYPE)
    if column.num_chunks != 1:
        column = column.unify_dictionaries()
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    indices = array.indices
    codes = (pc.fill_null(indices, -1) if indices.null_count else indices).to_numpy(
        zero_copy_only=False
    )
    values = array.dictionary.to_pylist()
    if used_only:
        used = np.bincount(codes[codes >= 0], minlength=len(values)) > 0
    else:
        used = np.ones(len(values), dtype=bool)
    order = sorted((v, i) for i, v in enumerate(values) if used[i])
    categories = [v for v, _ in order]
    if len(categories) != len(values) or categories != values:
        recode = np.full(len(values) + 1, -1, dtype=np.int32)  # last slot: null stays -1
        recode[[i for _, i in order]] = np.arange(len(order), dtype=np.int32)
        codes = recode[codes]
    return codes.astype(np.int32, copy=False), categories
