"""LibreOffice as a real spreadsheet engine: recalculate a workbook, or print it to PDF.

Each call runs ``soffice --headless`` with its own throw-away user profile, so parallel runs
never share (or lock) one.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from planbook.errors import PlanbookError

TIMEOUT_SECONDS = 180


def soffice() -> str:
    """The ``soffice`` executable, or a clear error saying how to install it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise PlanbookError(
            "LibreOffice is not installed; install it with "
            "apt-get install libreoffice-calc-nogui (scripts/setup does, as root)"
        )
    return found


def convert(source: Path, outdir: Path, target: str) -> Path:
    """Open ``source`` in LibreOffice (which recalculates every formula) and save it into
    ``outdir`` as ``target`` (``xlsx`` or ``pdf``); returns the new file."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="planbook-lo-") as profile:
        command = [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--calc",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    result = outdir / f"{source.stem}.{target.split(':')[0]}"
    if done.returncode != 0 or not result.is_file():
        raise PlanbookError(
            f"LibreOffice could not convert {source.name} to {target}: "
            f"{done.stderr.strip() or done.stdout.strip()}"
        )
    return result
