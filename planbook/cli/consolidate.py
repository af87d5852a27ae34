"""``planbook consolidate``: roll facts up by department, P&L line, quarter ..."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from planbook.cli.common import console, user_errors
from planbook.consolidate import DIMENSIONS, PERIOD_GRAINS, consolidate, to_wide
from planbook.errors import UsageError
from planbook.facts import read_facts
from planbook.planfile import load_plan


def _filters(items: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise UsageError(f"--filter {item!r} is not DIMENSION=VALUE[,VALUE...]")
        filters.setdefault(key.strip(), []).extend(v.strip() for v in value.split(","))
    return filters


@user_errors
def consolidate_command(
    plan_file: Annotated[Path, typer.Argument(help="The plan definition file (YAML).")],
    facts_file: Annotated[Path, typer.Argument(help="Facts (.csv or .parquet).")],
    by: Annotated[
        str, typer.Option(help=f"Comma-separated row dimensions: {', '.join(DIMENSIONS)}.")
    ] = "department",
    period: Annotated[str, typer.Option(help=f"Column grain: {', '.join(PERIOD_GRAINS)}.")] = (
        "quarter"
    ),
    scenario: Annotated[str, typer.Option(help="Scenario to roll up.")] = "base",
    filter_: Annotated[
        list[str] | None,
        typer.Option("--filter", help="Keep only DIMENSION=VALUE[,VALUE...]; repeatable."),
    ] = None,
    signed: Annotated[
        bool, typer.Option(help="P&L signs (costs negative); leaves out non-P&L accounts.")
    ] = False,
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Roll facts up by team or department, account or P&L line, month to year.

    Amounts of different units are never added: filter the accounts (for example
    `--filter account_type=opex,cogs`) or group by account.
    """
    if output not in ("table", "csv", "json"):
        raise UsageError(f"--format must be table, csv or json, not {output!r}")
    plan = load_plan(plan_file)
    filters = _filters(filter_ or []) | {"scenario": [scenario]}
    long = consolidate(
        plan,
        read_facts(facts_file),
        by=[b.strip() for b in by.split(",")],
        period=period,
        filters=filters,
        signed=signed,
    )
    wide = to_wide(long) if len(long) else long
    if output == "json":
        records = [{k: str(v) for k, v in row.items()} for row in long.to_dict("records")]
        typer.echo(json.dumps(records, indent=2))
    elif output == "csv":
        typer.echo(wide.to_csv(index=False), nl=False)
    else:
        console.print(_table(wide, title=f"{plan.name}: {scenario}, by {by} and {period}"))


def _table(wide: pd.DataFrame, *, title: str) -> Table:
    table = Table(title=title)
    for column in wide.columns:
        table.add_column(str(column), justify="left" if column in DIMENSIONS else "right")
    for row in wide.itertuples(index=False):
        table.add_row(*(v if isinstance(v, str) else f"{v:,.2f}" for v in row))
    return table
