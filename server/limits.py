"""What the service does with a request body before any route reads it.

:class:`BodyGate` stands in front of every route. A request that carries a body (a
``Content-Length`` above 0, or chunked) is:

1. authenticated from its headers alone: no valid token is 401, a role that may never send
   this body (:meth:`server.auth.Principal.check_body`) is 403, and the connection is closed
   without the body being read;
2. refused with 413 when its ``Content-Length`` is over the limit (the store import has its
   own), and cut off with 413 when a chunked body passes it as it arrives;
3. counted as *large* above ``large_bytes`` (or chunked): at most ``max_large`` large bodies
   are received and handled at once in a worker, the next ones get 503 with ``Retry-After``;
4. timed: a body that stalls for ``idle_seconds``, or is still arriving after
   ``body_seconds``, gets 408 and its connection is closed.

Pages that sign in with their own session (the web console's forms, under ``form_prefixes``)
carry no bearer token: their bodies skip step 1 (the page checks its session cookie and CSRF
token) and are held to ``form_limit`` bytes, small enough that they are never large.

Refusals are JSON in the service's error shape (:func:`server.errors.store_error_response`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.auth import Principal
from server.errors import store_error_response
from server.store.errors import ServiceBusy, StoreError, TooLarge, TooSlow

__all__ = ["BodyGate", "BodyRules"]

Authenticate = Callable[[str | None], Principal]
"""The principal behind an ``Authorization`` header (raises NotAuthenticated)."""


@dataclass(frozen=True)
class BodyRules:
    """The limits a :class:`BodyGate` enforces (from :class:`server.settings.Settings`)."""

    limit: int
    import_limit: int
    large_bytes: int = 1024 * 1024
    max_large: int = 2
    idle_seconds: float = 30.0
    body_seconds: float = 300.0
    form_prefixes: tuple[str, ...] = ()
    form_limit: int = 64 * 1024


class BodyGate:
    """Authenticate, bound and time every request body before a route reads it."""

    def __init__(self, app: ASGIApp, *, authenticate: Authenticate, rules: BodyRules) -> None:
        self.app = app
        self.authenticate = authenticate
        self.rules = rules
        self.large = 0  # large bodies being received or handled now (one event loop)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        length = headers.get(b"content-length")
        has_body = b"transfer-encoding" in headers or length not in (None, b"0")
        if not has_body:
            await self.app(scope, receive, send)
            return
        rules = self.rules
        if scope["path"].startswith(rules.form_prefixes) and rules.form_prefixes:
            await self._form(scope, receive, send)
            return
        limit = rules.import_limit if scope["path"].rstrip("/").endswith("/import") else rules.limit
        try:
            header = headers.get(b"authorization")
            principal = await run_in_threadpool(
                self.authenticate, header.decode("latin-1") if header is not None else None
            )
            principal.check_body(scope["path"])
            if length is not None and (not length.isdigit() or int(length) > limit):
                raise TooLarge(_too_large(limit), loc=("body",))
            large = length is None or int(length) > rules.large_bytes
            if large and self.large >= rules.max_large:
                raise ServiceBusy(
                    f"the service is receiving {self.large} other large requests, as many as "
                    "it takes at once; try again shortly",
                    loc=("body",),
                )
        except StoreError as exc:
            await _refuse(exc, scope, receive, send)
            return
        state = dict(scope.get("state") or {}) | {"principal": principal}
        scope = dict(scope) | {"state": state}
        self.large += large
        try:
            await _guarded(self.app, scope, receive, send, limit=limit, rules=rules)
        finally:
            self.large -= large

    async def _form(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A page's form: bounded and timed, authenticated by the page itself."""
        limit = self.rules.form_limit
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _refuse(TooLarge(_too_large(limit), loc=("body",)), scope, receive, send)
            return
        await _guarded(self.app, scope, receive, send, limit=limit, rules=self.rules)


async def _guarded(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, *, limit: int, rules: BodyRules
) -> None:
    """Run the app, counting and timing the body as it arrives. Past the limit, or when it
    stalls, the app is told the client left, its own answer is dropped, and the client gets
    the 413 or 408 instead: whatever the route does with a body cut short, never a 400."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + rules.body_seconds
    seen, started, complete = 0, False, False
    refusal: StoreError | None = None

    async def guarded() -> Message:
        nonlocal seen, refusal, complete
        if refusal is not None:
            return {"type": "http.disconnect"}
        if complete:  # the body is in: no clock on waiting for a disconnect
            return await receive()
        wait = max(0.0, min(rules.idle_seconds, deadline - loop.time()))
        try:
            message = await asyncio.wait_for(receive(), wait)
        except TimeoutError:
            refusal = TooSlow(_too_slow(rules), loc=("body",))
            return {"type": "http.disconnect"}
        seen += len(message.get("body", b""))
        if seen > limit:
            refusal = TooLarge(_too_large(limit), loc=("body",))
            return {"type": "http.disconnect"}
        complete = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    async def answer(message: Message) -> None:
        nonlocal started
        if refusal is not None:
            return
        started = started or message["type"] == "http.response.start"
        await send(message)

    try:
        await app(scope, guarded, answer)
    except Exception:
        if refusal is None:
            raise
    if refusal is not None and not started:
        await _refuse(refusal, scope, receive, send)


async def _refuse(exc: StoreError, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer with the error and close the connection: the rest of the body is not read."""
    response = store_error_response(exc)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


def _too_large(limit: int) -> str:
    return f"the request body is larger than {limit:,} bytes; send less per request"


def _too_slow(rules: BodyRules) -> str:
    return (
        f"the request body stopped arriving for {rules.idle_seconds:g} s or took longer than "
        f"{rules.body_seconds:g} s; send it again"
    )
