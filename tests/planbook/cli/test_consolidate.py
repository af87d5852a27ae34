import json

import pytest
from typer.testing import CliRunner

from planbook.cli.main import app
from planbook.facts import write_facts
from planbook.planfile import dump_plan

runner = CliRunner()


@pytest.fixture
def files(demo, tmp_path):
    return (
        str(dump_plan(demo.plan, tmp_path / "plan.yaml")),
        str(write_facts(demo.facts, tmp_path / "facts.parquet")),
    )


def test_table_by_department_and_quarter(files):
    result = runner.invoke(
        app, ["consolidate", *files, "--filter", "account_type=opex,cogs"], terminal_width=150
    )
    assert result.exit_code == 0, result.output
    for text in ("FY2027-Q1", "FY2027-Q4", "marketing", "rnd"):
        assert text in result.output


def test_csv_and_json(files):
    result = runner.invoke(
        app,
        [
            "consolidate",
            *files,
            "--by",
            "team",
            "--period",
            "year",
            "--filter",
            "account=headcount",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "team,FY2027" and len(lines) == 13
    result = runner.invoke(
        app,
        [
            "consolidate",
            *files,
            "--by",
            "pnl_line",
            "--signed",
            "--period",
            "total",
            "--format",
            "json",
        ],
    )
    records = json.loads(result.output)
    assert {r["pnl_line"] for r in records} >= {"Revenue", "Personnel"}
    assert all(r["period"] == "Total" for r in records)


def test_errors_are_messages(files):
    result = runner.invoke(app, ["consolidate", *files, "--by", "team"])
    assert result.exit_code == 1 and "mixes units" in result.output
    result = runner.invoke(app, ["consolidate", *files, "--by", "colour", "--period", "week"])
    assert result.exit_code == 1
    assert "cannot group by 'colour'" in result.output and "'week'" in result.output
    result = runner.invoke(app, ["consolidate", *files, "--filter", "team"])
    assert result.exit_code == 1 and "DIMENSION=VALUE" in result.output
    assert "Traceback" not in result.output
