"""What the console's KPI page shows: goal attainment and headline SaaS KPIs by quarter for
each scenario of a version, from the engine (:mod:`planbook.engine`, :mod:`planbook.goals`),
read through the caller's door (so a role that may not see salaries gets KPIs without them,
as from the API)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from planbook.engine import scenario_kpis
from planbook.goals import goal_attainment
from server.auth import ActingStore
from server.store.records import VersionInfo

__all__ = ["HEADLINE", "KpiPage", "figure", "kpi_page"]

HEADLINE = (
    "arr",
    "net_new_arr",
    "nrr",
    "customers",
    "revenue",
    "burn",
    "cash",
    "runway_months",
    "rule_of_40",
    "headcount",
)
"""The KPIs the page shows, in order (``planbook kpis`` and the API give every one)."""


@dataclass(frozen=True)
class KpiPage:
    """The version, the scenarios shown, goal rows, and per scenario a metric x quarter
    table (rows: metric, then one value per quarter)."""

    version: VersionInfo
    scenarios: list[str]
    choices: list[str]
    goals: list[dict[str, object]]
    quarters: list[str]
    kpis: dict[str, list[list[object]]]


def figure(value: object) -> str:
    """A KPI for people: empty when not defined, rates with up to 4 decimals, ratios with 2,
    amounts grouped."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(str(value))
    if abs(number) < 1:  # rates: churn, growth
        return f"{number:.4f}".rstrip("0").rstrip(".") or "0"
    return f"{number:,.2f}" if abs(number) < 100 and number != int(number) else f"{number:,.0f}"


def kpi_page(
    store: ActingStore, *, plan_id: str, ref: str = "latest", scenarios: list[str] | None = None
) -> KpiPage:
    """Goals and KPIs of version ``ref`` in ``scenarios`` (default: ``base``; the page
    offers every scenario that is not actuals: each costs the engine a run)."""
    info = store.version(plan_id, ref)
    plan = store.plan(plan_id, info.number)
    facts = store.facts(plan_id, info.number)
    choices = [s.id for s in plan.scenarios if not s.actuals]
    chosen = scenarios or ["base"]
    goals = goal_attainment(plan, facts, scenarios=chosen).to_dict("records")
    table = scenario_kpis(plan, facts, scenarios=chosen, metrics=list(HEADLINE), grain="quarter")
    quarters = list(dict.fromkeys(table["period"].astype(str)))
    kpis = {}
    for scenario in chosen:
        mine = table[table["scenario"] == scenario]
        wide = mine.pivot(index="metric", columns="period", values="value")
        wide = wide.reindex(index=[m for m in HEADLINE if m in wide.index], columns=quarters)
        kpis[scenario] = [
            [metric, *row] for metric, row in zip(wide.index, wide.to_numpy().tolist(), strict=True)
        ]
    return KpiPage(
        info, chosen, choices, [{str(k): v for k, v in g.items()} for g in goals], quarters, kpis
    )
