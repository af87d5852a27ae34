"""Checks of a team workbook's structure: formulas, month headings, stray values."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from openpyxl.utils.cell import coordinate_to_tuple

from addin.reader.cells import Rows, address, cell, is_blank, number, shown
from addin.reader.formulas import normalize_formula
from addin.reader.workbook import Sheets
from addin.templates.layout import (
    ASSUMPTIONS,
    BUDGET,
    HEADCOUNT,
    INSTRUCTIONS,
    SUMMARY,
    TeamLayout,
)
from addin.templates.reference import reference_blocks
from addin.templates.team import team_template
from planbook.errors import Problem

FORMULA_SHEETS = (INSTRUCTIONS, HEADCOUNT, BUDGET, SUMMARY)
Expected = dict[str, dict[str, tuple[str, str]]]
_EXPECTED: OrderedDict[str, Expected] = OrderedDict()


def expected_formulas(layout: TeamLayout) -> Expected:
    """Sheet -> cell -> (formula, normalized formula), as the template writes them for this
    layout (cached by :meth:`TeamLayout.formula_key`: one entry serves every team of a plan)."""
    key = layout.formula_key()
    if key not in _EXPECTED:
        wb = team_template(
            layout.plan,
            layout.team.id,
            scenario=layout.scenario,
            headcount_rows=layout.headcount_rows,
            budget_rows=layout.budget_rows,
        )
        _EXPECTED[key] = {
            sheet: {
                c.coordinate: (str(c.value), normalize_formula(str(c.value)))
                for row in wb[sheet].iter_rows()
                for c in row
                if c.data_type == "f"
            }
            for sheet in FORMULA_SHEETS
        }
        while len(_EXPECTED) > 8:
            _EXPECTED.popitem(last=False)
    return _EXPECTED[key]


def check_formulas(wb: Sheets, layout: TeamLayout) -> list[Problem]:
    """Every template formula that was overwritten or changed."""
    problems = []
    for sheet, expected in expected_formulas(layout).items():
        if sheet not in wb.sheet_names:
            problems.append(
                Problem(
                    (sheet,),
                    f"the sheet {sheet!r} is missing; it was deleted "
                    "or renamed; download a fresh template",
                )
            )
            continue
        problems += _sheet_formulas(wb, sheet, expected)
    return problems


MAX_FORMULA_PROBLEMS = 12
"""More broken formulas than this on one sheet are summarized: rows or columns were moved."""


def _sheet_formulas(wb: Sheets, sheet: str, expected: dict[str, tuple[str, str]]) -> list[Problem]:
    actual = wb.formulas(sheet)
    rows = wb.rows(sheet) if any(ref not in actual for ref in expected) else []
    problems = []
    for ref, formula in expected.items():
        if ref not in actual:
            value = _value_at(rows, ref)
            found = "cleared" if is_blank(value) else f"replaced by {shown(value)}"
            msg = f"this formula cell was {found}"
        elif actual[ref] != formula[0] and normalize_formula(actual[ref]) != formula[1]:
            msg = f"the formula was changed to {actual[ref]}"
        else:
            continue
        problems.append(
            Problem(
                (f"{sheet}!{ref}",),
                f"{msg}; restore the formula (undo, or copy the cell beside it)",
            )
        )
    if len(problems) > MAX_FORMULA_PROBLEMS:
        first = ", ".join(p.where for p in problems[:3])
        return [
            Problem(
                (sheet,),
                (
                    f"{len(problems)} formula cells were changed or cleared ({first}, "
                    "...); were rows or columns inserted, deleted or moved? Download a fresh "
                    "template and copy your numbers into it"
                ),
            )
        ]
    return problems


def _value_at(rows: Rows, ref: str) -> object:
    row, column = coordinate_to_tuple(ref)
    return cell(rows, row, column)


def check_headings(budget: Rows, headcount: Rows, layout: TeamLayout) -> list[Problem]:
    """The month headings of the Budget and Headcount sheets are the plan's months."""
    problems = []
    targets = (
        (BUDGET, budget, layout.budget_header_row, layout.budget_first_column),
        (HEADCOUNT, headcount, layout.headcount_header_row, layout.headcount_first_column),
    )
    calendar = layout.plan.calendar
    for sheet, rows, row, first in targets:
        for i, period in enumerate(layout.periods):
            found = cell(rows, row, first + i)
            if str(found).strip() == period:
                continue
            where = address(sheet, row, first + i)
            if isinstance(found, str) and found.strip() and found.strip() not in calendar:
                msg = (
                    f"month {shown(found)} is outside the plan's calendar ({calendar.start} "
                    f"to {calendar.end}); this heading must read {period}"
                )
            else:
                msg = f"the heading was changed to {shown(found)}; it must read {period}"
            problems.append(Problem((where,), msg))
    return problems


def check_reference(assumptions: Rows, layout: TeamLayout) -> list[Problem]:
    """Assumption and envelope cells that differ from the plan: edited by hand, or changed
    by finance since the workbook was made. The plan's values are what count."""
    names = {layout.assumption_row(a.id): a.id for a in layout.plan.assumptions}
    names[layout.envelope_row] = "envelope"
    found = []
    for block in reference_blocks(layout):  # what the template wrote and a pull refreshes
        if block.row not in names:
            continue  # the goals: shown, not checked
        row, name = block.row, names[block.row]
        for i, (period, planned) in enumerate(zip(layout.periods, block.values[0], strict=True)):
            value = cell(assumptions, row, block.column + i)
            want = planned if isinstance(planned, Decimal) else Decimal(0)
            have = number(value, "", "") if not is_blank(value) else Decimal(0)
            if isinstance(have, Problem) or have != want:
                found.append(
                    Problem(
                        (address(ASSUMPTIONS, row, block.column + i),),
                        (
                            f"{name} for {period} reads {shown(value)} but the plan says "
                            f"{want}; it was edited, or finance changed it since this workbook "
                            "was made (pull a fresh one to see the current figures); the "
                            "plan's value counts"
                        ),
                    )
                )
    return found


def check_outside(budget: Rows, headcount: Rows, layout: TeamLayout) -> list[Problem]:
    """Values typed below the input rows would be lost: report them."""
    problems = []
    targets = (
        (
            BUDGET,
            budget,
            layout.budget_last_row + 2,
            "budget lines",
            (layout.budget_first_row, layout.budget_last_row),
        ),
        (
            HEADCOUNT,
            headcount,
            layout.headcount_heads_row + 1,
            "positions",
            (layout.headcount_first_row, layout.headcount_last_row),
        ),
    )
    for sheet, rows, first_outside, what, (top, bottom) in targets:
        for r in range(first_outside, len(rows) + 1):
            for c, value in enumerate(rows[r - 1], start=1):
                if not is_blank(value):
                    problems.append(
                        Problem(
                            (address(sheet, r, c),),
                            (
                                f"{shown(value)} is outside the {what} (rows {top} to "
                                f"{bottom}) and would be ignored; move it into an empty row"
                            ),
                        )
                    )
    return problems
