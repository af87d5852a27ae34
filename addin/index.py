"""An in-memory lookup index of one version's facts, for single-value worksheet functions.

Keys are (scenario, team, account, period) summed over lines; amounts are kept as exact
integers of millionths (the facts' six decimal places), so a sum of lines never drifts and
each answer is the double nearest to the exact decimal. Each key is one integer made from
the categories' codes, so an index of two million facts is one dict of ints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from planbook.facts import AMOUNT_DECIMALS, AMOUNT_TYPE

__all__ = ["FactIndex", "micro_units"]

_SCALE = 10**AMOUNT_DECIMALS
DIMENSIONS = ("scenario", "team", "account", "period")


def micro_units(amount: pd.Series) -> np.ndarray:
    """Exact int64 millionths of a decimal amount column (the decimals' unscaled values)."""
    array = pa.array(amount.array, AMOUNT_TYPE)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array.null_count:
        array = array.fill_null(0)
    words = np.frombuffer(array.buffers()[1], dtype=np.int64)
    words = words[2 * array.offset : 2 * (array.offset + len(array))].reshape(-1, 2)
    low, high = words[:, 0], words[:, 1]
    if not np.array_equal(high, low >> 63):
        raise OverflowError("an amount is too large for the lookup index")
    return low.copy()


@dataclass(frozen=True)
class FactIndex:
    """Sums by (scenario, team, account, period); look up with :meth:`get`."""

    codes: tuple[dict[str, int], ...]
    sizes: tuple[int, ...]
    sums: dict[int, int]

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
        return cls(
            tuple(codes),
            tuple(sizes),
            dict(zip(ordered[starts].tolist(), sums.tolist(), strict=True)),
        )

    def get(self, scenario: str, team: str, account: str, period: str) -> float | None:
        """The amount at the key, summed over lines; None where nothing was planned."""
        c = self.codes
        try:
            key = (c[0][scenario] * self.sizes[1] + c[1][team]) * self.sizes[2] + c[2][account]
            key = key * self.sizes[3] + c[3][period]
        except KeyError:
            return None
        micro = self.sums.get(key)
        return None if micro is None else micro / _SCALE

    def in_scenario(self, scenario: str) -> Callable[[str, str, str], float | None]:
        """:meth:`get` with the scenario fixed, ``(team, account, period)``: what a batch of
        many cells of one scenario calls (its codes and sizes looked up once)."""
        c, sizes, sums = self.codes, self.sizes, self.sums
        teams, accounts, periods = c[1], c[2], c[3]
        if scenario not in c[0]:
            return lambda team, account, period: None
        base, size2, size3 = c[0][scenario] * sizes[1], sizes[2], sizes[3]

        def get(team: str, account: str, period: str) -> float | None:
            try:
                key = ((base + teams[team]) * size2 + accounts[account]) * size3 + periods[period]
            except KeyError:
                return None
            micro = sums.get(key)
            return None if micro is None else micro / _SCALE

        return get
