"""Whom the add-in acts for: when Planbook's service runs a button for an Office.js caller
(:mod:`addin.officejs`), the button reads and pushes as that caller — what their token may
see, pushes checked like the HTTP API's and recorded under their name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from server.auth import Principal

__all__ = ["acting_for", "caller"]

_caller: ContextVar[Principal | None] = ContextVar("planbook_caller", default=None)


@contextmanager
def acting_for(principal: Principal) -> Iterator[None]:
    """Within the block, the add-in's embedded-store reads and pushes are ``principal``'s."""
    token = _caller.set(principal)
    try:
        yield
    finally:
        _caller.reset(token)


def caller() -> Principal | None:
    """The principal the add-in acts for, or None (the user's own machine)."""
    return _caller.get()
