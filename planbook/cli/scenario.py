"""``planbook scenario list|show|compare|save``: the plan's scenarios and what-ifs, side by
side, and saving a what-if as a new version."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from planbook.cli.common import console, user_errors
from planbook.cli.connect import (
    AuthorOption,
    DbOption,
    PlanOption,
    ServerOption,
    TokenOption,
    VersionOption,
    backend,
    resolve_plan,
)
from planbook.cli.report import FormatOption, OutOption, check_format, emit
from planbook.cli.sources import Sources, check_scenarios, scenario_list, with_sources
from planbook.engine import scenario_kpis, scenario_view
from planbook.errors import UsageError
from planbook.model import Plan, Scenario
from planbook.planfile import load_mapping
from planbook.statements import pnl_statement
from planbook.validation import parse_plan

app = typer.Typer(
    name="scenario",
    help="The plan's scenarios and saved what-ifs: list, show one, compare side by side, "
    "save a what-if.",
    no_args_is_help=True,
)

SUMMARY_KPIS = ("arr", "net_new_arr", "customers", "revenue", "gross_margin", "burn", "cash")
PeriodOption = Annotated[
    str, typer.Option("--period", help="P&L columns: total, year, half, quarter or month.")
]


@app.command("list")
@user_errors
@with_sources
def list_(
    output: FormatOption = "table",
    out: OutOption = None,
    sources: Sources = Sources(),
) -> None:
    """List the plan's scenarios: built-in plans with facts of their own and saved what-ifs
    (a base and overrides), with how many overrides each carries."""
    check_format(output, out)
    definition, _, source = sources.load()
    rows = [
        {
            "scenario": s.id,
            "name": s.name,
            "kind": _kind(s),
            "fact overrides": len(s.facts),
            "driver overrides": len(s.assumptions),
            "description": s.description,
        }
        for s in definition.scenarios
    ]
    title = f"{definition.name}: scenarios ({source})"
    emit(pd.DataFrame(rows), output=output, out=out, title=title)


@app.command()
@user_errors
@with_sources
def show(
    scenario: Annotated[str, typer.Argument(help="The scenario to show.")],
    output: FormatOption = "table",
    out: OutOption = None,
    sources: Sources = Sources(),
) -> None:
    """Show one scenario's overrides (facts and drivers), in the order they apply."""
    check_format(output, out)
    definition, _, source = sources.load()
    check_scenarios(definition, [scenario], subject="scenario request")
    found = next(s for s in definition.scenarios if s.id == scenario)
    rows = [
        {
            "applies to": "facts",
            "what": " ".join(f"{k}={v}" for k, v in (("team", o.team), ("account", o.account)) if v)
            or "all facts",
            "change": o.kind,
            "value": o.value,
            "months": o.period or "all",
        }
        for o in found.facts
    ] + [
        {
            "applies to": "driver",
            "what": o.assumption,
            "change": o.kind,
            "value": o.value,
            "months": o.period or "all",
        }
        for o in found.assumptions
    ]
    frame = pd.DataFrame(rows, columns=["applies to", "what", "change", "value", "months"])
    title = f"{found.name} ({found.id}): {_kind(found)} ({source})"
    if output == "table" and not rows:
        console.print(f"{title}\nNo overrides: its numbers are its own facts, driven as planned.")
        return
    emit(frame, output=output, out=out, title=title, meta={"scenario": found.id})


@app.command()
@user_errors
@with_sources
def compare(
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            help="Scenarios side by side; repeatable or a,b (default: the first three plans).",
        ),
    ] = None,
    period: PeriodOption = "total",
    output: FormatOption = "table",
    out: OutOption = None,
    sources: Sources = Sources(),
) -> None:
    """Compare scenarios side by side: the P&L in P&L order with its subtotals (revenue,
    gross profit, operating expenses, operating income), then the headline KPIs at the
    plan's last month. Each what-if is resolved by the engine (docs/engine.md)."""
    check_format(output, out)
    definition, facts, source = sources.load()
    scenarios = scenario_list(scenario, default=_defaults(definition))
    check_scenarios(definition, scenarios, subject="scenario comparison")
    statement = pnl_statement(definition, facts, scenarios=scenarios, period=period)
    wide = _side_by_side(statement, scenarios)
    title = f"{definition.name}: P&L, {', '.join(scenarios)} ({source})"
    emit(wide, output=output, out=out, title=title, sections="period", meta={"kind": "pnl"})
    if output == "table":
        last = definition.calendar.end
        table = scenario_kpis(
            definition, facts, scenarios=scenarios, metrics=list(SUMMARY_KPIS), grain="month"
        )
        table = table[table["period"] == last]
        kpi = table.pivot_table(index="metric", columns="scenario", values="value", sort=False)
        kpi = kpi.reindex(columns=scenarios).reset_index().rename_axis(columns=None)
        emit(kpi, output="table", out=None, title=f"KPIs at {last}")


