"""An in-memory lookup index of one version's facts, for single-value worksheet functions.

Keys are (scenario, team, account, period) summed over lines; amounts are kept as exact
integers of millionths (the facts' six decimal places), so a sum of lines never drifts and
each answer is the double nearest to the exact decimal. Each key is one integer made from
the categories' codes, so an index of two million facts is two sorted int64 arrays (keys and
sums: 16 bytes a key). Many keys of one scenario are answered at once from a dense table of
that scenario's key space (built on first use when it has at most :data:`DENSE_CELLS` keys,
else by binary search).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from planbook.facts import AMOUNT_DECIMALS, AMOUNT_TYPE, decimal_words

__all__ = ["FactIndex", "micro_units"]

_SCALE = 10**AMOUNT_DECIMALS
DIMENSIONS = ("scenario", "team", "account", "period")
DENSE_CELLS = 8_000_000
"""The largest key space of one scenario answered from a dense table (72 MiB at most)."""


def micro_units(amount: pd.Series) -> np.ndarray:
    """Exact int64 millionths of a decimal amount column (the decimals' unscaled values)."""
    array = pa.array(amount.array, AMOUNT_TYPE)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.null_count:
        array = array.fill_null(0)
    words = decimal_words(array)
    low, high = words[:, 0], words[:, 1]
    if not np.array_equal(high, low >> 63):
        raise OverflowError("an amount is too large for the lookup index")
    return low.copy()


@dataclass(frozen=True, eq=False)
class FactIndex:
    """Sums by (scenario, team, account, period); look up with :meth:`get` (one key) or
    :meth:`lookup` (many keys at once, as codes)."""

    codes: tuple[dict[str, int], ...]
    sizes: tuple[int, ...]
    keys: np.ndarray
    """The keys that have facts, sorted (int64, one per key)."""
    micros: np.ndarray
    """Their sums in exact millionths (int64), aligned with :attr:`keys`."""
    _dense: dict[str, tuple[np.ndarray, np.ndarray] | None] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def build(cls, facts: pd.DataFrame) -> FactIndex:
        """The index of a canonical facts frame."""
        key = np.zeros(len(facts), dtype=np.int64)
        codes, sizes = [], []
        for dimension in DIMENSIONS:
            column = facts[dimension]
            categories = [str(c) for c in column.cat.categories]
            codes.append({c: i for i, c in enumerate(categories)})
            sizes.append(len(categories) + 1)
            key = key * sizes[-1] + column.cat.codes.to_numpy().astype(np.int64)
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        values = micro_units(facts["amount"])[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(key) else key
        sums = np.add.reduceat(values, starts) if len(key) else values
        return cls(tuple(codes), tuple(sizes), ordered[starts].copy(), np.asarray(sums))

    def get(self, scenario: str, team: str, account: str, period: str) -> float | None:
        """The amount at the key, summed over lines; None where nothing was planned."""
        c = self.codes
        try:
            key = (c[0][scenario] * self.sizes[1] + c[1][team]) * self.sizes[2] + c[2][account]
            key = key * self.sizes[3] + c[3][period]
        except KeyError:
            return None
        at = int(np.searchsorted(self.keys, key))
        if at == len(self.keys) or int(self.keys[at]) != key:
            return None
        return float(int(self.micros[at]) / _SCALE)

    def lookup(
        self, scenario: str, teams: np.ndarray, accounts: np.ndarray, periods: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Many keys of one scenario at once, as codes (:attr:`codes`; -1 for a value that
        has no code): ``(found, amounts)``, the amounts as :meth:`get` answers them where
        ``found`` (what a batch of thousands of cells asks)."""
        n = len(teams)
        if scenario not in self.codes[0] or not len(self.keys):
            return np.zeros(n, dtype=bool), np.zeros(n, dtype=np.float64)
        coded = (teams >= 0) & (accounts >= 0) & (periods >= 0)
        key = (teams * self.sizes[2] + accounts) * self.sizes[3] + periods
        key[~coded] = 0
        dense = self._table(scenario)
        if dense is not None:
            has, table = dense
            found, micros = coded & has[key], table[key]
        else:
            key += self.codes[0][scenario] * self.sizes[1] * self.sizes[2] * self.sizes[3]
            at = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
            found, micros = coded & (self.keys[at] == key), self.micros[at]
        # a double holds every int below 2**53 exactly: one rounding, as int / int rounds
        amounts = np.where(found, micros.astype(np.float64) / _SCALE, 0.0)
        for i in np.flatnonzero(found & (np.abs(micros) >= 2**53)):
            amounts[i] = int(micros[i]) / _SCALE
        return found, amounts

    def _table(self, scenario: str) -> tuple[np.ndarray, np.ndarray] | None:
        """``(has, micros)`` over the scenario's whole key space, or None when too large."""
        if scenario not in self._dense:
            cells = self.sizes[1] * self.sizes[2] * self.sizes[3]
            table = None
            if cells <= DENSE_CELLS:
                base = self.codes[0][scenario] * cells
                lo, hi = np.searchsorted(self.keys, [base, base + cells])
                has, micros = np.zeros(cells, dtype=bool), np.zeros(cells, dtype=np.int64)
                has[self.keys[lo:hi] - base] = True
                micros[self.keys[lo:hi] - base] = self.micros[lo:hi]
                table = (has, micros)
            self._dense[scenario] = table  # a race builds the same table twice, harmlessly
        return self._dense[scenario]
