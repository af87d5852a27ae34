"""The ``planbook`` application: every command, registered in one place."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

import planbook
from planbook.cli import actuals, excel, scenario, token
from planbook.cli.align import align_command
from planbook.cli.backup import export, import_, verify
from planbook.cli.common import err_console
from planbook.cli.consolidate import consolidate_command
from planbook.cli.demo import demo
from planbook.cli.diff import diff
from planbook.cli.goals import goals_command
from planbook.cli.kpis import kpis_command
from planbook.cli.log import log
from planbook.cli.pull import pull
from planbook.cli.push import push
from planbook.cli.serve import serve
from planbook.cli.status import status
from planbook.cli.tag import tag
from planbook.cli.template import template
from planbook.cli.validate import validate
from planbook.cli.variance import variance_command
from planbook.extras import missing_extra

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
app.command("kpis")(kpis_command)
app.command("goals")(goals_command)
app.command()(template)
app.command()(push)
app.command()(pull)
app.command()(log)
app.command()(tag)
app.command()(status)
app.command()(diff)
app.command()(export)
app.command("import")(import_)
app.command()(verify)
app.command()(serve)
app.add_typer(token.app)
app.add_typer(scenario.app)
app.add_typer(actuals.app)
app.command("variance")(variance_command)
app.add_typer(excel.app)
app.command("align")(align_command)


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
    """Console-script entry point. A command that needs an extra that is not installed
    (``planbook demo`` with only ``pip install planbook``) says which one, without a traceback,
    and exits 1."""
    try:
        app()
    except ModuleNotFoundError as exc:
        missing = missing_extra(exc)
        if missing is None:
            raise
        err_console.print(f"[bold red]Error:[/] {escape(str(missing))}")
        raise SystemExit(1) from None
