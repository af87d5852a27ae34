"""How the service's errors come back to a client: each 4xx as the store's own exception
with the service's message (the answer's ``kind`` names the class), a 409 with conflict
details as a :class:`Conflict` that says who changed what, 503 as
:class:`StoreUnavailable`."""

from __future__ import annotations

import httpx

from planbook.errors import PlanValidationError, Problem
from server.store.errors import (
    AccessDenied,
    ConcurrentWrite,
    Conflict,
    ConflictDetail,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    StoreError,
    StoreNotEmpty,
    StoreUnavailable,
    TooLarge,
)
from server.store.records import from_json

__all__ = ["checked"]

_BY_STATUS: dict[int, type[StoreError]] = {
    401: NotAuthenticated,
    403: AccessDenied,
    404: NotFound,
    409: StoreError,
    413: TooLarge,
    422: InvalidRequest,
}
_BY_KIND: dict[str, type[StoreError]] = {
    cls.__name__: cls
    for cls in (
        AccessDenied,
        ConcurrentWrite,
        InvalidRequest,
        NotAuthenticated,
        NotFound,
        StoreNotEmpty,
        StoreUnavailable,
        TooLarge,
    )
}


def checked(response: httpx.Response) -> httpx.Response:
    """The response, or the store's own error for a 4xx/5xx: the error's ``kind`` names its
    class; a 409 with conflict details is a :class:`Conflict` saying who changed what."""
    if response.status_code < 400:
        return response
    try:
        body = response.json()
        errors = body["errors"]
    except (ValueError, KeyError, TypeError):
        body, errors = {}, [{"loc": [], "msg": response.text[:500] or response.reason_phrase}]
    problems = [Problem(tuple(e.get("loc", ())), str(e.get("msg", ""))) for e in errors]
    status = response.status_code
    if status == 409 and "conflicts" in body:
        details = [from_json(ConflictDetail, c) for c in body["conflicts"]]
        raise Conflict(details, base=body.get("base"), head=body.get("head", 0))
    if status == 422 and (len(problems) > 1 or any(p.loc for p in problems)):
        raise PlanValidationError(problems, subject="request")
    text = "; ".join(str(p) for p in problems)
    if status == 503:
        raise StoreUnavailable(f"the service is busy; try again shortly ({text})")
    error = _BY_KIND.get(str(body.get("kind", ""))) or _BY_STATUS.get(status)
    if error is not None:
        raise error(text, loc=problems[0].loc if problems else ())
    raise StoreError(f"the service failed ({status}): {text}")
