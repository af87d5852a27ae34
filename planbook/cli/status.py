"""``planbook status``: submission status per team, and the workflow steps."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from planbook.cli.common import console, user_errors
from planbook.cli.connect import (
    AuthorOption,
    DbOption,
    PlanOption,
    ServerOption,
    TokenOption,
    backend,
    resolve_plan,
)
from server.store import team_part


@user_errors
def status(
    team: Annotated[str | None, typer.Argument(help="A team id.")] = None,
    action: Annotated[
        str | None,
        typer.Argument(help="submit, approve, return (needs --comment) or reopen."),
    ] = None,
    comment: Annotated[str, typer.Option("--comment", "-c", help="Why a budget is returned.")] = "",
    force: Annotated[
        bool,
        typer.Option("--force", help="Approve although the team has blocking alignment findings."),
    ] = False,
    history: Annotated[
        bool, typer.Option("--history", help="Every status change (of TEAM, or of all).")
    ] = False,
    plan: PlanOption = None,
    author: AuthorOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Show each team's submission status, or move TEAM's budget along the workflow.

    draft -> submitted -> approved (locked until reopened), or submitted -> returned with a
    comment; a new push makes a returned budget a draft again. Approving a team with
    blocking alignment findings (planbook align) needs --force, and is recorded as forced.
    """
    with backend(db=db, server=server, token=token, author=author) as store:
        plan_id = resolve_plan(store, plan)
        if team and action:
            moved = store.change_status(
                plan_id=plan_id, team=team, action=action, comment=comment, force=force
            )
            console.print(f"Team {team} is now {moved.status}.")
            return
        if history:
            _history(store.status_history(plan_id, team_part(team) if team else None))
            return
        current = store.statuses(plan_id)
    table = Table(title=f"Plan {plan_id}: submission status")
    for column in ("team", "status", "since (UTC)", "by", "comment"):
        table.add_column(column)
    for name, change in current.items():
        if team and name != team:
            continue
        if change is None:
            table.add_row(name, "draft", "", "", "")
        else:
            table.add_row(
                name,
                change.status,
                change.at.strftime("%Y-%m-%d %H:%M"),
                change.actor,
                change.comment,
            )
    console.print(table)


def _history(changes: list) -> None:  # type: ignore[type-arg]
    table = Table(title="Status changes")
    for column in ("when (UTC)", "part", "status", "by", "version", "comment"):
        table.add_column(column)
    for c in changes:
        table.add_row(
            c.at.strftime("%Y-%m-%d %H:%M"), c.part, c.status, c.actor, str(c.version), c.comment
        )
    console.print(table)
