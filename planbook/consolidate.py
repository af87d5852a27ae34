"""Roll-ups of facts: team requests against the envelopes leadership set.

Pure functions over the canonical facts frame; amounts stay exact decimals.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from planbook.model import Plan

__all__ = ["cost_by_team", "request_vs_envelope"]


def cost_by_team(plan: Plan, facts: pd.DataFrame, *, scenario: str = "base") -> pd.Series:
    """Each team's cost request (COGS, opex, capex) over the whole plan, as Decimals."""
    cost_accounts = [a.id for a in plan.accounts if a.type.is_cost]
    mine = facts[(facts["scenario"] == scenario) & facts["account"].isin(cost_accounts)]
    sums = mine.groupby("team", observed=True)["amount"].sum()
    return pd.Series({t.id: Decimal(sums.get(t.id, Decimal(0))) for t in plan.teams}, dtype=object)


def request_vs_envelope(
    plan: Plan, facts: pd.DataFrame, *, scenario: str = "base", by: str = "department"
) -> pd.DataFrame:
    """Cost request against envelope, by ``department`` or ``team``, over the whole plan.

    Columns: the group id and name, ``request``, ``envelope``, ``remaining`` (envelope -
    request; negative means over) as Decimals. A team without an envelope counts 0.
    """
    if by not in ("department", "team"):
        raise ValueError(f"by must be 'department' or 'team', not {by!r}")
    request = cost_by_team(plan, facts, scenario=scenario)
    envelope = {t.id: Decimal(0) for t in plan.teams}
    for e in plan.envelopes:
        if e.scenario == scenario and e.team in envelope:
            envelope[e.team] += sum(e.amounts.values(), Decimal(0))
    if by == "team":
        groups = [(t.id, t.name, [t.id]) for t in plan.teams]
    else:
        groups = [(d.id, d.name, [t.id for t in plan.teams_of(d.id)]) for d in plan.departments]
    rows = []
    for group_id, name, members in groups:
        req = sum((request[m] for m in members), Decimal(0))
        env = sum((envelope[m] for m in members), Decimal(0))
        rows.append(
            {by: group_id, "name": name, "request": req, "envelope": env, "remaining": env - req}
        )
    return pd.DataFrame(rows, columns=[by, "name", "request", "envelope", "remaining"])
