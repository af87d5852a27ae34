"""The CLI's one error decorator (planbook.cli.common.user_errors): a Planbook error, a bad
option among them (UsageError), is a message and exit 1 without a traceback; anything else,
a ValueError too, is a bug and goes up with its traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from planbook.cli.main import app
from planbook.factfiles import write_facts
from planbook.planfile import dump_plan

runner = CliRunner()


@pytest.fixture
def files(demo, tmp_path):
    return (
        str(dump_plan(demo.plan, tmp_path / "plan.yaml")),
        str(write_facts(demo.facts, tmp_path / "facts.parquet")),
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["consolidate", "{plan}", "{facts}", "--format", "xml"], "--format must be table, csv"),
        (["consolidate", "{plan}", "{facts}", "--filter", "team"], "--filter 'team' is not"),
        (["pull", "--db", "{db}"], "say where to write: planbook pull FILE"),
        (["pull", "out.txt", "--db", "{db}"], "out.txt: write facts as .csv, .parquet"),
        (["push", "--headcount", "keep", "--db", "{db}"], "--headcount applies to a team"),
        (["import", "no-such.backup", "--db", "{db}"], "no-such.backup: no such file"),
        (["demo", "--start", "2026-13", "--db", "{db}"], "start '2026-13' is not a month"),
    ],
)
def test_bad_option_is_a_usage_error_without_traceback(args, message, files, tmp_path):
    plan, facts = files
    db = str(tmp_path / "store.db")
    argv = [a.format(plan=plan, facts=facts, db=db) for a in args]
    result = runner.invoke(app, argv)
    assert result.exit_code == 1, result.output
    assert f"Error: {message}" in result.output
    assert isinstance(result.exception, SystemExit)  # typer.Exit(1), not an error
    assert "Traceback" not in result.output


def test_unexpected_value_error_in_a_command_goes_up_with_its_traceback(files, monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug, not a user error")

    monkeypatch.setattr("planbook.cli.consolidate.consolidate", broken)
    result = runner.invoke(app, ["consolidate", *files])
    assert isinstance(result.exception, ValueError)
    assert result.exception.__traceback__ is not None
    assert "Error:" not in result.output
