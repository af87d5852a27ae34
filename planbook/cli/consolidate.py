"""``planbook consolidate``: roll facts up by department, P&L line, quarter ..., from a plan
and facts file or from a stored version or tag."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from planbook.cli.common import console, user_errors
from planbook.cli.connect import DbOption, PlanOption, ServerOption, TokenOption, backend
from planbook.cli.sources import check_names
from planbook.consolidate import DIMENSIONS, PERIOD_GRAINS, consolidate, to_wide
from planbook.errors import PlanValidationError, Problem, UsageError
from planbook.facts import read_facts
from planbook.model import Plan
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
    plan_file: Annotated[
        Path | None, typer.Argument(help="The plan definition file (YAML); none: the store.")
    ] = None,
    facts_file: Annotated[Path | None, typer.Argument(help="Facts (.csv or .parquet).")] = None,
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
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    version: Annotated[
        str | None,
        typer.Option("--version", "-v", help="Version number, tag or latest (default latest)."),
    ] = None,
    plan: PlanOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Roll facts up by team or department, account or P&L line, month to year, from a
    stored version (``--version``, default latest) or from PLAN_FILE and FACTS_FILE.

    Amounts of different units are never added: filter the accounts (for example
    `--filter account_type=opex,cogs`) or group by account. Several scenarios show side by
    side.
    """
    if output not in ("table", "csv", "json"):
        raise UsageError(f"--format must be table, csv or json, not {output!r}")
    scenarios = [n.strip() for v in scenario or ["base"] for n in v.split(",") if n.strip()]
    definition, facts, source = _source(plan_file, facts_file, version, plan, db, server, token)
    _check_scenarios(definition, scenarios)
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
    wide = to_wide(long)
    if output == "json":
        records = [{k: str(v) for k, v in row.items()} for row in long.to_dict("records")]
        typer.echo(json.dumps(records, indent=2))
    elif output == "csv":
        typer.echo(wide.to_csv(index=False), nl=False)
    else:
        title = f"{definition.name}: {', '.join(scenarios)}, by {by} and {period} ({source})"
        console.print(_table(wide, title=title))


def _source(
    plan_file: Path | None,
    facts_file: Path | None,
    version: str | None,
    plan: str | None,
    db: str,
    server: str | None,
    token: str | None,
) -> tuple[Plan, pd.DataFrame, str]:
    """The plan and facts: from the two files, or from a version of the store."""
    if plan_file or facts_file:
        if not (plan_file and facts_file):
            raise UsageError("give both PLAN_FILE and FACTS_FILE, or neither to read the store")
        if version:
            raise UsageError("--version reads the store; give it without PLAN_FILE and FACTS_FILE")
        return load_plan(plan_file), read_facts(facts_file), facts_file.name
    from server.store import only_plan  # the store: imported when used

    with backend(db=db, server=server, token=token) as store:
        plan_id = plan or only_plan(store, hint="name the plan with --plan")
        number = store.version(plan_id, version or "latest").number
        return store.plan(plan_id, number), store.facts(plan_id, number), f"version {number}"


def _check_scenarios(plan: Plan, scenarios: list[str]) -> None:
    known = sorted(s.id for s in plan.scenarios)
    problems = [
        Problem(
            ("scenario",),
            f"scenario {s!r} is not in plan {plan.id!r}; expected one of {', '.join(known)}",
        )
        for s in scenarios
        if s not in known
    ]
    if problems:
        raise PlanValidationError(problems, subject="roll-up")


def _table(wide: pd.DataFrame, *, title: str) -> Table:
    table = Table(title=title)
    for column in wide.columns:
        table.add_column(str(column), justify="left" if column in DIMENSIONS else "right")
    for row in wide.itertuples(index=False):
        table.add_row(*(v if isinstance(v, str) else f"{v:,.2f}" for v in row))
    return table
