"""The demo company's books: a chart of GL codes and cost centres, the mapping file, and a
sample GL export of the month after the demo's actuals (the month finance closes next).

``planbook demo --out DIR`` writes them as ``DIR/gl-export.csv`` and ``DIR/gl-mapping.yaml``;
``planbook actuals import DIR/gl-export.csv --mapping DIR/gl-mapping.yaml`` books that month.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import cast

import numpy as np
import yaml

from planbook.calendar import shift_period
from planbook.demo.budgets import Demo
from planbook.errors import UsageError
from planbook.model import AccountType, Plan

__all__ = [
    "GL_COLUMNS",
    "cost_centres",
    "gl_codes",
    "next_close_month",
    "sample_export",
    "sample_mapping",
]

GL_COLUMNS = ("Posting Date", "GL Account", "Cost Center", "Amount", "Memo")
_FIRST_CODE = {AccountType.REVENUE: 4000, AccountType.COGS: 5000, AccountType.OPEX: 6000}
_CENTS = Decimal("0.01")


def gl_codes(plan: Plan) -> dict[str, str]:
    """GL account code of each P&L currency account: revenue 4xxx, COGS 5xxx, opex 6xxx+."""
    codes: dict[str, str] = {}
    used = dict(_FIRST_CODE)
    for account in plan.accounts:
        if account.type in used and account.pnl_line:
            codes[account.id] = str(used[account.type])
            used[account.type] += 10
    return codes


def cost_centres(plan: Plan) -> dict[str, str]:
    """Cost centre of each team: 100, 101, ... in plan order."""
    return {team.id: str(100 + i) for i, team in enumerate(plan.teams)}


def sample_mapping(plan: Plan) -> str:
    """The demo's GL mapping file (YAML), with comments a reader can follow."""
    revenue = {a.id for a in plan.accounts if a.type is AccountType.REVENUE}
    data = {
        "scenario": "actuals",
        "columns": {
            "date": GL_COLUMNS[0],
            "account": GL_COLUMNS[1],
            "cost_centre": GL_COLUMNS[2],
            "amount": GL_COLUMNS[3],
            "memo": GL_COLUMNS[4],
        },
        "accounts": {
            code: ({"account": account, "sign": -1} if account in revenue else account)
            for account, code in gl_codes(plan).items()
        },
        "cost_centres": {centre: team for team, centre in cost_centres(plan).items()},
        "suspense": {"account": "suspense", "team": "finance"},
    }
    head = (
        "# GL mapping for the demo company's ledger (see docs/actuals.md).\n"
        "# accounts: GL code -> plan account; sign -1 turns GL credits (revenue) positive.\n"
        "# cost_centres: cost centre -> team. suspense: where --allow-unmapped books\n"
        "# postings whose codes are not mapped here.\n"
    )
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def next_close_month(demo: Demo) -> str:
    """The first month without actuals (the demo's next month to close)."""
    actual = demo.facts[demo.facts["scenario"] == "actuals"]["period"].astype(str)
    month = shift_period(max(actual), 1) if len(actual) else demo.plan.start
    if month not in demo.plan.calendar:
        raise UsageError("the demo's actuals cover every month; there is no month to close")
    return month


def sample_export(demo: Demo, *, month: str | None = None, seed: int = 11) -> str:
    """A GL export (CSV text) of one month: the base plan's P&L amounts of that month with
    a few percent of noise, split into postings; revenue as credits (negative)."""
    plan, facts = demo.plan, demo.facts
    month = month or next_close_month(demo)
    codes, centres = gl_codes(plan), cost_centres(plan)
    kind = {a.id: a.type for a in plan.accounts}
    base = facts[(facts["scenario"] == "base") & (facts["period"] == month)]
    base = base[base["account"].isin(list(codes))]
    sums = base.groupby(["team", "account"], observed=True)["amount"].sum()
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GL_COLUMNS)
    for key, amount in sums.items():
        team, account = (str(k) for k in cast(tuple[str, str], key))
        actual = (Decimal(amount) * Decimal(str(round(rng.normal(1, 0.05), 4)))).quantize(_CENTS)
        sign = -1 if kind[account] is AccountType.REVENUE else 1
        parts = int(rng.integers(1, 4))
        pieces = _split(actual, parts)
        for k, piece in enumerate(pieces, start=1):
            day = int(rng.integers(1, 29))
            writer.writerow(
                [
                    f"{month}-{day:02d}",
                    codes[account],
                    centres[team],
                    f"{piece * sign:.2f}",
                    f"{plan.account(account).name} {k}/{len(pieces)}",
                ]
            )
    return out.getvalue()


def _split(amount: Decimal, parts: int) -> list[Decimal]:
    """``amount`` in ``parts`` postings that add up to it exactly."""
    share = (amount / parts).quantize(_CENTS)
    return [share] * (parts - 1) + [amount - share * (parts - 1)]
