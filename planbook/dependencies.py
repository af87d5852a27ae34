"""Declared dependencies between teams' plans: checking that they name what the plan has,
and finding the first month each side books."""

from __future__ import annotations

import pandas as pd

from planbook.errors import Problem
from planbook.model import Plan

__all__ = ["dependency_problems", "first_month"]


def dependency_problems(plan: Plan) -> list[Problem]:
    """Dependencies that name a team or account the plan does not have."""
    teams = {t.id for t in plan.teams}
    accounts = {a.id for a in plan.accounts}
    problems = []
    for i, dependency in enumerate(plan.dependencies):
        for field in ("team", "on_team"):
            value = getattr(dependency, field)
            if value not in teams:
                problems.append(
                    Problem(("dependencies", i, field), f"{value!r} is not a team of the plan")
                )
        for field in ("account", "on_account"):
            value = getattr(dependency, field)
            if value not in accounts:
                problems.append(
                    Problem(("dependencies", i, field), f"{value!r} is not an account of the plan")
                )
    return problems


def first_month(
    facts: pd.DataFrame, *, scenario: str, team: str, account: str, line: str | None
) -> str | None:
    """The first month in which ``team`` books a non-zero amount on ``account`` (and
    ``line``), or None."""
    rows = facts[
        (facts["scenario"] == scenario) & (facts["team"] == team) & (facts["account"] == account)
    ]
    if line is not None:
        rows = rows[rows["line"] == line]
    rows = rows[rows["amount"] != 0]
    return str(min(rows["period"].astype(str))) if len(rows) else None
