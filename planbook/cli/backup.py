"""``planbook export``, ``planbook import`` and ``planbook verify``: backup and checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from planbook.cli.common import console, err_console, user_errors
from planbook.cli.connect import DbOption, ServerOption, TokenOption, backend
from planbook.errors import UsageError


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@user_errors
def export(
    out: Annotated[Path, typer.Argument(help="Backup file to write (a zip).")],
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Write the whole store (every plan, version, blob, status, tag and token hash) to a file."""
    with backend(db=db, server=server, token=token) as store, _progress("Exporting") as bar:
        count = store.export(out, bar)
    console.print(f"Exported the store ({count} blobs) to {out}.")


@user_errors
def import_(
    backup_file: Annotated[Path, typer.Argument(help="A file written by planbook export.")],
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Load a backup into an empty store, all or nothing; every blob is checked on the way."""
    if not backup_file.is_file():
        raise UsageError(f"{backup_file}: no such file")
    with (
        backend(db=db, server=server, token=token, create=True) as store,
        _progress("Importing") as bar,
    ):
        count = store.import_(backup_file, bar)
    console.print(f"Imported {count} blobs from {backup_file}.")


@user_errors
def verify(
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Check every stored blob against its hash and every version's parts; exit 1 if any fails."""
    with backend(db=db, server=server, token=token) as store, _progress("Verifying") as bar:
        problems = store.verify(bar)
    if problems:
        for problem in problems:
            err_console.print(f"  - {problem}", markup=False)
        err_console.print(f"[bold red]Error:[/] {len(problems)} problem(s) in the store.")
        raise typer.Exit(1)
    console.print("[green]OK[/]: every blob matches its hash and every version is complete.")
