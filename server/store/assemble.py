"""Putting a read's slices end to end: one Arrow facts table, filtered by code.

Each slice (one scenario of one part, :mod:`server.store.partformat`) brings its own small
dictionaries. A key column's dictionary in the result is the sorted union of the slices'
values that the filter lets through; each slice's codes are recoded through a small table
(one entry a value of its dictionary, -1 for a value filtered out), so rows are never
compared as text and the filter is decided by code. Every column is then one chunk, its
dictionary sorted (what :func:`planbook.codes.sorted_codes` uses without recoding).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from planbook.codes import KEY_TYPE
from planbook.facts import AMOUNT_TYPE, FACT_COLUMNS, KEY_COLUMNS, amounts_from_words, widened
from server.store.contract import FactFilter
from server.store.partformat import Slice

__all__ = ["EMPTY_SCHEMA", "assemble"]

EMPTY_SCHEMA = pa.schema(
    [pa.field(c, KEY_TYPE) for c in KEY_COLUMNS] + [pa.field("amount", AMOUNT_TYPE)]
)


def assemble(slices: Sequence[Slice], wanted: FactFilter) -> pa.Table:
    """The rows of ``slices`` that ``wanted`` lets through, in order, as one table."""
    slices = [s for s in slices if s.rows]
    if not slices:
        return EMPTY_SCHEMA.empty_table()
    lengths = np.array([s.rows for s in slices], dtype=np.int64)
    raw = np.concatenate([s.codes for s in slices], axis=1)
    scenarios = sorted({s.scenario for s in slices} & _allowed(wanted.scenarios, slices))
    position = {v: i for i, v in enumerate(scenarios)}
    keys = [_Key(np.array([position.get(s.scenario, -1) for s in slices], np.int32), scenarios)]
    for k, values in enumerate((wanted.teams, wanted.accounts, (), wanted.periods)):
        keys.append(_recoded(slices, lengths, raw[k], k, set(values) if values else None))
    mask = _mask(keys, lengths, wanted)
    kept = lengths
    if mask is not None:
        kept = np.add.reduceat(mask, np.concatenate([[0], np.cumsum(lengths)[:-1]]))
    codes = [key.rows(kept, mask) for key in keys]
    words = _words(_joined(slices), mask)
    columns = [
        pa.DictionaryArray.from_arrays(pa.array(c), pa.array(key.values, pa.string()), safe=False)
        for c, key in zip(codes, keys, strict=True)
    ]
    amount = amounts_from_words(words)
    return pa.Table.from_arrays([*columns, amount], names=list(FACT_COLUMNS))


@dataclass(frozen=True)
class _Key:
    """A key column in the result's dictionary (``values``): one code a slice
    (``per_slice``) or one a row (``codes``); -1 where the filter leaves the value out."""

    per_slice: np.ndarray | None
    values: list[str]
    codes: np.ndarray | None = None

    def rows(self, lengths: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
        """One code a kept row (``lengths``: each slice's kept rows)."""
        if self.codes is None:
            assert self.per_slice is not None
            return np.repeat(self.per_slice, lengths)
        return self.codes if mask is None else self.codes[mask]

    def dropped(self, lengths: np.ndarray) -> np.ndarray | None:
        """Which rows hold a value the filter leaves out (None: no row)."""
        if self.codes is not None:
            return self.codes < 0 if self.codes.size and self.codes.min() < 0 else None
        assert self.per_slice is not None
        if not (self.per_slice < 0).any():
            return None
        return np.repeat(self.per_slice < 0, lengths)


def _allowed(values: Sequence[str], slices: Sequence[Slice]) -> set[str]:
    return set(values) if values else {s.scenario for s in slices}


def _recoded(
    slices: Sequence[Slice], lengths: np.ndarray, raw: np.ndarray, k: int, allowed: set[str] | None
) -> _Key:
    """The ``k``-th coded key of every slice (team, account, line, period; ``raw``: their
    codes end to end) in one dictionary: the sorted values ``allowed`` keeps (all when
    None); -1 for the others. Every code is within its dictionary (checked when the slice
    was decoded)."""
    distinct = {s.dictionaries[k]: None for s in slices}  # equal dictionaries once
    values = set().union(*distinct)
    dictionary = sorted(values if allowed is None else values & allowed)
    position = {v: i for i, v in enumerate(dictionary)}
    if len(distinct) == 1 and tuple(dictionary) == next(iter(distinct)):
        return _Key(None, dictionary, raw.astype(np.int32))
    tables = {d: np.array([position.get(v, -1) for v in d], np.int32) for d in distinct}
    if all(len(d) == 1 for d in distinct):  # one value a slice (a team part's team)
        return _Key(np.array([tables[s.dictionaries[k]][0] for s in slices]), dictionary)
    codes = np.empty(len(raw), np.int32)
    at = 0
    for s in slices:  # small takes into place: cache-resident, twice a gather of the whole
        table, rows = tables[s.dictionaries[k]], s.codes[k]
        np.take(table, rows, out=codes[at : at + len(rows)], mode="clip")  # checked: decode
        at += len(rows)
    return _Key(None, dictionary, codes)


def _mask(keys: list[_Key], lengths: np.ndarray, wanted: FactFilter) -> np.ndarray | None:
    """Which rows the filter keeps (None: every row)."""
    mask: np.ndarray | None = None
    for key in keys:
        dropped = key.dropped(lengths)
        if dropped is not None:
            mask = ~dropped if mask is None else mask & ~dropped
    if wanted.hidden_accounts:
        hidden_set, own_set = set(wanted.hidden_accounts), set(wanted.own_teams)
        hidden = np.array([a in hidden_set for a in keys[2].values] + [False])
        own = np.array([t in own_set for t in keys[1].values] + [False])
        hide = hidden[keys[2].rows(lengths, None)] & ~own[keys[1].rows(lengths, None)]
        if hide.any():
            mask = ~hide if mask is None else mask & ~hide
    return mask


def _joined(slices: Sequence[Slice]) -> np.ndarray:
    """Every slice's amounts end to end: int64 millionths, or ``(rows, 2)`` decimal128
    words when some part needs them."""
    if any(s.amounts.ndim == 2 for s in slices):
        return np.concatenate([s.words() for s in slices])
    return np.concatenate([s.amounts for s in slices])


def _words(amounts: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """The rows of ``amounts`` that ``mask`` keeps as ``(rows, 2)`` decimal128 words."""
    if mask is not None:
        amounts = amounts[mask]
    return amounts if amounts.ndim == 2 else widened(amounts)
