"""Property: any budget written into a template reads back as exactly the same facts."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from addin.reader import read_team_workbook
from addin.templates import team_template
from addin.templates.files import save_workbook
from addin.templates.layout import headcount_driven
from planbook.demo import build_demo
from planbook.facts import facts_from_records, normalize

PLAN = build_demo().plan
ACCOUNTS = [a for a in PLAN.accounts if a.id not in headcount_driven()]
LABEL = st.text(
    st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cs", "Cc")),
    max_size=20,
).map(str.strip)


def _amount(decimals: int) -> st.SearchStrategy[Decimal]:
    scale = 10**decimals
    return st.integers(1, 10**12).map(lambda n: Decimal(n) / scale)


@st.composite
def budgets(draw: st.DrawFn) -> list[dict[str, object]]:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(ACCOUNTS), LABEL),
            max_size=6,
            unique_by=lambda k: (k[0].id, k[1]),
        )
    )
    records = []
    for account, line in keys:
        months = draw(st.sets(st.sampled_from(PLAN.calendar.periods), min_size=1))
        for period in sorted(months):
            amount = draw(_amount(min(account.unit.decimals, 2)))
            records.append(
                {
                    "scenario": "base",
                    "team": "sales-na",
                    "account": account.id,
                    "line": line,
                    "period": period,
                    "amount": amount,
                }
            )
    return records


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(
    records=[
        {
            "scenario": "base",
            "team": "sales-na",
            "account": "travel",
            "line": line,
            "period": "2026-02",
            "amount": Decimal("0.01"),
        }
        for line in ("", "=?£", "=SUM(A1:A3)", "=0")
    ]
)
@given(records=budgets())
def test_any_budget_round_trips_through_a_workbook(records):
    facts = normalize(facts_from_records(records)) if records else None
    wb = team_template(PLAN, "sales-na", facts=facts)
    with tempfile.TemporaryDirectory() as tmp:
        path = save_workbook(wb, Path(tmp) / "t.xlsx")
        result = read_team_workbook(path, PLAN)
    if facts is None:
        assert len(result.facts) == 0
    else:
        assert (
            result.facts.astype(str)
            .reset_index(drop=True)
            .equals(facts.astype(str).reset_index(drop=True))
        )
