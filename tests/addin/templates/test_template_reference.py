"""The Assumptions sheet's reference blocks: what the template writes is what
``reference_blocks`` says, unlocked for the Pull plan button, with typing refused."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from addin.reader import read_team_workbook
from addin.settings import SETTINGS_SHEET
from addin.templates import team_template
from addin.templates.files import save_workbook
from addin.templates.layout import ASSUMPTIONS, GOAL_COLUMNS, GOAL_ROWS, TeamLayout
from addin.templates.reference import Block, goals_for, reference_blocks
from addin.templates.style import SET_BY_FINANCE
from planbook.demo import build_demo
from planbook.model import Goal


def _saved(tmp_path, plan, team, **kwargs):
    path = save_workbook(team_template(plan, team, **kwargs), tmp_path / f"{team}.xlsx")
    return path, openpyxl.load_workbook(path)


def _same(have: object, want: object) -> bool:
    """A written value read back by openpyxl (int or float for numbers) equals the block's."""
    if isinstance(want, Decimal):
        return isinstance(have, int | float) and Decimal(repr(have)) == want
    return have == want


def _refusing(ws):
    (dv,) = [dv for dv in ws.data_validations.dataValidation if dv.type == "custom"]
    assert (dv.formula1, dv.showErrorMessage, dv.errorStyle) == ("FALSE", True, "stop")
    assert (dv.errorTitle, dv.error) == SET_BY_FINANCE
    return dv


def _block_cells(blocks: list[Block]) -> dict[str, object]:
    return {
        f"{openpyxl.utils.get_column_letter(c)}{r}": value
        for block in blocks
        for r, c, value in block.cells()
    }


@pytest.mark.parametrize(
    ("team", "months"), [("sales-na", 12), ("finance", 12), ("cs-support", 36)]
)
def test_template_writes_the_reference_blocks_cell_for_cell(tmp_path, team, months):
    plan = build_demo(months=months).plan
    _, wb = _saved(tmp_path, plan, team)
    ws = wb[ASSUMPTIONS]
    blocks = reference_blocks(TeamLayout(plan, plan.team(team)))
    refusing = _refusing(ws)
    for ref, want in _block_cells(blocks).items():
        cell = ws[ref]
        assert _same(cell.value, want), f"{ref}: {cell.value!r} != {want!r}"
        assert cell.protection.locked is False, ref
        assert ref in refusing.sqref, ref
    for block in blocks:
        assert {ws.cell(r, c).number_format for r, c, _ in block.cells()} == {block.number_format}


def test_no_other_assumptions_cell_is_unlocked(tmp_path, demo):
    _, wb = _saved(tmp_path, demo.plan, "sales-na")
    ws = wb[ASSUMPTIONS]
    unlocked = {c.coordinate for row in ws.iter_rows() for c in row if not c.protection.locked}
    blocks = reference_blocks(TeamLayout(demo.plan, demo.plan.team("sales-na")))
    assert unlocked == set(_block_cells(blocks))
    assert ws.protection.sheet


def test_reference_blocks_are_the_month_cells_and_the_goals(demo):
    layout = TeamLayout(demo.plan, demo.plan.team("sales-na"))
    *assumptions, envelope, goals = reference_blocks(layout)
    last = openpyxl.utils.get_column_letter(layout.assumptions_first_column + 11)
    first = layout.assumption_row(demo.plan.assumptions[0].id)
    assert [b.ref for b in assumptions] == [
        f"D{r}:{last}{r}" for r in range(first, first + len(demo.plan.assumptions))
    ]
    assert envelope.ref == f"D{layout.envelope_row}:{last}{layout.envelope_row}"
    top = layout.goals_header_row + 1
    assert goals.ref == f"A{top}:H{top + GOAL_ROWS - 1}"


def test_goals_for_a_team_are_the_company_team_and_department_goals(demo):
    assert [g.id for g in goals_for(demo.plan, "sales-na")] == ["double-arr", "acv"]
    assert [g.id for g in goals_for(demo.plan, "platform-eng")] == ["double-arr"]


def _with_goals(plan, n: int):
    goals = [
        Goal(
            id=f"goal-{i}",
            description=f"=Goal number {i}" if i == 1 else f"Goal number {i}",
            metric="arr",
            target=Decimal(i),
            due="2027-01",
            owner="CFO",
        )
        for i in range(1, n + 1)
    ]
    return plan.model_copy(update={"goals": tuple(goals)})


