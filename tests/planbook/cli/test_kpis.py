"""``planbook kpis`` on the demo store: scenarios side by side, formats, and bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from planbook.kpis import kpis
from server.connect import StoreLocation, open_store
from tests.planbook.cli.run import run


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("kpis")
    db = str(folder / "planbook.db")
    run("demo", "--db", db)
    return db


def test_kpis_shows_scenarios_side_by_side(db):
    out = run("kpis", "--db", db, "--scenario", "base,conservative", "--scenario", "aggressive")
    assert "KPIs of version" in out and "FY2027-Q4" in out
    arr_rows = [line for line in out.splitlines() if line.startswith("│ arr ")]
    assert [row.split("│")[2].strip() for row in arr_rows] == [
        "base",
        "conservative",
        "aggressive",
    ]
    assert "no contraction-arr account" in out


def test_kpis_json_matches_the_core_on_the_same_version(db):
    out = run("kpis", "--db", db, "--version", "board-approved", "--format", "json")
    payload = json.loads(out)
    store = open_store(StoreLocation(db=db), actor="test")
    try:
        number = store.version("cirrus", "board-approved").number
        expected = kpis(
            store.plan("cirrus", number), store.facts("cirrus", number), grain="quarter"
        )
    finally:
        store.close()
    assert payload["version"] == number and payload["grain"] == "quarter"
    assert len(payload["kpis"]) == len(expected)
    for got, want in zip(payload["kpis"], expected.to_dict("records"), strict=True):
        assert (got["metric"], got["period"]) == (want["metric"], want["period"])
        if math.isnan(want["value"]):
            assert got["value"] is None
        else:
            assert got["value"] == pytest.approx(want["value"])


def test_kpis_csv_by_month_has_a_column_per_month(db):
    out = run("kpis", "--db", db, "--metric", "arr,cash", "--period", "month", "--format", "csv")
    lines = out.splitlines()
    assert lines[0].split(",")[:3] == ["metric", "scenario", "2026-02"]
    assert len(lines[0].split(",")) == 2 + 12
    assert [line.split(",")[0] for line in lines[1:]] == ["arr", "cash"]


def test_kpis_actuals_stop_where_the_ledger_does(db):
    out = run("kpis", "--db", db, "--scenario", "actuals", "--metric", "arr", "--format", "json")
    periods = [row["period"] for row in json.loads(out)["kpis"]]
    assert periods == ["FY2027-Q1", "FY2027-Q2"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--scenario", "base,upside"), "'upside'"),
        (("--metric", "arr,ebitda"), "'ebitda'"),
        (("--metric", "contraction_arr"), "'contraction-arr'"),
        (("--period", "week"), "'week'"),
        (("--plan", "globex"), "globex"),
        (("--version", "999"), "999"),
        (("--format", "xml"), "'xml'"),
        (("--format", "xlsx"), "--out FILE.xlsx"),
    ],
)
def test_kpis_bad_input_is_an_error_that_names_it(db, args, named):
    out = run("kpis", "--db", db, *args, code=1)
    assert "Error" in out and named in out


def test_kpis_without_a_store_says_so(tmp_path: Path):
    out = run("kpis", "--db", str(tmp_path / "none.db"), code=1)
    assert "Error" in out


def test_kpis_xlsx_is_the_wide_table_as_numbers(db, tmp_path: Path):
    from openpyxl import load_workbook

    path = tmp_path / "kpis.xlsx"
    out = run("kpis", "--db", db, "--metric", "arr,cash", "--format", "xlsx", "--out", path)
    assert "Wrote" in out and str(path) in out
    sheet = load_workbook(path).active
    assert sheet is not None and "KPIs of version" in str(sheet["A1"].value)
    assert [c.value for c in sheet[2]][:3] == ["metric", "scenario", "FY2027-Q1"]
    csv = run("kpis", "--db", db, "--metric", "arr,cash", "--format", "csv").splitlines()
    assert sheet["A3"].value == "arr" and sheet["C3"].value == float(csv[1].split(",")[2])
