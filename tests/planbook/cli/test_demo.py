from typer.testing import CliRunner

from planbook.cli.main import app
from planbook.factfiles import read_facts
from planbook.planfile import load_plan
from planbook.validation import validate_facts

runner = CliRunner()


def test_demo_writes_the_company_and_prints_the_summary(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(
        app, ["demo", "--out", str(out), "--db", str(tmp_path / "pb.db")], terminal_width=120
    )
    assert result.exit_code == 0, result.output
    for name in (
        "Sales",
        "Marketing",
        "Customer Success",
        "Research & Development",
        "General & Administrative",
        "Company",
        "Request",
        "Envelope",
    ):
        assert name in result.output
    plan = load_plan(out / "plan.yaml")
    facts = read_facts(out / "facts.parquet")
    assert validate_facts(plan, facts) == []
    assert (out / "positions.csv").read_text().startswith("scenario,team,position,role")


def test_demo_csv_and_sizes(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(
        app,
        [
            "demo",
            "--out",
            str(out),
            "--db",
            str(tmp_path / "pb.db"),
            "--format",
            "csv",
            "--teams",
            "20",
            "--months",
            "24",
            "--accounts",
            "50",
        ],
    )
    assert result.exit_code == 0, result.output
    plan = load_plan(out / "plan.yaml")
    assert (len(plan.teams), plan.months, len(plan.accounts)) == (20, 24, 50)
    assert validate_facts(plan, read_facts(out / "facts.csv")) == []


def test_demo_refuses_bad_options_without_a_traceback(tmp_path):
    db = ["--db", str(tmp_path / "pb.db")]
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--months", "40", *db])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--start", "2026-13", *db])
    assert result.exit_code == 1
    assert "YYYY-MM" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--format", "xlsx", *db])
    assert result.exit_code == 1 and "parquet or csv" in result.output
