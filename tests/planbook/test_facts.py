from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.errors import FactsFileError, PlanValidationError
from planbook.factfiles import read_facts, write_facts
from planbook.facts import (
    AMOUNT_TYPE,
    FACT_COLUMNS,
    amounts_from_cents,
    empty_facts,
    facts_from_records,
    normalize,
)


def _record(**kw):
    base = {
        "scenario": "base",
        "team": "t",
        "account": "a",
        "line": "",
        "period": "2026-02",
        "amount": "1",
    }
    return base | kw


def test_canonical_dtypes(demo):
    facts = demo.facts
    assert tuple(facts.columns) == FACT_COLUMNS
    for column in FACT_COLUMNS[:-1]:
        assert isinstance(facts[column].dtype, pd.CategoricalDtype)
    assert facts["amount"].dtype == pd.ArrowDtype(AMOUNT_TYPE)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_round_trip_is_exact(demo, tmp_path, suffix):
    path = write_facts(demo.facts, tmp_path / f"facts{suffix}")
    pd.testing.assert_frame_equal(normalize(read_facts(path)), demo.facts)


def test_csv_amounts_are_plain_decimals(tmp_path):
    facts = facts_from_records([_record(amount="1250.50"), _record(period="2026-03", amount=3)])
    text = write_facts(facts, tmp_path / "f.csv").read_text()
    assert text.splitlines()[1:] == [
        '"base","t","a","","2026-02","1250.5"',
        '"base","t","a","","2026-03","3"',
    ]


amounts = st.decimals(
    min_value=Decimal("-1e15"),
    max_value=Decimal("1e15"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)


@settings(deadline=None)
@given(values=st.lists(amounts, min_size=1, max_size=30))
def test_any_amount_round_trips_exactly_through_csv_and_parquet(tmp_path_factory, values):
    folder = tmp_path_factory.mktemp("rt")
    facts = facts_from_records(_record(line=f"l{i}", amount=v) for i, v in enumerate(values))
    for suffix in (".csv", ".parquet"):
        back = read_facts(write_facts(facts, folder / f"f{suffix}"))
        assert list(back["amount"]) == values
        pd.testing.assert_frame_equal(normalize(back), normalize(facts))


def test_floats_are_refused_with_the_record_named():
    with pytest.raises(PlanValidationError) as info:
        facts_from_records([_record(), _record(amount=0.1)])
    assert [p.loc for p in info.value.problems] == [("facts", "row 2", "amount")]
    assert "not an exact amount" in info.value.problems[0].msg


def test_float_column_is_refused():
    frame = pd.DataFrame([_record(amount=1.5)])
    with pytest.raises(FactsFileError, match="floating-point"):
        normalize(frame)


def test_csv_bad_amounts_all_reported_with_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "scenario,team,account,line,period,amount\n"
        "base,t,a,,2026-02,12k\nbase,t,a,x,2026-02,5\n"
        "base,t,a,y,2026-02,1.0000001\nbase,t,a,z,2026-02,\n"
    )
    with pytest.raises(PlanValidationError) as info:
        read_facts(path)
    problems = info.value.problems
    assert [p.loc for p in problems] == [
        ("bad.csv", "row 1", "amount"),
        ("bad.csv", "row 3", "amount"),
        ("bad.csv", "row 4", "amount"),
    ]
    assert "'12k' is not a number" in problems[0].msg
    assert "more than 6 decimal places" in problems[1].msg
    assert str(problems[0]).startswith("bad.csv, row 1, amount: ")


