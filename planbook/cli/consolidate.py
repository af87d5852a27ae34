"""``planbook consolidate``: roll facts up by department, P&L line, quarter ..., from a plan
and facts file or from a stored version or tag."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from planbook.cli.common import console, user_errors
from planbook.cli.report import FormatOption, OutOption, check_format, write_workbook
from planbook.cli.sources import Sources, check_names, check_scenarios, with_sources
from planbook.consolidate import (
    DIMENSIONS,
    PERIOD_GRAINS,
    consolidate,
    in_plan_order,
    to_wide,
)
from planbook.errors import UsageError


def _filters(items: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise UsageError(f"--filter {item!r} is not DIMENSION=VALUE[,VALUE...]")
        filters.setdefault(key.strip(), []).extend(v.strip() for v in value.split(","))
    return filters


@user_errors
@with_sources
def consolidate_command(
    by: Annotated[
        str, typer.Option(help=f"Comma-separated row dimensions: {', '.join(DIMENSIONS)}.")
    ] = "department",
    period: Annotated[str, typer.Option(help=f"Column grain: {', '.join(PERIOD_GRAINS)}.")] = (
        "quarter"
    ),
    scenario: Annotated[
        list[str] | None,
        typer.Option(help="Scenario(s) to roll up (default base); repeatable or comma-separated."),
    ] = None,
    filter_: Annotated[
        list[str] | None,
        typer.Option("--filter", help="Keep only DIMENSION=VALUE[,VALUE...]; repeatable."),
    ] = None,
    signed: Annotated[
        bool, typer.Option(help="P&L signs (costs negative); leaves out non-P&L accounts.")
    ] = False,
    output: FormatOption = "table",
    out: OutOption = None,
    sources: Sources = Sources(),
) -> None:
    """Roll facts up by team or department, account or P&L line, month to year, from a
    stored version (``--version``, default latest) or from PLAN_FILE and FACTS_FILE.

    Amounts of different units are never added: filter the accounts (for example
    `--filter account_type=opex,cogs`) or group by account. Several scenarios show side by
    side.
    """
    check_format(output, out)
    scenarios = [n.strip() for v in scenario or ["base"] for n in v.split(",") if n.strip()]
    definition, facts, source = sources.load()
    check_scenarios(definition, scenarios, subject="roll-up")
    check_names(definition, _filters(filter_ or []), subject="roll-up")
    rows = [b.strip() for b in by.split(",")]
    if len(scenarios) > 1 and "scenario" not in rows:
        rows.insert(0, "scenario")
    long = consolidate(
        definition,
        facts,
        by=rows,
        period=period,
        filters=_filters(filter_ or []) | {"scenario": scenarios},
        signed=signed,
    )
    if not len(long):
        raise UsageError(f"no facts of {', '.join(scenarios)} match the filters in {source}")
    wide = in_plan_order(definition, to_wide(long))
    title = f"{definition.name}: {', '.join(scenarios)}, by {by} and {period} ({source})"
    if output == "json":
        records = [{k: str(v) for k, v in row.items()} for row in long.to_dict("records")]
        typer.echo(json.dumps(records, indent=2))
    elif output == "csv":
        typer.echo(wide.to_csv(index=False), nl=False)
    elif output == "xlsx":
        assert out is not None
        write_workbook(wide, out, title=title)
    else:
        console.print(_table(wide, title=title))


def _table(wide: pd.DataFrame, *, title: str) -> Table:
    """The roll-up in the plan's order, with a total of its rows (of each scenario's, when
    scenarios are side by side)."""
    table = Table(title=title)
    labels = [c for c in wide.columns if c in DIMENSIONS]
    for column in wide.columns:
        table.add_column(str(column), justify="left" if column in labels else "right", no_wrap=True)
    groups = (
        [g for _, g in wide.groupby("scenario", sort=False)] if "scenario" in labels else [wide]
    )
    for i, group in enumerate(groups):
        if i:
            table.add_section()
        for row in group.itertuples(index=False):
            table.add_row(*(v if isinstance(v, str) else f"{v:,.2f}" for v in row))
        if len(group) > 1:
            total = ["Total" if c == labels[-1] else "" for c in labels]
            if "scenario" in labels:
                total[labels.index("scenario")] = str(group["scenario"].iloc[0])
            sums = [f"{sum(group[c], Decimal(0)):,.2f}" for c in wide.columns if c not in labels]
            table.add_row(*total, *sums, style="bold", end_section=True)
    return table
