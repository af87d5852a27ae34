"""A bridge as waterfall bars: each step floats between the running totals, and the stacked
form (an invisible base, the parts above and below zero) draws the same bar."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planbook.waterfall import waterfall

amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


def _bridge(start: Decimal, steps: list[Decimal]) -> pd.DataFrame:
    rows = [("start", start), *((f"s{i}", a) for i, a in enumerate(steps))]
    return pd.DataFrame(
        [*rows, ("end", start + sum(steps, Decimal(0)))], columns=["step", "amount"]
    )


@given(start=amounts, steps=st.lists(amounts.filter(bool), max_size=8))
def test_bars_walk_from_start_to_end_and_stack_to_themselves(start, steps):
    bars = waterfall(_bridge(start, steps))
    assert [b.kind for b in (bars[0], bars[-1])] == ["total", "total"]
    running = start
    for bar, step in zip(bars[1:-1], steps, strict=True):
        assert (bar.low, bar.high) == (min(running, running + step), max(running, running + step))
        assert bar.kind == ("up" if step > 0 else "down")
        running += step
    for bar in bars:
        assert max(bar.base, Decimal(0)) + bar.above == max(bar.high, Decimal(0))
        assert min(bar.base, Decimal(0)) + bar.below == min(bar.low, Decimal(0))
        assert bar.above >= 0 >= bar.below


def test_a_bridge_whose_steps_miss_its_end_is_refused():
    frame = pd.DataFrame([("start", 10), ("a", 5), ("end", 16)], columns=["step", "amount"])
    with pytest.raises(ValueError, match="reach 15, not its end 16"):
        waterfall(frame)


def test_a_step_across_zero_stands_on_zero():
    (_, bar, _) = waterfall(_bridge(Decimal(-30), [Decimal(50)]))
    assert (bar.base, bar.above, bar.below) == (Decimal(0), Decimal(20), Decimal(-30))
