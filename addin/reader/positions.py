"""The Headcount sheet's input rows as positions (see :mod:`planbook.headcount`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from addin.reader.cells import Rows, address, cell, is_blank, month, number, shown, text
from addin.templates.layout import HEADCOUNT, TeamLayout, col
from planbook.errors import Problem
from planbook.headcount import POSITION_COLUMNS

SALARY = "the annual base salary in plan currency, e.g. 98000"


def read_positions(
    rows: Rows, formulas: dict[str, str], layout: TeamLayout
) -> tuple[pd.DataFrame, list[Problem]]:
    """Positions of the team, and every problem with the Headcount rows."""
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for r in range(layout.headcount_first_row, layout.headcount_last_row + 1):
        values = [cell(rows, r, c) for c in range(1, 6)]
        problems += _uncalculated(formulas, r)
        if all(is_blank(v) for v in values):
            continue
        record, found = _position(values, r, layout)
        problems += found
        first = seen.get(record["position"])
        if first is not None:
            problems.append(
                Problem(
                    (address(HEADCOUNT, r, 1),),
                    (
                        f"position {record['position']!r} is already on row {first}; "
                        "give each position its own id"
                    ),
                )
            )
        seen.setdefault(record["position"], r)
        if not found:
            records.append(record)
    frame = pd.DataFrame(records, columns=list(POSITION_COLUMNS))
    return frame, problems


def _uncalculated(formulas: dict[str, str], r: int) -> list[Problem]:
    return [
        Problem(
            (f"{HEADCOUNT}!{col(c)}{r}",),
            f"a formula ({formulas[f'{col(c)}{r}']}) in an input cell; type the value itself",
        )
        for c in range(1, 6)
        if f"{col(c)}{r}" in formulas
    ]


def _position(
    values: list[Any], r: int, layout: TeamLayout
) -> tuple[dict[str, Any], list[Problem]]:
    position, role, level, start, salary = values
    problems: list[Problem] = []
    where = {c: address(HEADCOUNT, r, c) for c in range(1, 6)}
    if is_blank(role):
        problems.append(
            Problem(
                (where[2],), "this position has no role; name the role (e.g. Account Executive)"
            )
        )
    start_month = "" if is_blank(start) else month(start)
    calendar = layout.plan.calendar
    if start_month is None:
        problems.append(
            Problem(
                (where[4],),
                f"{shown(start)} is not a month; pick a month of "
                "the plan (YYYY-MM) or leave it empty for people already on "
                "the payroll",
            )
        )
    elif start_month and start_month not in calendar:
        problems.append(
            Problem(
                (where[4],),
                f"{start_month} is outside the plan's calendar "
                f"({calendar.start} to {calendar.end}); pick a month of the "
                "plan or leave it empty for people already on the payroll",
            )
        )
    amount = _salary(salary, where[5], problems)
    record = {
        "scenario": layout.scenario,
        "team": layout.team.id,
        "position": text(position) or f"{layout.team.id}-row{r}",
        "role": text(role),
        "level": text(level),
        "start": start_month or "",
        "annual_salary": amount,
    }
    return record, problems


def _salary(value: Any, where: str, problems: list[Problem]) -> Decimal:
    if is_blank(value):
        problems.append(Problem((where,), f"no annual salary; enter {SALARY}."))
        return Decimal(0)
    amount = number(value, where, SALARY)
    if isinstance(amount, Problem):
        problems.append(amount)
        return Decimal(0)
    if amount < 0 or amount != round(amount, 2):
        problems.append(
            Problem(
                (where,),
                f"{shown(value)} is not a salary; enter {SALARY} "
                "(not below zero, at most 2 decimals).",
            )
        )
    return amount
