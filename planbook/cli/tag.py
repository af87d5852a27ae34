"""``planbook tag``: list, pin, move and delete named tags."""

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


@user_errors
def tag(
    name: Annotated[str | None, typer.Argument(help="Tag to pin or move.")] = None,
    version: Annotated[
        str, typer.Argument(help="Version number, tag or latest to pin it on.")
    ] = "latest",
    delete: Annotated[bool, typer.Option("--delete", help="Remove the tag.")] = False,
    history: Annotated[bool, typer.Option("--history", help="Show every tag move.")] = False,
    plan: PlanOption = None,
    author: AuthorOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """List tags; with NAME, pin it on VERSION (moving it if it exists); --delete removes it.

    ``latest`` is built in and always names the newest version.
    """
    with backend(db=db, server=server, token=token, author=author) as store:
        plan_id = resolve_plan(store, plan)
        if name and delete:
            store.delete_tag(plan_id=plan_id, name=name)
            console.print(f"Deleted tag {name}.")
        elif name:
            info = store.set_tag(plan_id=plan_id, name=name, ref=version)
            console.print(f"Tag {name} now pins version {info.version} of plan {plan_id}.")
        elif history:
            _moves(store.tag_history(plan_id))
        else:
            table = Table(title=f"Plan {plan_id}: tags")
            table.add_column("tag")
            table.add_column("version", justify="right")
            for t in store.tags(plan_id):
                table.add_row(t.name, str(t.version))
            console.print(table)


def _moves(moves: list) -> None:  # type: ignore[type-arg]
    table = Table(title="Tag moves")
    for column in ("when (UTC)", "tag", "version", "by"):
        table.add_column(column)
    for m in moves:
        table.add_row(
            m.at.strftime("%Y-%m-%d %H:%M"),
            m.name,
            "deleted" if m.version is None else str(m.version),
            m.actor,
        )
    console.print(table)
