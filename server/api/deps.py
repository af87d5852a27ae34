"""What every route gets: the store, the settings and the calling principal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from server.auth import ActingStore, Principal, authenticate
from server.settings import Settings
from server.store.store import Store
from server.store.text import check_text

__all__ = ["Ctx", "Plan", "context", "request_context"]

PROSE = frozenset({"message", "comment"})
"""Query parameters of free text, which may hold tabs and line breaks."""


@dataclass(frozen=True)
class Context:
    """The store as the authenticated caller of one request may use it (every permission,
    authorship and confidential filter is applied there), the settings and the caller."""

    store: ActingStore
    settings: Settings
    principal: Principal


async def context(
    request: Request,
    authorization: Annotated[
        str | None,
        Header(description="Bearer token: 'Bearer pb_...'", examples=["Bearer pb_xxx"]),
    ] = None,
) -> Context:
    """Authenticate the request (401 without a valid token), then refuse control characters
    in its path and query (422: ids and names are one line of text; a ``message`` may hold
    tabs and line breaks). A request with a body was authenticated by
    :class:`server.limits.BodyGate` before its body was read: no thread-pool trip then."""
    if getattr(request.state, "principal", None) is not None:
        return request_context(request, authorization)
    return await run_in_threadpool(request_context, request, authorization)


def request_context(request: Request, authorization: str | None) -> Context:
    """:func:`context` for code already on a worker thread (it may read the token)."""
    store: Store = request.app.state.store
    settings: Settings = request.app.state.settings
    principal: Principal | None = getattr(request.state, "principal", None)  # BodyGate's
    if principal is None:
        principal = authenticate(store, authorization, secret=settings.secret)
    for name, value in request.path_params.items():
        check_text(str(value), loc=("path", name))
    for name, value in request.query_params.multi_items():
        check_text(value, loc=("query", name), prose=name in PROSE)
    return Context(ActingStore(store, principal), settings, principal)


Ctx = Annotated[Context, Depends(context)]
Plan = Annotated[str, "plan id"]
