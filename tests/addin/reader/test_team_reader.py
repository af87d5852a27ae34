"""A filled team workbook becomes facts and positions, or every problem with its cell."""

from __future__ import annotations

import openpyxl
import pytest

from addin.reader import read_team_workbook
from addin.templates import team_template
from addin.templates.files import save_workbook
from addin.templates.layout import BLANK_LINES
from planbook.errors import PlanValidationError
from planbook.facts import normalize


def _expected(demo, team, scenario="base"):
    facts = demo.facts
    return normalize(facts[(facts["team"] == team) & (facts["scenario"] == scenario)])


def _same(a, b):
    return a.reset_index(drop=True).astype(str).equals(b.reset_index(drop=True).astype(str))


def _problems(path, plan, **kwargs):
    with pytest.raises(PlanValidationError) as info:
        read_team_workbook(path, plan, **kwargs)
    return {p.where: p.msg for p in info.value.problems}


def _edit(path, edits):
    wb = openpyxl.load_workbook(path)
    for ref, value in edits.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = value
    wb.save(path)


@pytest.mark.parametrize("team", ["sales-na", "platform-eng", "finance"])
def test_read_team_workbook_round_trips_facts_exactly(tmp_path, demo, team):
    wb = team_template(demo.plan, team, facts=demo.facts, positions=demo.positions)
    path = save_workbook(wb, tmp_path / "t.xlsx")
    result = read_team_workbook(path, demo.plan, team=team)
    assert _same(result.facts, _expected(demo, team))
    positions = demo.positions
    mine = positions[(positions["team"] == team) & (positions["scenario"] == "base")]
    assert list(result.positions["position"]) == list(mine["position"])
    assert [str(s) for s in result.positions["annual_salary"]] == [
        str(s) for s in mine["annual_salary"]
    ]
    assert result.base_version is None


def test_read_team_workbook_records_base_version(filled, demo):
    result = read_team_workbook(filled, demo.plan)
    assert (result.team, result.scenario, result.base_version) == ("sales-na", "base", 3)


def test_read_blank_team_template_gives_no_facts(tmp_path, demo):
    path = save_workbook(team_template(demo.plan, "finance"), tmp_path / "b.xlsx")
    result = read_team_workbook(path, demo.plan)
    assert len(result.facts) == 0 and len(result.positions) == 0


STRAY = f"Budget!A{4 + BLANK_LINES + 10}"
"""A cell below the Budget sheet's input rows and their total."""


def test_read_team_workbook_reports_every_problem_with_its_cell(filled, demo):
    _edit(
        filled,
        {
            "Budget!E5": "12k",
            "Budget!F5": "1200",
            "Budget!A6": "sales-travel",
            "Budget!A8": "commissions",
            "Budget!G7": -5,
            "Budget!H7": 10.005,
            "Budget!D4": "2028-01",
            "Summary!C6": 1200,
            "Headcount!D10": "2028-03",
            "Headcount!E11": "lots",
            "Headcount!B12": None,
            STRAY: "stray",
        },
    )
    problems = _problems(filled, demo.plan)
    assert problems["Budget!E5"].startswith('"12k" is not a number; enter an amount in plan')
    assert "text that looks like a number" in problems["Budget!F5"]
    assert 'unknown account "sales-travel"' in problems["Budget!A6"]
    assert "already on row 5" in problems["Budget!C8"]
    assert "negative" in problems["Budget!G7"]
    assert "2 decimals" in problems["Budget!H7"]
    assert "outside the plan's calendar" in problems["Budget!D4"]
    assert "formula cell was replaced by 1200" in problems["Summary!C6"]
    assert "outside the plan's calendar" in problems["Headcount!D10"]
    assert '"lots" is not a number' in problems["Headcount!E11"]
    assert "no role" in problems["Headcount!B12"]
    assert "outside the budget lines" in problems[STRAY]


def test_read_team_workbook_refuses_headcount_accounts_as_lines(filled, demo):
    _edit(filled, {"Budget!A5": "salaries"})
    assert "computed from the Headcount sheet" in _problems(filled, demo.plan)["Budget!A5"]


def test_read_team_workbook_wants_values_of_formula_inputs(filled, demo):
    _edit(filled, {"Budget!E5": "=1000*12"})
    assert "no calculated value" in _problems(filled, demo.plan)["Budget!E5"]


