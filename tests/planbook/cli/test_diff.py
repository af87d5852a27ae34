"""``planbook diff`` on the demo store: the story between the first drafts and the
board-approved budget, every format, filters, and bad input."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from planbook.cli.main import app
from planbook.diff import PCT_COLUMNS
from tests.planbook.cli.run import run, runner


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "planbook.db"
    run("demo", "--db", str(db), "--out", str(folder / "files"))
    return str(db)


def _first_drafts(db: str) -> str:
    """The version after the last first draft (every team has pushed once)."""
    report = json.loads(run("diff", "1", "board-approved", "--format", "json", "--db", db))
    drafts = [v["number"] for v in report["history"] if "first draft" in v["message"]]
    return str(max(drafts))


def test_diff_first_drafts_to_board_approved_tells_the_story(db):
    first = _first_drafts(db)
    report = json.loads(run("diff", first, "board-approved", "--format", "json", "--db", db))
    summary = report["summary"]
    assert summary["compared_parts"] == ["team:sales-na"]
    assert "team:finance" in summary["skipped_parts"] and summary["skipped_rows"] > 5000
    lines = report["lines"]
    assert (
        len(lines)
        == report["lines_total"]
        == summary["removed"] + summary["changed"] + (summary["added"])
    )
    assert {line["team"] for line in lines} == {"sales-na"}
    assert summary["removed"] > 0 and all(
        Decimal(line["delta"]) < 0 for line in lines if line["change"] == "removed"
    )
    (who,) = report["history"]
    assert "off-site removed" in who["message"] and who["changed"] == ["team:sales-na"]
    assert {"returned", "approved"} <= {s["status"] for s in report["statuses"]}
    (returned,) = [s for s in report["statuses"] if s["status"] == "returned"]
    assert returned["part"] == "team:sales-na"
    assert returned["comment"].startswith("The off-site puts you over")
    steps = report["bridge"]["steps"]
    assert [s["step"] for s in steps] == ["start", "sales", "end"]
    start, sales, end = (Decimal(s["amount"]) for s in steps)
    assert start + sales == end and sales > 0  # costs came out: operating income rose
    base_sales = [r for r in report["rollups"]["department"] if r["scenario"] == "base"]
    assert base_sales == [{"scenario": "base", "department": "sales", "delta": str(sales)}]


def test_diff_table_shows_every_section(db):
    out = run("diff", _first_drafts(db), "board-approved", "--by", "team", "--db", db)
    for heading in (
        "removed lines",
        "Changed lines: totals",
        "Change in operating income by team",
        "Bridge of operating income (base, USD) by department",
        "Changed lines, largest first",
        "Who changed what",
        "off-site removed",
        "Status changes",
    ):
        assert heading in out, heading


def test_diff_csv_lists_every_changed_line(db):
    out = run("diff", "2", "latest", "--format", "csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == PCT_COLUMNS
    report = json.loads(run("diff", "2", "latest", "--format", "json", "--db", db))
    assert len(rows) == report["lines_total"]


def test_diff_filters_and_threshold(db):
    def summary(*options: str) -> dict:
        out = run("diff", "2", "board-approved", "--format", "json", "--db", db, *options)
        return json.loads(out)

    everything = summary()
    finance = summary("--team", "finance", "--bridge-by", "none")
    assert {line["team"] for line in finance["lines"]} == {"finance"}
    assert finance["bridge"] is None
    sales = summary("--department", "sales", "--scenario", "base", "--account", "travel,rent")
    assert {(x["scenario"], x["account"]) for x in sales["lines"]} <= {
        ("base", "travel"),
        ("base", "rent"),
    }
    assert {x["team"] for x in sales["lines"]} <= {"sales-na", "sales-emea", "sales-dev"}
    big = summary("--threshold", "100000")
    assert all(abs(Decimal(x["delta"])) >= 100000 for x in big["lines"])
    for same in ("bridge", "rollups", "totals"):  # the threshold hides lines, not amounts
        assert big[same] == everything[same], same
    assert big["summary"]["below_threshold"] == everything["lines_total"] - big["lines_total"] > 0
    march = summary("--period", "2026-03")
    assert {x["period"] for x in march["lines"]} == {"2026-03"}


def test_diff_of_a_version_with_itself_is_empty(db):
    report = json.loads(run("diff", "latest", "latest", "--format", "json", "--db", db))
    assert report["lines"] == [] and report["summary"]["compared_parts"] == []
    assert report["history"] == [] and report["definitions"] == []
    assert report["statuses"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2", "99"], "no version 99"),
        (["no-such-tag", "latest"], "'no-such-tag'"),
        (["2", "latest", "--team", "nobody"], "no team 'nobody'"),
        (["2", "latest", "--department", "nowhere"], "no department 'nowhere'"),
        (["2", "latest", "--account", "salarys"], "no account 'salarys'"),
        (["2", "latest", "--period", "1999-01"], "no period '1999-01'"),
        (["2", "latest", "--threshold", "lots"], "'lots' is not a number"),
        (["2", "latest", "--format", "xml"], "--format must be one of"),
        (["2", "latest", "--bridge-by", "colour"], "--bridge-by must be one of"),
    ],
)
def test_diff_bad_input_names_what_is_wrong(db, args, message):
    result = runner.invoke(app, ["diff", *args, "--db", db], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output


def test_diff_without_a_store_says_so(tmp_path: Path):
    result = runner.invoke(app, ["diff", "1", "2", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_diff_xlsx_is_the_report_a_cfo_forwards(db, tmp_path):
    """The demo's story in the Excel report, with its figures; LibreOffice opens it."""
    from openpyxl import load_workbook

    from addin.libreoffice import convert

    out = tmp_path / "diff.xlsx"
    printed = run(
        "diff", "first-drafts", "board-approved", "--format", "xlsx", "-o", out, "--db", db
    )
    assert str(out) in printed.replace("\n", "")
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", "Changed lines", "By team", "Definitions", "Who"]
    summary = book["Summary"]
    cells = {c.value: c for row in summary.iter_rows() for c in row if c.value is not None}
    start = cells["start"].row
    bridge = [
        [_exact(summary.cell(r, c).value) for c in range(1, 6)] for r in range(start, start + 3)
    ]
    assert bridge == [
        ["start", Decimal("-15159020.3"), 0, 0, Decimal("-15159020.3")],
        ["sales", Decimal("110700"), Decimal("-15048320.3"), 0, Decimal("-110700")],
        ["end", Decimal("-15048320.3"), 0, 0, Decimal("-15048320.3")],
    ]
    (chart,) = summary._charts
    assert chart.grouping == "stacked" and chart.series[0].graphicalProperties.noFill
    lines = book["Changed lines"]
    rows = list(lines.iter_rows(min_row=5, values_only=True))
    assert len(rows) == 12
    assert {(r[1], r[3], r[5]) for r in rows} == {("sales-na", "team off-site (draft)", "removed")}
    assert sum(_exact(r[8]) for r in rows) == Decimal("-110700")
    assert len(lines.conditional_formatting) == 1  # green above 0, red below, on the deltas
    pivot = list(book["By team"].iter_rows(min_row=4, values_only=True))
    assert pivot[0][:3] == ("scenario", "department", "team") and len(pivot) == 2
    assert (
        pivot[1][:3] == ("base", "sales", "sales-na") and sum(map(_exact, pivot[1][3:])) == 110700
    )
    who = [c for row in book["Who"].iter_rows(values_only=True) for c in row if c]
    assert "Sales North America: off-site removed" in who and "returned" in who
    assert any(str(c).startswith("The off-site puts you over") for c in who)
    assert convert(out, tmp_path / "pdf", "pdf").stat().st_size > 0


def _exact(value):
    """A number read back from a workbook (a float) as the decimal it was written as."""
    return Decimal(str(value)) if isinstance(value, int | float) else value


def test_diff_xlsx_needs_out(db):
    output = run("diff", "1", "2", "--format", "xlsx", "--db", db, code=1)
    assert "--out FILE" in output
