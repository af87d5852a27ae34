"""The variance and alignment benchmarks run at a small size (no timing is asserted): the
variance and the DuckDB baseline agree to the cent."""

from decimal import Decimal

from benchmarks.reports import cases

MEASURES = ("plan", "actual", "fy_plan", "fy_forecast")


def test_reports_benchmark_cases_agree_at_small_scale():
    variance_case, align_case = list(cases(teams=12, accounts=40, months=12))
    table, _ = variance_case.subject()
    ours: dict[str, dict[str, Decimal]] = {}
    for row in table.to_dict("records"):  # revenue and cost rows of a team, added up
        mine = ours.setdefault(row["team"], dict.fromkeys(MEASURES, Decimal(0)))
        for measure in MEASURES:
            mine[measure] += row[measure]
    theirs = {
        row["team"]: {m: Decimal(row[m] or 0) for m in MEASURES}
        for row in variance_case.baseline().to_pylist()
    }
    assert ours == theirs
    assert len(align_case.subject()) > 0 and align_case.baseline().num_rows > 0
