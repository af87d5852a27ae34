"""What changed between two sets of facts, line by line.

:func:`diff_facts` matches the two sets on the fact key and lists every added, removed and
changed line with its old and new amount, the delta and the change in percent.
:func:`diff_tables` does the same for two Arrow tables read from the store, comparing the
amounts of parts whose lines are the same on both sides row by row, without a join.
:func:`apply_diff` replays such a list on the first set and gives back the second, exactly.
Matching works on integer keys built from category codes, so two 2-million-fact versions
compare in about a second. :mod:`planbook.diff` narrows, rolls up and bridges such diffs.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.facts import (
    AMOUNT_TYPE,
    FACT_COLUMNS,
    KEY_COLUMNS,
    canonical_dtypes,
    empty_facts,
    fact_keys,
    facts_from_arrow,
    facts_to_arrow,
    normalize,
)

__all__ = [
    "CHANGE_COLUMNS",
    "PCT_COLUMNS",
    "apply_diff",
    "diff_facts",
    "diff_tables",
    "with_percent",
]

CHANGE_COLUMNS = (*KEY_COLUMNS, "change", "old", "new", "delta")
"""Columns of a diff: the fact key, ``added``/``removed``/``changed``, old, new, delta."""
PCT_COLUMNS = (*CHANGE_COLUMNS, "pct")
"""Columns of a :func:`compare_facts` diff: :data:`CHANGE_COLUMNS` and ``pct``, the delta in
percent of the old amount (empty where there was none, or it was 0)."""


def diff_facts(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Every line that differs from ``a`` to ``b``, sorted by key.

    ``old`` is empty for added lines and ``new`` for removed ones; ``delta`` is new - old
    with a missing side counted as zero.
    """
    a, b = _shared_categories(canonical_dtypes(a), canonical_dtypes(b))
    key_a, key_b = fact_keys(a, b)
    _, ia, ib = np.intersect1d(key_a, key_b, assume_unique=True, return_indices=True)
    old_common = _amounts(a).take(pa.array(ia))
    new_common = _amounts(b).take(pa.array(ib))
    changed = pc.not_equal(old_common, new_common).to_numpy(zero_copy_only=False)
    removed = np.setdiff1d(np.arange(len(a)), ia, assume_unique=True)
    added = np.setdiff1d(np.arange(len(b)), ib, assume_unique=True)
    parts = [
        _rows(
            a,
            ia[changed],
            "changed",
            old=old_common.filter(pa.array(changed)),
            new=new_common.filter(pa.array(changed)),
        ),
        _rows(a, removed, "removed", old=_amounts(a).take(pa.array(removed)), new=None),
        _rows(b, added, "added", old=None, new=_amounts(b).take(pa.array(added))),
    ]
    return _sorted_changes([pd.concat(parts, ignore_index=True)])


def diff_tables(a: pa.Table, b: pa.Table) -> pd.DataFrame:
    """:func:`diff_facts` of two Arrow facts tables, without a join where it can.

    The store reads a version as its parts one after the other, a record batch each,
    sorted by key. When a batch of ``a`` and one of ``b`` hold the same keys in the same
    order (a part whose amounts were edited, no line added or removed: checked exactly, on
    the dictionary codes), their diff is a comparison of the two amount arrays, row by
    row. Batches are paired on their length and first key; the rows of unpaired batches
    (lines added, removed or reordered, a part added or removed) are matched on their keys
    by :func:`diff_facts`. Keys are unique on each side, so no key of a paired batch can
    be in an unpaired one: the result is :func:`diff_facts` of the two tables.
    """
    batches_a, batches_b = _batches(a), _batches(b)
    by_first: dict[tuple[object, ...], pa.RecordBatch] | None = None
    changed: list[pa.RecordBatch] = []  # the changed rows of paired batches, as in a
    new_amounts: list[pa.Array] = []  # and their amounts in b
    unpaired_a: list[pa.RecordBatch] = []
    paired_b: set[int] = set()
    for i, batch in enumerate(batches_a):
        other = batches_b[i] if i < len(batches_b) else None  # most often: the same part
        if other is None or not _same_keys(batch, other):
            if by_first is None:
                by_first = {_first_key(b): b for b in batches_b}
            other = by_first.get(_first_key(batch))
            if other is None or id(other) in paired_b or not _same_keys(batch, other):
                unpaired_a.append(batch)
                continue
        paired_b.add(id(other))
        old, new = batch.column(_AMOUNT), other.column(_AMOUNT)
        differs = pc.not_equal(old, new)
        if differs.null_count:  # an empty amount on one side only is a change
            differs = pc.fill_null(differs, pc.not_equal(pc.is_null(old), pc.is_null(new)))
        if differs.true_count:
            changed.append(batch.filter(differs))
            new_amounts.append(new.filter(differs))
    unpaired_b = [batch for batch in batches_b if id(batch) not in paired_b]
    parts = []
    if changed:
        table = pa.Table.from_batches(changed, _FACTS_SCHEMA)
        parts.append(
            _with_amounts(
                facts_from_arrow(table)[list(KEY_COLUMNS)],
                "changed",
                old=table.column(_AMOUNT).combine_chunks(),
                new=pa.concat_arrays(new_amounts),
            )
        )
    if unpaired_a or unpaired_b or not parts:
        parts.append(
            diff_facts(
                facts_from_arrow(pa.Table.from_batches(unpaired_a, _FACTS_SCHEMA)),
                facts_from_arrow(pa.Table.from_batches(unpaired_b, _FACTS_SCHEMA)),
            )
        )
    return _sorted_changes(parts)


_FACTS_SCHEMA = facts_to_arrow(empty_facts()).schema
_AMOUNT = len(KEY_COLUMNS)  # the amount's column in a facts batch