def _goal_rows(plan, team="sales-na"):
    (*_, goals) = reference_blocks(TeamLayout(plan, plan.team(team)))
    assert len(goals.values) == GOAL_ROWS
    assert {len(row) for row in goals.values} == {len(GOAL_COLUMNS)}
    return goals.values


def test_goals_block_is_padded_with_empty_rows(demo):
    rows = _goal_rows(demo.plan)
    assert [row[0] for row in rows[:2]] == ["double-arr", "acv"]
    assert rows[1] == [
        "acv",
        "Raise average contract value of new logos to $32k",
        "acv",
        Decimal(32000),
        "at_least",
        rows[1][5],
        rows[1][6],
        "sales",
    ]
    assert rows[2:] == [[None] * len(GOAL_COLUMNS)] * (GOAL_ROWS - 2)


def test_goals_block_with_exactly_goal_rows_goals(demo):
    rows = _goal_rows(_with_goals(demo.plan, GOAL_ROWS))
    assert [row[0] for row in rows] == [f"goal-{i}" for i in range(1, GOAL_ROWS + 1)]


def test_goals_block_says_how_many_more_goals_there_are(tmp_path, demo):
    plan = _with_goals(demo.plan, GOAL_ROWS + 3)
    rows = _goal_rows(plan)
    assert [row[0] for row in rows[:-1]] == [f"goal-{i}" for i in range(1, GOAL_ROWS)]
    assert rows[-1] == ["... and 4 more goals: see the plan"] + [None] * (len(GOAL_COLUMNS) - 1)
    _, wb = _saved(tmp_path, plan, "sales-na")
    ws = wb[ASSUMPTIONS]
    top = TeamLayout(plan, plan.team("sales-na")).goals_header_row + 1
    assert ws.cell(top + GOAL_ROWS - 1, 1).value == "... and 4 more goals: see the plan"
    assert ws.cell(top + GOAL_ROWS, 1).value is None
    assert ws.cell(top + GOAL_ROWS, 1).protection.locked
    assert ws.cell(top, 2).value == "=Goal number 1"  # text, not a formula
    assert ws.cell(top, 2).data_type == "s"


def test_team_template_structure_is_not_locked_and_its_sheets_are_protected(tmp_path, demo):
    _, wb = _saved(tmp_path, demo.plan, "sales-na")
    assert not (wb.security and wb.security.lockStructure)
    for ws in wb.worksheets:
        if ws.title == SETTINGS_SHEET:  # the buttons write their state there
            assert not ws.protection.sheet
            continue
        assert ws.protection.sheet, ws.title
        if ws.sheet_state == "visible":  # the Push button colours cells
            assert ws.protection.formatCells is False, ws.title


def _newer(plan):
    """The demo plan after finance changed the payroll-tax rate, sales-na's envelope and the
    goals (the layout, hence the fingerprint, is the same)."""
    rate = plan.assumption("payroll_tax_rate")
    envelope = next(e for e in plan.envelopes if e.team == "sales-na" and e.scenario == "base")
    first = plan.calendar.periods[0]
    return plan.model_copy(
        update={
            "assumptions": tuple(
                a.model_copy(update={"values": dict.fromkeys(a.values, Decimal("0.08"))})
                if a is rate
                else a
                for a in plan.assumptions
            ),
            "envelopes": tuple(
                e.model_copy(update={"amounts": {first: Decimal(1)}}) if e is envelope else e
                for e in plan.envelopes
            ),
            "goals": plan.goals[:1],
        }
    )


def test_writing_the_blocks_of_a_newer_plan_clears_the_reference_warnings(tmp_path, demo):
    """What the Pull plan button does, here with openpyxl: write the newer plan's blocks into
    the workbook; the reader then finds no assumption or envelope cell that differs."""
    path, wb = _saved(tmp_path, demo.plan, "sales-na", facts=demo.facts, positions=demo.positions)
    newer = _newer(demo.plan)
    months = len(demo.plan.calendar.periods)
    assert len(read_team_workbook(path, newer).warnings) == 2 * months
    layout = TeamLayout(newer, newer.team("sales-na"))
    ws = wb[ASSUMPTIONS]
    for block in reference_blocks(layout):
        for r, c, value in block.cells():
            ws.cell(row=r, column=c).value = value  # ws.cell(..., value=None) would not clear
    wb.save(path)
    assert read_team_workbook(path, newer).warnings == ()
    ws = openpyxl.load_workbook(path)[ASSUMPTIONS]
    top = layout.goals_header_row + 1
    assert [ws.cell(top, 1).value, ws.cell(top + 1, 1).value] == ["double-arr", None]
