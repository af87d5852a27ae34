"""Roll-ups of facts: by team or department, account or P&L line, month to year; and team
requests against the envelopes leadership set.

Pure functions over the canonical facts frame; amounts stay exact decimals. Dimensions map
through the plan's categories (a few hundred values), never row by row, so a 2-million-fact
plan consolidates in well under a second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.errors import PlanValidationError, Problem
from planbook.facts import AMOUNT_TYPE, canonical_dtypes
from planbook.model import Plan

__all__ = [
    "DIMENSIONS",
    "PERIOD_GRAINS",
    "consolidate",
    "cost_by_team",
    "request_vs_envelope",
    "to_wide",
]

DIMENSIONS = (
    "scenario",
    "company",
    "department",
    "team",
    "account_type",
    "pnl_line",
    "account",
    "line",
)
"""What rows can be grouped by."""
PERIOD_GRAINS = ("month", "quarter", "half", "year", "total")
"""How months can be grouped: ``total`` adds every month of the plan."""
NOT_IN_PNL = "(not in P&L)"


def consolidate(
    plan: Plan,
    facts: pd.DataFrame,
    *,
    by: Sequence[str] = ("department",),
    period: str = "quarter",
    filters: Mapping[str, Sequence[str]] | None = None,
    signed: bool = False,
) -> pd.DataFrame:
    """Sum facts by ``by`` (see :data:`DIMENSIONS`) and ``period`` (a :data:`PERIOD_GRAINS`).

    ``filters`` keeps only facts whose dimension value is listed, e.g.
    ``{"scenario": ["base"], "department": ["sales"]}``. With ``signed``, amounts enter as
    the P&L sees them (costs negative) and accounts outside the P&L are left out, so a
    roll-up by ``pnl_line`` adds up to operating income. Amounts of different units (heads
    and currency) are never added together: group by ``account`` or filter them apart.

    Returns a long frame: the ``by`` columns, ``period`` and ``amount`` (Decimals), sorted.
    """
    _check_arguments(by, period, filters)
    frame = _dimensions(plan, canonical_dtypes(facts), period)
    for dimension, values in (filters or {}).items():
        column = "month" if dimension == "period" else dimension
        frame = frame[frame[column].isin(list(values))]
    frame = _period_rollup(plan, frame, period)
    if signed:
        frame = frame[frame["pnl_line"] != NOT_IN_PNL]
        frame = frame.assign(amount=_signed(plan, frame))
    _check_units(plan, frame, by)
    keys = [*by, "period"]
    sums = frame.groupby(keys, observed=True, sort=True)["amount"].sum().reset_index()
    sums["amount"] = pd.Series([Decimal(a) for a in sums["amount"]], index=sums.index, dtype=object)
    for key in keys:
        sums[key] = sums[key].astype(str)
    return sums.reset_index(drop=True)


def to_wide(long: pd.DataFrame, *, columns: str = "period") -> pd.DataFrame:
    """A :func:`consolidate` result (or a diff roll-up, whose values are ``delta``) as a
    table: one column per ``columns`` value, in order, zeros where nothing was planned."""
    values = "delta" if "delta" in long.columns and "amount" not in long.columns else "amount"
    rows = [c for c in long.columns if c not in (columns, values)]
    wide = long.pivot_table(index=rows, columns=columns, values=values, aggfunc="first", sort=True)
    return (
        wide.map(lambda v: Decimal(0) if pd.isna(v) else v).reset_index().rename_axis(columns=None)
    )


def _check_arguments(
    by: Sequence[str], period: str, filters: Mapping[str, Sequence[str]] | None
) -> None:
    problems = [
        Problem(("by",), f"cannot group by {d!r}; expected one of {', '.join(DIMENSIONS)}")
        for d in by
        if d not in DIMENSIONS
    ] + [
        Problem(
            ("filters", d),
            f"cannot filter by {d!r}; expected one of {', '.join(DIMENSIONS)} or period",
        )
        for d in (filters or {})
        if d not in (*DIMENSIONS, "period")
    ]
    if period not in PERIOD_GRAINS:
        problems.append(
            Problem(
                ("period",), f"period grain {period!r} is not one of {', '.join(PERIOD_GRAINS)}"
            )
        )
    if problems:
        raise PlanValidationError(problems, subject="roll-up")


def _dimensions(plan: Plan, facts: pd.DataFrame, period: str) -> pd.DataFrame:
    """Facts with every dimension as a categorical column, mapped through categories."""
    department = {t.id: t.department for t in plan.teams}
    account = {a.id: a for a in plan.accounts}
    calendar = plan.calendar
    labels = {
        p: ("Total" if period == "total" else calendar.label(p, period)) for p in calendar.periods
    }
    return facts.assign(
        company=pd.Categorical([plan.id] * len(facts)),
        department=_map(facts["team"], lambda t: department.get(t, "(unknown)")),
        account_type=_map(
            facts["account"], lambda a: account[a].type.value if a in account else "(unknown)"
        ),
        pnl_line=_map(
            facts["account"],
            lambda a: (account[a].pnl_line or NOT_IN_PNL) if a in account else NOT_IN_PNL,
        ),
        month=facts["period"],
        period=_map(facts["period"], lambda p: labels.get(p, p)),
    )


def _map(column: pd.Series, fn: Callable[[str], str]) -> pd.Series:
    """Map a categorical's categories (not its rows) through ``fn``; equal results merge."""
    categories = column.cat.categories
    mapped = [fn(c) for c in categories]
    unique = sorted(set(mapped))
    position = {v: i for i, v in enumerate(unique)}
    recode = np.array([position[v] for v in mapped] + [-1], dtype=np.int32)
    codes = recode[column.cat.codes.to_numpy()]
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=pd.Index(unique)), index=column.index
    )


