"""``planbook token``: create, list and revoke API tokens (admin)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from planbook.cli.common import console, user_errors
from planbook.cli.connect import DbOption, ServerOption, TokenOption, backend

app = typer.Typer(
    name="token",
    help="Create, list and revoke API tokens for the service (admin).",
    no_args_is_help=True,
)


@app.command()
@user_errors
def create(
    name: Annotated[str, typer.Argument(help="Who or what uses the token.")],
    role: Annotated[str, typer.Option("--role", help="admin, finance, lead or viewer.")] = "viewer",
    team: Annotated[
        list[str] | None,
        typer.Option("--team", help="A team a lead token may push and submit (repeatable)."),
    ] = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Create a token; its secret is printed once and only its hash is stored."""
    with backend(db=db, server=server, token=token, create=True) as store:
        info, secret = store.create_token(name=name, role=role, teams=tuple(team or ()))
    console.print(f"Token {info.id} for {info.name} ({info.role}). Its secret, shown once:")
    console.print(secret, markup=False, soft_wrap=True)


@app.command("list")
@user_errors
def list_(
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """List tokens (never their secrets)."""
    with backend(db=db, server=server, token=token) as store:
        tokens = store.tokens()
    table = Table(title="API tokens")
    for column in ("id", "name", "role", "teams", "created (UTC)", "revoked"):
        table.add_column(column)
    for t in tokens:
        table.add_row(
            str(t.id),
            t.name,
            t.role,
            ", ".join(t.teams),
            t.created_at.strftime("%Y-%m-%d %H:%M"),
            t.revoked_at.strftime("%Y-%m-%d %H:%M") if t.revoked_at else "",
        )
    console.print(table)


@app.command()
@user_errors
def revoke(
    token_id: Annotated[int, typer.Argument(help="The id shown by planbook token list.")],
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Revoke a token; it stops working at once."""
    with backend(db=db, server=server, token=token) as store:
        store.revoke_token(token_id)
    console.print(f"Token {token_id} is revoked.")
