"""``planbook diff`` on the demo store: the story between the first drafts and the
board-approved budget, every format, filters, and bad input."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

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


D = Decimal
STORY_BY_TEAM = {  # the change in base operating income (costs out: up)
    "demand-gen": D("223400"),  # programs cut by a tenth to fit the envelope
    "sales-na": D("45065.92"),  # two Account Executives start two months later
    "platform-eng": D("-60181.7"),  # a Software Engineer added from November
    "people-ops": D("38400"),  # the people analytics suite dropped, 3,200 a month
}
STORY_BRIDGE = [  # operating income, base, by department
    ("start", D("-15295004.52")),
    ("ga", D("38400")),
    ("marketing", D("223400")),
    ("rnd", D("-60181.7")),
    ("sales", D("45065.92")),
    ("end", D("-15048320.3")),
]


def test_diff_first_drafts_to_board_approved_tells_the_story(db):
    """The planning round in figures (docs/diff.md tells it): finance returns Demand
    Generation over its envelope and it cuts its programs by a tenth; finance returns Sales
    North America and two Account Executive hires start two months later; finance raises
    Platform Engineering's envelope and the team adds an engineer; People Operations drops
    a tools line; finance approves every team."""
    assert _first_drafts(db) == str(run_json(db, "1", "first-drafts")["to"]["number"])
    report = run_json(db, "first-drafts", "board-approved")
    summary = report["summary"]
    assert summary["compared_parts"] == [
        "company",
        "positions:platform-eng",
        "positions:sales-na",
        "team:demand-gen",
        "team:people-ops",
        "team:platform-eng",
        "team:sales-na",
    ]
    assert len(summary["skipped_parts"]) == 18 and summary["skipped_rows"] > 5000
    by_team = {r["team"]: D(r["delta"]) for r in report["rollups"]["team"]}
    assert by_team == STORY_BY_TEAM
    lines = report["lines"]
    assert len(lines) == report["lines_total"] == 154

    def of(team, account=None):
        return [x for x in lines if x["team"] == team and account in (None, x["account"])]

    # Demand Generation: each of its 7 programs, every month, about 10% lower
    programs = of("demand-gen")
    assert len(programs) == 7 * 12 and {x["change"] for x in programs} == {"changed"}
    assert all(-10.75 < x["pct"] < -9.25 for x in programs)
    # Sales North America: two people on the payroll two months less each
    assert sum(D(x["delta"]) for x in of("sales-na", "headcount")) == -4
    assert sorted((x["period"], x["change"]) for x in of("sales-na", "hires")) == [
        ("2026-06", "removed"),  # the first hire, drafted for June, starts in August
        ("2026-10", "added"),  # the second, drafted for August, starts in October
    ]
    # Platform Engineering: one Software Engineer from 2026-11, within the raised envelope
    assert [(x["period"], x["delta"]) for x in of("platform-eng", "headcount")] == [
        ("2026-11", "1"),
        ("2026-12", "1"),
        ("2027-01", "1"),
    ]
    (envelope,) = report["definitions"]
    assert (envelope["kind"], envelope["id"]) == ("envelope", "platform-eng/base")
    raised = sum(D(f["new"]) - D(f["old"]) for f in envelope["fields"])
    assert raised == 62000 >= -STORY_BY_TEAM["platform-eng"]
    # People Operations: the suite's 12 months removed
    tools = of("people-ops")
    assert {(x["line"], x["change"], x["old"]) for x in tools} == {
        ("people analytics suite", "removed", "3200")
    } and len(tools) == 12
    # The bridge of operating income adds up from the first drafts to the approved budget
    steps = [(s["step"], D(s["amount"])) for s in report["bridge"]["steps"]]
    assert steps == STORY_BRIDGE
    assert steps[0][1] + sum(a for _, a in steps[1:-1]) == steps[-1][1]
    # Who: the two returns with finance's reasons, the revisions, the approvals
    who = [(v["author"].split("@")[0], v["message"]) for v in report["history"]]
    assert who == [
        ("elena.park", "Demand Generation: programs cut by 10% to fit the envelope"),
        (
            "marcus.hale",
            "Sales North America: Account Executive starts moved to 2026-08 and 2026-10",
        ),
        (
            "finance",
            "Envelopes: Platform Engineering raised by 62,000 for a Software Engineer from 2026-11",
        ),
        ("owen.fischer", "Platform Engineering: Software Engineer added from 2026-11"),
        (
            "sam.ortiz",
            "People Operations: people analytics suite dropped; tools trimmed to the seats in use",
        ),
    ]
    returned = {s["part"]: s["comment"] for s in report["statuses"] if s["status"] == "returned"}
    assert returned.keys() == {"team:demand-gen", "team:sales-na"}
    assert returned["team:demand-gen"].startswith("Your programs run about 10% over")
    approved = {s["part"] for s in report["statuses"] if s["status"] == "approved"}
    assert len(approved) == 12


def run_json(db: str, a: str, b: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(run("diff", a, b, "--format", "json", "--db", db))
    return report


def test_diff_table_shows_every_section(db):
    out = run("diff", _first_drafts(db), "board-approved", "--by", "team", "--db", db)
    for heading in (
        "removed lines",
        "Changed lines: totals",
        "Change in operating income by team",
        "Bridge of operating income (base, USD) by department",
        "Changed lines, largest first",
        "Who changed what",
        "programs cut by 10%",
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
    def summary(*options: str) -> dict[str, Any]:
        out = run("diff", "2", "board-approved", "--format", "json", "--db", db, *options)
        report: dict[str, Any] = json.loads(out)
        return report

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
        (summary.cell(r, 1).value, _exact(summary.cell(r, 2).value))
        for r in range(start, start + len(STORY_BRIDGE))
    ]
    assert bridge == STORY_BRIDGE
    (chart,) = summary._charts
    assert chart.grouping == "stacked" and chart.series[0].graphicalProperties.noFill
    lines = book["Changed lines"]
    rows = list(lines.iter_rows(min_row=5, values_only=True))
    assert len(rows) == 154
    assert sum(_exact(r[8]) for r in rows if r[2] not in ("headcount", "hires")) == D("-246684.22")
    assert rows[0][:6] == (
        "base",
        "platform-eng",
        "salaries",
        "Software Engineer",
        "2026-11",
        "changed",
    )
    assert len(lines.conditional_formatting) == 1  # green above 0, red below, on the deltas
    pivot = list(book["By team"].iter_rows(min_row=4, values_only=True))
    assert pivot[0][:3] == ("scenario", "department", "team") and len(pivot) == 5
    assert {r[2]: sum(map(_exact, r[3:])) for r in pivot[1:]} == STORY_BY_TEAM
    who = [c for row in book["Who"].iter_rows(values_only=True) for c in row if c]
    assert "Sales North America: Account Executive starts moved to 2026-08 and 2026-10" in who
    assert "returned" in who and any(str(c).startswith("Hire as the pipeline lands") for c in who)
    assert convert(out, tmp_path / "pdf", "pdf").stat().st_size > 0


def _exact(value):
    """A number read back from a workbook (a float) as the decimal it was written as."""
    return Decimal(str(value)) if isinstance(value, int | float) else value


def test_diff_xlsx_needs_out(db):
    output = run("diff", "1", "2", "--format", "xlsx", "--db", db, code=1)
    assert "--out FILE" in output


def test_board_approved_holds_the_demo_exactly(db):
    """The round ends where the demo's budgets are (what every other demo test reads),
    and the first drafts differ from them only in the story's four teams."""
    from planbook.demo import build_demo
    from planbook.diff import diff_facts
    from server.store.store import Store

    demo = build_demo()
    budgets = demo.facts[demo.facts["scenario"] != "actuals"]
    store = Store.open(db)
    try:
        approved = store.facts("cirrus", "board-approved")
        assert len(diff_facts(approved, budgets)) == 0
        assert store.plan("cirrus", "board-approved") == demo.plan
        drafts = diff_facts(budgets, store.facts("cirrus", "first-drafts"))
        assert set(drafts["team"].astype(str)) == set(STORY_BY_TEAM)
        assert len(diff_facts(store.facts("cirrus", "latest"), demo.facts)) == 0
    finally:
        store.close()
