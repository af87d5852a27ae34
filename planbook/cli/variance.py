"""``planbook variance``: budget vs actual of a stored version, with the full-year forecast."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from planbook.cli.common import console, user_errors
from planbook.cli.connect import (
    DbOption,
    PlanOption,
    ServerOption,
    TokenOption,
    VersionOption,
    backend,
    resolve_plan,
)
from planbook.cli.report import check_format, emit
from planbook.forecast import FORECAST_METHODS
from planbook.variance import VARIANCE_BY, variance


@user_errors
def variance_command(
    version: VersionOption = "latest",
    period: Annotated[
        str, typer.Option("--period", help="ytd, qtd, mtd or a month YYYY-MM.")
    ] = "ytd",
    by: Annotated[str, typer.Option("--by", help=f"Rows: {', '.join(VARIANCE_BY)}.")] = "team",
    scenario: Annotated[
        str, typer.Option("--scenario", help="The plan scenario actuals are compared with.")
    ] = "base",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Last closed month (default: the last with actuals)."),
    ] = None,
    method: Annotated[
        str, typer.Option("--forecast", help=f"Full-year forecast: {', '.join(FORECAST_METHODS)}.")
    ] = "plan",
    output: Annotated[str, typer.Option("--format", help="table, csv, json or xlsx.")] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="The workbook for xlsx.")] = None,
    plan: PlanOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Budget vs actual of a version: plan, actual, variance, % and favourable or
    unfavourable by team, department, account or P&L line, for the year to date, the
    quarter to date or a month; with the full year's plan, forecast (actuals to date, then
    the plan or the run-rate) and their difference. Rules and a worked example:
    docs/actuals.md."""
    check_format(output, out)
    with backend(db=db, server=server, token=token) as store:
        plan_id = resolve_plan(store, plan)
        number = store.version(plan_id, version).number
        definition = store.plan(plan_id, number)
        from server.store import FactFilter  # the store: imported when used

        facts = store.facts(plan_id, number, FactFilter(scenarios=[scenario, "actuals"]))
    table, periods = variance(
        definition,
        facts,
        by=by,
        period=period,
        plan_scenario=scenario,
        as_of=as_of,
        method=method,
    )
    title = (
        f"{definition.name}: {scenario} vs actuals, {periods.label}, version {number} "
        f"(full year {periods.fiscal_year}: forecast by {method})"
    )
    meta: dict[str, Any] = {
        "plan": plan_id,
        "version": number,
        "scenario": scenario,
        "by": by,
        "period": period,
        "months": list(periods.months),
        "as_of": periods.as_of,
        "fiscal_year": periods.fiscal_year,
        "forecast": method,
    }
    emit(table, output=output, title=title, meta=meta, key="rows", out=out, cell=_cell)
    if output == "table":
        console.print("variance = actual - plan; fy_forecast = actuals to date + " + method)


def _cell(column: str, value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, float):
        return f"{value:+.1%}"
    return "" if value is None else str(value)
