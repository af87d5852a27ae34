"""Random edits anywhere in a workbook give a result or a PlanbookError, never a traceback."""

from __future__ import annotations

import datetime as dt
import io
import random

import openpyxl
import pytest

from addin.reader import read_company_workbook, read_team_workbook
from addin.templates import company_workbook, team_template
from planbook.errors import PlanbookError

VALUES = [
    None,
    "",
    " ",
    "abc",
    "12k",
    "1,200",
    1e308,
    -1.5,
    0,
    3,
    1.23456789,
    True,
    False,
    dt.datetime(2026, 5, 1),
    dt.date(2026, 5, 3),
    "=1+1",
    "=A1",
    "2026-05",
    "2099-01",
    "#REF!",
    "salaries",
    "travel",
    "x" * 300,
]


@pytest.mark.parametrize("kind", ["team", "company"])
def test_random_edits_never_raise_anything_but_planbook_errors(tmp_path, demo, kind):
    rng = random.Random(kind)
    source = io.BytesIO()
    if kind == "team":
        team_template(demo.plan, "sales-na", facts=demo.facts, positions=demo.positions).save(
            source
        )
    else:
        company_workbook(demo.plan).save(source)
    for attempt in range(12):
        wb = openpyxl.load_workbook(io.BytesIO(source.getvalue()))
        for _ in range(rng.randint(1, 8)):
            ws = wb[rng.choice(wb.sheetnames)]
            row, column = rng.randint(1, 90), rng.randint(1, 20)
            ws.cell(row=row, column=column, value=rng.choice(VALUES))
        path = tmp_path / f"{attempt}.xlsx"
        wb.save(path)
        try:
            if kind == "team":
                read_team_workbook(path, demo.plan)
            else:
                read_company_workbook(path)
        except PlanbookError as exc:
            assert str(exc)
