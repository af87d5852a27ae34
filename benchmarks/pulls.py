"""Pulls over HTTP against reading the same rows from a Parquet file, side by side.

The company-scale plan (300 teams x 200 accounts x 36 months) in a SQLite store served by a
real ``planbook serve`` on 127.0.0.1; :class:`server.client.Client` pulls it as Parquet and
decodes it to an Arrow table. The baseline is ``pq.read_table`` of a Parquet file holding
the same rows (written by ``planbook.facts.write_facts``), in the same process.

A version never changes, so the service keeps the encoded answer of each (version, filter,
role, format) in a bounded cache: the first pull of a version encodes it ("first"), the next
ones send the cached bytes ("again").

Run: ``python -m benchmarks --only pulls`` (or ``python -m benchmarks.pulls``).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from benchmarks.service import SECRET, serving
from benchmarks.store import Row, _loaded, markdown
from planbook.demo import build_demo
from planbook.facts import write_facts
from server.client import Client
from server.store import FactFilter

RUNS = 5


def _timed(action: Callable[[], Any], runs: int) -> float:
    """Median seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(*, teams: int = 300, accounts: int = 200, months: int = 36) -> list[Row]:
    """Every pull case, as rows of the store benchmarks' table."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="planbook-bench-") as tmp:
        folder = Path(tmp)
        demo = build_demo(teams=teams, accounts=accounts, months=months)
        store, head = _loaded(folder, "pulls", demo)
        store.close()
        plan, team = demo.plan.id, demo.plan.teams[0].id
        everything = write_facts(demo.facts, folder / "all.parquet")
        team_rows = demo.facts[demo.facts["team"] == team].reset_index(drop=True)
        one = write_facts(team_rows, folder / "team.parquet")
        only = FactFilter(teams=[team])
        with serving(f"sqlite:///{folder / 'pulls.db'}") as service:
            client = Client(service.url, token=SECRET)
            size = f"{len(demo.facts):,}"
            first = _timed(lambda: client.facts_table(plan, head), 1)
            read = _timed(lambda: pq.read_table(everything), RUNS)
            again = _timed(lambda: client.facts_table(plan, head), RUNS)
            rows.append(Row(f"HTTP pull {size} facts as Parquet, first", first, read, "s", ""))
            rows.append(Row(f"HTTP pull {size} facts as Parquet, again", again, read, "s", "< 2x"))
            team_first = _timed(lambda: client.facts_table(plan, head, only), 1)
            team_read = _timed(lambda: pq.read_table(one), RUNS * 4)
            team_again = _timed(lambda: client.facts_table(plan, head, only), RUNS * 4)
            name = f"HTTP pull one team ({len(team_rows):,} facts)"
            rows.append(Row(f"{name}, first", team_first, team_read, "s", ""))
            rows.append(Row(f"{name}, again", team_again, team_read, "s", "< 5x"))
            client.close()
    return rows


def main() -> None:
    """Print the table."""
    print(markdown(run()), flush=True)


if __name__ == "__main__":
    main()
