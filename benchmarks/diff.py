"""The store's diff of two versions at company scale, against baselines in the same run.

1. Two 2.2M-fact versions, 1% of the facts changed (spread over every team), diffed by the
   store (reading both versions' changed parts, skipping the rest by hash) against a DuckDB
   full outer join of the same rows in memory, exact decimals (``DECIMAL(38, 6)``).
2. A diff where one team changed: in the 300-team plan against the same in a 12-team plan
   (the team part is the same size; goal: about the same time).
3. A diff where one team changed against the same DuckDB join of the whole versions.
4. The web console's diff page (``GET /console/plans/{plan}/diff``: the report in one
   scenario, the bridge as SVG, 50 lines) against the same diff and report made directly on
   the store (goal: within 1.5x; the page adds rendering, not work).

Both stores are SQLite files in a temporary folder, filled before timing starts.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from fastapi.testclient import TestClient

from benchmarks.runner import Case
from planbook.demo import Demo, build_demo
from planbook.diff import DiffScope
from planbook.facts import AMOUNT_TYPE, KEY_COLUMNS, facts_to_arrow
from server.app import create_app
from server.diffreport import diff_report
from server.settings import Settings
from server.store import PushRequest
from server.store.compare import diff_versions
from server.store.store import Store

JOIN = """
SELECT coalesce(a.scenario, b.scenario) AS scenario, coalesce(a.team, b.team) AS team,
       coalesce(a.account, b.account) AS account, coalesce(a.line, b.line) AS line,
       coalesce(a.period, b.period) AS period, a.amount AS old, b.amount AS new,
       coalesce(b.amount, 0) - coalesce(a.amount, 0) AS delta
FROM a FULL OUTER JOIN b USING (scenario, team, account, line, period)
WHERE a.amount IS DISTINCT FROM b.amount
"""


def duckdb_diff(a: pa.Table, b: pa.Table) -> pa.Table:
    """The baseline: a full outer join of two facts tables, exact decimals, changed rows."""
    con = duckdb.connect()
    try:
        con.register("a", a)
        con.register("b", b)
        return con.sql(JOIN).to_arrow_table()
    finally:
        con.close()


def _plain(facts: pd.DataFrame) -> pa.Table:
    """Facts as an Arrow table with text keys (what DuckDB joins on) and decimal amounts."""
    table = facts_to_arrow(facts)
    columns = [table.column(c).cast(pa.string()) for c in KEY_COLUMNS]
    return pa.table(
        [*columns, table.column("amount").cast(AMOUNT_TYPE)], names=[*KEY_COLUMNS, "amount"]
    )


def _changed(facts: pd.DataFrame, *, share: float, teams: list[str] | None = None) -> pd.DataFrame:
    """The same facts with ``share`` of the amounts (of ``teams``' budgets, or of all)
    raised by 1."""
    rng = np.random.default_rng(7)
    rows = np.arange(len(facts))
    if teams:
        mine = facts["team"].isin(teams) & (facts["scenario"] != "actuals")
        rows = np.flatnonzero(mine.to_numpy())
    picked = rng.choice(rows, max(1, int(len(rows) * share)), replace=False)
    amounts = np.array(facts["amount"].tolist(), dtype=object)
    amounts[picked] = amounts[picked] + Decimal(1)
    return facts.assign(amount=pd.arrays.ArrowExtensionArray(pa.array(list(amounts), AMOUNT_TYPE)))


def _store(folder: Path, name: str, demo: Demo, later: list[pd.DataFrame]) -> Store:
    """A store holding the plan (v1), the demo's facts (v2) and each of ``later``."""
    store = Store.open(folder / f"{name}.db", actor="bench")
    head, _ = store.push(PushRequest(demo.plan.id, base=None, company=demo.plan))
    for facts in [demo.facts, *later]:
        head, _ = store.push(  # each version is the whole budget: removed lines go
            PushRequest(demo.plan.id, base=head.number, facts=facts, replace_team=True)
        )
    return store


_KEEP: list[tuple[tempfile.TemporaryDirectory[str], Store, Store]] = []


def cases(*, teams: int = 300, accounts: int = 200, months: int = 36) -> Iterator[Case]:
    """The diff benchmarks (see the module docstring)."""
    big = build_demo(teams=teams, accounts=accounts, months=months)
    small = build_demo(teams=12, accounts=accounts, months=months)
    one = big.plan.teams[0].id
    everywhere = _changed(big.facts, share=0.01)
    one_team = _changed(big.facts, share=0.01, teams=[one])
    folder = tempfile.TemporaryDirectory(prefix="planbook-bench-diff-")
    path = Path(folder.name)
    store = _store(path, "big", big, [everywhere, one_team])
    small_store = _store(
        path, "small", small, [_changed(small.facts, share=0.01, teams=[small.plan.teams[0].id])]
    )
    _KEEP.append((folder, store, small_store))  # the files live as long as the process
    plan_id, rows = big.plan.id, len(big.facts)
    base, spread, single = _plain(big.facts), _plain(everywhere), _plain(one_team)
    yield Case(
        "diff",
        "store diff, 1% of facts changed in every team",
        rows,
        lambda: diff_versions(store, plan_id=plan_id, a=2, b=3),
        "DuckDB full outer join, decimals",
        lambda: duckdb_diff(base, spread),
        goal="<= 0.5x",
    )
    yield Case(
        "diff",
        f"store diff, one team changed ({teams} teams)",
        rows,
        lambda: diff_versions(store, plan_id=plan_id, a=2, b=4),
        "the same in a 12-team plan",
        lambda: diff_versions(small_store, plan_id=small.plan.id, a=2, b=3),
        goal="~1x",
    )
    yield Case(
        "diff",
        f"store diff, one team changed ({teams} teams)",
        rows,
        lambda: diff_versions(store, plan_id=plan_id, a=2, b=4),
        "DuckDB full outer join, decimals",
        lambda: duckdb_diff(base, single),
        goal="<= 0.5x",
    )
    yield Case(
        "diff",
        "console diff page, 1% changed (HTML, bridge SVG, 50 lines)",
        rows,
        console_page(path / "big.db", plan_id, a="2", b="3"),
        "the same diff and report on the store",
        lambda: _report(store, plan_id, a=2, b=3),
        goal="<= 1.5x",
    )


def _report(store: Store, plan_id: str, *, a: int, b: int) -> dict[str, object]:
    """What the console's diff page computes, made directly (see server.console.diffview)."""
    found = diff_versions(store, plan_id=plan_id, a=a, b=b, scope=DiffScope(scenarios=("base",)))
    return diff_report(
        store, found, bridge_by="department", scenario="base", limit=50, largest_first=True
    )


def console_page(db: Path, plan_id: str, *, a: str, b: str) -> Callable[[], object]:
    """A signed-in console client's request for the diff page (in process)."""
    secret = "benchmark-secret-" + "x" * 16
    app = create_app(Settings(db=f"sqlite:///{db}", secret=secret), migrate=False)
    client = TestClient(app)
    form = client.get("/console/signin").text
    csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    client.post("/console/signin", data={"csrf": csrf, "token": secret})

    def page() -> object:
        answer = client.get(f"/console/plans/{plan_id}/diff", params={"from": a, "to": b})
        if answer.status_code != 200 or "<svg" not in answer.text:
            raise RuntimeError(f"the console's diff page answered {answer.status_code}")
        return answer

    return page
