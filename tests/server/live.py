"""A real ``planbook serve`` (uvicorn) on 127.0.0.1, in its own process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SECRET = "test-secret-" + "x" * 24


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``planbook serve --db URL --workers N`` on a free port; stop() or kill() it."""

    def __init__(
        self,
        db_url: str,
        *,
        workers: int = 1,
        log: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.db_url = db_url
        self.env = env or {}
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> LiveServer:
        env = os.environ | {"PLANBOOK_SECRET": SECRET, "PLANBOOK_DEV": "0"} | self.env
        command = [sys.executable, "-c", "from planbook.cli.main import main; main()"]
        command += ["serve", "--db", self.db_url, "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        if self.log:
            with self.log.open("ab") as out:
                self.process = subprocess.Popen(
                    command, env=env, stdout=out, stderr=out, start_new_session=True
                )
        else:
            self.process = subprocess.Popen(
                command,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"planbook serve exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("planbook serve did not answer within 60 s")

    def kill(self) -> None:
        """SIGKILL the server and its workers (the whole process group)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), then make sure."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
