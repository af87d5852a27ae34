"""GL exports and their mapping into actuals: the core, without a store."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from planbook.actuals import UnmappedCodes, map_ledger, merge_actuals
from planbook.demo import build_demo
from planbook.demo.actuals import sample_export, sample_mapping
from planbook.errors import PlanValidationError
from planbook.ledger import mapping_from_yaml, read_ledger_csv


@pytest.fixture(scope="module")
def demo():
    return build_demo()


@pytest.fixture(scope="module")
def mapping(demo):
    return mapping_from_yaml(sample_mapping(demo.plan))


def _write(tmp_path: Path, text: str, name: str = "gl.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_export_maps_to_the_next_month(demo, mapping, tmp_path):
    rows = read_ledger_csv(_write(tmp_path, sample_export(demo)), mapping.columns)
    found = map_ledger(demo.plan, rows, mapping, source="gl.csv")
    assert found.months == ("2026-08",)
    assert set(found.facts["scenario"]) == {"actuals"}
    revenue = found.facts[found.facts["account"] == "rev-subscription"]["amount"].sum()
    assert Decimal(revenue) > 0  # GL credits turned positive by sign: -1
    gl_total = sum(r.amount for r in rows if r.account not in ("4000", "4010"))
    costs = found.facts[~found.facts["account"].isin(["rev-subscription", "rev-services"])]
    assert Decimal(costs["amount"].sum()) == gl_total


def test_bad_cells_are_named_by_row_and_column(mapping, demo, tmp_path):
    text = (
        "Posting Date,GL Account,Cost Center,Amount,Memo\n"
        "2026-08-03,6070,100,120.00,ok\n"
        "2026-13-03,6070,100,12k,bad date and amount\n"
        "2026-08-04,,100,1.005,no account, too precise\n"
    )
    with pytest.raises(PlanValidationError) as caught:
        read_ledger_csv(_write(tmp_path, text), mapping.columns)
    where = [str(p) for p in caught.value.problems]
    assert where[0].startswith("gl.csv, row 3, Posting Date: '2026-13-03' is not a date")
    assert where[1].startswith("gl.csv, row 3, Amount: '12k' is not an amount")
    assert where[2].startswith("gl.csv, row 4, GL Account: is empty")
    assert "more than 2 decimal places" in where[3]


def test_a_missing_column_is_named(mapping, tmp_path):
    with pytest.raises(PlanValidationError, match="no column 'Cost Center'"):
        read_ledger_csv(_write(tmp_path, "Posting Date,GL Account,Amount\n"), mapping.columns)


def test_unmapped_codes_refuse_with_their_rows_and_totals(demo, mapping, tmp_path):
    text = (
        "Posting Date,GL Account,Cost Center,Amount,Memo\n"
        "2026-08-03,6070,100,120.00,travel\n"
        "2026-08-04,6999,100,50.25,unknown account\n"
        "2026-08-05,6999,999,10.00,unknown both\n"
    )
    rows = read_ledger_csv(_write(tmp_path, text), mapping.columns)
    with pytest.raises(UnmappedCodes) as caught:
        map_ledger(demo.plan, rows, mapping, source="gl.csv")
    found = {(u.kind, u.code): (u.rows, u.total) for u in caught.value.unmapped}
    assert found == {
        ("GL account", "6999"): ((3, 4), Decimal("60.25")),
        ("cost centre", "999"): ((4,), Decimal("10.00")),
    }
    assert "--allow-unmapped" in str(caught.value)


def test_allow_unmapped_books_to_suspense(demo, mapping, tmp_path):
    text = (
        "Posting Date,GL Account,Cost Center,Amount,Memo\n"
        "2026-08-04,6999,100,50.25,unknown account\n"
        "2026-08-05,6070,999,-10.00,unknown cost centre\n"
    )
    rows = read_ledger_csv(_write(tmp_path, text), mapping.columns)
    found = map_ledger(demo.plan, rows, mapping, source="gl.csv", allow_unmapped=True)
    assert found.plan.account("suspense").allow_negative
    booked = {(f.team, f.line): f.amount for f in found.facts.itertuples()}
    assert booked == {
        ("sales-na", "GL 6999 / CC 100"): Decimal("50.25"),
        ("finance", "GL 6070 / CC 999"): Decimal("-10"),
    }


def test_merge_replaces_the_imported_month_of_mapped_accounts_only(demo, mapping, tmp_path):
    text = "Posting Date,GL Account,Cost Center,Amount,Memo\n2026-03-09,6070,100,99.00,x\n"
    rows = read_ledger_csv(_write(tmp_path, text), mapping.columns)
    found = map_ledger(demo.plan, rows, mapping, source="gl.csv")
    current = demo.facts[demo.facts["scenario"] == "actuals"]
    merged = merge_actuals(current, found)
    march = merged[merged["period"] == "2026-03"]
    travel = march[march["account"] == "travel"]
    assert list(zip(travel["team"], travel["amount"], strict=True)) == [("sales-na", Decimal("99"))]
    assert len(march[march["account"] == "headcount"]) == len(
        current[(current["period"] == "2026-03") & (current["account"] == "headcount")]
    )
    other = merged[merged["period"] != "2026-03"].reset_index(drop=True)
    before = current[current["period"] != "2026-03"].reset_index(drop=True)
    assert other.astype(str).equals(before.astype(str))


def test_negative_sums_on_plain_accounts_are_refused(demo, mapping, tmp_path):
    text = "Posting Date,GL Account,Cost Center,Amount,Memo\n2026-08-09,6070,100,-5.00,refund\n"
    rows = read_ledger_csv(_write(tmp_path, text), mapping.columns)
    with pytest.raises(PlanValidationError, match="rows 2: team sales-na, account travel"):
        map_ledger(demo.plan, rows, mapping, source="gl.csv")


def test_a_mapping_naming_unknown_accounts_is_refused(demo):
    bad = mapping_from_yaml("accounts: {'1': nope}\ncost_centres: {'2': nobody}\n")
    with pytest.raises(PlanValidationError) as caught:
        map_ledger(demo.plan, [], bad, source="map.yaml")
    assert [p.loc[1:] for p in caught.value.problems] == [("accounts", "1"), ("cost_centres", "2")]
