"""Finding 2: a request body is authenticated, bounded and timed before any route reads it.

A real ``planbook serve`` (uvicorn) on 127.0.0.1. Each request announces a 100 MB body and
sends none of it (or a few bytes): an answer that arrives at all proves the service did not
wait for the body, and ``Connection: close`` that it will not read the rest.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.live import SECRET, LiveServer

BIG = 100_000_000
IDLE = 2
BODY_ROUTES = [
    ("POST", "/api/v1/plans/cirrus/versions"),
    ("POST", "/api/v1/plans/cirrus/versions/facts?base=1"),
    ("POST", "/api/v1/import"),
    ("POST", "/api/v1/tokens"),
    ("POST", "/api/v1/plans/cirrus/teams/sales-na/status"),
    ("PUT", "/api/v1/plans/cirrus/tags/board"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    """A live service that counts bodies over 1 KiB as large, takes one at a time and drops
    a body that stalls for 2 s; and a viewer's token."""
    folder: Path = tmp_path_factory.mktemp("gate")
    env = {
        "PLANBOOK_LARGE_BODY_BYTES": "1024",
        "PLANBOOK_MAX_LARGE_BODIES": "1",
        "PLANBOOK_BODY_IDLE_SECONDS": str(IDLE),
    }
    live = LiveServer(f"sqlite:///{folder / 'gate.db'}", log=folder / "server.log", env=env)
    live.start()
    admin = {"Authorization": f"Bearer {SECRET}"}
    created = httpx.post(
        f"{live.url}/api/v1/tokens", json={"name": "vic", "role": "viewer"}, headers=admin
    )
    try:
        yield live, created.json()["secret"]
    finally:
        live.stop()


def _open(server: LiveServer, method: str, path: str, token: str | None) -> socket.socket:
    """Send a request's headers announcing a 100 MB body, and no body."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=IDLE * 5)
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"]
    head += [f"Content-Length: {BIG}", "Content-Type: application/json"]
    if token is not None:
        head.append(f"Authorization: Bearer {token}")
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    return sock


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], dict[str, object]]:
    """Status, headers and JSON body of the answer (the server closes the connection)."""
    data = b""
    with sock:
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    pairs = (line.split(": ", 1) for line in lines[1:])
    headers = {name.lower(): value for name, value in pairs}
    return int(lines[0].split()[1]), headers, json.loads(body)


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
@pytest.mark.parametrize("token", [None, "pb_not-a-token"])
def test_unauthenticated_body_is_refused_401_without_being_read(server, method, path, token):
    status, headers, body = _answer(_open(server[0], method, path, token))
    assert status == 401 and headers["connection"] == "close"
    assert body["kind"] == "NotAuthenticated" and headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_a_viewers_body_is_refused_403_without_being_read(server, method, path):
    live, viewer = server
    status, headers, body = _answer(_open(live, method, path, viewer))
    assert status == 403 and headers["connection"] == "close", body
    assert body["kind"] == "AccessDenied" and "viewer" in str(body["errors"])


def test_a_body_over_the_limit_is_refused_413_from_its_length(server):
    live, _ = server
    huge = socket.create_connection(("127.0.0.1", live.port), timeout=IDLE * 5)
    huge.sendall(
        b"POST /api/v1/plans/cirrus/versions HTTP/1.1\r\nHost: x\r\n"
        b"Content-Length: 999999999999\r\nAuthorization: Bearer " + SECRET.encode() + b"\r\n\r\n"
    )
    status, headers, body = _answer(huge)
    assert status == 413 and headers["connection"] == "close"
    assert "larger than" in str(body["errors"])


def test_a_second_large_body_gets_503_and_a_stalled_one_408(server):
    """One large body at a time: of two sent at once one gets 503 with Retry-After at once;
    the other, which never arrives, is dropped with 408 after the idle timeout."""
    live, _ = server
    path = "/api/v1/plans/cirrus/versions/facts?base=1"
    first, second = (_open(live, "POST", path, SECRET) for _ in range(2))
    answers = sorted([_answer(first), _answer(second)], key=lambda a: a[0])
    (stalled, _, slow), (busy, headers, refused) = answers
    assert (stalled, busy) == (408, 503), answers
    assert headers["retry-after"] == "1" and refused["kind"] == "ServiceBusy"
    assert slow["kind"] == "TooSlow" and "stopped arriving" in str(slow["errors"])
    # the slot is free again: a small authenticated push is served normally
    answer = httpx.post(
        f"{live.url}/api/v1/plans/cirrus/versions",
        json={"base": None, "facts": None},
        headers={"Authorization": f"Bearer {SECRET}"},
    )
    assert answer.status_code in (404, 422), answer.text
