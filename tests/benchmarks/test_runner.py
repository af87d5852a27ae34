"""The benchmark runner: interleaved pairs give the median of the runs' ratios."""

from __future__ import annotations

import time

from rich.console import Console

from benchmarks.runner import Case, run


def test_interleaved_runs_pair_each_subject_with_a_baseline():
    calls: list[str] = []

    def subject() -> None:
        calls.append("s")
        time.sleep(0.004)

    def baseline() -> None:
        calls.append("b")
        time.sleep(0.002)

    case = Case("g", "case", 1, subject, "base", baseline)
    (result,) = run([case], repeat=3, console=Console(file=None, quiet=True), interleaved=True)
    assert calls == ["s", "b"] * 3
    assert len(result.ratios) == 3 and result.ratios == tuple(sorted(result.ratios))
    assert result.ratio == result.ratios[1] and result.ratio > 1
    (plain,) = run([case], repeat=2, console=Console(quiet=True))
    assert calls[6:] == ["s", "s", "b", "b"] and plain.ratios == ()
