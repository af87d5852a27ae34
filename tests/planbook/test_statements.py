"""The P&L statement: subtotals are the sums of their parts, at every period grain."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.consolidate import consolidate
from planbook.statements import pnl_statement
from tests.planbook.engine_plans import small_facts, small_plan


@settings(max_examples=5, deadline=None)
@given(ads=st.integers(0, 10**7), grain=st.sampled_from(["month", "quarter", "year", "total"]))
def test_subtotals_are_sums_of_their_lines(ads, grain):
    plan = small_plan()
    facts = small_facts()
    facts = facts.assign(amount=facts["amount"].mask(facts["account"] == "ads", Decimal(ads)))
    statement = pnl_statement(plan, facts, scenarios=["base"], period=grain)
    for _, rows in statement.groupby("period"):
        value = dict(zip(rows["line"], rows["amount"], strict=True))
        assert value["Total revenue"] == value["Revenue"]
        assert value["Gross profit"] == value["Revenue"] - value["Cost of revenue"]
        opex = value["Personnel"] + value["Marketing programs"]
        assert value["Total operating expenses"] == opex
        assert value["Operating income"] == value["Gross profit"] - opex
    months = pnl_statement(plan, facts, scenarios=["base"], period="month")
    total = pnl_statement(plan, facts, scenarios=["base"], period="total")
    for line in ("Revenue", "Operating income"):
        by_month = months[months["line"] == line]["amount"].sum()
        assert total[total["line"] == line]["amount"].iloc[0] == by_month


def test_pnl_lines_in_order_with_the_roll_up(demo):
    statement = pnl_statement(demo.plan, demo.facts, scenarios=["base"], period="total")
    lines = statement["line"].tolist()
    assert lines[:4] == ["Revenue", "Total revenue", "Cost of revenue", "Gross profit"]
    assert lines[-2:] == ["Total operating expenses", "Operating income"]
    signed = consolidate(
        demo.plan,
        demo.facts,
        by=("company",),
        period="total",
        signed=True,
        filters={"scenario": ["base"]},
    )
    assert statement["amount"].iloc[-1] == signed["amount"].iloc[0]
