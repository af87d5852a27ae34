"""``planbook variance`` on a store holding the demo's plan and actuals."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from planbook.facts import plain_decimal
from planbook.variance import variance
from server.store import PushRequest
from server.store.store import Store
from tests.planbook.cli.run import run


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, demo) -> str:
    path = str(tmp_path_factory.mktemp("variance") / "planbook.db")
    store = Store.open(path, actor="finance")
    try:
        store.push(PushRequest("cirrus", base=None, company=demo.plan, facts=demo.facts))
    finally:
        store.close()
    return path


def test_variance_table_shows_the_worked_example(db):
    out = run("variance", "--db", db, "--period", "ytd")
    assert "base vs actuals, FY2027 to 2026-07, version 1" in out
    row = next(line for line in out.splitlines() if "sales-na" in line)
    cells = [c.strip() for c in row.split("│")[1:-1]]
    assert cells[:8] == [
        "sales-na",
        "Sales North America",
        "cost",
        "832,477",
        "830,127",
        "-2,350",
        "-0.3%",
        "favourable",
    ]


def test_variance_json_is_exact(db, demo):
    payload = json.loads(run("variance", "--db", db, "--by", "department", "--format", "json"))
    assert payload["as_of"] == "2026-07" and payload["by"] == "department"
    table, _ = variance(demo.plan, demo.facts, by="department")
    want = [
        {k: plain_decimal(v) if isinstance(v, Decimal) else v for k, v in r.items()}
        for r in table.to_dict("records")
    ]
    assert payload["rows"] == want


def test_variance_csv_and_xlsx(db, tmp_path: Path):
    lines = run("variance", "--db", db, "--by", "pnl", "--period", "qtd", "--format", "csv")
    assert lines.splitlines()[0].startswith("pnl_line,side,plan,actual,variance,pct,status")
    out = tmp_path / "variance.xlsx"
    run("variance", "--db", db, "--format", "xlsx", "--out", out)
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A2"].value == "team" and sheet["A3"].value == "sales-na"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "2027-01"), "2027-01 has no actuals yet"),
        (("--by", "colour"), "cannot group by 'colour'"),
        (("--format", "xlsx"), "--out FILE.xlsx"),
        (("--forecast", "guess"), "'guess' is not one of plan, run-rate"),
    ],
)
def test_variance_refuses_bad_options(db, args, message):
    assert message in run("variance", "--db", db, *args, code=1)
