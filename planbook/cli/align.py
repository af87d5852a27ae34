"""``planbook align``: the alignment report of a stored version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from planbook.align import findings_frame
from planbook.cli.common import console, user_errors
from planbook.cli.connect import (
    DbOption,
    PlanOption,
    ServerOption,
    TeamFilter,
    TokenOption,
    VersionOption,
    backend,
    listed,
    resolve_plan,
)
from planbook.cli.report import check_format, emit
from planbook.errors import UsageError


@user_errors
def align_command(
    version: VersionOption = "latest",
    scenario: Annotated[
        str, typer.Option("--scenario", help="The plan scenario to check.")
    ] = "base",
    team: TeamFilter = None,
    output: Annotated[str, typer.Option("--format", help="table, csv, json or xlsx.")] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="The workbook for xlsx.")] = None,
    plan: PlanOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """The alignment report of a version: each team's request against its envelope by
    month, quarter and year, departments and the company against the top-down total, goals
    without an owner, company targets the plan misses, hires against Recruiting's budget and
    capacity, tool seats against heads, payroll tax, salary inflation and bands against the
    company's, and declared dependencies planned in order. One finding a row: rule,
    severity, team, period, numbers and a sentence. Rules: docs/alignment.md."""
    check_format(output, out)
    teams = listed(team)
    with backend(db=db, server=server, token=token) as store:
        plan_id = resolve_plan(store, plan)
        number = store.version(plan_id, version).number
        definition = store.plan(plan_id, number)
        unknown = [t for t in teams if t not in {x.id for x in definition.teams}]
        if unknown:
            raise UsageError(f"--team {', '.join(unknown)}: not a team of plan {plan_id}")
        if scenario not in {s.id for s in definition.scenarios}:
            raise UsageError(f"--scenario {scenario}: not a scenario of plan {plan_id}")
        # through the service: the report it keeps for the version, not every team's facts
        _, findings = store.findings(plan_id, number, scenario=scenario, teams=teams)
    title = f"{definition.name}: alignment of version {number} ({scenario})"
    meta: dict[str, Any] = {"plan": plan_id, "version": number, "scenario": scenario}
    if output == "json":
        import json

        typer.echo(json.dumps(meta | {"findings": [f.to_dict() for f in findings]}, indent=2))
        return
    frame = findings_frame(findings)
    if output == "table" and not findings:
        console.print(f"{title}: no findings; every rule holds.")
        return
    emit(frame, output=output, title=title, meta=meta, key="findings", out=out)
    if output == "table":
        blocking = sum(1 for f in findings if f.severity == "blocking")
        console.print(f"{len(findings)} findings, {blocking} blocking.")
