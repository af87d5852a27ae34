"""Rules that look across a plan, and across a plan and its facts.

Each check collects: it returns every :class:`~planbook.errors.Problem` it finds, with the
location and a sentence saying what was found and what was expected. ``parse_plan`` and
``check_facts`` raise one :class:`~planbook.errors.PlanValidationError` holding them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError

from planbook.calendar import FiscalCalendar, is_period
from planbook.dependencies import dependency_problems
from planbook.engine import scenario_problems
from planbook.errors import PlanValidationError, Problem
from planbook.facts import AMOUNT_TYPE, canonical_dtypes, fact_keys, plain_decimal
from planbook.kpis import opening_problems
from planbook.model import KNOWN_METRICS, Plan, Unit

__all__ = ["check_facts", "parse_plan", "validate_facts", "validate_plan"]

MAX_PROBLEMS = 1000
"""Most problems reported one by one for a facts table; the rest are counted."""


def parse_plan(data: Mapping[str, Any]) -> Plan:
    """A :class:`Plan` from plain data (a parsed plan file, a JSON body), fully validated.

    Raises :class:`PlanValidationError` listing every problem: wrong types and shapes first;
    once the shape is right, every rule of :func:`validate_plan`.
    """
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanValidationError(_pydantic_problems(exc)) from None
    problems = validate_plan(plan)
    if problems:
        raise PlanValidationError(problems)
    return plan


def _pydantic_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        msg = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] not in ("value_error", "missing", "extra_forbidden"):
            msg = f"{msg}; found {error['input']!r}"
        elif error["type"] == "extra_forbidden":
            msg = "is not a field of this section; check the spelling"
        elif error["type"] == "missing":
            msg = "is required"
        problems.append(Problem(tuple(error["loc"]), msg))
    return problems


def validate_plan(plan: Plan) -> list[Problem]:
    """Every problem with the cross-references of a plan definition."""
    problems: list[Problem] = []
    calendar = plan.calendar
    for section in ("departments", "teams", "accounts", "scenarios", "assumptions", "goals"):
        problems += _duplicate_ids(section, getattr(plan, section))
    department_ids = {d.id for d in plan.departments}
    team_ids = {t.id for t in plan.teams}
    account_ids = {a.id for a in plan.accounts}
    scenario_ids = {s.id for s in plan.scenarios}

    for i, team in enumerate(plan.teams):
        if team.department not in department_ids:
            problems.append(
                Problem(
                    ("teams", i, "department"),
                    f"team {team.id!r} is in department {team.department!r}, which is not in the "
                    f"plan; expected one of {_choices(department_ids)}",
                )
            )
    for i, account in enumerate(plan.accounts):
        if account.type.is_cost and account.unit is not Unit.CURRENCY:
            problems.append(
                Problem(
                    ("accounts", i, "unit"),
                    f"cost account {account.id!r} is in {account.unit}; costs are in currency",
                )
            )
        problems += [
            Problem(
                ("accounts", i, "derived_from"),
                f"account {account.id!r} is derived from {source!r}, which is not in the "
                f"chart of accounts; expected one of {_choices(account_ids)}",
            )
            for source in account.derived_from
            if source not in account_ids
        ]
    for i, assumption in enumerate(plan.assumptions):
        if assumption.id in account_ids:
            problems.append(
                Problem(
                    ("assumptions", i, "id"),
                    f"{assumption.id!r} is both an account and an assumption; "
                    "give them distinct ids",
                )
            )
        problems += _period_values(
            ("assumptions", i, "values"),
            assumption.values,
            calendar,
            assumption.unit,
            complete=True,
        )
    problems += opening_problems(plan)
    problems += dependency_problems(plan)
    for i, goal in enumerate(plan.goals):
        problems += _goal_problems(i, goal.metric, goal.due, goal.team, plan, calendar)
        for j, milestone in enumerate(goal.milestones):
            if milestone.due not in calendar:
                loc = ("goals", i, "milestones", j, "due")
                problems.append(Problem(loc, _outside(milestone.due, calendar)))
    problems += scenario_problems(plan)
    seen_envelopes: set[tuple[str, str]] = set()
    for i, envelope in enumerate(plan.envelopes):
        if envelope.team not in team_ids:
            problems.append(
                Problem(
                    ("envelopes", i, "team"),
                    f"envelope for unknown team {envelope.team!r}; expected one of "
                    f"{_choices(team_ids)}",
                )
            )
        if envelope.scenario not in scenario_ids:
            problems.append(
                Problem(
                    ("envelopes", i, "scenario"),
                    f"unknown scenario {envelope.scenario!r}; expected one of "
                    f"{_choices(scenario_ids)}",
                )
            )
        if (envelope.team, envelope.scenario) in seen_envelopes:
            problems.append(
                Problem(
                    ("envelopes", i, "team"),
                    f"a second envelope for team {envelope.team!r} in scenario "
                    f"{envelope.scenario!r}; give each team one envelope per scenario",
                )
            )
        seen_envelopes.add((envelope.team, envelope.scenario))
        problems += _period_values(
            ("envelopes", i, "amounts"),
            envelope.amounts,
            calendar,
            Unit.CURRENCY,
            complete=False,
        )
    return problems


def _duplicate_ids(section: str, items: Sequence[Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in seen:
            problems.append(
                Problem(
                    (section, i, "id"),
                    f"{item.id!r} is already used by {section}[{seen[item.id]}]; "
                    "ids must be unique",
                )
            )
        else:
            seen[item.id] = i
    return problems


def _goal_problems(
    i: int, metric: str, due: str, team: str | None, plan: Plan, calendar: FiscalCalendar
) -> list[Problem]:
    problems = []
    if metric not in KNOWN_METRICS and metric not in {a.id for a in plan.accounts}:
        problems.append(
            Problem(
                ("goals", i, "metric"),
                f"unknown metric {metric!r}; expected a KPI ({', '.join(KNOWN_METRICS)}) "
                "or an account id",
            )
        )
    if due not in calendar:
        problems.append(Problem(("goals", i, "due"), _outside(due, calendar)))
    owners = {t.id for t in plan.teams} | {d.id for d in plan.departments}
    if team is not None and team not in owners:
        problems.append(
            Problem(
                ("goals", i, "team"),
                f"unknown team or department {team!r}; expected one of {_choices(owners)}",
            )
        )
    return problems


def _period_values(
    loc: tuple[str | int, ...],
    values: Mapping[str, Decimal],
    calendar: FiscalCalendar,
    unit: Unit,
    *,
    complete: bool,
) -> list[Problem]:
    problems = []
    for period, value in values.items():
        if period not in calendar:
            problems.append(Problem((*loc, period), _outside(period, calendar)))
        elif _decimals(value) > unit.decimals or not value.is_finite():
            problems.append(Problem((*loc, period), f"{value} is not {unit.description}"))
    if complete:
        missing = [p for p in calendar.periods if p not in values]
        if missing:
            problems.append(
                Problem(
                    loc,
                    f"no value for {', '.join(missing)}; every month of the plan needs one",
                )
            )
    return problems


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _outside(period: str, calendar: FiscalCalendar) -> str:
    if not is_period(period):
        return f"{period!r} is not a month; write months as YYYY-MM"
    return f"{period} is outside the plan's calendar ({calendar.start} to {calendar.end})"


def _choices(ids: Iterable[str], limit: int = 12) -> str:
    ordered = sorted(ids)
    if not ordered:
        return "(none defined)"
    shown = ", ".join(ordered[:limit])
    return shown + (f" and {len(ordered) - limit} more" if len(ordered) > limit else "")


def validate_facts(plan: Plan, facts: pd.DataFrame, *, source: str = "facts") -> list[Problem]:
    """Every problem with facts against a plan: unknown ids, months outside the calendar,
    duplicate keys, amounts the account's unit does not allow.

    Locations are ``(source, "row N", column)`` with N counted from 1. Works on categorical
    codes and whole columns, so millions of facts check in about a second.
    """
    facts = canonical_dtypes(facts)
    found: list[tuple[int, str, str]] = []  # (row, column, message)
    assumption_ids = {a.id for a in plan.assumptions}
    checks = {
        "scenario": {s.id for s in plan.scenarios},
        "team": {t.id for t in plan.teams},
        "account": {a.id for a in plan.accounts},
        "period": set(plan.calendar.periods),
    }
    for column, allowed in checks.items():
        for value, rows in _bad_values(facts[column], allowed):
            message = _fact_message(column, value, allowed, plan, assumption_ids)
            found += [(row, column, message) for row in rows]
    found += _duplicate_keys(facts)
    found += [
        (row, "amount", "the amount is empty; enter a number (0 for nothing planned)")
        for row in np.flatnonzero(facts["amount"].isna().to_numpy())[: MAX_PROBLEMS + 1].tolist()
    ]
    found += _unit_problems(facts, plan)
    found.sort()
    problems = [
        Problem((source, f"row {row + 1}", column), msg)
        for row, column, msg in found[:MAX_PROBLEMS]
    ]
    if len(found) > MAX_PROBLEMS:
        problems.append(Problem((source,), f"... and {len(found) - MAX_PROBLEMS} more problems"))
    return problems


def check_facts(plan: Plan, facts: pd.DataFrame, *, source: str = "facts") -> None:
    """Raise :class:`PlanValidationError` if :func:`validate_facts` finds any problem."""
    problems = validate_facts(plan, facts, source=source)
    if problems:
        raise PlanValidationError(problems, subject=source)


def _rows_with_codes(codes: np.ndarray, wanted: Iterable[int]) -> np.ndarray:
    return np.flatnonzero(np.isin(codes, np.fromiter(wanted, dtype=codes.dtype)))


def _bad_values(column: pd.Series, allowed: set[str]) -> list[tuple[str | None, list[int]]]:
    """Each value of a categorical column not in ``allowed``, with (some of) its rows."""
    categories = list(column.cat.categories)
    codes = column.cat.codes.to_numpy()
    bad = {code: value for code, value in enumerate(categories) if value not in allowed}
    out: list[tuple[str | None, list[int]]] = []
    missing = np.flatnonzero(codes == -1)
    if len(missing):
        out.append((None, missing[: MAX_PROBLEMS + 1].tolist()))
    for code, value in bad.items():
        out.append((value, np.flatnonzero(codes == code)[: MAX_PROBLEMS + 1].tolist()))
    return out


def _fact_message(
    column: str, value: str | None, allowed: set[str], plan: Plan, assumption_ids: set[str]
) -> str:
    if value is None or value == "":
        return f"{column} is empty; every fact needs one"
    if column == "period":
        return _outside(value, plan.calendar)
    if column == "account" and value in assumption_ids:
        return f"{value!r} is a company assumption; teams reference assumptions and cannot set them"
    return f"unknown {column} {value!r}; expected one of {_choices(allowed)}"


def _duplicate_keys(facts: pd.DataFrame) -> list[tuple[int, str, str]]:
    """Rows whose key already appeared in an earlier row."""
    (key,) = fact_keys(facts)
    dupes = np.flatnonzero(pd.Series(key).duplicated(keep="first").to_numpy())
    return _duplicate_messages(dupes, key, facts)


def _duplicate_messages(
    dupes: np.ndarray, key: np.ndarray, facts: pd.DataFrame
) -> list[tuple[int, str, str]]:
    if not len(dupes):
        return []
    first_row: dict[int, int] = {}
    for row in np.flatnonzero(np.isin(key, key[dupes])).tolist():
        first_row.setdefault(int(key[row]), row)
    return [
        (
            row,
            "line",
            f"duplicate of row {first_row[int(key[row])] + 1} (same scenario, team, account, "
            "line and period); each number may appear once: add them up or use another line",
        )
        for row in dupes[: MAX_PROBLEMS + 1].tolist()
    ]


def _unit_problems(facts: pd.DataFrame, plan: Plan) -> list[tuple[int, str, str]]:
    """Amounts finer than the account's unit allows, or negative where not allowed."""
    amounts = pa.chunked_array([pa.array(facts["amount"].array, AMOUNT_TYPE)])
    codes = facts["account"].cat.codes.to_numpy()
    code_of = {value: code for code, value in enumerate(facts["account"].cat.categories)}
    negative = pc.fill_null(pc.less(amounts, pa.scalar(Decimal(0), AMOUNT_TYPE)), False)
    negative = negative.to_numpy(zero_copy_only=False)
    too_fine: dict[int, np.ndarray] = {}
    out = []
    for account in plan.accounts:
        if account.id not in code_of:
            continue
        unit = account.unit
        if unit.decimals not in too_fine:
            rounded = pc.round(amounts, ndigits=unit.decimals)
            differs = pc.fill_null(pc.not_equal(rounded, amounts), False)
            too_fine[unit.decimals] = differs.to_numpy(zero_copy_only=False)
        bad = (
            too_fine[unit.decimals]
            if account.allow_negative
            else (too_fine[unit.decimals] | negative)
        )
        rows = np.flatnonzero(bad & (codes == code_of[account.id]))
        for row in rows[: MAX_PROBLEMS + 1].tolist():
            amount = amounts[row].as_py()
            if amount < 0 and not account.allow_negative:
                msg = (
                    f"{plain_decimal(amount)} is negative; account {account.id!r} takes "
                    f"{unit.description}, not below zero"
                )
            else:
                msg = f"{plain_decimal(amount)} is not {unit.description} (account {account.id!r})"
            out.append((row, "amount", msg))
    return out
