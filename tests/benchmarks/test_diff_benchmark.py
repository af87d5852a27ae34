"""The diff benchmark runs at a small size (no timing is asserted): the store's diff and the
DuckDB baseline find the same changed lines."""

from decimal import Decimal

import httpx2
import pyarrow as pa

from benchmarks.diff import cases
from server.store.compare import VersionDiff


def test_diff_benchmark_cases_agree_at_small_scale():
    *found, console = list(cases(teams=12, accounts=40, months=12))
    assert len(found) == 3
    for case in found:
        subject, baseline = case.subject(), case.baseline()
        assert isinstance(subject, VersionDiff)
        changes = subject.facts.changes
        assert len(changes) > 0 and set(changes["delta"]) == {Decimal(1)}
        if case.baseline_name.startswith("DuckDB"):
            assert isinstance(baseline, pa.Table)
            assert baseline.num_rows == len(changes)
            assert set(baseline.column("delta").to_pylist()) == {Decimal(1)}
    one_team = found[1].subject()
    assert isinstance(one_team, VersionDiff) and len(one_team.compared_parts) == 1
    page, report = console.subject(), console.baseline()
    # the console's page comes from starlette's TestClient, which answers with httpx2
    assert isinstance(page, httpx2.Response) and isinstance(report, dict)
    assert f"<b>{report['summary']['changed']}</b> changed" in page.text
