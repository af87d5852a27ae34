"""``planbook serve``: run the sync service (uvicorn) over a store."""

from __future__ import annotations

import importlib.util
import os
from typing import Annotated

import typer

from planbook.cli.common import console, user_errors
from planbook.cli.connect import DbOption


@user_errors
def serve(
    db: DbOption = "planbook.db",
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes (PostgreSQL: any number).")
    ] = 1,
    certfile: Annotated[
        str | None,
        typer.Option("--certfile", help="TLS certificate (PEM): serve HTTPS, as Office needs."),
    ] = None,
    keyfile: Annotated[
        str | None, typer.Option("--keyfile", help="The certificate's private key (PEM).")
    ] = None,
    dev: Annotated[
        bool,
        typer.Option("--dev", envvar="PLANBOOK_DEV", help="Dev mode: allow the default secret."),
    ] = False,
) -> None:
    """Run the sync service on the store: creates or upgrades its schema, then serves
    ``/api/v1`` and the Excel add-in (``/addin``) with uvicorn; HTTPS with ``--certfile`` and
    ``--keyfile``. The bootstrap admin token is ``PLANBOOK_SECRET``; outside
    ``--dev`` the service refuses to start with a default or short one.
    """
    import uvicorn

    from server.settings import Settings
    from server.store.store import Store

    if (certfile is None) != (keyfile is None):
        raise typer.BadParameter("give both --certfile and --keyfile, or neither")
    settings = Settings(db=db, dev=dev)
    settings.check_secret()
    Store.open(db).close()  # migrate once, before any worker starts
    os.environ["PLANBOOK_DB"] = db
    os.environ["PLANBOOK_DEV"] = "1" if dev else "0"
    if os.environ.get("XLWINGS_LICENSE_KEY"):  # the add-in's buttons: xlwings' server parts
        os.environ.setdefault("XLWINGS_ON_SERVER", "true")
    scheme = "https" if certfile else "http"
    console.print(f"Planbook service on {scheme}://{host}:{port}/api/v1 (store {db})")
    # with the excel extra, the service also serves the Excel add-in (addin.web)
    with_addin = importlib.util.find_spec("xlwings") is not None
    if with_addin:
        console.print(f"Excel add-in: {scheme}://{host}:{port}/addin/manifest.xml")
    uvicorn.run(
        "addin.web.app:app_from_env" if with_addin else "server.app:app_from_env",
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=settings.keep_alive_seconds,
    )