@app.command()
@user_errors
def save(
    scenario: Annotated[str, typer.Argument(help="The new what-if's id, e.g. late-hires.")],
    base: Annotated[
        str | None, typer.Option("--base", help="The scenario it changes (default base).")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Its display name (default: its id).")
    ] = None,
    description: Annotated[str, typer.Option("--description", help="What it asks.")] = "",
    fact: Annotated[
        list[str] | None,
        typer.Option(
            "--fact",
            help="A fact override, kind=percent,value=-0.1,account=Marketing programs "
            "(team, account, line, period select); repeatable, applied in order.",
        ),
    ] = None,
    driver: Annotated[
        list[str] | None,
        typer.Option(
            "--driver",
            help="A driver override, assumption=churn_rate,kind=add,value=0.01[,period=...]; "
            "repeatable.",
        ),
    ] = None,
    hiring: Annotated[
        list[str] | None,
        typer.Option(
            "--hiring",
            help="A hiring delay, team=sales,months=2[,count=2,line=...,period=...]; repeatable.",
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="A YAML what-if (name, base, facts, assumptions, hiring) to start from."
        ),
    ] = None,
    message: Annotated[str, typer.Option("--message", "-m", help="The version's message.")] = "",
    version: VersionOption = "latest",
    plan: PlanOption = None,
    author: AuthorOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Save a what-if in the plan definition and push it as a new version: a base and its
    overrides (facts, drivers, hiring delays), from options or a YAML file (options add to
    the file's overrides). An unknown team, account or driver, a name already taken or a
    bad value is an error that names it; nothing is pushed."""
    data = dict(load_mapping(file, what="what-if fields")) if file else {}
    if data.get("id", scenario) != scenario:
        raise UsageError(f"{file} saves what-if {data['id']!r}, not {scenario!r}")
    data |= {"id": scenario, "base": base or data.get("base") or "base"}
    data["name"] = title or data.get("name") or scenario
    data["description"] = description or data.get("description", "")
    for key, given, option in (
        ("facts", fact, "--fact"),
        ("assumptions", driver, "--driver"),
        ("hiring", hiring, "--hiring"),
    ):
        data[key] = [*data.get(key, ()), *(_fields(g, option) for g in given or ())]
    if not (data["facts"] or data["assumptions"] or data["hiring"]):
        raise UsageError("give at least one --fact, --driver or --hiring (or a --file with them)")
    from server.store import PushRequest  # the store: imported when used

    with backend(db=db, server=server, token=token, author=author) as store:
        plan_id = resolve_plan(store, plan)
        number = store.version(plan_id, version).number
        definition = store.plan(plan_id, number)
        if scenario in {s.id for s in definition.scenarios}:
            raise UsageError(
                f"plan {plan_id!r} already has a scenario {scenario!r} (version {number}); "
                "choose another name"
            )
        company = definition.model_dump(mode="python")
        updated = parse_plan(company | {"scenarios": [*company["scenarios"], data]})
        if data["hiring"]:  # a delay must find hires to move: resolve the what-if once
            scenario_view(updated, store.facts(plan_id, number), scenario)
        text = message or f"Save what-if {scenario} on {data['base']}"
        info, _ = store.push(PushRequest(plan_id, base=number, message=text, company=updated))
    console.print(f"Saved what-if {scenario} as version {info.number} of plan {plan_id}.")


def _fields(text: str, option: str) -> dict[str, str]:
    """``key=value,key=value`` as a mapping, or an error naming the option and the text."""
    fields = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{option} {text!r}: expected KEY=VALUE[,KEY=VALUE...]")
        fields[key.strip()] = value.strip()
    return fields


def _side_by_side(statement: pd.DataFrame, scenarios: list[str]) -> pd.DataFrame:
    """One row per P&L line and period, one column per scenario, then each against the
    first."""
    wide = statement.pivot_table(
        index=["period", "line"], columns="scenario", values="amount", aggfunc="first", sort=False
    )
    wide = wide.reindex(columns=scenarios).reset_index().rename_axis(columns=None)
    first = scenarios[0]
    for other in scenarios[1:]:
        delta = [Decimal(b) - Decimal(a) for a, b in zip(wide[first], wide[other], strict=True)]
        wide[f"{other} - {first}"] = pd.Series(delta, index=wide.index, dtype=object)
    return wide


def _defaults(plan: Plan) -> list[str]:
    return [s.id for s in plan.scenarios if not s.actuals][:3]


def _kind(scenario: Scenario) -> str:
    if scenario.actuals:
        return "actuals"
    if scenario.base:
        return f"what-if on {scenario.base}"
    return "own facts"
