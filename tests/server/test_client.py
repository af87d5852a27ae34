"""The client's retries and error mapping (a mock transport stands in for a busy server)."""

from __future__ import annotations

import httpx
import pytest

from planbook.errors import PlanValidationError
from server.client import Client
from server.store import AccessDenied, StoreUnavailable


def _client(responses: list[httpx.Response], seen: list[httpx.Request]) -> Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses.pop(0)

    return Client(
        "http://planbook.test", token="t", backoff=0.001, transport=httpx.MockTransport(handler)
    )


def test_retries_on_503_then_succeeds():
    seen: list[httpx.Request] = []
    busy = httpx.Response(503, json={"errors": [{"loc": [], "msg": "busy"}]})
    with _client([busy, busy, httpx.Response(200, json=["cirrus"])], seen) as client:
        assert client.plans() == ["cirrus"]
    assert len(seen) == 3 and seen[0].headers["authorization"] == "Bearer t"


def test_gives_up_after_the_last_retry():
    seen: list[httpx.Request] = []
    busy = [httpx.Response(503, json={"errors": [{"loc": [], "msg": "busy"}]})] * 6
    with _client(list(busy), seen) as client, pytest.raises(StoreUnavailable, match="busy"):
        client.plans()
    assert len(seen) == 6


def test_4xx_become_the_store_errors_with_the_server_message():
    seen: list[httpx.Request] = []
    denied = httpx.Response(403, json={"errors": [{"loc": ["team"], "msg": "not yours"}]})
    problems = httpx.Response(
        422,
        json={"errors": [{"loc": ["facts", "row 1", "team"], "msg": "unknown"}] * 2},
    )
    with _client([denied, problems], seen) as client:
        with pytest.raises(AccessDenied, match="not yours"):
            client.plans()
        with pytest.raises(PlanValidationError) as caught:
            client.plans()
    assert len(caught.value.problems) == 2 and len(seen) == 2
