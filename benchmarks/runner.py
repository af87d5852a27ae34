"""Run benchmark cases and print one table: each case against its baseline, same process.

A case times Planbook doing something (``subject``) and a baseline doing the nearest
plain-library equivalent (``baseline``) on the same data, so the ratio means something on
any machine. Peak memory is the rise of the process's resident set (VmHWM, reset before each
run) over what it held before the run.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table


@dataclass(frozen=True)
class Case:
    """One measurement: Planbook's way against a baseline on the same input."""

    group: str
    name: str
    rows: int
    subject: Callable[[], object]
    baseline_name: str
    baseline: Callable[[], object]
    goal: str = ""


@dataclass(frozen=True)
class Result:
    case: Case
    subject_s: float
    baseline_s: float
    subject_peak_mib: float | None
    baseline_peak_mib: float | None
    ratios: tuple[float, ...] = ()
    """Interleaved runs: each run's subject / baseline, sorted."""

    @property
    def ratio(self) -> float:
        if self.ratios:
            return statistics.median(self.ratios)
        return self.subject_s / self.baseline_s if self.baseline_s else float("inf")


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure(fn: Callable[[], object], repeat: int) -> tuple[float, float | None]:
    """Median seconds over ``repeat`` runs, and the largest peak-memory rise in MiB."""
    times, peaks = [], []
    for _ in range(repeat):
        gc.collect()
        before = _status_kib("VmRSS")
        can_peak = _reset_peak()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        peak = _status_kib("VmHWM")
        if can_peak and before is not None and peak is not None:
            peaks.append(max(0, peak - before) / 1024)
        del result
    return statistics.median(times), (max(peaks) if peaks else None)


def run(
    cases: Iterable[Case], *, repeat: int, console: Console, interleaved: bool = False
) -> list[Result]:
    """Measure every case and print the table: ``repeat`` subjects then ``repeat``
    baselines, or (``interleaved``) each subject run followed by a baseline run, the ratio
    then the median of the runs' ratios (load that shifts during a case moves both sides of
    a pair alike)."""
    results = []
    for case in cases:
        console.print(f"[dim]{case.group}: {case.name} ...[/]")
        if not interleaved:
            subject_s, subject_peak = measure(case.subject, repeat)
            baseline_s, baseline_peak = measure(case.baseline, repeat)
            results.append(Result(case, subject_s, baseline_s, subject_peak, baseline_peak))
            continue
        pairs = [(measure(case.subject, 1), measure(case.baseline, 1)) for _ in range(repeat)]
        ratios = tuple(sorted(s[0] / b[0] if b[0] else float("inf") for s, b in pairs))
        results.append(
            Result(
                case,
                statistics.median(s[0] for s, _ in pairs),
                statistics.median(b[0] for _, b in pairs),
                _most([s[1] for s, _ in pairs]),
                _most([b[1] for _, b in pairs]),
                ratios,
            )
        )
    console.print(table(results, repeat=repeat))
    return results


def _most(peaks: list[float | None]) -> float | None:
    known = [p for p in peaks if p is not None]
    return max(known) if known else None


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def table(results: list[Result], *, repeat: int) -> Table:
    out = Table(title=f"Planbook benchmarks (median of {repeat}; ratio = Planbook / baseline)")
    for column in (
        "group",
        "case",
        "rows",
        "Planbook",
        "peak MiB",
        "baseline",
        "baseline time",
        "baseline MiB",
        "ratio",
        "goal",
    ):
        out.add_column(
            column,
            justify="right" if column not in ("group", "case", "baseline", "goal") else "left",
        )
    for r in results:
        out.add_row(
            r.case.group,
            r.case.name,
            f"{r.case.rows:,}",
            f"{r.subject_s * 1000:,.0f} ms",
            _mib(r.subject_peak_mib),
            r.case.baseline_name,
            f"{r.baseline_s * 1000:,.0f} ms",
            _mib(r.baseline_peak_mib),
            f"{r.ratio:.2f}x" + (f" ({r.ratios[0]:.2f}-{r.ratios[-1]:.2f})" if r.ratios else ""),
            r.case.goal,
        )
    return out
