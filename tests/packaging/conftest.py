"""The wheel, and the documented installs tried in fresh virtualenvs (installs.py).

Both are slow but need nothing from the rest of the suite, which runs on one core; so when
a selected test uses them they start in the background as soon as collection ends, one step
at a time, on the core the suite leaves idle, and the fixtures wait for their results. The
wheel is built from a copy of the files git would commit (tracked and new, not ignored), so
a stale ``build/`` or ``*.egg-info`` in a developer's tree cannot leak into it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.installs import UV, clean, environment, probe_all

ROOT = Path(__file__).resolve().parents[2]


class Background:
    """The wheel and the probes, built and run by one worker thread that only waits on
    child processes (it holds no lock the tests need); :meth:`stop` ends it early."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="planbook-packaging-"))
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="packaging")
        self._lock = threading.Lock()
        self._child: subprocess.Popen[str] | None = None
        self._stopped = False
        self.wheel: Future[Path] = self._pool.submit(self._build_wheel)
        self.probes: Future[dict[str, Any]] = self._pool.submit(self._probe)
        self._pool.submit(clean, self.folder / "probes", self.run)

    def run(self, argv: list[str], cwd: Path, pycache: Path | None = None) -> str:
        """Run a command to its end and return what it printed; raise if it fails."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("stopped")
            self._child = subprocess.Popen(
                argv,
                cwd=cwd,
                env=environment(pycache),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        out, err = self._child.communicate()
        if self._child.returncode:
            raise subprocess.CalledProcessError(self._child.returncode, argv, out, err)
        return out

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._child is not None and self._child.poll() is None:
                self._child.kill()
        self._pool.shutdown(cancel_futures=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _build_wheel(self) -> Path:
        source, out = self.folder / "source", self.folder / "dist"
        listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
        listed = self.run(listing, ROOT)
        for name in filter(None, listed.split("\0")):
            if (ROOT / name).is_file():  # a file deleted in the work tree is still listed
                (source / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, source / name)
        build = [UV, "build", "--wheel", "--no-build-isolation", "--python", sys.executable]
        self.run([*build, "--quiet", "--out-dir", str(out), str(source)], ROOT)
        (wheel,) = out.glob("*.whl")
        return wheel

    def _probe(self) -> dict[str, Any]:
        probes = self.folder / "probes"
        probes.mkdir()
        return probe_all(self.wheel.result(), probes, self.run)


_background: Background | None = None


def pytest_collection_finish(session: pytest.Session) -> None:
    global _background
    wanted = any({"wheel", "probed"} & set(getattr(i, "fixturenames", ())) for i in session.items)
    if wanted and _background is None and not session.config.option.collectonly:
        _background = Background()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _background is not None:
        _background.stop()


def _started() -> Background:
    assert _background is not None, "started when collection ends"
    return _background


def _result(future: Future[Any]) -> Any:
    try:
        return future.result()
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"{exc.cmd}: exit {exc.returncode}\n{exc.stderr[-3000:]}")


@pytest.fixture(scope="session")
def wheel() -> Path:
    """The built wheel."""
    return _result(_started().wheel)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def probed() -> dict[str, Any]:
    """Every documented install's checks: install -> one result per check (or why not)."""
    return _result(_started().probes)  # type: ignore[no-any-return]