def _period_rollup(plan: Plan, frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """Balances count at the last month of each period; averages divide by its months."""
    months_of: dict[str, list[str]] = {}
    for month in plan.calendar.periods:
        months_of.setdefault(_label(plan, month, period), []).append(month)
    last = [a.id for a in plan.accounts if a.period_rollup == "last"]
    if last:
        ends = [months[-1] for months in months_of.values()]
        frame = frame[~frame["account"].isin(last) | frame["month"].isin(ends)]
    average = [a.id for a in plan.accounts if a.period_rollup == "average"]
    if average and len(frame):
        size = {label: len(months) for label, months in months_of.items()}
        months = frame["period"].map(lambda label: size.get(str(label), 1)).astype(int)
        divisor = months.where(frame["account"].isin(average), 1).to_numpy()
        amount = pa.array(frame["amount"].array, AMOUNT_TYPE).cast(pa.decimal128(30, 6))
        quotient = pc.divide(amount, pa.array(divisor.astype("int8")).cast(pa.decimal128(3, 0)))
        rounded = pc.round(quotient, ndigits=6, round_mode="half_towards_infinity")
        frame = frame.assign(amount=pd.arrays.ArrowExtensionArray(rounded.cast(AMOUNT_TYPE)))
    return frame


def _label(plan: Plan, month: str, period: str) -> str:
    return "Total" if period == "total" else plan.calendar.label(month, period)


def _signed(plan: Plan, frame: pd.DataFrame) -> pd.Series:
    negative = [a.id for a in plan.accounts if a.pnl_sign == -1]
    flip = frame["account"].isin(negative)
    return frame["amount"].where(~flip, -frame["amount"])


def _check_units(plan: Plan, frame: pd.DataFrame, by: Sequence[str]) -> None:
    if "account" in by or not len(frame):
        return
    unit = {a.id: a.unit for a in plan.accounts}
    units = {unit[a] for a in frame["account"].unique() if a in unit}
    if len(units) > 1:
        raise PlanValidationError(
            [
                Problem(
                    ("by",),
                    f"the selection mixes units ({', '.join(sorted(units))}), which "
                    "cannot be added up; group by account or filter the accounts",
                )
            ],
            subject="roll-up",
        )


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
