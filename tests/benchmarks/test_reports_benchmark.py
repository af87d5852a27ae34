"""The variance and alignment benchmarks run at a small size (no timing is asserted): the
variance and the DuckDB baseline agree to the cent."""

from decimal import Decimal

import pandas as pd
import pyarrow as pa

from benchmarks.reports import cases

MEASURES = ("plan", "actual", "fy_plan", "fy_forecast")


def test_reports_benchmark_cases_agree_at_small_scale():
    variance_case, align_case = list(cases(teams=12, accounts=40, months=12))
    variance, baseline = variance_case.subject(), variance_case.baseline()
    assert isinstance(variance, tuple) and isinstance(baseline, pa.Table)
    table, _ = variance
    assert isinstance(table, pd.DataFrame)
    ours: dict[str, dict[str, Decimal]] = {}
    for row in table.to_dict("records"):  # revenue and cost rows of a team, added up
        mine = ours.setdefault(row["team"], dict.fromkeys(MEASURES, Decimal(0)))
        for measure in MEASURES:
            mine[measure] += row[measure]
    theirs = {
        row["team"]: {m: Decimal(row[m] or 0) for m in MEASURES} for row in baseline.to_pylist()
    }
    assert ours == theirs
    findings, costs = align_case.subject(), align_case.baseline()
    assert isinstance(findings, list) and isinstance(costs, pa.Table)
    assert len(findings) > 0 and costs.num_rows > 0
