"""Files as Excel saves them: formulas filled down are stored once, as shared formulas."""

from __future__ import annotations

import re
import zipfile

from addin.reader import read_team_workbook
from addin.templates.layout import TeamLayout, col

CELL = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*)><f>([^<]*)</f>')


def _share_loaded_cost_formulas(path, layout: TeamLayout) -> int:
    """Rewrite the Headcount loaded-cost formulas as Excel writes a filled-down column."""
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    part = "xl/worksheets/sheet3.xml"
    top, bottom = layout.headcount_first_row, layout.headcount_last_row
    months = {col(layout.headcount_first_column + i) for i in range(len(layout.periods))}
    shared = 0

    def rewrite(match: re.Match[str]) -> str:
        nonlocal shared
        column, row, attributes, formula = match.groups()
        if column not in months or not top <= int(row) <= bottom:
            return match.group(0)
        si = sorted(months).index(column)
        shared += 1
        if int(row) == top:
            ref = f"{column}{top}:{column}{bottom}"
            head = f'<c r="{column}{row}"{attributes}>'
            return f'{head}<f t="shared" ref="{ref}" si="{si}">{formula}</f>'
        return f'<c r="{column}{row}"{attributes}><f t="shared" si="{si}"/>'

    members[part] = CELL.sub(rewrite, members[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return shared


def test_reader_expands_shared_formulas_as_excel_writes_them(filled, demo):
    layout = TeamLayout(demo.plan, demo.plan.team("sales-na"))
    assert _share_loaded_cost_formulas(filled, layout) == layout.headcount_rows * 12
    result = read_team_workbook(filled, demo.plan)
    assert len(result.facts) > 0
