import json

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


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("consolidate") / "planbook.db")
    result = runner.invoke(app, ["demo", "--db", path])
    assert result.exit_code == 0, result.output
    return path


def test_consolidate_from_a_stored_version_equals_the_files(db, tmp_path):
    args = ["--by", "pnl_line", "--signed", "--period", "year", "--format", "json"]
    stored = runner.invoke(app, ["consolidate", "--version", "board-approved", "--db", db, *args])
    assert stored.exit_code == 0, stored.output
    facts, plan = tmp_path / "facts.parquet", tmp_path / "plan.yaml"
    pulled = runner.invoke(
        app,
        ["pull", str(facts), "--version", "board-approved", "--plan-file", str(plan), "--db", db],
    )
    assert pulled.exit_code == 0, pulled.output
    from_files = runner.invoke(app, ["consolidate", str(plan), str(facts), *args])
    assert json.loads(stored.output) == json.loads(from_files.output)


def test_consolidate_scenarios_side_by_side(db):
    scenarios = ["--scenario", "base,conservative", "--scenario", "aggressive"]
    rest = ["--filter", "account_type=opex", "--period", "year", "--format", "csv"]
    result = runner.invoke(app, ["consolidate", "--db", db, *scenarios, *rest])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "scenario,department,FY2027"
    assert {line.split(",")[0] for line in lines[1:]} == {"base", "conservative", "aggressive"}


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--scenario", "conservative,upside"], "'upside'"),
        (["--filter", "team=nobody"], "team 'nobody' is not in plan"),
        (["--version", "999"], "999"),
        (["--plan", "globex"], "globex"),
    ],
)
def test_consolidate_from_the_store_bad_input_is_an_error(db, args, named):
    result = runner.invoke(app, ["consolidate", "--db", db, "--filter", "account=headcount", *args])
    assert result.exit_code == 1 and named in result.output, result.output


def test_consolidate_files_and_version_do_not_mix(files):
    result = runner.invoke(app, ["consolidate", files[0]])
    assert result.exit_code == 1 and "both PLAN_FILE and FACTS_FILE" in result.output
    result = runner.invoke(app, ["consolidate", *files, "--version", "3"])
    assert result.exit_code == 1 and "--version reads the store" in result.output


def test_consolidate_xlsx_keeps_exact_amounts_as_numbers(db, tmp_path):
    from decimal import Decimal

    from openpyxl import load_workbook

    path = tmp_path / "rollup.xlsx"
    args = ["--by", "department", "--period", "year", "--filter", "account_type=opex,cogs"]
    wrote = runner.invoke(
        app, ["consolidate", "--db", db, *args, "--format", "xlsx", "--out", str(path)]
    )
    assert wrote.exit_code == 0, wrote.output
    sheet = load_workbook(path).active
    assert sheet is not None and "by department and year" in str(sheet["A1"].value)
    csv = runner.invoke(app, ["consolidate", "--db", db, *args, "--format", "csv"]).output
    header, first = csv.splitlines()[:2]
    assert [c.value for c in sheet[2]] == header.split(",")
    assert sheet["A3"].value == first.split(",")[0]
    assert Decimal(str(sheet["B3"].value)) == Decimal(first.split(",")[1])
    refused = runner.invoke(app, ["consolidate", "--db", db, *args, "--format", "xlsx"])
    assert refused.exit_code == 1 and "--out FILE.xlsx" in refused.output


def test_rows_in_plan_order_with_a_total(db):
    """The P&L lines in P&L order (revenue first), departments as the plan lists them, and
    a total row: with --signed, the P&L lines add up to operating income."""
    args = ["consolidate", "--db", db, "--version", "board-approved", "--period", "year"]
    signed = runner.invoke(app, [*args, "--by", "pnl_line", "--signed"]).output
    lines = [line.split("│")[1].strip() for line in signed.splitlines() if line.startswith("│")]
    assert lines[0] == "Revenue" and lines[1] == "Cost of revenue" and lines[-1] == "Total"
    assert "-15,048,320.30" in signed.splitlines()[-2]  # operating income (docs/diff.md)
    csv = runner.invoke(app, [*args, "--filter", "account_type=opex,cogs", "--format", "csv"])
    departments = [row.split(",")[0] for row in csv.output.splitlines()[1:]]
    assert departments == ["sales", "marketing", "customer-success", "rnd", "ga"]  # no total
