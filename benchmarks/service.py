"""The service under a flood of large bodies: the resident memory of a real ``planbook serve``.

Ten clients at once each send a 100 MB body to the push routes of a real uvicorn on
127.0.0.1 (one worker, so the service is one process): first without a token, then with an
admin's token (a body that is not Parquet, so every admitted one ends in 422). The service's
resident set (``VmRSS``) is read before, and its peak (``VmHWM``, reset first) after.

Run: ``python -m benchmarks --only service`` (or ``python -m benchmarks.service``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

SECRET = "bench-secret-" + "z" * 24
CLIENTS = 10
BODY = 100_000_000
CHUNK = b"\0" * (1024 * 1024)


@dataclass(frozen=True)
class Flood:
    """One flood: the service's memory before and at its peak, and the answers."""

    name: str
    before_mib: float
    peak_mib: float
    answers: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class Service:
    """A running ``planbook serve``: its process and port."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(db: str, env: dict[str, str] | None = None) -> Iterator[Service]:
    """``planbook serve --db DB`` on a free port (one worker), stopped afterwards."""
    port = _free_port()
    command = [sys.executable, "-m", "planbook", "serve", "--db", db, "--port", str(port)]
    variables = os.environ | {"PLANBOOK_SECRET": SECRET, "PLANBOOK_DEV": "0"} | (env or {})
    process = subprocess.Popen(
        command, env=variables, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    service = Service(process, port)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("planbook serve did not start")
            try:
                if httpx.get(f"{service.url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield service
    finally:
        process.terminate()
        process.wait(timeout=30)


def _status_mib(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"/proc/{pid}/status has no {field}")


def _send(port: int, path: str, token: str | None, answers: list[str]) -> None:
    """Send one request with a ``BODY``-byte body; record the status line, or how the
    connection ended."""
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {BODY}"]
    head.append("Content-Type: application/vnd.apache.parquet")
    if token:
        head.append(f"Authorization: Bearer {token}")
    received = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:

        def read() -> None:
            try:
                while chunk := sock.recv(65536):
                    received.extend(chunk)
            except OSError:
                pass

        reader = threading.Thread(target=read)
        reader.start()
        try:
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
            for _ in range(BODY // len(CHUNK)):
                sock.sendall(CHUNK)
            sock.sendall(CHUNK[: BODY % len(CHUNK)])
        except OSError:
            pass  # the service closed the connection: the rest of the body was not wanted
        reader.join(timeout=120)
    status = bytes(received).split(b"\r\n", 1)[0].decode(errors="replace")
    answers.append(status.split(" ", 2)[1] if status.startswith("HTTP/") else "no answer")


def flood(service: Service, name: str, *, path: str, token: str | None) -> Flood:
    """``CLIENTS`` requests at once, each with a 100 MB body; the service's memory."""
    pid = service.process.pid
    before = _status_mib(pid, "VmRSS")
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    answers: list[str] = []
    start = time.perf_counter()
    threads = [
        threading.Thread(target=_send, args=(service.port, path, token, answers))
        for _ in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    peak = _status_mib(pid, "VmHWM")
    return Flood(name, before, peak, dict(Counter(answers)), seconds)


def run() -> list[Flood]:
    """Both floods against one fresh service (SQLite store, default limits)."""
    with tempfile.TemporaryDirectory(prefix="planbook-bench-") as folder:
        db = str(Path(folder) / "flood.db")
        with serving(db) as service:
            httpx.get(f"{service.url}/api/v1/plans", headers={"Authorization": "Bearer x"})
            path = "/api/v1/plans/cirrus/versions/facts?base=1"
            push = "/api/v1/plans/cirrus/versions"
            return [
                flood(service, "10 x 100 MB, no token", path=path, token=None),
                flood(service, "10 x 100 MB, wrong token", path=path, token="pb_wrong"),
                flood(service, "10 x 100 MB, admin token (not Parquet)", path=path, token=SECRET),
                flood(service, "10 x 100 MB JSON push, no token", path=push, token=None),
                flood(service, "10 x 100 MB JSON push, admin (not JSON)", path=push, token=SECRET),
            ]


def markdown(floods: list[Flood]) -> str:
    """The floods as a markdown table."""
    lines = [
        "| flood | service before | service peak | rise | answers | time |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for f in floods:
        answers = ", ".join(f"{n} x {status}" for status, n in sorted(f.answers.items()))
        lines.append(
            f"| {f.name} | {f.before_mib:,.0f} MiB | {f.peak_mib:,.0f} MiB | "
            f"{f.peak_mib - f.before_mib:,.0f} MiB | {answers} | {f.seconds:.1f} s |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the table."""
    print(markdown(run()), flush=True)


if __name__ == "__main__":
    main()
