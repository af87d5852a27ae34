"""``planbook template`` writes team and company workbooks the reader reads back."""

from __future__ import annotations

from typer.testing import CliRunner

from addin.reader import read_company_workbook, read_team_workbook
from planbook.cli.main import app
from planbook.factfiles import write_facts
from planbook.facts import normalize
from planbook.planfile import dump_plan

runner = CliRunner()


def test_template_team_from_demo(tmp_path):
    out = tmp_path / "sales.xlsx"
    result = runner.invoke(
        app, ["template", "team", "--demo", "--team", "sales-na", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "sales.xlsx" in result.output and out.is_file()


def test_template_team_prefilled_round_trips(tmp_path, demo):
    plan_file = tmp_path / "plan.yaml"
    dump_plan(demo.plan, plan_file)
    write_facts(demo.facts, tmp_path / "facts.parquet")
    demo.positions.to_csv(tmp_path / "positions.csv", index=False)
    out = tmp_path / "t.xlsx"
    result = runner.invoke(
        app,
        [
            "template",
            "team",
            "--plan",
            str(plan_file),
            "--team",
            "finance",
            "--version",
            "7",
            "--facts",
            str(tmp_path / "facts.parquet"),
            "--positions",
            str(tmp_path / "positions.csv"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    read = read_team_workbook(out, demo.plan, team="finance")
    facts = demo.facts
    expected = normalize(facts[(facts["team"] == "finance") & (facts["scenario"] == "base")])
    assert read.base_version == 7
    assert (
        read.facts.astype(str)
        .reset_index(drop=True)
        .equals(expected.astype(str).reset_index(drop=True))
    )


def test_template_all_teams_into_a_folder(tmp_path, demo):
    result = runner.invoke(
        app, ["template", "team", "--demo", "--all-teams", "--out", str(tmp_path / "all")]
    )
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "all").glob("team-*.xlsx"))) == len(demo.plan.teams)


def test_template_company(tmp_path, demo):
    out = tmp_path / "company.xlsx"
    result = runner.invoke(app, ["template", "company", "--demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert read_company_workbook(out).plan == demo.plan


def test_template_unknown_team_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["template", "team", "--demo", "--team", "nope"])
    assert result.exit_code == 1
    assert "unknown team 'nope'" in result.output


def test_template_without_a_plan_is_a_clear_error():
    result = runner.invoke(app, ["template", "company"])
    assert result.exit_code == 1
    assert "--plan" in result.output


def test_validate_reports_a_filled_workbook_by_cell(tmp_path, demo):
    import openpyxl

    plan_file = tmp_path / "plan.yaml"
    dump_plan(demo.plan, plan_file)
    out = tmp_path / "t.xlsx"
    assert (
        runner.invoke(
            app, ["template", "team", "--demo", "--team", "sales-na", "--out", str(out)]
        ).exit_code
        == 0
    )
    ok = runner.invoke(app, ["validate", str(plan_file), str(out)])
    assert ok.exit_code == 0, ok.output
    assert "budget of team sales-na (base), based on a plan file: 0 facts" in _flat(ok.output)
    wb = openpyxl.load_workbook(out)
    wb["Budget"]["A5"] = "travel"
    wb["Budget"]["D5"] = "12k"
    wb.save(out)
    bad = runner.invoke(app, ["validate", str(plan_file), str(out)])
    assert bad.exit_code == 1
    assert 'Budget!D5: "12k" is not a number; enter an amount in plan currency.' in _flat(
        bad.output
    )


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_template_with_a_version_that_is_not_a_number():
    result = runner.invoke(app, ["template", "company", "--demo", "--version", "v3"])
    assert result.exit_code == 1
    assert "'v3' is not a version number" in result.output
