"""What changed between two sets of facts: line by line, rolled up, and as a bridge.

:func:`diff_facts` matches the two sets on the fact key and lists every added, removed and
changed line with its old and new amount and the delta. :func:`apply_diff` replays such a
list on the first set and gives back the second, exactly. Matching works on integer keys
built from category codes, so two 2-million-fact versions compare in about a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.consolidate import consolidate
from planbook.facts import (
    AMOUNT_TYPE,
    FACT_COLUMNS,
    KEY_COLUMNS,
    canonical_dtypes,
    fact_keys,
    normalize,
)
from planbook.model import Plan

__all__ = ["CHANGE_COLUMNS", "apply_diff", "bridge", "diff_facts", "diff_rollup"]

CHANGE_COLUMNS = (*KEY_COLUMNS, "change", "old", "new", "delta")
"""Columns of a diff: the fact key, ``added``/``removed``/``changed``, old, new, delta."""


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
    out = pd.concat(parts, ignore_index=True)
    for column in KEY_COLUMNS:
        out[column] = pd.Categorical(out[column], categories=a[column].cat.categories)
    order = np.lexsort([out[c].cat.codes.to_numpy() for c in reversed(KEY_COLUMNS)])
    return out.take(order).reset_index(drop=True)[list(CHANGE_COLUMNS)]


def apply_diff(a: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """``a`` with ``changes`` (from :func:`diff_facts`) applied: removed lines dropped,
    changed lines given their new amount, added lines added. Canonical, sorted."""
    touched = changes.rename(columns={"new": "amount"})[[*KEY_COLUMNS, "amount", "change"]]
    base, touched = _shared_categories(canonical_dtypes(a), touched)
    base_keys, touched_keys = fact_keys(base, touched)
    keep = ~np.isin(base_keys, touched_keys)
    replacements = touched[touched["change"] != "removed"][list(FACT_COLUMNS)]
    return normalize(pd.concat([base[keep], canonical_dtypes(replacements)], ignore_index=True))


def diff_rollup(
    plan: Plan,
    changes: pd.DataFrame,
    *,
    by: Sequence[str] = ("department",),
    period: str = "quarter",
    filters: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """The deltas of a diff rolled up like facts (see :func:`planbook.consolidate`)."""
    deltas = changes[list(KEY_COLUMNS)].assign(amount=changes["delta"])
    result = consolidate(plan, deltas, by=by, period=period, filters=filters)
    return result.rename(columns={"amount": "delta"})


def bridge(
    plan: Plan,
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    by: str = "department",
    filters: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """A waterfall from ``a``'s total to ``b``'s: a start row, one step per ``by`` value that
    moved, an end row. Columns ``step``, ``amount``; the steps add up from start to end."""
    old, new = (
        dict(zip(t[by], t["amount"], strict=True))
        for t in (
            consolidate(plan, side, by=[by], period="total", filters=filters) for side in (a, b)
        )
    )
    rows = [{"step": "start", "amount": sum(old.values(), Decimal(0))}]
    for group in sorted(set(old) | set(new)):
        step = new.get(group, Decimal(0)) - old.get(group, Decimal(0))
        if step:
            rows.append({"step": str(group), "amount": step})
    rows.append({"step": "end", "amount": sum(new.values(), Decimal(0))})
    return pd.DataFrame(rows, columns=["step", "amount"])


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
    n = len(index)
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