def _batches(table: pa.Table) -> list[pa.RecordBatch]:
    """The non-empty record batches of a facts table, in the canonical Arrow types."""
    table = table.select(list(FACT_COLUMNS))
    keys_missing = any(table.column(c).null_count for c in KEY_COLUMNS)
    if table.schema != _FACTS_SCHEMA or keys_missing:  # as facts_from_arrow reads them
        table = facts_to_arrow(facts_from_arrow(table))
    return [batch for batch in table.to_batches() if batch.num_rows]


def _first_key(batch: pa.RecordBatch) -> tuple[object, ...]:
    """A batch's length and first key (unique among one side's batches: keys are)."""
    return (batch.num_rows, *(batch.column(c)[0].as_py() for c in KEY_COLUMNS))


def _same_keys(a: pa.RecordBatch, b: pa.RecordBatch) -> bool:
    """Whether two batches hold the same keys in the same order."""
    if a.num_rows != b.num_rows:
        return False
    for column in range(len(KEY_COLUMNS)):
        x, y = a.column(column), b.column(column)
        if x.dictionary.equals(y.dictionary):
            if not x.indices.equals(y.indices):
                return False
        elif not x.cast(pa.string()).equals(y.cast(pa.string())):  # compare the text
            return False
    return True


def _sorted_changes(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Diff rows from several sources as one frame sorted by key, with sorted categories."""
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    for column in KEY_COLUMNS:
        categories = sorted({str(v) for p in parts for v in p[column].cat.categories})
        out[column] = pd.Categorical(
            out[column].astype(object) if len(parts) > 1 else out[column],
            categories=pd.Index(categories, dtype="str"),
        )
    for column in ("old", "new", "delta"):  # typed even when empty
        if out[column].dtype != _AMOUNT_DTYPE:
            out[column] = out[column].astype(_AMOUNT_DTYPE)
    order = np.lexsort([out[c].cat.codes.to_numpy() for c in reversed(KEY_COLUMNS)])
    return out.take(order).reset_index(drop=True)[list(CHANGE_COLUMNS)]


_AMOUNT_DTYPE = pd.ArrowDtype(AMOUNT_TYPE)


def apply_diff(a: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """``a`` with ``changes`` (from :func:`diff_facts`) applied: removed lines dropped,
    changed lines given their new amount, added lines added. Canonical, sorted."""
    touched = changes.rename(columns={"new": "amount"})[[*KEY_COLUMNS, "amount", "change"]]
    base, touched = _shared_categories(canonical_dtypes(a), touched)
    base_keys, touched_keys = fact_keys(base, touched)
    keep = ~np.isin(base_keys, touched_keys)
    replacements = touched[touched["change"] != "removed"][list(FACT_COLUMNS)]
    return normalize(pd.concat([base[keep], canonical_dtypes(replacements)], ignore_index=True))


def _shared_categories(a: pd.DataFrame, b: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both frames with the same (sorted) categories in every key column."""
    a, b = a.copy(), b.copy()
    for column in KEY_COLUMNS:
        union = pd.Index(
            sorted(set(a[column].cat.categories) | set(b[column].cat.categories)), dtype="str"
        )
        a[column] = a[column].cat.set_categories(union)
        b[column] = b[column].cat.set_categories(union)
    return a, b


def with_percent(changes: pd.DataFrame) -> pd.DataFrame:
    """A :func:`diff_facts` frame with ``pct``: delta / |old| in percent, rounded to 2
    places (floats: a display figure); empty where old is empty or 0."""
    old = pa.array(changes["old"].array, AMOUNT_TYPE)
    delta = pa.array(changes["delta"].array, AMOUNT_TYPE)
    pct = pd.arrays.ArrowExtensionArray(pa.chunked_array([_percent(old, delta)], pa.float64()))
    return changes.assign(pct=pct)


def _percent(old: pa.Array, delta: pa.Array) -> pa.Array:
    base = pc.abs(old.cast(pa.float64()))
    usable = pc.fill_null(pc.greater(base, 0.0), False)
    ratio = pc.divide(delta.cast(pa.float64()), pc.if_else(usable, base, 1.0))
    return pc.if_else(usable, pc.round(pc.multiply(ratio, 100.0), 2), None)


def _amounts(frame: pd.DataFrame) -> pa.Array:
    return pa.array(frame["amount"].array, AMOUNT_TYPE)


def _rows(
    frame: pd.DataFrame,
    index: np.ndarray,
    change: str,
    *,
    old: pa.Array | None,
    new: pa.Array | None,
) -> pd.DataFrame:
    keys = frame[list(KEY_COLUMNS)].take(index).reset_index(drop=True)
    return _with_amounts(keys, change, old=old, new=new)


def _with_amounts(
    keys: pd.DataFrame, change: str, *, old: pa.Array | None, new: pa.Array | None
) -> pd.DataFrame:
    """Diff rows: ``keys`` with their change, old and new amounts and the delta."""
    n = len(keys)
    old = old if old is not None else pa.nulls(n, AMOUNT_TYPE)
    new = new if new is not None else pa.nulls(n, AMOUNT_TYPE)
    work = pa.decimal128(30, AMOUNT_TYPE.scale)  # room for the subtraction
    zero = pa.scalar(Decimal(0), work)
    delta = pc.subtract(pc.fill_null(new.cast(work), zero), pc.fill_null(old.cast(work), zero))
    delta = delta.cast(AMOUNT_TYPE)
    return keys.assign(
        change=change,
        old=pd.arrays.ArrowExtensionArray(pa.chunked_array([old])),
        new=pd.arrays.ArrowExtensionArray(pa.chunked_array([new])),
        delta=pd.arrays.ArrowExtensionArray(pa.chunked_array([delta])),
    )
