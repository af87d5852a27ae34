"""What-if scenarios: overrides applied to a scenario's facts, compared with the original.

An :class:`Override` selects facts by team or department, account or P&L line, line, and
month or fiscal quarter/half/year, and changes them: ``percent`` scales by (1 + value), ``add`` adds
value to each fact, ``set`` replaces each fact with value. Overrides apply in order; results
are rounded to the account's unit (cents for currency, whole customers, ...), half away from
zero as Excel's ROUND does. No fact is created or removed, so keys stay those of the source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.consolidate import consolidate
from planbook.errors import PlanValidationError, Problem
from planbook.facts import (
    AMOUNT_DECIMALS,
    AMOUNT_TYPE,
    canonical_dtypes,
    facts_from_arrow,
    facts_to_arrow,
)
from planbook.model import Plan

__all__ = ["Override", "apply_overrides", "compare_scenario"]

_WORK_TYPE = pa.decimal128(24, AMOUNT_DECIMALS)  # room to multiply without overflow


@dataclass(frozen=True)
class Override:
    """One change to a slice of a scenario. ``None`` selects everything on that axis."""

    kind: Literal["percent", "add", "set"]
    value: Decimal
    team: str | None = None
    account: str | None = None
    period: str | None = None
    line: str | None = None


def apply_overrides(
    plan: Plan,
    facts: pd.DataFrame,
    overrides: Sequence[Override],
    *,
    scenario: str = "base",
    name: str = "what-if",
) -> pd.DataFrame:
    """The facts of ``scenario`` with ``overrides`` applied, relabelled as scenario ``name``."""
    _check(plan, overrides)
    source = canonical_dtypes(facts)
    source = source[source["scenario"] == scenario].reset_index(drop=True)
    table = facts_to_arrow(source)
    amount = table.column("amount").cast(_WORK_TYPE)
    for override in overrides:
        mask = pa.array(_selected(plan, source, override))
        amount = pc.if_else(mask, _changed(amount, override), amount)
    amount = _round_to_units(plan, source, amount)
    table = table.set_column(table.column_names.index("amount"), "amount", amount.cast(AMOUNT_TYPE))
    table = table.set_column(0, "scenario", pa.array([name] * len(source), pa.string()))
    return facts_from_arrow(table)


def compare_scenario(
    plan: Plan,
    facts: pd.DataFrame,
    overrides: Sequence[Override],
    *,
    scenario: str = "base",
    by: Sequence[str] = ("department",),
    period: str = "quarter",
    filters: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Roll-ups of ``scenario`` and of its what-if side by side: ``by`` columns, ``period``,
    ``base``, ``what_if`` and ``delta`` (Decimals). ``filters`` as for
    :func:`~planbook.consolidate.consolidate`."""
    what_if = apply_overrides(plan, facts, overrides, scenario=scenario)
    keys = [*by, "period"]
    filters = {k: v for k, v in (filters or {}).items() if k != "scenario"}
    before = consolidate(
        plan, facts, by=by, period=period, filters={**filters, "scenario": [scenario]}
    )
    after = consolidate(plan, what_if, by=by, period=period, filters=filters)
    merged = before.merge(after, on=keys, how="outer", suffixes=("_base", "_what_if"))
    out = merged[keys].copy()
    out["base"] = merged["amount_base"].map(lambda v: Decimal(0) if pd.isna(v) else v)
    out["what_if"] = merged["amount_what_if"].map(lambda v: Decimal(0) if pd.isna(v) else v)
    out["delta"] = [b - a for a, b in zip(out["base"], out["what_if"], strict=True)]
    return out.sort_values(keys).reset_index(drop=True)


def _selected(plan: Plan, facts: pd.DataFrame, override: Override) -> np.ndarray:
    mask = np.ones(len(facts), dtype=bool)
    if override.team is not None:
        teams = [t.id for t in plan.teams if override.team in (t.id, t.department)]
        mask &= facts["team"].isin(teams).to_numpy()
    if override.account is not None:
        accounts = [a.id for a in plan.accounts if override.account in (a.id, a.pnl_line)]
        mask &= facts["account"].isin(accounts).to_numpy()
    if override.line is not None:
        mask &= (facts["line"].astype(str) == override.line).to_numpy()
    if override.period is not None:
        calendar = plan.calendar
        months = [
            p
            for p in calendar.periods
            if override.period
            in (p, calendar.quarter(p), calendar.half(p), calendar.fiscal_year(p))
        ]
        mask &= facts["period"].isin(months).to_numpy()
    return mask


def _changed(amount: pa.ChunkedArray, override: Override) -> pa.ChunkedArray:
    value = pa.scalar(override.value, pa.decimal128(18, AMOUNT_DECIMALS))
    if override.kind == "percent":
        factor = pa.scalar(1 + override.value, pa.decimal128(13, AMOUNT_DECIMALS))
        product = pc.multiply(amount, factor)
        return pc.round(product, ndigits=AMOUNT_DECIMALS).cast(_WORK_TYPE)
    if override.kind == "add":
        return pc.add(amount, value).cast(_WORK_TYPE)
    return pa.repeat(value.cast(_WORK_TYPE), len(amount))


def _round_to_units(plan: Plan, facts: pd.DataFrame, amount: pa.ChunkedArray) -> pa.Array:
    """Each amount rounded to its account's unit, half away from zero (Excel's ROUND)."""
    decimals = {a.id: a.unit.decimals for a in plan.accounts}
    places = facts["account"].map(lambda a: decimals.get(a, AMOUNT_DECIMALS)).to_numpy(int)
    out = amount
    for digits in sorted(set(places.tolist())):
        rounded = pc.round(amount, ndigits=digits, round_mode="half_towards_infinity")
        out = pc.if_else(pa.array(places == digits), rounded, out)
    return out


def _check(plan: Plan, overrides: Sequence[Override]) -> None:
    calendar = plan.calendar
    teams = {t.id for t in plan.teams} | {d.id for d in plan.departments}
    accounts = {a.id for a in plan.accounts} | {a.pnl_line for a in plan.accounts if a.pnl_line}
    periods = (
        set(calendar.periods)
        | {calendar.quarter(p) for p in calendar.periods}
        | {calendar.half(p) for p in calendar.periods}
        | {calendar.fiscal_year(p) for p in calendar.periods}
    )
    problems = []
    for i, o in enumerate(overrides):
        if o.kind not in ("percent", "add", "set"):
            problems.append(
                Problem(("overrides", i, "kind"), f"{o.kind!r} is not percent, add or set")
            )
        for field, value, known, what in (
            ("team", o.team, teams, "a team or department"),
            ("account", o.account, accounts, "an account or P&L line"),
            ("period", o.period, periods, "a month or fiscal quarter, half or year"),
        ):
            if value is not None and value not in known:
                problems.append(
                    Problem(("overrides", i, field), f"{value!r} is not {what} of the plan")
                )
    if problems:
        raise PlanValidationError(problems, subject="scenario")
