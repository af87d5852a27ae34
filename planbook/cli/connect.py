"""Where the store is: options shared by every store command, and opening it.

Every store command works on the embedded store (``--db``, a SQLite file in the working
folder by default, or a PostgreSQL URL) or, with ``--server URL`` and ``--token``, through
the service, with the same results.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from server.store import StoreAPI, only_plan

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
VersionOption = Annotated[
    str, typer.Option("--version", "-v", help="Version number, tag or latest.")
]
ScenarioFilter = Annotated[
    list[str] | None,
    typer.Option("--scenario", help="Only these scenarios (repeatable, or a,b)."),
]
TeamFilter = Annotated[
    list[str] | None, typer.Option("--team", help="Only these teams (repeatable, or a,b).")
]
AccountFilter = Annotated[
    list[str] | None,
    typer.Option("--account", help="Only these accounts (repeatable, or a,b)."),
]
PeriodFilter = Annotated[
    list[str] | None,
    typer.Option("--period", help="Only these months, YYYY-MM (repeatable, or a,b)."),
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


def listed(values: list[str] | None) -> list[str]:
    """The values of a repeatable option, each possibly comma-separated:
    ``--team a,b --team c`` gives ``["a", "b", "c"]``."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


@contextmanager
def backend(
    *,
    db: str,
    server: str | None,
    token: str | None,
    create: bool = False,
    author: str | None = None,
) -> Iterator[StoreAPI]:
    """The store the options name (:func:`server.connect.open_store`): the embedded store,
    recording changes under ``author`` (default: the login name), or the service when
    ``server`` is given (which records the token's holder). Only commands that write
    (``create``) make a new SQLite file; the others say there is no store."""
    from server.connect import StoreLocation, open_store

    where = StoreLocation(db=db, server=server or "", token=token or "")
    store = open_store(where, actor=author or "", create=create)
    try:
        yield store
    finally:
        store.close()


def resolve_plan(store: StoreAPI, plan: str | None) -> str:
    """The plan to work on: the option, else the store's only plan."""
    return plan or only_plan(store, hint="name the plan with --plan")
