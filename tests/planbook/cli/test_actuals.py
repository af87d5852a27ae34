"""``planbook actuals import`` on a store: one version per change, months replaced alone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from planbook.demo.actuals import sample_export, sample_mapping
from server.store import FactFilter, PushRequest
from server.store.store import Store
from tests.planbook.cli.run import run


@pytest.fixture
def db(tmp_path: Path, demo) -> str:
    """A store with the demo's plan and its actuals (no budgets: faster)."""
    path = str(tmp_path / "planbook.db")
    store = Store.open(path, actor="finance")
    try:
        actuals = demo.facts[demo.facts["scenario"] == "actuals"]
        store.push(PushRequest("cirrus", base=None, company=demo.plan, facts=actuals))
    finally:
        store.close()
    return path


@pytest.fixture
def books(tmp_path: Path, demo) -> tuple[Path, Path]:
    export = tmp_path / "gl-export.csv"
    export.write_text(sample_export(demo), encoding="utf-8")
    mapping = tmp_path / "gl-mapping.yaml"
    mapping.write_text(sample_mapping(demo.plan), encoding="utf-8")
    return export, mapping


def _actuals(db: str):
    store = Store.open(db, actor="t")
    try:
        return store.log("cirrus"), store.facts("cirrus", wanted=FactFilter(scenarios=["actuals"]))
    finally:
        store.close()


def test_import_twice_is_one_change(db, books):
    export, mapping = books
    out = run("actuals", "import", export, "--mapping", mapping, "--db", db)
    digest = hashlib.sha256(export.read_bytes()).hexdigest()
    assert "Stored version 2" in out
    again = run("actuals", "import", export, "--mapping", mapping, "--db", db)
    assert "Nothing changed: version 2" in again
    log, facts = _actuals(db)
    assert len(log) == 2 and log[0].changed == ("actuals",)
    assert log[0].message == f"Actuals import gl-export.csv (2026-08); sha256 {digest}"
    assert "2026-08" in set(facts["period"].astype(str))


def test_reimporting_a_month_leaves_the_others_untouched(db, books, tmp_path):
    export, mapping = books
    run("actuals", "import", export, "--mapping", mapping, "--db", db)
    _, before = _actuals(db)
    march = tmp_path / "march.csv"
    march.write_text(
        "Posting Date,GL Account,Cost Center,Amount,Memo\n2026-03-02,6070,100,777.00,trip\n"
    )
    run("actuals", "import", march, "--mapping", mapping, "--db", db)
    _, after = _actuals(db)

    def month(frame, period, *, invert=False):
        keep = (frame["period"] == period) != invert
        return frame[keep].astype(str).reset_index(drop=True)

    assert month(after, "2026-03", invert=True).equals(month(before, "2026-03", invert=True))
    march_after = month(after, "2026-03")
    assert set(march_after["account"]) >= {"headcount", "hires", "travel"}  # not from the GL
    assert set(march_after["account"]) & {"salaries", "rent"} == set()
    assert march_after[march_after["account"] == "travel"]["amount"].tolist() == ["777.000000"]


def test_unmapped_codes_refuse_and_store_nothing(db, books, tmp_path):
    _, mapping = books
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Posting Date,GL Account,Cost Center,Amount,Memo\n"
        "2026-08-02,6070,100,10.00,ok\n"
        "2026-08-03,6998,100,25.50,new account\n"
    )
    out = run("actuals", "import", bad, "--mapping", mapping, "--db", db, code=1)
    assert "GL account '6998' is not in the mapping: 1 row (3), total 25.50" in out
    assert len(_actuals(db)[0]) == 1
    out = run("actuals", "import", bad, "--mapping", mapping, "--db", db, "--allow-unmapped")
    assert "Booked to the suspense account suspense" in out
    store = Store.open(db, actor="t")
    try:
        assert store.plan("cirrus").account("suspense").allow_negative
    finally:
        store.close()


def test_import_reads_an_xlsx_export(db, books, tmp_path):
    _, mapping = books
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "GL"
    sheet.append(["Posting Date", "GL Account", "Cost Center", "Amount", "Memo"])
    sheet.append(["2026-08-02", 6070, 100, 10.5, "xlsx"])
    sheet.append(["2026-08-03", 6070, 100, "abc", "bad"])
    path = tmp_path / "gl.xlsx"
    book.save(path)
    out = run("actuals", "import", path, "--mapping", mapping, "--db", db, code=1)
    assert "gl.xlsx!GL, row 3, Amount: 'abc' is not an amount" in out
    sheet.delete_rows(3)
    book.save(path)
    assert "Stored version 2" in run("actuals", "import", path, "--mapping", mapping, "--db", db)
