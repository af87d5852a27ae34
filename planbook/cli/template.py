"""``planbook template``: write a team budget template or the company AOP workbook."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from planbook.cli.common import console, user_errors
from planbook.demo import build_demo
from planbook.errors import PlanbookError
from planbook.factfiles import read_facts
from planbook.model import Plan
from planbook.planfile import load_plan


class Kind(StrEnum):
    """What to write."""

    TEAM = "team"
    COMPANY = "company"


@user_errors
def template(
    kind: Annotated[Kind, typer.Argument(help="team (a team's budget) or company (AOP).")],
    plan_file: Annotated[
        Path | None, typer.Option("--plan", help="The plan definition file (YAML).")
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Use the demo company's plan.")] = False,
    team: Annotated[
        list[str] | None, typer.Option("--team", help="Team id; repeat for several teams.")
    ] = None,
    all_teams: Annotated[bool, typer.Option("--all-teams", help="One per team.")] = False,
    scenario: Annotated[str, typer.Option(help="Scenario the team budgets.")] = "base",
    version: Annotated[
        str, typer.Option("--version", help="Store version the template is based on.")
    ] = "",
    facts_file: Annotated[
        Path | None, typer.Option("--facts", help="Facts (.csv/.parquet) to pre-fill.")
    ] = None,
    positions_file: Annotated[
        Path | None, typer.Option("--positions", help="Positions CSV to pre-fill.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="File to write; a folder when writing several team templates."),
    ] = None,
    people: Annotated[
        int,
        typer.Option(min=0, help="Size the Headcount sheet for this many people (plus room)."),
    ] = 0,
    lines: Annotated[
        int,
        typer.Option(min=0, help="Size the Budget sheet for this many spend lines (plus room)."),
    ] = 0,
) -> None:
    """Write a workbook template: a team's budget, or the company AOP workbook.

    Blank unless --facts/--positions pre-fill a team's numbers. A team template has room for
    150 people and 200 spend lines, or for what it holds, --people and --lines, with half as
    many again (at least 20 rows) to grow into. Several team templates
    (--all-teams or --team repeated) go into the folder --out as team-<id>.xlsx.
    """
    # The excel extra: imported when used, so that `planbook --help` needs only the core.
    from addin.templates import company_workbook, team_template
    from addin.templates.files import save_workbook, team_file
    from addin.templates.layout import BLANK_LINES, BLANK_PEOPLE, rows_with_room
    from addin.workbook_pull import read_positions

    plan = _plan(plan_file, demo)
    if kind is Kind.COMPANY:
        path = save_workbook(
            company_workbook(plan, version=version), out or Path("company-aop.xlsx")
        )
        console.print(f"Wrote the company AOP workbook to {path}.")
        return
    teams = [t.id for t in plan.teams] if all_teams else list(team or [])
    if not teams:
        raise PlanbookError(
            "name a team with --team (or use --all-teams); the plan has "
            f"{', '.join(t.id for t in plan.teams)}"
        )
    facts = read_facts(facts_file) if facts_file else None
    positions = read_positions(positions_file) if positions_file else None
    several = len(teams) > 1
    for team_id in teams:
        wb = team_template(
            plan,
            team_id,
            scenario=scenario,
            version=version,
            facts=facts,
            positions=positions,
            headcount_rows=max(BLANK_PEOPLE, rows_with_room(people, 0)),
            budget_rows=max(BLANK_LINES, rows_with_room(lines, 0)),
        )
        target = (
            (out or Path(".")) / team_file(team_id) if several else out or Path(team_file(team_id))
        )
        console.print(f"Wrote {team_id}'s budget template to {save_workbook(wb, target)}.")


def _plan(plan_file: Path | None, demo: bool) -> Plan:
    if plan_file and demo:
        raise PlanbookError("give either --plan or --demo, not both")
    if demo:
        return build_demo().plan
    if plan_file is None:
        raise PlanbookError("name the plan with --plan plan.yaml (or use --demo)")
    return load_plan(plan_file)
