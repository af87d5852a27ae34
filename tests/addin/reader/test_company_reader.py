"""The company AOP workbook round-trips the plan, and names the cell of every problem."""

from __future__ import annotations

import openpyxl
import pytest

from addin.reader.company import read_company_workbook
from addin.templates import company_workbook
from addin.templates.files import save_workbook
from planbook.errors import PlanValidationError


@pytest.fixture
def company(tmp_path, demo):
    return save_workbook(company_workbook(demo.plan, version="5"), tmp_path / "company.xlsx")


def test_read_company_workbook_round_trips_the_plan(company, demo):
    result = read_company_workbook(company, plan_id="cirrus")
    assert result.plan == demo.plan
    assert result.base_version == 5


def _problems(path, edits):
    wb = openpyxl.load_workbook(path)
    for ref, value in edits.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = value
    wb.save(path)
    with pytest.raises(PlanValidationError) as info:
        read_company_workbook(path)
    return {p.where: p.msg for p in info.value.problems}


def test_read_company_workbook_names_every_bad_value(company):
    problems = _problems(
        company,
        {
            "Accounts!C7": "expense",
            "Assumptions!F6": "7.65%",
            "Plan!B8": "2026-13",
            "Goals!D5": "lots",
        },
    )
    assert '"expense" is not one of revenue' in problems["Accounts!C7"]
    assert '"7.65%" is not a number' in problems["Assumptions!F6"]
    assert "2026-13" in problems["Plan!B8"]
    assert '"lots" is not a number' in problems["Goals!D5"]


def test_read_company_workbook_names_every_broken_reference(company):
    problems = _problems(
        company,
        {
            "Teams!C6": "nowhere",
            "Envelopes!N4": "2099-01",
            "Goals!F5": "2030-01",
            "Accounts!A6": "rev-subscription",
        },
    )
    assert "department 'nowhere'" in problems["Teams!C6"]
    assert "2099-01 is outside the plan's calendar" in problems["Envelopes!N5"]
    assert "2030-01 is outside" in problems["Goals!F5"]
    assert "already used" in problems["Accounts!A6"]


def test_read_company_workbook_with_a_wrong_heading(company):
    problems = _problems(company, {"Teams!C4": "Dept"})
    assert "expected 'Department'" in problems["Teams!C4"]
