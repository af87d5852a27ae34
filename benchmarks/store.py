"""Store benchmarks at company scale, as ratios against baselines run in the same process.

1. Pull a 2.2M-fact version (300 teams x 200 accounts x 36 months) vs reading the same rows
   from a Parquet file (goal: within 2x).
2. Push one team's part into a 12-team and into a 300-team plan, both 200 accounts x 36
   months so the team part is the same size (goal: the same time).
3. Store size after 100 single-team pushes vs one full copy plus the changed parts
   (goal: under 1.2x).

Run: ``python -m benchmarks.store`` (prints the table, ``--markdown`` for docs), or call
:func:`run` from the benchmark runner.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import func, select

from planbook.demo import Demo, build_demo
from planbook.factfiles import write_facts
from planbook.facts import AMOUNT_TYPE, facts_from_arrow
from server.store import FactFilter, PushRequest
from server.store.db import transaction
from server.store.schema import BlobRow
from server.store.store import Store

RUNS = 3
PUSHES = 100


@dataclass(frozen=True)
class Row:
    """One benchmark line: what, the measured and baseline medians, their ratio, the goal."""

    name: str
    measured: float
    baseline: float
    unit: str
    goal: str

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline


def _median(action: Callable[[], Any], runs: int = RUNS) -> float:
    """Median seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _team_rows(demo: Demo, team: str) -> pd.DataFrame:
    facts = demo.facts
    return facts[(facts["team"] == team) & (facts["scenario"] != "actuals")].reset_index(drop=True)


def _bumped(rows: pd.DataFrame, step: int) -> pd.DataFrame:
    out = rows.copy()
    amounts = pa.array([a + step for a in out["amount"]], AMOUNT_TYPE)
    out["amount"] = pd.arrays.ArrowExtensionArray(amounts)
    return out


def _loaded(folder: Path, name: str, demo: Demo) -> tuple[Store, int]:
    store = Store.open(folder / f"{name}.db")
    first, _ = store.acting_as("bench").push(
        PushRequest(demo.plan.id, base=None, company=demo.plan)
    )
    version, _ = store.acting_as("bench").push(
        PushRequest(demo.plan.id, base=first.number, facts=demo.facts)
    )
    return store, version.number


def _push_team(store: Store, demo: Demo, base: int, count: int) -> tuple[float, int]:
    """Median seconds of ``count`` single-team pushes; returns it and the new head."""
    team = demo.plan.teams[0].id
    rows = _team_rows(demo, team)
    times = []
    for step in range(1, count + 1):
        facts = _bumped(rows, step)
        start = time.perf_counter()
        version, _ = store.acting_as("b").push(
            PushRequest(demo.plan.id, base=base, facts=facts, replace_team=True)
        )
        times.append(time.perf_counter() - start)
        base = version.number
    return statistics.median(times), base


def _blob_bytes(store: Store) -> int:
    with transaction(store.engine) as conn:
        return int(conn.scalar(select(func.coalesce(func.sum(BlobRow.size), 0))) or 0)


def run(
    report: Callable[[Row], None] = lambda row: None,
    *,
    teams: int = 300,
    accounts: int = 200,
    months: int = 36,
    pushes: int = PUSHES,
) -> list[Row]:
    """Run every store benchmark; ``report`` gets each row as it is measured. The sizes
    default to company scale; tests pass small ones."""
    rows: list[Row] = []

    def add(row: Row) -> None:
        rows.append(row)
        report(row)

    with tempfile.TemporaryDirectory(prefix="planbook-bench-") as tmp:
        folder = Path(tmp)
        big = build_demo(teams=teams, accounts=accounts, months=months)
        small = build_demo(teams=12, accounts=accounts, months=months)  # the same team size
        store, head = _loaded(folder, "big", big)
        parquet = write_facts(big.facts, folder / "facts.parquet")
        pull = _median(lambda: store.facts(big.plan.id, head, FactFilter()))
        read = _median(lambda: facts_from_arrow(pq.read_table(parquet)))
        add(Row(f"pull {len(big.facts):,} facts (pandas)", pull, read, "s", "< 2x Parquet"))
        pull_arrow = _median(lambda: store.facts_table(big.plan.id, head))
        read_arrow = _median(lambda: pq.read_table(parquet))
        add(Row("pull, Arrow table", pull_arrow, read_arrow, "s", "< 2x Parquet"))
        copy = _blob_bytes(store)
        file_before = _file_bytes(store, folder / "big.db")
        big_push, head = _push_team(store, big, head, pushes)
        small_store, small_head = _loaded(folder, "small", small)
        small_push, _ = _push_team(small_store, small, small_head, min(pushes, 20))
        add(Row("push one team: 300-team vs 12-team plan", big_push, small_push, "s", "~1x"))
        team = big.plan.teams[0].id
        changed = _changed_bytes(store, big.plan.id, f"team:{team}", pushes)
        grown = _blob_bytes(store)
        file_after = _file_bytes(store, folder / "big.db")
        add(
            Row(
                f"store after {pushes} single-team pushes vs one copy + changed parts",
                grown,
                copy + changed,
                "bytes",
                "< 1.2x",
            )
        )
        add(
            Row(
                f"store after {pushes} single-team pushes vs one full copy",
                grown,
                copy,
                "bytes",
                f"(a copy per version: {pushes + 1}x)",
            )
        )
        add(
            Row(
                f"SQLite file after {pushes} pushes vs first version's file + changed parts",
                file_after,
                file_before + changed,
                "bytes",
                "< 1.2x",
            )
        )
        store.close()
        small_store.close()
    return rows


def _file_bytes(store: Store, path: Path) -> int:
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


def _changed_bytes(store: Store, plan_id: str, part: str, count: int) -> int:
    history = store.part_history(plan_id, part)[:count]
    hashes = [
        next(p.hash for p in store.version(plan_id, v.number).parts if p.part == part)
        for v in history
    ]
    with transaction(store.engine) as conn:
        sizes = conn.execute(select(BlobRow.size).where(BlobRow.hash.in_(hashes))).scalars()
        return int(sum(sizes))


def _format(row: Row) -> str:
    if row.unit == "bytes":
        values = f"{row.measured / 2**20:9.2f} MiB {row.baseline / 2**20:9.2f} MiB"
    else:
        values = f"{row.measured * 1000:9.1f} ms {row.baseline * 1000:9.1f} ms"
    return f"{row.name:<70} {values} {row.ratio:6.2f}x  goal {row.goal}"


def markdown(rows: list[Row]) -> str:
    """The rows as a markdown table."""
    lines = [
        "| benchmark | measured | baseline | ratio | goal |",
        "|---|---:|---:|---:|---|",
    ]
    for row in rows:
        if row.unit == "bytes":
            a, b = f"{row.measured / 2**20:.2f} MiB", f"{row.baseline / 2**20:.2f} MiB"
        else:
            a, b = f"{row.measured * 1000:.1f} ms", f"{row.baseline * 1000:.1f} ms"
        lines.append(f"| {row.name} | {a} | {b} | {row.ratio:.2f}x | {row.goal} |")
    return "\n".join(lines)


def main() -> None:
    """Print the table (``--markdown`` for docs)."""
    rows = run(lambda row: print(_format(row), flush=True))
    if "--markdown" in sys.argv:
        print(markdown(rows))


if __name__ == "__main__":
    main()
