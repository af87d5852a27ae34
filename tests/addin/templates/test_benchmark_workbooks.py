"""The workbook benchmark runs (small sizes) and both readers agree on every value."""

from benchmarks.workbooks import run


def test_workbook_benchmark_runs_and_readers_agree():
    rows = run(repeat=1, teams=12, accounts=40, months=12)
    assert len(rows) == 6
    assert all(row["same values"] for row in rows)
    assert all(row["seconds"] > 0 for row in rows)
