"""Errors as JSON: ``{"errors": [{"loc": [...], "msg": "..."}]}``.

The client's mistakes are 4xx with every problem listed; a busy or unreachable database is
503 with ``Retry-After`` so clients retry, saying "database unavailable" and no more (the
reason, which may name the database's host and port, goes to the log); anything else is a
500 that says nothing about the internals (the traceback goes to the server log).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from planbook.errors import PlanbookError, PlanValidationError
from server.store import Conflict, ServiceBusy, StoreError, StoreUnavailable, to_json

__all__ = ["error_body", "install_error_handlers", "store_error_response"]

log = logging.getLogger("planbook.server")
UNAVAILABLE = "database unavailable; try again shortly"
"""A 503's whole message: where the database is, and why it failed, go to the log only."""


def error_body(loc: tuple[Any, ...] | list[Any], msg: str) -> dict[str, Any]:
    """The JSON body of a one-problem error."""
    return {"errors": [{"loc": list(loc), "msg": msg}]}


async def _store_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StoreError)
    return store_error_response(exc)


def store_error_response(exc: StoreError) -> JSONResponse:
    """The JSON answer to a store error (its status, body and headers)."""
    body = error_body(exc.loc, exc.msg) | {"kind": type(exc).__name__}
    headers = {}
    if isinstance(exc, Conflict):
        body["base"], body["head"] = exc.base, exc.head
        body["errors"] = [
            {"loc": ["parts", d.part], "msg": d.sentence(exc.base)} for d in exc.details
        ]
        body["conflicts"] = [to_json(d) for d in exc.details]
    if isinstance(exc, StoreUnavailable):
        headers["Retry-After"] = "1"
    if isinstance(exc, StoreUnavailable) and not isinstance(exc, ServiceBusy):
        log.warning("database unavailable: %s", exc.msg)  # the reason may name the host
        body = error_body((), UNAVAILABLE) | {"kind": type(exc).__name__}
    if exc.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PlanValidationError)
    return JSONResponse({"errors": [p.to_dict() for p in exc.problems]}, status_code=422)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(error_body((), str(exc)), status_code=422)


async def _request_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for e in exc.errors():
        msg = str(e.get("msg", "is not valid"))
        if e.get("type") == "json_invalid":
            msg = f"the body is not valid JSON ({e.get('ctx', {}).get('error', msg)})"
        errors.append({"loc": [str(p) for p in e.get("loc", ())], "msg": msg})
    return JSONResponse({"errors": errors}, status_code=422)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:  # FastAPI could not decode the body (not UTF-8, say)
        msg = "the body cannot be read: send JSON text in UTF-8"
        return JSONResponse(error_body(("body",), msg), status_code=422)
    return JSONResponse(
        error_body((), str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse(
        error_body((), "internal error; the server log has the details"), status_code=500
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler above (coroutines: Starlette runs a plain function handler on
    its thread pool, a trip every error answer would pay for nothing)."""
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(PlanValidationError, _validation_error)
    app.add_exception_handler(PlanbookError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
