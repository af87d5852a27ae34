"""The store benchmark runs (at a small size: no timing is asserted, only that it works
and that the store grows by exactly the changed parts)."""

from benchmarks.store import markdown, run


def test_store_benchmark_runs_at_small_scale():
    rows = run(teams=12, accounts=40, months=12, pushes=3)
    assert len(rows) == 6
    assert all(row.measured > 0 and row.baseline > 0 for row in rows)
    growth = rows[3]
    assert growth.ratio == 1.0
    assert "| benchmark |" in markdown(rows)
