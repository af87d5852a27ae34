"""A bridge (from :func:`planbook.bridge_steps`) as the bars of a waterfall chart.

Each step becomes a floating bar from the running total before it to the running total after
it; the first and last rows (A's and B's totals) stand on zero. Charts draw the bars as they
are (the web console's SVG) or, where only stacked columns exist (an Excel chart that
LibreOffice can also render), as an invisible base with the visible part on top:
:attr:`WaterfallBar.base`, :attr:`WaterfallBar.above` and :attr:`WaterfallBar.below` stack
to the bar whether it lies above zero, below it, or across it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

__all__ = ["WaterfallBar", "waterfall"]

ZERO = Decimal(0)


@dataclass(frozen=True)
class WaterfallBar:
    """One bar: ``kind`` is ``total`` (start, end), ``up`` or ``down``; it spans ``low`` to
    ``high``; ``amount`` is the step (or the total) it shows."""

    label: str
    kind: str
    amount: Decimal
    low: Decimal
    high: Decimal

    @property
    def base(self) -> Decimal:
        """The invisible part of a stacked column under the bar (0 when it crosses zero)."""
        if self.low >= 0:
            return self.low
        if self.high <= 0:
            return self.high
        return ZERO

    @property
    def above(self) -> Decimal:
        """The visible part above zero, stacked on :attr:`base` when that is positive."""
        return max(self.high, ZERO) - max(self.base, ZERO)

    @property
    def below(self) -> Decimal:
        """The visible part below zero (negative), stacked under a negative :attr:`base`."""
        return min(self.low, ZERO) - min(self.base, ZERO)


def waterfall(steps: pd.DataFrame) -> list[WaterfallBar]:
    """The bars of a bridge frame (columns ``step`` and ``amount``: a start row, the steps,
    an end row). The steps must add up from start to end."""
    rows = [(str(s), Decimal(a)) for s, a in zip(steps["step"], steps["amount"], strict=True)]
    if len(rows) < 2:
        raise ValueError("a bridge has a start and an end row")
    (start_label, start), *middle, (end_label, end) = rows
    bars = [_total(start_label, start)]
    running = start
    for label, amount in middle:
        after = running + amount
        kind = "up" if amount > 0 else "down"
        bars.append(WaterfallBar(label, kind, amount, min(running, after), max(running, after)))
        running = after
    if running != end:
        raise ValueError(f"the bridge's steps reach {running}, not its end {end}")
    bars.append(_total(end_label, end))
    return bars


def _total(label: str, amount: Decimal) -> WaterfallBar:
    return WaterfallBar(label, "total", amount, min(amount, ZERO), max(amount, ZERO))
