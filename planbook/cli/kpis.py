"""``planbook kpis``: the SaaS KPIs of a stored version, scenarios side by side."""

from __future__ import annotations

import json
import math
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from planbook.cli.common import console, user_errors
from planbook.cli.connect import listed
from planbook.cli.report import FormatOption, OutOption, check_format, write_workbook
from planbook.cli.sources import Sources, with_store_sources
from planbook.engine import scenario_kpis, with_bases
from planbook.kpis import KPI_GRAINS, KPI_METRICS
from planbook.model import Plan, Unit


@user_errors
@with_store_sources
def kpis_command(
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario", help="Scenario(s), side by side; repeatable or comma-separated."
        ),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option("--metric", help="Only these metrics; repeatable or comma-separated."),
    ] = None,
    period: Annotated[
        str, typer.Option("--period", help=f"Column grain: {', '.join(KPI_GRAINS)}.")
    ] = "quarter",
    output: FormatOption = "table",
    out: OutOption = None,
    sources: Sources = Sources(),
) -> None:
    """Show the SaaS KPIs of a version (ARR, NRR/GRR, logo churn, ACV, LTV, CAC, burn
    multiple, runway ...) by month, quarter, half or year, one row per metric and scenario.

    Formulas and conventions: docs/kpis.md. A metric whose inputs the plan lacks, an
    unknown scenario or metric, or a scenario without facts is an error that names it.
    """
    check_format(output, out)
    scenarios = listed(scenario) or ["base"]
    metrics = listed(metric) or None
    from server.store import FactFilter  # the store: imported when used

    with sources.version_in_store() as (store, plan_id, number):
        definition = store.plan(plan_id, number)
        wanted = with_bases(definition, scenarios)
        _, facts = store.facts_table(plan_id, number, FactFilter(scenarios=wanted))
    result = scenario_kpis(definition, facts, scenarios=scenarios, metrics=metrics, grain=period)
    title = f"{definition.name}: KPIs of version {number} by {period}"
    if output == "json":
        payload = {
            "plan": plan_id,
            "version": number,
            "grain": period,
            "kpis": [
                {**row, "value": None if math.isnan(row["value"]) else row["value"]}
                for row in result.to_dict("records")
            ],
        }
        typer.echo(json.dumps(payload, indent=2))
    elif output == "csv":
        typer.echo(_wide(result).to_csv(index=False), nl=False)
    elif output == "xlsx":
        assert out is not None
        write_workbook(_wide(result), out, title=title)
    else:
        console.print(_table(_wide(result), title=title))
        for note in _notes(definition, metrics):
            console.print(note)


def _wide(result: pd.DataFrame) -> pd.DataFrame:
    """One row per metric and scenario (metrics in report order), one column per period."""
    wide = result.pivot_table(
        index=["metric", "scenario"], columns="period", values="value", dropna=False, sort=False
    )
    return wide.reset_index().rename_axis(columns=None)


def _table(wide: pd.DataFrame, *, title: str) -> Table:
    table = Table(title=title)
    table.add_column("metric", no_wrap=True)
    table.add_column("scenario", no_wrap=True)
    periods = [c for c in wide.columns if c not in ("metric", "scenario")]
    sections = wide["scenario"].nunique() > 1
    for period in periods:
        table.add_column(str(period), justify="right")
    previous = None
    for row in wide.to_dict("records"):
        if sections and previous is not None and row["metric"] != previous:
            table.add_section()
        unit = KPI_METRICS[row["metric"]].unit
        cells = [_cell(row[p], unit) for p in periods]
        table.add_row(row["metric"], row["scenario"], *cells)
        previous = row["metric"]
    return table


def _cell(value: float, unit: Unit) -> str:
    if value is None or math.isnan(value):
        return "-"
    if unit is Unit.PERCENT:
        return f"{value:.1%}"
    if unit is Unit.RATIO:
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _notes(plan: Plan, metrics: list[str] | None) -> list[str]:
    notes = []
    if metrics is None and all(a.id != "contraction-arr" for a in plan.accounts):
        notes.append(
            "Note: the plan has no contraction-arr account, so contraction is not shown; "
            "downgrades count only where churned-arr holds them."
        )
    return notes