def test_read_team_workbook_for_another_team(filled, demo):
    problems = _problems(filled, demo.plan, team="sales-emea")
    assert "not of team 'sales-emea'" in problems["team-sales-na.xlsx"]


def test_read_team_workbook_for_another_plan(filled, demo):
    other = demo.plan.model_copy(update={"id": "other"})
    (msg,) = _problems(filled, other).values()
    assert "belongs to plan 'cirrus'" in msg


def test_read_team_workbook_with_edited_metadata(filled, demo):
    _edit(filled, {"_planbook!B8": "sales-emea"})
    (msg,) = _problems(filled, demo.plan).values()
    assert "metadata sheet was edited" in msg


def test_read_team_workbook_without_metadata(filled, demo):
    wb = openpyxl.load_workbook(filled)
    del wb["_planbook"]
    wb.save(filled)
    (msg,) = _problems(filled, demo.plan).values()
    assert "no Planbook metadata sheet" in msg


def test_read_team_workbook_after_chart_of_accounts_changed(filled, demo):
    plan = demo.plan.model_copy(update={"accounts": demo.plan.accounts[:-1]})
    (msg,) = _problems(filled, plan).values()
    assert "made from version 3" in msg and "chart of accounts" in msg


def test_workbook_kind_tells_team_from_company(filled, tmp_path, demo):
    from addin.reader import workbook_kind
    from addin.templates import company_workbook

    company = save_workbook(company_workbook(demo.plan), tmp_path / "c.xlsx")
    assert (workbook_kind(filled), workbook_kind(company)) == ("team-budget", "company-aop")


def test_team_problems_come_in_sheet_and_cell_order(filled, demo):
    _edit(filled, {"Budget!F9": "x", "Budget!E5": "y", "Headcount!E11": "z"})
    with pytest.raises(PlanValidationError) as info:
        read_team_workbook(filled, demo.plan)
    assert [p.where for p in info.value.problems] == ["Headcount!E11", "Budget!E5", "Budget!F9"]


def test_team_workbook_warns_about_assumptions_that_differ_from_the_plan(filled, demo):
    assert read_team_workbook(filled, demo.plan).warnings == ()
    _edit(filled, {"Assumptions!F5": 0.05})
    result = read_team_workbook(filled, demo.plan)
    (warning,) = result.warnings
    assert warning.where == "Assumptions!F5"
    assert "salary_inflation for 2026-04 reads 0.05 but the plan says 0.04" in warning.msg


def test_read_team_workbook_with_a_renamed_sheet(filled, demo):
    wb = openpyxl.load_workbook(filled)
    wb["Budget"].title = "My budget"
    wb.save(filled)
    assert "'Budget' is missing (deleted or renamed)" in _problems(filled, demo.plan)["Budget"]


@pytest.mark.parametrize("sheet", ["Instructions", "Assumptions", "Headcount", "Budget", "Summary"])
def test_read_team_workbook_with_a_deleted_sheet(filled, demo, sheet):
    """The workbook structure is not locked (buttons add sheets), so a sheet can be deleted."""
    wb = openpyxl.load_workbook(filled)
    del wb[sheet]
    wb.create_sheet("xlwings.conf")
    wb.save(filled)
    assert f"{sheet!r} is missing (deleted or renamed)" in _problems(filled, demo.plan)[sheet]


def test_read_team_workbook_with_sheets_added_by_buttons(filled, demo):
    wb = openpyxl.load_workbook(filled)
    wb.create_sheet("xlwings.conf")["A1"] = "PLANBOOK_TEAM"
    wb.create_sheet("Diff v2-v3")["A1"] = "account"
    wb.save(filled)
    assert len(read_team_workbook(filled, demo.plan).facts) > 0


def test_many_broken_formulas_are_summarized_per_sheet(filled, demo):
    wb = openpyxl.load_workbook(filled)
    wb["Summary"].delete_rows(6)
    wb.save(filled)
    problems = _problems(filled, demo.plan)
    assert "were rows or columns inserted, deleted or moved?" in problems["Summary"]


def test_template_formulas_are_the_same_for_every_team(demo):
    """Why the expected formulas are cached by TeamLayout.formula_key, not by team."""

    def formulas(team):
        wb = team_template(demo.plan, team)
        return {
            (ws.title, c.coordinate): c.value
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if c.data_type == "f"
        }

    assert formulas("sales-na") == formulas("people-ops")
