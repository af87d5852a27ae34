"""Where the store is: options shared by every store command, and opening it.

Every store command works on the embedded store (``--db``, a SQLite file in the working
folder by default, or a PostgreSQL URL) or, with ``--server URL`` and ``--token``, through
the service, with the same results.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from server.store import NotFound, Store

DEFAULT_DB = "planbook.db"

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="PLANBOOK_DB",
        help="The embedded store: a SQLite file or a postgresql:// URL.",
    ),
]
ServerOption = Annotated[
    str | None,
    typer.Option(
        "--server", envvar="PLANBOOK_SERVER", help="Use the service at this URL instead of --db."
    ),
]
TokenOption = Annotated[
    str | None,
    typer.Option("--token", envvar="PLANBOOK_TOKEN", help="API token for --server."),
]
PlanOption = Annotated[
    str | None,
    typer.Option(
        "--plan", envvar="PLANBOOK_PLAN", help="Plan id; needed only when the store has several."
    ),
]
AuthorOption = Annotated[
    str | None,
    typer.Option(
        "--author", envvar="PLANBOOK_AUTHOR", help="Who makes the change (default: your login)."
    ),
]


def author_name(author: str | None) -> str:
    """The author recorded on a change: the option, else the login name."""
    if author:
        return author
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


@contextmanager
def backend(
    *, db: str, server: str | None, token: str | None, create: bool = False
) -> Iterator[Any]:
    """The embedded store, or a client of the service when ``server`` is given.

    Only commands that write (``create``) make a new SQLite file; the others say there is
    no store.
    """
    if server:
        from server.client import Client

        with Client(server, token=token) as client:
            yield client
        return
    if not create and "://" not in db and not Path(db).exists():
        raise NotFound(
            f"there is no store at {db}; create one with planbook demo or planbook push, "
            "or point --db (PLANBOOK_DB) at yours"
        )
    store = Store.open(db)
    try:
        yield store
    finally:
        store.close()


def plan_id(store: Any, plan: str | None) -> str:
    """The plan to work on: the option, else the store's only plan."""
    return plan or str(store.only_plan())
