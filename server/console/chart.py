"""The bridge as an inline SVG: waterfall bars placed on a pixel grid (drawing only; the
bars' figures come from :func:`planbook.waterfall.waterfall`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from planbook.waterfall import WaterfallBar

__all__ = ["Chart", "SvgBar", "bridge_chart", "money"]

HEIGHT = 280
TOP, BOTTOM, LEFT = 24, 72, 12
SLOT = 64
"""Pixels per bar (the chart grows with the number of steps and scrolls sideways)."""
CUT = 0.25
"""Cut the axis when the steps span less than this share of the largest total."""


@dataclass(frozen=True)
class SvgBar:
    """A bar's rectangle, its label and the amount written above it."""

    x: float
    y: float
    width: float
    height: float
    kind: str
    label: str
    amount: str
    connector_y: float


@dataclass(frozen=True)
class Chart:
    """The SVG's size, the zero line and the bars."""

    width: int
    height: int
    zero_y: float
    bars: list[SvgBar]
    cut: bool = False


def money(amount: Decimal | str | None) -> str:
    """An amount for people: grouped thousands, cents only where there are some."""
    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount))
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _axis(bars: list[WaterfallBar]) -> tuple[float, float, bool]:
    """The value range the plot shows, and whether it leaves zero out: when the steps are
    small next to the totals, the axis is cut so the steps stay visible (totals then run
    off the edge, and the page says so)."""
    levels = [float(v) for b in bars for v in (b.low, b.high) if b.kind != "total"]
    levels += [float(b.amount) for b in bars if b.kind == "total"]
    low, high = min(levels), max(levels)
    if low <= 0 <= high or (high - low) >= CUT * max(abs(low), abs(high)):
        return min(low, 0.0), max(high, 0.0), False
    pad = (high - low) * 0.25 or abs(high) * 0.01 or 1.0
    return low - pad, high + pad, True


def bridge_chart(bars: list[WaterfallBar]) -> Chart:
    """Bars placed between the lowest and highest running total (and zero, unless the axis
    is cut: see :func:`_axis`)."""
    low, high, cut = _axis(bars)
    span = (high - low) or 1.0
    plot = HEIGHT - TOP - BOTTOM

    def y(value: Decimal | float) -> float:
        return round(TOP + (high - min(max(float(value), low), high)) / span * plot, 1)

    out = []
    for i, bar in enumerate(bars):
        top, bottom = y(bar.high), y(bar.low)
        rising = bar.kind == "up" or (bar.kind == "total" and bar.amount >= 0)
        after = bar.high if rising else bar.low  # the running total after this bar
        amount = money(bar.amount) if bar.kind == "total" else f"{bar.amount:+,.0f}"
        out.append(
            SvgBar(
                x=LEFT + i * SLOT + 8,
                y=top,
                width=SLOT - 16,
                height=round(max(bottom - top, 1.0), 1),
                kind=bar.kind,
                label=bar.label,
                amount=amount,
                connector_y=y(after),
            )
        )
    zero = y(0.0) if not cut else -1.0
    return Chart(LEFT * 2 + SLOT * len(bars), HEIGHT, zero, out, cut)
