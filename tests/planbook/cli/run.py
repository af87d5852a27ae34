"""Running the ``planbook`` command in-process, as the CLI tests do."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from planbook.cli.main import app

runner = CliRunner(env={"COLUMNS": "250"})
"""Wide enough that tables are read whole."""


def run(*args: str | Path, code: int = 0) -> str:
    """The command's output, after checking it exited with ``code`` (a bug keeps its
    traceback: exceptions are not caught)."""
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output
