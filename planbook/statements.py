"""The P&L of scenarios side by side, in P&L order with subtotals.

Rows are the plan's P&L lines in chart-of-accounts order, revenue lines first, then cost of
revenue, then opex and capex lines, with the subtotals ``Total revenue``, ``Gross profit``,
``Total operating expenses`` and ``Operating income``. Amounts are exact decimals as the
P&L shows them: costs positive on their own lines, subtracted in the subtotals. A
subtotal is the sum of the lines above it (a property test checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from planbook.consolidate import consolidate
from planbook.engine import scenario_view
from planbook.model import AccountType, Plan

__all__ = ["SUBTOTALS", "pnl_statement"]

SUBTOTALS = ("Total revenue", "Gross profit", "Total operating expenses", "Operating income")


def pnl_statement(
    plan: Plan, facts: pd.DataFrame, *, scenarios: Sequence[str], period: str = "year"
) -> pd.DataFrame:
    """Long frame ``scenario``, ``line``, ``kind`` (``line`` or ``subtotal``), ``period``,
    ``amount`` (Decimal), in scenario order, then P&L order, then period order."""
    frames = []
    for scenario in dict.fromkeys(scenarios):
        view = scenario_view(plan, facts, scenario)
        kinds = [t.value for t in AccountType if t is AccountType.REVENUE or t.is_cost]
        filters = {"scenario": [scenario], "account_type": kinds}
        sums = consolidate(view.plan, view.facts, by=("pnl_line",), period=period, filters=filters)
        frames.append(_statement(plan, scenario, sums))
    return pd.concat(frames, ignore_index=True)


def _statement(plan: Plan, scenario: str, sums: pd.DataFrame) -> pd.DataFrame:
    periods = list(dict.fromkeys(sums["period"]))
    value = {
        (n, p): a for n, p, a in zip(sums["pnl_line"], sums["period"], sums["amount"], strict=True)
    }
    groups = _lines(plan)
    rows: list[tuple[str, str, str, str, Decimal]] = []

    def line(name: str) -> None:
        rows.extend((scenario, name, "line", p, value.get((name, p), Decimal(0))) for p in periods)

    def total(name: str, parts: list[tuple[list[str], int]]) -> None:
        for p in periods:
            amount = sum(
                (sign * value.get((n, p), Decimal(0)) for names, sign in parts for n in names),
                Decimal(0),
            )
            rows.append((scenario, name, "subtotal", p, amount))

    revenue, cogs, opex = groups
    for name in revenue:
        line(name)
    total("Total revenue", [(revenue, 1)])
    for name in cogs:
        line(name)
    total("Gross profit", [(revenue, 1), (cogs, -1)])
    for name in opex:
        line(name)
    total("Total operating expenses", [(opex, 1)])
    total("Operating income", [(revenue, 1), (cogs, -1), (opex, -1)])
    return pd.DataFrame(rows, columns=["scenario", "line", "kind", "period", "amount"])


def _lines(plan: Plan) -> tuple[list[str], list[str], list[str]]:
    """The P&L lines of revenue, cost of revenue, and operating (and capital) costs."""
    groups: tuple[list[str], list[str], list[str]] = ([], [], [])
    for account in plan.accounts:
        if account.pnl_line is None:
            continue
        if account.type is AccountType.REVENUE:
            group = groups[0]
        elif account.type is AccountType.COGS:
            group = groups[1]
        elif account.type.is_cost:
            group = groups[2]
        else:
            continue
        if account.pnl_line not in group:
            group.append(account.pnl_line)
    return groups