def test_amounts_beyond_the_storage_precision_are_refused_with_the_row(tmp_path):
    big = ["1e33", "1" * 40, "-" + "9" * 33, 10**32, Decimal("1E+32")]
    with pytest.raises(PlanValidationError) as info:
        facts_from_records(
            [_record(), *(_record(line=str(i), amount=v) for i, v in enumerate(big))]
        )
    assert [p.loc[1] for p in info.value.problems] == [f"row {i}" for i in range(2, 7)]
    assert all("too large" in p.msg for p in info.value.problems)
    fits = facts_from_records([_record(amount="9" * 32 + ".999999"), _record(amount="-1e31")])
    assert len(fits) == 2
    path = tmp_path / "big.csv"
    path.write_text(
        "scenario,team,account,line,period,amount\n"
        f"base,t,a,,2026-02,{'1' * 40}\nbase,t,a,x,2026-02,{'0' * 10 + '1' * 32}.1\n"
        f"base,t,a,y,2026-02,-{'1' * 33}\nbase,t,a,z,2026-02,1.50000000\n"
    )
    with pytest.raises(PlanValidationError) as info:
        read_facts(path)
    assert [p.loc[1] for p in info.value.problems] == ["row 1", "row 3"]
    assert all("too large" in p.msg for p in info.value.problems)


def test_csv_missing_column_is_named(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("scenario,team,account,period,amount\nbase,t,a,2026-02,1\n")
    with pytest.raises(FactsFileError, match="missing column 'line'"):
        read_facts(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("f.xlsx", b"PK", "must be a .csv or .parquet"),
        ("f.parquet", b"not parquet at all", "not a readable Parquet file"),
        ("f.csv", b"", "missing column"),
        ("f.csv", b"\xff\xfe\x00garbage", "not a UTF-8 text CSV"),
    ],
)
def test_unreadable_files_get_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FactsFileError, match=message):
        read_facts(path)


def test_missing_file(tmp_path):
    with pytest.raises(FactsFileError, match="no such file"):
        read_facts(tmp_path / "nope.csv")


def test_normalize_sorts_and_is_idempotent(demo):
    shuffled = demo.facts.sample(frac=1, random_state=3)
    once = normalize(shuffled)
    pd.testing.assert_frame_equal(once, demo.facts)
    pd.testing.assert_frame_equal(normalize(once), once)


def test_empty_facts_round_trip(tmp_path):
    empty = empty_facts()
    assert len(empty) == 0
    back = read_facts(write_facts(empty, tmp_path / "e.parquet"))
    assert len(back) == 0 and tuple(back.columns) == FACT_COLUMNS


def test_sort_table_gives_the_canonical_order(demo):
    from planbook.facts import facts_to_arrow, sort_table

    shuffled = facts_to_arrow(demo.facts.sample(frac=1, random_state=5))
    assert sort_table(shuffled).equals(facts_to_arrow(demo.facts))


@given(
    st.lists(
        st.one_of(
            st.integers(-(10**12), 10**12),
            st.sampled_from([0, -1, 2**63 // 10**4 - 1, -(2**63 // 10**4) + 1]),
            st.integers(2**63 // 10**4, 2**63 - 1),
            st.integers(-(2**63), -(2**63 // 10**4)),
        ),
        max_size=20,
    )
)
def test_amounts_from_cents_are_the_exact_decimals(cents: list[int]) -> None:
    """Whole cents become the amounts ``cents / 100`` exactly, whether they fit the fast
    int64 layout or need Arrow's decimal division (the largest ones)."""
    got = amounts_from_cents(np.array(cents, dtype=np.int64))
    assert got.type == AMOUNT_TYPE
    assert got.to_pylist() == [Decimal(c) / 100 for c in cents]


def test_text_records_are_json_ready_rows():
    """The one text of a table in JSON and CSV: decimals as plain text, NaN and NA as null,
    everything else as it is, row by row in column order."""
    import json
    from decimal import Decimal

    import pandas as pd

    from planbook.facts import text_records

    frame = pd.DataFrame(
        {
            "team": pd.Series(["sales-na", "rnd"], dtype="str"),
            "amount": [Decimal("1250.500000"), Decimal("-3.000000")],
            "pct": [0.25, float("nan")],
            "heads": pd.array([3, None], dtype="Int64"),
            "ok": [True, False],
        }
    )
    rows = text_records(frame)
    assert rows == [
        {"team": "sales-na", "amount": "1250.5", "pct": 0.25, "heads": 3, "ok": True},
        {"team": "rnd", "amount": "-3", "pct": None, "heads": None, "ok": False},
    ]
    json.dumps(rows)  # nothing a JSON encoder refuses
    assert text_records(frame.iloc[:0]) == []
