"""Engine benchmarks at company scale (300 teams x 200 accounts x 36 months), side by side
in one run:

1. Consolidation by department x account x quarter from a stored version (read the
   version's base cost facts from the store as Arrow, then roll up with exact decimals)
   against a DuckDB group-by over the same rows in memory, summing the same exact decimals
   (goal: 1.5x). Measured twice: cold (every part read from the database and decoded: the
   store's cache of decoded parts is emptied before each run) and warm (the parts already
   decoded, as in a running service after the first read of a version).
2. Every KPI, 36 months, of three scenarios (each resolved by the engine: overrides
   applied, bookings driven) against the warm consolidation of case 1 (goal: within 2x).
3. The same KPIs the way a user asks for them: ``GET /api/v1/plans/{plan}/versions/{n}/kpis``
   (JSON) to a real ``planbook serve`` on 127.0.0.1, its parts already read once, against
   the same KPIs computed in this process from the same stored version (``facts_table``
   then ``scenario_kpis``, as the route does). Our goal: the service (its read, JSON and
   HTTP) adds at most as much again (2x).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pyarrow as pa

from benchmarks.runner import Case
from benchmarks.service import SECRET, serving
from planbook.consolidate import consolidate
from planbook.demo import build_demo
from planbook.engine import scenario_kpis
from planbook.facts import facts_to_arrow
from server.store import FactFilter, PushRequest
from server.store.decoded import clear_facts_cache
from server.store.store import Store

SCENARIOS = ("base", "conservative", "aggressive")


def cases(*, teams: int = 300, accounts: int = 200, months: int = 36) -> Iterator[Case]:
    demo = build_demo(teams=teams, accounts=accounts, months=months)
    folder = Path(tempfile.mkdtemp(prefix="planbook-engine-bench-"))
    store = Store.open(folder / "store.db")
    first, _ = store.acting_as("bench").push(
        PushRequest(demo.plan.id, base=None, company=demo.plan)
    )
    version, _ = store.acting_as("bench").push(
        PushRequest(demo.plan.id, base=first.number, facts=demo.facts)
    )
    costs = [a.id for a in demo.plan.accounts if a.type.is_cost]
    filters = {"scenario": ["base"], "account": costs}

    def from_store() -> object:
        wanted = FactFilter(scenarios=["base"], accounts=costs)  # the store filters in Arrow
        _, facts = store.facts_table(demo.plan.id, version.number, wanted)
        return consolidate(
            demo.plan, facts, by=["department", "account"], period="quarter", filters=filters
        )

    def from_store_cold() -> object:
        clear_facts_cache()
        return from_store()

    table = facts_to_arrow(demo.facts)
    con = duckdb.connect()
    con.register("facts", table)
    con.register(
        "departments",
        pa.table(
            {
                "team": [t.id for t in demo.plan.teams],
                "department": [t.department for t in demo.plan.teams],
            }
        ),
    )
    labels = demo.plan.calendar.labels("quarter")
    con.register("quarters", pa.table({"period": list(labels), "quarter": list(labels.values())}))
    con.register("costs", pa.table({"id": costs}))
    query = """
        SELECT d.department, CAST(f.account AS VARCHAR) AS account, q.quarter,
               SUM(f.amount) AS amount
        FROM facts f
        JOIN departments d ON d.team = CAST(f.team AS VARCHAR)
        JOIN quarters q ON q.period = CAST(f.period AS VARCHAR)
        WHERE CAST(f.scenario AS VARCHAR) = 'base'
          AND CAST(f.account AS VARCHAR) IN (SELECT id FROM costs)
        GROUP BY ALL ORDER BY ALL
    """
    rows = len(demo.facts)

    def group_by() -> object:
        return con.sql(query).to_arrow_table()

    yield Case(
        "engine",
        "consolidate dept x account x quarter from a stored version, cold",
        rows,
        from_store_cold,
        "DuckDB group-by, same rows in memory, exact decimals",
        group_by,
        goal="1.5x",
    )
    yield Case(
        "engine",
        "consolidate dept x account x quarter from a stored version, warm",
        rows,
        from_store,
        "DuckDB group-by, same rows in memory, exact decimals",
        group_by,
        goal="1.5x",
    )
    yield Case(
        "engine",
        "every KPI, 36 months, base + conservative + aggressive",
        rows,
        lambda: scenario_kpis(demo.plan, demo.facts, scenarios=SCENARIOS, grain="month"),
        "the warm consolidation from a stored version above",
        from_store,
        goal="2x",
    )

    def in_process() -> object:
        _, facts = store.facts_table(demo.plan.id, version.number, FactFilter(scenarios=SCENARIOS))
        return scenario_kpis(demo.plan, facts, scenarios=SCENARIOS, grain="month")

    with serving(str(folder / "store.db")) as service, httpx.Client(timeout=120) as http:
        url = f"{service.url}/api/v1/plans/{demo.plan.id}/versions/{version.number}/kpis"
        params = {"scenario": ",".join(SCENARIOS), "grain": "month"}
        headers = {"Authorization": f"Bearer {SECRET}"}

        def over_http() -> object:
            answer = http.get(url, params=params, headers=headers)
            answer.raise_for_status()
            return answer.json()

        over_http()  # the service's first read of the version (its parts decoded once)
        yield Case(
            "engine",
            "every KPI, 3 scenarios, through GET .../kpis (JSON, HTTP)",
            rows,
            over_http,
            "the same KPIs in this process from the stored version",
            in_process,
            goal="2x",
        )
