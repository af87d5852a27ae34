"""What Excel does with the committed templates, checked in their XML: every validation
refuses bad input with a message, every formula has a cached value, the Summary reads in P&L
order with whole-currency formats."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from addin.templates import team_template
from addin.templates.layout import TeamLayout, rows_with_room
from addin.templates.summary import summary_lines, summary_rows
from planbook.demo import build_demo

FOLDER = Path(__file__).parents[3] / "workbook_templates"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
TEMPLATES = sorted(p.name for p in FOLDER.glob("*.xlsx"))


def _sheet_parts(path: Path) -> dict[str, ElementTree.Element]:
    """Every worksheet's XML by sheet name (openpyxl writes sheetN in workbook order)."""
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        names = [s.get("name") for s in book.iter(f"{MAIN}sheet")]
        return {
            str(name): ElementTree.fromstring(z.read(f"xl/worksheets/sheet{i}.xml"))
            for i, name in enumerate(names, start=1)
        }


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_validation_refuses_bad_input_with_a_message(name):
    found = 0
    for sheet, xml in _sheet_parts(FOLDER / name).items():
        for dv in xml.iter(f"{MAIN}dataValidation"):
            found += 1
            where = f"{name} {sheet}!{dv.get('sqref')}"
            assert dv.get("showErrorMessage") == "1", where
            assert dv.get("errorStyle", "stop") == "stop", where
            assert dv.get("errorTitle") and len(dv.get("error", "")) > 20, where
    assert found > 0


def test_typing_a_wrong_account_in_budget_is_refused():
    """Budget's account column is a list validation over the BudgetAccounts name, which
    holds the chart's budget accounts only; Excel refuses anything else with the message."""
    path = FOLDER / "team-sales-na.xlsx"
    parts = _sheet_parts(path)
    (account,) = [
        dv
        for dv in parts["Budget"].iter(f"{MAIN}dataValidation")
        if dv.get("type") == "list" and dv.get("sqref", "").startswith("A")
    ]
    assert account.findtext(f"{MAIN}formula1") == "BudgetAccounts"
    assert account.get("showErrorMessage") == "1" and account.get("errorStyle", "stop") == "stop"
    assert "account" in account.get("error", "").lower()
    layout = TeamLayout(build_demo().plan, build_demo().plan.team("sales-na"))
    assert account.get("sqref") == f"A{layout.budget_first_row}:A{layout.budget_last_row}"
    wb = openpyxl.load_workbook(path)
    sheet, ref = wb.defined_names["BudgetAccounts"].attr_text.split("!")
    listed = {row[0].value for row in wb[sheet.strip("'")][ref.replace("$", "")]}
    assert "travel" in listed
    assert not {"no-such-account", "salaries", "headcount", ""} & listed


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_formula_has_a_cached_value(name):
    """A template opened without recalculation (Protected View) shows its numbers."""
    empty = []
    for sheet, xml in _sheet_parts(FOLDER / name).items():
        for c in xml.iter(f"{MAIN}c"):
            formula = c.find(f"{MAIN}f") is not None and c.get("t") != "str"
            if formula and not (c.findtext(f"{MAIN}v") or ""):
                empty.append(f"{sheet}!{c.get('r')}")
    assert empty == []


def test_blank_template_shows_its_envelope_and_headcount_drivers_unrecalculated():
    demo = build_demo()
    layout = TeamLayout(demo.plan, demo.plan.team("sales-na"))
    book = CalamineWorkbook.from_path(str(FOLDER / "team-sales-na.xlsx"))
    summary = book.get_sheet_by_name("Summary").to_python()
    envelope = next(e for e in demo.plan.envelopes if e.team == "sales-na").amounts
    row = summary[summary_rows(layout)["envelope"] - 1]
    months = row[layout.summary_first_column - 1 :][: len(layout.periods)]
    assert months == [float(envelope[p]) for p in layout.periods]
    headcount = book.get_sheet_by_name("Headcount").to_python()
    assert (
        headcount[layout.headcount_period_row - 1][layout.headcount_first_column - 1]
        == (layout.periods[0])
    )


def test_summary_follows_the_pnl_order_with_names_and_subtotals():
    demo = build_demo()
    layout = TeamLayout(demo.plan, demo.plan.team("sales-na"))
    ws = openpyxl.load_workbook(FOLDER / "team-sales-na.xlsx")["Summary"]
    headings = [ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)]
    pnl = list(dict.fromkeys(a.pnl_line for a in demo.plan.accounts if a.pnl_line))
    lines = [line.name for line in summary_lines(layout)]
    assert lines[: len(pnl)] == pnl and lines[len(pnl) :] == ["Not in the P&L"]
    assert [h for h in headings if h in pnl] == pnl
    assert [h for h in headings if h and h.startswith("Total ")] == [f"Total {n}" for n in pnl]
    names = {a.name for a in demo.plan.accounts}
    ids = {a.id for a in demo.plan.accounts}
    labels = {ws.cell(row=r, column=2).value for r in range(5, ws.max_row + 1)}
    assert "Travel" in labels and not labels & ids and len(labels & names) > 30
    rows = summary_rows(layout)
    for key in ("travel", "line:T&E", "request", "remaining"):
        assert ws.cell(row=rows[key], column=layout.summary_first_column).number_format == (
            "#,##0;[Red]-#,##0"
        )
    total = ws.cell(row=rows["line:T&E"], column=layout.summary_first_column).value
    assert re.fullmatch(rf"=SUM\(C{rows['travel']}:C{rows['meals-entertainment']}\)", total)


def test_a_template_is_sized_to_its_team_with_room_to_grow():
    demo = build_demo()
    mine = demo.positions[
        (demo.positions["team"] == "sales-na") & (demo.positions["scenario"] == "base")
    ]
    crowd = pd.concat([mine] * 8, ignore_index=True)  # 104 people
    crowd["position"] = [f"p{i}" for i in range(len(crowd))]
    wb = team_template(demo.plan, "sales-na", positions=crowd)
    inputs = wb.defined_names["HeadcountInputs"].attr_text
    assert inputs.endswith(f"$E${10 + 160 - 1}")  # 104 people + 52 to grow, in tens: 160 rows
    assert [rows_with_room(n, 60) for n in (0, 13, 40, 100)] == [60, 60, 60, 150]
