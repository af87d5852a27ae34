"""``planbook goals`` and ``planbook scenario`` on the demo store: scenarios side by side,
what-ifs, formats, and bad input named with exit 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from planbook.goals import goal_attainment
from tests.planbook.cli.run import run


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("engine") / "planbook.db")
    run("demo", "--db", db)
    return db


def test_goals_side_by_side_differ_per_scenario(db):
    out = run("goals", "--db", db, "--scenario", "base,conservative,aggressive", "--format", "json")
    rows = json.loads(out)["rows"]
    finals = [r for r in rows if r["checkpoint"] == "goal"]
    by_goal: dict[str, list[float]] = {}
    for row in finals:
        by_goal.setdefault(row["goal"], []).append(row["projected"])
    planted = {"runway", "burn-multiple"}  # the alignment targets (docs/alignment.md)
    assert set(by_goal) == {"double-arr", "logo-churn", "acv", "ltv", "ltv-cac"} | planted
    assert all(len(set(values)) == 3 for values in by_goal.values())
    statuses = {(r["goal"], r["scenario"]): r["status"] for r in finals}
    assert statuses[("logo-churn", "conservative")] == "missed"
    assert statuses[("logo-churn", "base")] == "met"


def test_goals_table_shows_milestones_and_matches_the_core(db, demo):
    out = run("goals", "--db", db, "--scenario", "base,marketing-cut", "--goal", "double-arr")
    assert "milestone" in out and "marketing-cut" in out
    assert "18,180,856" in out and "18,859,596" in out
    core = goal_attainment(demo.plan, demo.facts, scenarios=["base"], goals=["double-arr"])
    assert f"{core['projected'].iloc[-1]:,.0f}" in out


def test_goals_bad_input_is_named(db):
    out = run("goals", "--db", db, "--scenario", "base,nope", code=1)
    assert "'nope'" in out
    assert "'missing'" in run("goals", "--db", db, "--goal", "missing", code=1)
    assert "--out" in run("goals", "--db", db, "--format", "xlsx", code=1)


def test_goals_xlsx(db, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "goals.xlsx"
    run("goals", "--db", db, "--format", "xlsx", "--out", path)
    ws = load_workbook(path).active
    assert ws is not None and "goal attainment" in str(ws.cell(1, 1).value)
    header = [c.value for c in ws[2]]
    assert header[:3] == ["goal", "scenario", "checkpoint"]
    target = ws.cell(3, header.index("target") + 1).value
    assert isinstance(target, int | float) and target > 0  # a number Excel can add up


def test_scenario_list_show_compare(db):
    listed = run("scenario", "list", "--db", db, "--format", "csv")
    assert "marketing-cut,Marketing programs -10%,what-if on base,1,0" in listed
    shown = run("scenario", "show", "conservative", "--db", db)
    assert "churn_rate" in shown and "0.003" in shown
    out = run(
        "scenario", "compare", "--db", db, "--scenario", "base,marketing-cut", "--format", "json"
    )
    rows = {r["line"]: r for r in json.loads(out)["rows"]}
    assert list(rows)[-1] == "Operating income"
    assert rows["Marketing programs"]["marketing-cut - base"] == "-367850"
    table = run("scenario", "compare", "--db", db)
    assert "Gross profit" in table and "KPIs at 2027-01" in table


def test_scenario_unknown_is_named(db):
    assert "'what'" in run("scenario", "show", "what", "--db", db, code=1)
    assert "'x'" in run("scenario", "compare", "--db", db, "--scenario", "base,x", code=1)


def test_unknown_filter_values_are_named_not_an_empty_table(db, tmp_path):
    out = run("consolidate", "--db", db, "--filter", "team=nope", code=1)
    assert "team 'nope' is not in plan 'cirrus'" in out
    out = run("pull", "--db", db, "--scenario", "base,nope", "--out", tmp_path / "f.csv", code=1)
    assert "scenario 'nope'" in out and not (tmp_path / "f.csv").exists()
    assert "Wrote" in run("pull", "--db", db, "--scenario", "base,aggressive", tmp_path / "g.csv")


def test_goals_progress_in_every_format(db):
    rows = json.loads(
        run("goals", "--db", db, "--progress", "--goal", "double-arr", "--format", "json")
    )["rows"]
    assert {r["checkpoint"] for r in rows} == {"month", "milestone", "goal"}
    april = next(r for r in rows if r["checkpoint"] == "milestone" and r["period"] == "2026-04")
    assert (april["target"], april["status"]) == (15_000_000, "missed")
    csv_out = run("goals", "--db", db, "--progress", "--as-of", "2026-03", "--format", "csv")
    assert csv_out.splitlines()[0].startswith("goal,metric,direction,checkpoint,period,target")
    table = run("goals", "--db", db, "--progress", "--goal", "double-arr")
    assert "progress to goals" in table and "15,000,000" in table and "behind" in table


def test_goals_progress_names_a_bad_month(db):
    out = run("goals", "--db", db, "--progress", "--as-of", "2031-13", code=1)
    assert "'2031-13' is not a month of the plan" in out


def test_tables_written_to_a_file_or_pipe_cut_no_figure(db):
    """Not in a terminal (a pipe, a file, a CI log), with no COLUMNS set, a table prints at
    its own width: every figure whole and right-aligned, never ending in an ellipsis at the
    80 columns rich assumes there."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}

    def piped(*args: str) -> str:
        command = [sys.executable, "-m", "planbook", *args, "--db", db]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        return done.stdout

    goals = piped("goals", "--scenario", "base,conservative,aggressive")
    kpis = piped("kpis", "--period", "quarter")
    for out in (goals, kpis):
        assert "…" not in out
        assert max(len(line) for line in out.splitlines()) > 80
    assert "│ 15,000,000 │ 13,795,022 │ -1,204,978 │" in goals  # figures right-aligned
    assert "│ 13,795,022 │ 15,553,581 │ 17,152,207 │ 18,859,596 │" in kpis


def test_pull_names_the_headcount_lines_the_positions_do_not_give(db, tmp_path):
    """Sales EMEA's planted breach (its Account Executives paid 40% above their positions):
    the pulled workbook shows the positions, and the warning says which lines differ and by
    how much, so a lead knows what pushing it back changes."""
    out = run(
        "pull",
        tmp_path / "emea.xlsx",
        "--team",
        "sales-emea",
        "--version",
        "board-approved",
        "--db",
        db,
    )
    assert "the stored positions do not give the headcount lines sales-emea has" in out
    assert "salaries (Account Executive): 12 months, stored 616,882.00, from the positions" in out
    assert "440,630.00" in out and "pushing it back as it is replaces the stored ones" in out
    quiet = run(
        "pull",
        tmp_path / "na.xlsx",
        "--team",
        "sales-na",
        "--version",
        "board-approved",
        "--db",
        db,
    )
    assert "warning" not in quiet
