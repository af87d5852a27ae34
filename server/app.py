"""The sync service: ``create_app(settings)`` builds the FastAPI app over one store.

The app keeps no state of its own besides a connection pool: concurrency control lives in
the database, so several workers or hosts can serve one PostgreSQL store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

import planbook
from server import console
from server.api import admin, diff, engine, positions, reports, versions, workflow
from server.api.answers import AnswerCache, Warmer
from server.auth import Principal, authenticate
from server.errors import install_error_handlers
from server.limits import BodyGate, BodyRules
from server.settings import Settings
from server.store.store import Store

__all__ = ["app_from_env", "create_app"]

DESCRIPTION = """\
The single source of truth for Planbook plans: immutable, numbered versions made of
content-addressed parts (the company part, one part per team, actuals).

Every route but `/api/v1/health` needs `Authorization: Bearer <token>`. Versions are named
by number, tag or `latest`. Writes name the version they were based on; a stale write is
refused with 409 saying who changed which part, when, in which version. Errors are
`{"errors": [{"loc": [...], "msg": "..."}]}`: 4xx for the client's mistakes, 503 (with
Retry-After) when the database is busy.
"""


def create_app(settings: Settings, *, migrate: bool = True) -> FastAPI:
    """The service over the store in ``settings.db`` (created or upgraded if ``migrate``).

    Raises :class:`server.settings.InsecureSettings` outside dev mode with a weak secret.
    """
    settings.check_secret()
    store = Store.open(settings.db, upgrade=migrate)
    answers = AnswerCache(settings.pull_cache_bytes)
    warmer = Warmer(store, answers, cap=settings.pull_store_bytes)
    store.after_push = warmer.schedule  # pull answers encoded ahead, in the background

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(warmer.close)  # a warm under way finishes first

    app = FastAPI(
        title="Planbook sync service",
        version=planbook.__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.answers = answers
    app.state.warmer = warmer
    install_error_handlers(app)
    for module in (versions, workflow, admin, diff, engine, positions, reports):
        app.include_router(module.router)
    console.install(app)
    rules = BodyRules(
        limit=settings.max_body_bytes,
        import_limit=settings.max_import_bytes,
        large_bytes=settings.large_body_bytes,
        max_large=settings.max_large_bodies,
        idle_seconds=settings.body_idle_seconds,
        body_seconds=settings.body_seconds,
        form_prefixes=(console.PREFIX + "/",),
    )
    app.add_middleware(BodyGate, authenticate=_authenticator(store, settings), rules=rules)
    return app


def _authenticator(store: Store, settings: Settings) -> Callable[[str | None], Principal]:
    def principal(header: str | None) -> Principal:
        return authenticate(store, header, secret=settings.secret)

    return principal


def app_from_env() -> FastAPI:
    """The app from ``PLANBOOK_*`` settings (uvicorn's ``--factory`` entry point)."""
    return create_app(Settings(), migrate=False)
