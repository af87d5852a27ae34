"""Routes: budget vs actual (with the forecast) and the alignment report of a version, as
JSON or CSV. Both read facts through the caller's door, so confidential accounts the
caller may not see are left out, as everywhere."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from planbook.align import findings_frame
from planbook.variance import variance
from server.api.deps import Ctx
from server.api.tables import table_answer
from server.api.versions import ERRORS, PlanId
from server.store import FactFilter

router = APIRouter(prefix="/api/v1", tags=["reports"])

Ref = Annotated[str, Query(max_length=64, description="Version number, tag or latest.")]
Text = Annotated[str, Query(max_length=64)]
Format = Annotated[Literal["json", "csv"], Query()]
CONTENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {}}}
}


@router.get("/plans/{plan}/variance", responses=ERRORS | CONTENT)
def get_variance(
    plan: PlanId,
    ctx: Ctx,
    version: Ref = "latest",
    period: Annotated[str, Query(max_length=16, examples=["ytd", "qtd", "2026-05"])] = "ytd",
    by: Annotated[Literal["team", "department", "account", "pnl"], Query()] = "team",
    scenario: Text = "base",
    as_of: Annotated[str | None, Query(max_length=7, examples=["2026-07"])] = None,
    forecast: Annotated[Literal["plan", "run-rate"], Query()] = "plan",
    format: Format = "json",
) -> Response:
    """Budget vs actual (what ``planbook variance`` shows): plan, actual, variance, % and
    favourable or unfavourable by team, department, account or P&L line for the year or
    quarter to date or a closed month, with the fiscal year's plan and forecast. JSON
    (amounts as exact decimal text) or CSV."""
    number = ctx.store.version(plan, version).number
    definition = ctx.store.plan(plan, number)
    facts = ctx.store.facts(plan, number, FactFilter(scenarios=[scenario, "actuals"]))
    table, periods = variance(
        definition,
        facts,
        by=by,
        period=period,
        plan_scenario=scenario,
        as_of=as_of,
        method=forecast,
    )
    payload = {
        "plan": plan,
        "version": number,
        "scenario": scenario,
        "by": by,
        "period": period,
        "months": list(periods.months),
        "as_of": periods.as_of,
        "fiscal_year": periods.fiscal_year,
        "forecast": forecast,
    }
    return table_answer(table, format, payload)


@router.get("/plans/{plan}/align", responses=ERRORS | CONTENT)
def get_alignment(
    plan: PlanId,
    ctx: Ctx,
    version: Ref = "latest",
    scenario: Text = "base",
    team: Annotated[list[str] | None, Query()] = None,
    format: Format = "json",
) -> Response:
    """The alignment report (what ``planbook align`` shows): one finding per row with rule,
    severity, team, period, numbers and a sentence; ``team`` keeps the findings of those
    teams and their departments. JSON or CSV."""
    number, found = ctx.store.findings(plan, version, scenario=scenario, teams=team or ())
    payload = {"plan": plan, "version": number, "scenario": scenario}
    if format == "json":  # findings carry their numbers as text already
        return Response(
            json.dumps(payload | {"findings": [f.to_dict() for f in found]}),
            media_type="application/json",
            headers={"X-Planbook-Version": str(number)},
        )
    return table_answer(findings_frame(found), format, payload, "findings")
