"""The diff report's figures, checked against sums computed here from the facts."""

from __future__ import annotations

from decimal import Decimal

from server.diffreport import diff_report
from server.store.compare import diff_versions
from tests.server.store.helpers import team_facts
from tests.server.store.test_compare import _three_rounds


def test_report_totals_and_rollups_by_hand(store, demo):
    _three_rounds(store, demo)  # v3: every sales-na budget line raised by 5
    report = diff_report(store, diff_versions(store, plan_id="cirrus", a=2, b=3))
    facts = team_facts(demo, "sales-na")
    unit = {a.id: a.unit.value for a in demo.plan.accounts}
    expected: dict[tuple[str, str], tuple[Decimal, int]] = {}  # old total, lines
    for scenario, account, amount in zip(
        facts["scenario"], facts["account"], facts["amount"], strict=True
    ):
        key = (str(scenario), unit[str(account)])
        total, lines = expected.get(key, (Decimal(0), 0))
        expected[key] = (total + amount, lines + 1)
    totals = {(t["scenario"], t["unit"]): t for t in report["totals"]}
    assert set(totals) == set(expected)
    for key, (old, count) in expected.items():
        assert Decimal(totals[key]["old"]) == old
        assert Decimal(totals[key]["delta"]) == 5 * count
    assert report["summary"]["changed"] == len(facts) == report["lines_total"]
    # operating income: each P&L line raised by 5 adds 5 (revenue) or takes 5 (cost)
    sign = {a.id: a.pnl_sign for a in demo.plan.accounts if a.pnl_line}
    base = facts[facts["scenario"] == "base"]
    income = sum((5 * sign[str(a)] for a in base["account"] if str(a) in sign), 0)
    (sales,) = [r for r in report["rollups"]["department"] if r["scenario"] == "base"]
    assert sales == {"scenario": "base", "department": "sales", "delta": str(income)}
    steps = report["bridge"]["steps"]
    assert [s["step"] for s in steps] == ["start", "sales", "end"]
    assert Decimal(steps[1]["amount"]) == income
    months = report["rollups"]["month"]
    assert sum(Decimal(r["delta"]) for r in months if r["scenario"] == "base") == income
