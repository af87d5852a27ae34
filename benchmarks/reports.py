"""Budget vs actual and the alignment report at company scale, against baselines in the
same run.

1. ``planbook.variance`` by team, year to date, with the full-year forecast, over the
   300-team company's facts (2.2M, every scenario; the plan and actuals among them) against
   a DuckDB full outer join of the same plan and actual rows, grouped by team, with exact
   decimals (``DECIMAL(38, 6)``). Goal: within 2x.
2. The alignment report of the same company against a DuckDB roll-up of its cost facts by
   team and month (the envelope check alone). Goal: a few seconds.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd
import pyarrow as pa

from benchmarks.runner import Case
from planbook.align import alignment_report
from planbook.demo import build_demo
from planbook.facts import AMOUNT_TYPE, KEY_COLUMNS, facts_to_arrow
from planbook.model import Plan
from planbook.variance import variance, variance_window

VARIANCE_SQL = """
WITH p AS (SELECT * FROM facts WHERE scenario = 'base'),
     a AS (SELECT * FROM facts WHERE scenario = 'actuals'),
     j AS (SELECT coalesce(p.team, a.team) AS team, coalesce(p.account, a.account) AS account,
                  coalesce(p.period, a.period) AS period, p.amount AS planned, a.amount AS actual
           FROM p FULL OUTER JOIN a USING (team, account, line, period))
SELECT j.team,
       sum(CASE WHEN j.period IN (SELECT period FROM win) THEN coalesce(planned, 0) END) AS plan,
       sum(CASE WHEN j.period IN (SELECT period FROM win) THEN coalesce(actual, 0) END) AS actual,
       sum(CASE WHEN j.period IN (SELECT period FROM yr) THEN coalesce(planned, 0) END) AS fy_plan,
       sum(CASE WHEN j.period IN (SELECT period FROM yr) THEN
             CASE WHEN j.period <= (SELECT max(period) FROM win) THEN coalesce(actual, 0)
                  ELSE coalesce(planned, 0) END END) AS fy_forecast
FROM j JOIN pnl USING (account)
GROUP BY j.team ORDER BY j.team
"""
COSTS_SQL = """
SELECT team, period, sum(amount) AS request FROM facts JOIN costs USING (account)
WHERE scenario = 'base' GROUP BY team, period
"""


def _plain(facts: pd.DataFrame) -> pa.Table:
    table = facts_to_arrow(facts)
    columns = [table.column(c).cast(pa.string()) for c in KEY_COLUMNS]
    return pa.table(
        [*columns, table.column("amount").cast(AMOUNT_TYPE)], names=[*KEY_COLUMNS, "amount"]
    )


def duckdb_variance(plan: Plan, facts: pa.Table, *, as_of: str) -> pa.Table:
    """The baseline: plan and actuals joined on their key, summed by team over the year to
    date and the year, exact decimals (P&L currency accounts, as the variance counts)."""
    periods = variance_window(plan, period="ytd", as_of=as_of)
    pnl = pa.table({"account": [a.id for a in plan.accounts if a.pnl_line]})
    con = duckdb.connect()
    try:
        con.register("facts", facts)
        con.register("pnl", pnl)
        con.register("win", pa.table({"period": list(periods.months)}))
        con.register("yr", pa.table({"period": list(periods.year_months)}))
        return con.sql(VARIANCE_SQL).to_arrow_table()
    finally:
        con.close()


def duckdb_costs(plan: Plan, facts: pa.Table) -> pa.Table:
    """The baseline of the alignment report: cost requests by team and month."""
    costs = pa.table({"account": [a.id for a in plan.accounts if a.type.is_cost]})
    con = duckdb.connect()
    try:
        con.register("facts", facts)
        con.register("costs", costs)
        return con.sql(COSTS_SQL).to_arrow_table()
    finally:
        con.close()


def cases(*, teams: int = 300, accounts: int = 200, months: int = 36) -> Iterator[Case]:
    """The variance and alignment benchmarks (see the module docstring)."""
    demo = build_demo(teams=teams, accounts=accounts, months=months, actual_months=months // 2)
    facts = demo.facts  # every scenario: the variance reads base and actuals among them
    plain = _plain(facts)
    as_of = demo.plan.calendar.periods[months // 2 - 1]
    yield Case(
        "reports",
        "variance by team, ytd + full-year forecast",
        len(facts),
        lambda: variance(demo.plan, facts, by="team", period="ytd"),
        "DuckDB plan-actual join, decimals",
        lambda: duckdb_variance(demo.plan, plain, as_of=as_of),
        goal="<= 2x",
    )
    yield Case(
        "reports",
        f"alignment report, {teams} teams",
        len(facts),
        lambda: alignment_report(demo.plan, facts),
        "DuckDB cost roll-up by team, month",
        lambda: duckdb_costs(demo.plan, plain),
        goal="seconds",
    )
