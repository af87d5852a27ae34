"""What the commands that take workbooks share: reading one, reporting what it holds, and
the command line's words for the choices a workbook push or pull asks for."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.markup import escape

from addin.hints import Hints
from planbook.cli.common import console
from planbook.errors import PlanValidationError, Problem
from planbook.model import Plan

CLI_HINTS = Hints(
    base="--base VERSION",
    headcount="--headcount keep or --headcount replace",
    fresh="pull a fresh one with planbook pull --out FILE.xlsx",
    positions="pull it again with --positions FILE",
)
"""The workbook verbs' hints (:mod:`addin.hints`) in options of ``planbook push`` and ``pull``."""


def print_warnings(warnings: Iterable[object]) -> None:
    """One yellow ``warning`` line each."""
    for warning in warnings:
        console.print(f"  [yellow]warning[/] {escape(str(warning))}", markup=True)


def check_workbook(plan: Plan, path: Path) -> list[Problem]:
    """Read a filled team or company workbook against ``plan``; its problems, if any.

    Prints what the workbook holds and its warnings. A file that is not a workbook at all
    raises (as every reader does).
    """
    from addin.reader import read_company_workbook, read_team_workbook, workbook_kind

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
    print_warnings(team.warnings)
    return []
