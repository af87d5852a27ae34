"""What the commands that take workbooks share: reading one and reporting what it holds."""

from __future__ import annotations

from pathlib import Path

from addin.reader import read_company_workbook, read_team_workbook, workbook_kind
from planbook.cli.common import console
from planbook.errors import PlanValidationError, Problem
from planbook.model import Plan


def check_workbook(plan: Plan, path: Path) -> list[Problem]:
    """Read a filled team or company workbook against ``plan``; its problems, if any.

    Prints what the workbook holds and its warnings. A file that is not a workbook at all
    raises (as every reader does).
    """
    try:
        if workbook_kind(path) == "company-aop":
            company = read_company_workbook(path, plan_id=plan.id)
            console.print(
                f"{path}: company workbook of plan {company.plan.id}, "
                f"{len(company.plan.teams)} teams, {len(company.plan.accounts)} accounts"
            )
            return []
        team = read_team_workbook(path, plan)
    except PlanValidationError as exc:
        return list(exc.problems)
    based = f"version {team.base_version}" if team.base_version is not None else "a plan file"
    console.print(
        f"{path}: budget of team {team.team} ({team.scenario}), based on {based}: "
        f"{len(team.facts):,} facts, {len(team.positions)} positions"
    )
    for warning in team.warnings:
        console.print(f"  [yellow]warning[/] {warning}", markup=True)
    return []
