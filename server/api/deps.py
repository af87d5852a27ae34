"""What every route gets: the store, the settings and the calling principal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from server.auth import ActingStore, Principal, authenticate
from server.settings import Settings
from server.store.store import Store

__all__ = ["Ctx", "Plan", "context"]


@dataclass(frozen=True)
class Context:
    """The store as the authenticated caller of one request may use it (every permission,
    authorship and confidential filter is applied there), the settings and the caller."""

    store: ActingStore
    settings: Settings
    principal: Principal


def context(
    request: Request,
    authorization: Annotated[
        str | None,
        Header(description="Bearer token: 'Bearer pb_...'", examples=["Bearer pb_xxx"]),
    ] = None,
) -> Context:
    """Authenticate the request (401 without a valid token)."""
    store: Store = request.app.state.store
    settings: Settings = request.app.state.settings
    principal = authenticate(store, authorization, secret=settings.secret)
    return Context(ActingStore(store, principal), settings, principal)


Ctx = Annotated[Context, Depends(context)]
Plan = Annotated[str, "plan id"]
