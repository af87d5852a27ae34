"""Pulls over HTTP against reading the same rows from a Parquet file, side by side.

The company-scale plan (300 teams x 200 accounts x 36 months) in a SQLite store served by a
real ``planbook serve`` on 127.0.0.1; :class:`server.client.Client` pulls it as Parquet and
decodes it to an Arrow table. The baseline is ``pq.read_table`` of a Parquet file holding
the same rows (written by ``planbook.factfiles.write_facts``), in the same process.

Each pull is timed three ways (see ``server/api/answers.py``):

- "cold": nothing encoded yet. The version was stored before the service started, so the
  service reads the parts and encodes the answer (the team: each of several teams' first
  pull);
- "first after a push": what a user sees. A team's budget is pushed through the service,
  which encodes the version's most pulled answers in the background and keeps them in the
  store; once they are kept (the time it took is printed below the table), the first pull of
  the pushed team (as its lead would), then of the whole new version;
- "again": the same pull repeated, answered from the worker's memory.

Run: ``python -m benchmarks --only pulls`` (or ``python -m benchmarks.pulls``).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq

from benchmarks.service import SECRET, serving
from benchmarks.store import Row, _bumped, _loaded, _median, _team_rows, markdown
from planbook.demo import build_demo
from planbook.factfiles import write_facts
from server.api.answers import answer_key, warm_views
from server.client import Client
from server.store import FactFilter, PushRequest
from server.store.store import Store

RUNS = 5
PUSHES = 3


def _warmed(store: Store, plan: str, number: int) -> None:
    """Wait until the store keeps every answer the service encodes ahead for a version."""
    info, definition = store.version_plan(plan, number)
    keys = {answer_key(definition, info, w, "parquet") for w in warm_views(definition, info)}
    deadline = time.monotonic() + 120
    while not keys <= set(store.kept_answers()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the answers of version {number} were not warmed in 120 s")
        time.sleep(0.01)


def run(*, teams: int = 300, accounts: int = 200, months: int = 36) -> list[Row]:
    """Every pull case, as rows of the store benchmarks' table (the warm times in
    :data:`WARMS` afterwards)."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="planbook-bench-") as tmp:
        folder = Path(tmp)
        demo = build_demo(teams=teams, accounts=accounts, months=months)
        store, head = _loaded(folder, "pulls", demo)
        plan, team = demo.plan.id, demo.plan.teams[0].id
        everything = write_facts(demo.facts, folder / "all.parquet")
        team_rows = demo.facts[demo.facts["team"] == team].reset_index(drop=True)
        one = write_facts(team_rows, folder / "team.parquet")
        only = FactFilter(teams=[team])
        others = [FactFilter(teams=[t.id]) for t in demo.plan.teams[1 : RUNS + 1]]
        budget = _team_rows(demo, team)
        with serving(f"sqlite:///{folder / 'pulls.db'}") as service:
            client = Client(service.url, token=SECRET)
            size = f"{len(demo.facts):,}"
            name = f"HTTP pull one team ({len(team_rows):,} facts)"
            cold = _median(lambda: client.facts_table(plan, head), 1)
            cold_teams = [_median(partial(client.facts_table, plan, head, w), 1) for w in others]
            firsts, team_firsts = [], []
            for step in range(1, PUSHES + 1):
                pushed = time.perf_counter()
                version, _ = client.push(
                    PushRequest(plan, base=head, facts=_bumped(budget, step), replace_team=True)
                )
                head = version.number
                _warmed(store, plan, head)
                WARMS.append(time.perf_counter() - pushed)
                team_firsts.append(_median(partial(client.facts_table, plan, head, only), 1))
                firsts.append(_median(partial(client.facts_table, plan, head), 1))
            read = _median(lambda: pq.read_table(everything), RUNS)
            again = _median(lambda: client.facts_table(plan, head), RUNS)
            team_read = _median(lambda: pq.read_table(one), RUNS * 4)
            team_again = _median(lambda: client.facts_table(plan, head, only), RUNS * 4)
            full = f"HTTP pull {size} facts as Parquet"
            rows.append(Row(f"{full}, cold", cold, read, "s", ""))
            first = statistics.median(firsts)
            rows.append(Row(f"{full}, first after a push", first, read, "s", "< 2x"))
            rows.append(Row(f"{full}, again", again, read, "s", "< 2x"))
            rows.append(Row(f"{name}, cold", statistics.median(cold_teams), team_read, "s", ""))
            team_first = statistics.median(team_firsts)
            rows.append(Row(f"{name}, first after a push", team_first, team_read, "s", "< 5x"))
            rows.append(Row(f"{name}, again", team_again, team_read, "s", "< 5x"))
            client.close()
        store.close()
    return rows


WARMS: list[float] = []
"""Seconds from each push's start until its answers were kept (the last :func:`run`)."""


def report(rows: list[Row]) -> str:
    """The table, and how long the pushes took until their answers were kept."""
    warms = ", ".join(f"{w:.2f} s" for w in WARMS)
    return f"{markdown(rows)}\n\nA push of one team until its answers were kept: {warms}"


def main() -> None:
    """Print the table."""
    print(report(run()), flush=True)


if __name__ == "__main__":
    main()
