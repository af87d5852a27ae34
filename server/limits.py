"""A request body size limit, enforced before the body is read (413 with a JSON error)."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.store import TooLarge

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
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge(_message(limit), loc=("body",))
            return message

        await self.app(scope, counted, send)


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
