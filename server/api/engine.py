"""Routes: the engine's reads of a version: KPIs, goal attainment, scenarios and their P&L
side by side. Thin over the core (:mod:`planbook.engine`, :mod:`planbook.goals`,
:mod:`planbook.statements`); confidential accounts are left out for roles that may not
see them, as for every facts read, so their KPIs understate costs."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from planbook.engine import scenario_kpis, with_bases
from planbook.goals import goal_attainment
from planbook.kpis import KPI_GRAINS
from planbook.model import Plan
from planbook.statements import pnl_statement
from server.api.deps import Ctx
from server.api.tables import table_answer
from server.api.versions import ERRORS, PlanId, Ref
from server.store import FactFilter

router = APIRouter(prefix="/api/v1", tags=["engine"])

Format = Annotated[Literal["json", "csv", "parquet"], Query()]
Scenarios = Annotated[list[str] | None, Query(examples=[["base", "conservative"]])]
TABLE = ERRORS | {
    200: {
        "description": "Rows as JSON records, CSV or Parquet.",
        "content": {"text/csv": {}, "application/vnd.apache.parquet": {}},
    }
}


@router.get("/plans/{plan}/versions/{ref}/kpis", responses=TABLE)
def get_kpis(
    plan: PlanId,
    ref: Ref,
    ctx: Ctx,
    scenario: Scenarios = None,
    metric: Annotated[list[str] | None, Query(examples=[["arr", "nrr"]])] = None,
    grain: Annotated[str, Query(description=", ".join(KPI_GRAINS))] = "quarter",
    format: Format = "json",
) -> Response:
    """SaaS KPIs of each scenario (default ``base``; what-ifs resolved by the engine) by
    ``grain``: rows of ``scenario``, ``metric``, ``period``, ``value`` (null where not
    defined). An unknown scenario, metric or grain is a 422 naming it."""
    scenarios = _names(scenario) or ["base"]
    number, definition = _version(ctx, plan, ref)
    wanted = _wanted(definition, scenarios)
    _, facts = ctx.store.facts_table(plan, number, wanted)  # no frame: the engine reads codes
    table = scenario_kpis(
        definition, facts, scenarios=scenarios, metrics=_names(metric) or None, grain=grain
    )
    return table_answer(table, format, {"plan": plan, "version": number, "grain": grain})


@router.get("/plans/{plan}/versions/{ref}/goals", responses=TABLE)
def get_goals(
    plan: PlanId,
    ref: Ref,
    ctx: Ctx,
    scenario: Scenarios = None,
    goal: Annotated[list[str] | None, Query(examples=[["double-arr"]])] = None,
    format: Format = "json",
) -> Response:
    """Each goal's and milestone's attainment in each scenario: ``goal``, ``scenario``,
    ``checkpoint``, ``due``, ``metric``, ``direction``, ``target``, ``projected``, ``gap``,
    ``status`` (met, missed, not defined)."""
    scenarios = _names(scenario) or ["base"]
    number, definition = _version(ctx, plan, ref)
    facts = ctx.store.facts(plan, number, _wanted(definition, scenarios))
    table = goal_attainment(definition, facts, scenarios=scenarios, goals=_names(goal) or None)
    return table_answer(table, format, {"plan": plan, "version": number})


@router.get("/plans/{plan}/versions/{ref}/scenarios", responses=ERRORS)
def get_scenarios(plan: PlanId, ref: Ref, ctx: Ctx) -> list[dict[str, Any]]:
    """The version's scenarios with their base and overrides, as the plan defines them."""
    definition = ctx.store.plan(plan, ctx.store.version(plan, ref).number)
    return [json.loads(s.model_dump_json()) for s in definition.scenarios]


@router.get("/plans/{plan}/versions/{ref}/scenarios/compare", responses=TABLE)
def compare_scenarios(
    plan: PlanId,
    ref: Ref,
    ctx: Ctx,
    scenario: Scenarios = None,
    period: Annotated[str, Query(description="total, year, half, quarter or month")] = "total",
    format: Format = "json",
) -> Response:
    """The P&L of scenarios side by side, in P&L order with its subtotals: rows of
    ``scenario``, ``line``, ``kind`` (line or subtotal), ``period``, ``amount`` (exact
    decimal text in JSON)."""
    number, definition = _version(ctx, plan, ref)
    scenarios = _names(scenario) or [s.id for s in definition.scenarios if not s.actuals][:3]
    facts = ctx.store.facts(plan, number, _wanted(definition, scenarios))
    table = pnl_statement(definition, facts, scenarios=scenarios, period=period)
    return table_answer(table, format, {"plan": plan, "version": number})


def _version(ctx: Ctx, plan: str, ref: str) -> tuple[int, Plan]:
    number = ctx.store.version(plan, ref).number
    return number, ctx.store.plan(plan, number)


def _wanted(definition: Plan, scenarios: list[str]) -> FactFilter:
    """The facts to read: of ``scenarios`` and of the bases they are built on."""
    return FactFilter(scenarios=with_bases(definition, scenarios))


def _names(values: list[str] | None) -> list[str]:
    return [n.strip() for v in values or [] for n in v.split(",") if n.strip()]
