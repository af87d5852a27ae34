"""Positions as stored data: the checks a pushed positions table must pass.

The store keeps each team's positions (the people behind its headcount lines: role, level,
start month and annual salary) as a part of its own, confidential like salaries, so that a
pulled team workbook shows the same heads and costs as the store. The arithmetic they drive
is :mod:`planbook.headcount`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from planbook.errors import PlanValidationError, Problem
from planbook.headcount import POSITION_COLUMNS
from planbook.model import Plan

__all__ = ["check_positions", "empty_positions", "positions_from_columns"]


def empty_positions() -> pd.DataFrame:
    """A positions table with no rows."""
    return pd.DataFrame({c: pd.Series([], dtype=str) for c in POSITION_COLUMNS})


def check_positions(plan: Plan, positions: pd.DataFrame, *, source: str) -> list[Problem]:
    """Every problem of a positions table against a plan: columns, known teams and
    scenarios, start months in the calendar, salaries as non-negative numbers, no control
    characters, each (scenario, team, position) once."""
    missing = [c for c in POSITION_COLUMNS if c not in positions.columns]
    if missing:
        return [Problem((source, "positions"), f"no column {', '.join(missing)}")]
    teams, scenarios = {t.id for t in plan.teams}, {s.id for s in plan.scenarios}
    months = set(plan.calendar.periods)
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    rows = positions[list(POSITION_COLUMNS)].astype(str).itertuples(index=False)
    for i, (scenario, team, position, _role, _level, start, salary) in enumerate(rows, 1):
        at = (source, "positions", f"row {i}")
        if team not in teams:
            problems.append(Problem((*at, "team"), f"unknown team {team!r}"))
        if scenario not in scenarios:
            problems.append(Problem((*at, "scenario"), f"unknown scenario {scenario!r}"))
        if start and start not in months:
            problems.append(
                Problem((*at, "start"), f"{start!r} is not a month of the plan's calendar")
            )
        if not _salary(salary):
            problems.append(
                Problem((*at, "annual_salary"), f"{salary!r} is not a non-negative amount")
            )
        texts = (scenario, team, position, _role, _level, start, salary)
        if any(ch < " " or ch == "\x7f" for value in texts for ch in value):
            problems.append(Problem(at, "a value holds a control character (NUL, tab, ...)"))
        key = (scenario, team, position)
        if not position or key in seen:
            problems.append(Problem((*at, "position"), f"position {position!r} is empty or twice"))
        seen.add(key)
    return problems


def _salary(text: str) -> bool:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return False
    return value.is_finite() and value >= 0


def positions_from_columns(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """A pushed positions table (columnar JSON) as text columns; uneven columns are a 422."""
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise PlanValidationError(
            [Problem(("positions",), "every column needs the same number of values")],
            subject="positions",
        )
    return pd.DataFrame(
        {c: ["" if v is None else str(v) for v in values] for c, values in columns.items()},
        dtype=str,
    )
