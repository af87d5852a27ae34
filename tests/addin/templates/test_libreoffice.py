"""LibreOffice recalculates a filled team template: every native formula computes what the
core computes, to the cent, with no error value anywhere; the reader reads the result."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from addin.libreoffice import convert
from addin.reader import read_company_workbook, read_team_workbook
from addin.templates import company_workbook, team_template
from addin.templates.files import save_workbook
from addin.templates.layout import TeamLayout, headcount_driven
from addin.templates.summary import summary_columns, summary_lines, summary_rows
from planbook.consolidate import request_vs_envelope
from planbook.demo import build_demo
from planbook.facts import normalize
from planbook.headcount import loaded_monthly_cost, team_staffing
from planbook.model import PeriodValues

pytestmark = pytest.mark.slow
CENT = Decimal("0.01")


def _money(value) -> Decimal:
    return Decimal(repr(value)).quantize(CENT) if isinstance(value, float) else Decimal(value)


COMMITTED = Path(__file__).parents[3] / "workbook_templates"


def _fill_committed_template(demo, team: str, layout: TeamLayout, path: Path) -> Path:
    """Type the demo's positions and budget lines into the committed blank template, cell by
    cell, as a team lead would."""
    wb = openpyxl.load_workbook(COMMITTED / f"team-{team}.xlsx")
    positions = demo.positions
    mine = positions[(positions["team"] == team) & (positions["scenario"] == "base")]
    for r, person in enumerate(mine.itertuples(index=False), start=layout.headcount_first_row):
        values = (person.position, person.role, person.level, person.start or None)
        for c, value in enumerate((*values, int(person.annual_salary)), start=1):
            wb["Headcount"].cell(row=r, column=c, value=value)
    facts = demo.facts
    lines = facts[(facts["team"] == team) & (facts["scenario"] == "base")]
    lines = lines[~lines["account"].isin(headcount_driven())]
    keys = sorted(
        {(str(a), str(li)) for a, li in zip(lines["account"], lines["line"], strict=True)}
    )
    row_of = {key: layout.budget_first_row + i for i, key in enumerate(keys)}
    ws = wb["Budget"]
    for (account, line), r in row_of.items():
        ws.cell(row=r, column=1, value=account)
        ws.cell(row=r, column=3, value=line or None)
    for account, line, period, amount in zip(
        lines["account"], lines["line"], lines["period"], lines["amount"], strict=True
    ):
        column = layout.budget_month_column(layout.periods.index(str(period)))
        ws.cell(row=row_of[(str(account), str(line))], column=column, value=Decimal(amount))
    wb.save(path)
    return path


@pytest.fixture(scope="module", params=[("sales-na", 12), ("platform-eng", 36)])
def recalculated(request, tmp_path_factory):
    """sales-na: the committed blank template filled by hand; platform-eng: a 36-month plan's
    template pre-filled by the generator (what planbook pull writes)."""
    team, months = request.param
    demo = build_demo(months=months) if months != 12 else build_demo()
    folder = tmp_path_factory.mktemp(f"lo-{team}")
    layout = TeamLayout(demo.plan, demo.plan.team(team))
    (folder / "in").mkdir()
    if months == 12:
        source = _fill_committed_template(demo, team, layout, folder / "in" / f"{team}.xlsx")
    else:
        wb = team_template(demo.plan, team, facts=demo.facts, positions=demo.positions)
        source = save_workbook(wb, folder / "in" / f"{team}.xlsx")
    out = convert(source, folder / "out", "xlsx")
    return demo, team, out, openpyxl.load_workbook(out, data_only=True), layout


def test_recalculated_template_has_no_error_values(recalculated):
    *_, wb, _ = recalculated
    errors = [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "e" or (isinstance(c.value, str) and c.value.startswith("#"))
    ]
    assert errors == []


def test_headcount_formulas_compute_the_core_loaded_cost(recalculated):
    demo, _, _, wb, layout = recalculated
    ws = wb["Headcount"]
    periods = layout.periods
    for r in range(layout.headcount_first_row, layout.headcount_last_row + 1):
        salary, start = ws.cell(row=r, column=5).value, ws.cell(row=r, column=4).value
        for i, period in enumerate(periods):
            found = _money(ws.cell(row=r, column=layout.headcount_first_column + i).value)
            if salary is None:
                assert found == 0
                continue
            on_payroll = not start or start <= period
            expected = loaded_monthly_cost(
                demo.plan, annual_salary=Decimal(str(salary)), period=period
            )
            assert found == (expected if on_payroll else 0), (r, period)


def test_summary_formulas_compute_the_core_totals(recalculated):
    demo, team, _, wb, layout = recalculated
    facts = demo.facts
    mine = facts[(facts["team"] == team) & (facts["scenario"] == "base")]
    by = mine.groupby(["account", "period"], observed=True)["amount"].sum()
    personnel = ("salaries", "payroll-taxes", "benefits")
    costs = [a.id for a in layout.summary_accounts if a.type.is_cost]
    envelope: PeriodValues = next(e for e in demo.plan.envelopes if e.team == team).amounts

    def core(key: str, period: str) -> Decimal:
        def total(accounts: Iterable[str]) -> Decimal:
            return sum((Decimal(by.get((a, period), 0)) for a in accounts), Decimal(0))

        if key == "personnel":
            return total(personnel)
        if key == "request":
            return total((*personnel, *costs))
        if key == "envelope":
            return envelope[period]
        if key == "remaining":
            return envelope[period] - total((*personnel, *costs))
        if key.startswith("line:"):
            (line,) = [li for li in summary_lines(layout) if li.key == key]
            return sum((core(k, period) for k in line.keys), Decimal(0))
        return total([key])

    ws = wb["Summary"]
    every = summary_rows(layout)
    rows = {k: r for k, r in every.items() if k != "heads" and not k.startswith("heading:")}
    for j, (label, months) in enumerate(summary_columns(layout)):
        column = layout.summary_first_column + j
        for key, r in rows.items():
            expected = sum((core(key, layout.periods[i]) for i in months), Decimal(0))
            assert _money(ws.cell(row=r, column=column).value) == expected, (key, label)


def test_summary_heads_match_core_staffing(recalculated):
    demo, team, _, wb, layout = recalculated
    staffing = team_staffing(demo.plan, demo.positions)
    mine = staffing[(staffing["team"] == team) & (staffing["scenario"] == "base")]
    heads = dict(zip(mine["period"], mine["heads"], strict=True))
    row = summary_rows(layout)["heads"]
    for i, period in enumerate(layout.periods):
        found = wb["Summary"].cell(row=row, column=layout.summary_first_column + i).value
        assert found == heads[period]


def test_reader_reads_the_libreoffice_saved_workbook(recalculated):
    demo, team, path, _, _ = recalculated
    facts = demo.facts
    expected = normalize(facts[(facts["team"] == team) & (facts["scenario"] == "base")])
    result = read_team_workbook(path, demo.plan, team=team)
    assert result.warnings == ()
    assert (
        result.facts.astype(str)
        .reset_index(drop=True)
        .equals(expected.astype(str).reset_index(drop=True))
    )


def test_reader_reads_the_libreoffice_saved_company_workbook(tmp_path):
    demo = build_demo()
    source = save_workbook(company_workbook(demo.plan, version="2"), tmp_path / "in" / "c.xlsx")
    out = convert(source, tmp_path / "out", "xlsx")
    result = read_company_workbook(out, plan_id="cirrus")
    assert result.plan == demo.plan and result.base_version == 2


def test_instructions_glance_matches_core_request_vs_envelope(recalculated):
    demo, team, _, wb, _ = recalculated
    rows = request_vs_envelope(demo.plan, demo.facts, by="team").set_index("team")
    ws = wb["Instructions"]
    found = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in (22, 23, 24)}
    assert _money(found["Envelope"]) == rows.loc[team, "envelope"]
    assert _money(found["Cost request"]) == rows.loc[team, "request"]
    assert _money(found["Remaining"]) == rows.loc[team, "remaining"]


def test_cached_values_are_what_libreoffice_computes(recalculated):
    """The generator's cached values (read with python-calamine, which reads cached values and
    computes nothing) equal LibreOffice's recalculation in every formula cell."""
    _, _, out, wb, layout = recalculated
    source = out.parent.parent / "in" / out.name
    if len(layout.periods) == 12:
        pytest.skip("this workbook was filled with openpyxl, which keeps no cached values")
    formulas = openpyxl.load_workbook(source)
    cached = CalamineWorkbook.from_path(str(source))
    differ, compared = [], 0
    for ws in formulas.worksheets:
        if ws.sheet_state != "visible":
            continue
        values = cached.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                compared += 1
                mine = values[c.row - 1][c.column - 1]
                theirs = wb[ws.title].cell(row=c.row, column=c.column).value
                if isinstance(theirs, int | float) and not isinstance(theirs, bool):
                    same = isinstance(mine, int | float) and abs(mine - theirs) < 0.005
                else:
                    same = (mine or "") == (theirs or "")
                if not same:
                    differ.append(f"{ws.title}!{c.coordinate}: {mine!r} != {theirs!r}")
    assert differ == [] and compared > 5000
