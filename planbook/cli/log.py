"""``planbook log``: the history of versions (of the plan, or of one part)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from planbook.cli.common import console, user_errors
from planbook.cli.connect import (
    DbOption,
    PlanOption,
    ServerOption,
    TokenOption,
    backend,
    resolve_plan,
)
from server.store import team_part


@user_errors
def log(
    team: Annotated[
        str | None, typer.Option("--team", help="Only versions that changed this team.")
    ] = None,
    part: Annotated[
        str | None,
        typer.Option("--part", help="Only versions that changed this part (company, actuals)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Newest N versions.")] = 20,
    plan: PlanOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Show the versions of a plan, newest first: who, when, why and which parts changed."""
    with backend(db=db, server=server, token=token) as store:
        plan_id = resolve_plan(store, plan)
        wanted = team_part(team) if team else part
        versions = (
            store.part_history(plan_id, wanted)[:limit]
            if wanted
            else store.log(plan_id, limit=limit)
        )
    table = Table(title=f"Plan {plan_id}: versions" + (f" changing {wanted}" if wanted else ""))
    for column in ("version", "when (UTC)", "author", "message", "changed", "hash"):
        table.add_column(column)
    for v in versions:
        changed = ", ".join(v.changed[:4]) + (
            f" +{len(v.changed) - 4}" if len(v.changed) > 4 else ""
        )
        table.add_row(
            str(v.number),
            v.created_at.strftime("%Y-%m-%d %H:%M"),
            v.author,
            v.message,
            changed,
            v.hash[:12],
        )
    console.print(table)
