"""``planbook goals``: each goal's and milestone's attainment, scenarios side by side."""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer

from planbook.cli.common import console, user_errors
from planbook.cli.report import FormatOption, OutOption, check_format, emit
from planbook.cli.sources import Sources, check_scenarios, scenario_list, with_sources
from planbook.goals import goal_attainment
from planbook.kpis import KPI_METRICS
from planbook.model import Unit
from planbook.progress import goal_progress

ScenarioOption = Annotated[
    list[str] | None,
    typer.Option("--scenario", help="Scenario(s), side by side; repeatable or a,b (default base)."),
]


@user_errors
@with_sources
def goals_command(
    scenario: ScenarioOption = None,
    goal: Annotated[
        list[str] | None, typer.Option("--goal", help="Only these goals; repeatable or a,b.")
    ] = None,
    milestones: Annotated[
        bool, typer.Option(help="Show the quarterly milestones too (--no-milestones: goals only).")
    ] = True,
    progress: Annotated[
        bool,
        typer.Option(
            "--progress",
            help="Progress to date: the actuals against the plan's trajectory and milestones.",
        ),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="With --progress: the last closed month (default: latest)."),
    ] = None,
    output: FormatOption = "table",
    out: OutOption = None,
    sources: Sources = Sources(),
) -> None:
    """Check every goal (target, projected value, gap, met or missed at its due month) and
    its milestones in each scenario, from a version (``--version``, default latest) or from
    PLAN_FILE and FACTS_FILE. With ``--progress``: each goal's actual (the ``actuals``
    scenario, months closed so far) against the first scenario's trajectory and milestones.

    Projections come from the engine: a scenario's overrides applied and its bookings and
    revenue driven (docs/engine.md). An unknown scenario or goal is an error that names it.
    """
    check_format(output, out)
    scenarios = scenario_list(scenario)
    definition, facts, source = sources.load()
    check_scenarios(definition, scenarios, subject="goals request")
    goals = scenario_list(goal, default=()) or None
    if progress:
        _progress(definition, facts, scenarios[0], as_of, goals, output, out, source)
        return
    frame = goal_attainment(definition, facts, scenarios=scenarios, goals=goals)
    if not milestones:
        frame = frame[frame["checkpoint"] == "goal"].reset_index(drop=True)
    units = {g.id: _unit(definition, g.metric) for g in definition.goals}

    shown = frame.copy()
    if output == "table":
        for column in ("target", "projected", "gap"):
            shown[column] = [
                _fmt(v, units[g]) for g, v in zip(frame["goal"], frame[column], strict=True)
            ]
        shown["status"] = [_status(s) for s in frame["status"]]
        shown = shown.drop(columns=["metric", "direction"])
    title = f"{definition.name}: goal attainment, {', '.join(scenarios)} ({source})"
    emit(
        shown,
        output=output,
        out=out,
        title=title,
        sections="goal",
        meta={"plan": definition.id, "source": source, "scenarios": scenarios},
    )
    if output == "table":
        met = (frame["status"] == "met").sum()
        console.print(f"{met} of {len(frame)} checks met.")


def _progress(
    definition: Any,
    facts: Any,
    scenario: str,
    as_of: str | None,
    goals: list[str] | None,
    output: str,
    out: Any,
    source: str,
) -> None:
    frame = goal_progress(definition, facts, plan_scenario=scenario, as_of=as_of, goals=goals)
    units = {g.id: _unit(definition, g.metric) for g in definition.goals}
    shown = frame.copy()
    if output == "table":
        for column in ("target", "planned", "actual", "variance"):
            shown[column] = [
                _fmt(v, units[g]) for g, v in zip(frame["goal"], frame[column], strict=True)
            ]
        shown["status"] = [_status(s) for s in frame["status"]]
        shown = shown.drop(columns=["metric", "direction"])
    emit(
        shown,
        output=output,
        out=out,
        title=f"{definition.name}: progress to goals, actuals against {scenario} ({source})",
        sections="goal",
        meta={"plan": definition.id, "source": source, "scenario": scenario},
    )


def _unit(plan: Any, metric: str) -> Unit:
    if metric in KPI_METRICS:
        return KPI_METRICS[metric].unit
    return next((a.unit for a in plan.accounts if a.id == metric), Unit.CURRENCY)


def _fmt(value: float, unit: Unit) -> str:
    if math.isnan(value):
        return "-"
    if unit is Unit.PERCENT:
        return f"{value:.2%}"
    if unit is Unit.RATIO:
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _status(status: str) -> str:
    colours = {"met": "green", "missed": "red", "ahead": "green", "behind": "red"}
    return f"[{colours[status]}]{status}[/]" if status in colours else status
