"""The ``planbook`` application: every command, registered in one place."""

from __future__ import annotations

from typing import Annotated

import typer

import planbook
from cli import token
from cli.backup import export, import_, verify
from cli.consolidate import consolidate_command
from cli.demo import demo
from cli.log import log
from cli.pull import pull
from cli.push import push
from cli.serve import serve
from cli.status import status
from cli.tag import tag
from cli.template import template
from cli.validate import validate

app = typer.Typer(
    name="planbook",
    help="Planbook: spreadsheet-native annual operating plans and budgets for SaaS finance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",
)
app.command()(demo)
app.command()(validate)
app.command("consolidate")(consolidate_command)
app.command()(template)
app.command()(push)
app.command()(pull)
app.command()(log)
app.command()(tag)
app.command()(status)
app.command()(export)
app.command("import")(import_)
app.command()(verify)
app.command()(serve)
app.add_typer(token.app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"planbook {planbook.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Planbook: spreadsheet-native annual operating plans and budgets for SaaS finance."""


def main() -> None:
    """Console-script entry point."""
    app()
