from pathlib import Path

import pytest
from typer.testing import CliRunner

from planbook.cli.main import app
from planbook.factfiles import write_facts

runner = CliRunner()


@pytest.fixture
def plan_file(demo, tmp_path) -> Path:
    from planbook.planfile import dump_plan

    return dump_plan(demo.plan, tmp_path / "plan.yaml")


def test_valid_plan_and_facts(demo, plan_file, tmp_path):
    facts = write_facts(demo.facts, tmp_path / "facts.csv")
    result = runner.invoke(app, ["validate", str(plan_file), str(facts)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output and f"{len(demo.facts):,} facts read" in result.output


def test_bad_facts_list_every_problem(plan_file, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "scenario,team,account,line,period,amount\n"
        "base,sales-apac,travel,,2026-03,10\n"
        "base,sales-na,travel,,2028-01,10\n"
    )
    result = runner.invoke(app, ["validate", str(plan_file), str(bad)])
    assert result.exit_code == 1
    assert "2 problems" in result.output
    assert "bad.csv, row 1, team: unknown team 'sales-apac'" in result.output
    assert "bad.csv, row 2, period: 2028-01 is outside" in result.output
    assert "Traceback" not in result.output


def test_bad_plan_file(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("id: x\nname: X\nstart: 2026-02\nteams: [{id: a, name: A, department: d}]\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "teams[0].department: team 'a' is in department 'd'" in result.output


def test_unreadable_facts(plan_file, tmp_path):
    result = runner.invoke(app, ["validate", str(plan_file), str(tmp_path / "nope.parquet")])
    assert result.exit_code == 1 and "no such file" in result.output
