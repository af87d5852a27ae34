"""A real ``planbook serve`` over HTTPS (a self-signed certificate from
``planbook excel dev-cert``) with the Office.js add-in, in its own process group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server.live import SECRET, free_port

CLI = [sys.executable, "-c", "from planbook.cli.main import main; main()"]


def dev_cert(folder: Path) -> tuple[Path, Path]:
    """cert.pem and key.pem for localhost/127.0.0.1, made by the CLI itself."""
    subprocess.run([*CLI, "excel", "dev-cert", "--folder", str(folder)], check=True)
    return folder / "cert.pem", folder / "key.pem"


class HttpsServer:
    """``planbook serve --certfile --keyfile`` on a free port; :meth:`stop` ends it."""

    def __init__(self, db: str, folder: Path) -> None:
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        cert, key = dev_cert(folder)
        command = [*CLI, "serve", "--db", db, "--port", str(self.port)]
        command += ["--certfile", str(cert), "--keyfile", str(key)]
        env = os.environ | {"PLANBOOK_SECRET": SECRET, "PLANBOOK_DEV": "0"}
        env |= {"PLANBOOK_PLAN": "cirrus", "XLWINGS_LICENSE_KEY": "noncommercial"}
        self.log = folder / "serve.log"
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, env=env, stdout=out, stderr=out, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"planbook serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", verify=False, timeout=1).is_success:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("planbook serve did not answer over HTTPS within 60 s")

    def stop(self) -> None:
        """SIGTERM the server's process group, then SIGKILL if it lingers."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
