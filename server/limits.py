"""A request body size limit, enforced before the body is read (413 with a JSON error)."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimit"]


class BodyLimit:
    """Refuse bodies over ``limit`` bytes (``import_limit`` for the store import route),
    by ``Content-Length`` up front and by counting for chunked uploads."""

    def __init__(self, app: ASGIApp, *, limit: int, import_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.import_limit = import_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.import_limit if scope["path"].endswith("/import") else self.limit
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send, limit)
            return
        await _counted(self.app, scope, receive, send, limit)


async def _counted(app: ASGIApp, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """Run the app, counting the body as it arrives (a chunked upload has no length). Past
    the limit the app is told the client left, its own answer is dropped, and the client
    gets the 413 instead: whatever the route does with a body cut short, never a 400."""
    seen, over, started = 0, False, False

    async def counted() -> Message:
        nonlocal seen, over
        if over:
            return {"type": "http.disconnect"}
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            over = True
            return {"type": "http.disconnect"}
        return message

    async def answer(message: Message) -> None:
        nonlocal started
        if over:
            return
        started = started or message["type"] == "http.response.start"
        await send(message)

    try:
        await app(scope, counted, answer)
    except Exception:
        if not over:
            raise
    if over and not started:
        await _too_large(send, limit)


def _message(limit: int) -> str:
    return f"the request body is larger than {limit:,} bytes; send less per request"


async def _too_large(send: Send, limit: int) -> None:
    body: dict[str, Any] = {"errors": [{"loc": ["body"], "msg": _message(limit)}]}
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})
