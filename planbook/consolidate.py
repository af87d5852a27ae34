"""Roll-ups of facts: by team or department, account or P&L line, month to year; and team
requests against the envelopes leadership set.

Pure functions over the canonical facts frame; amounts stay exact decimals. Dimensions map
through the plan's categories (a few hundred values), never row by row, and rows are grouped
by their categories' codes with the decimals summed in Arrow (:mod:`planbook.columnar`), so
a 2-million-fact plan consolidates in well under a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.calendar import FiscalCalendar
from planbook.columnar import Coded, FactColumns, exact_sums
from planbook.errors import PlanValidationError, Problem
from planbook.facts import AMOUNT_TYPE
from planbook.model import Plan

__all__ = [
    "DIMENSIONS",
    "PERIOD_GRAINS",
    "consolidate",
    "cost_by_team",
    "in_plan_order",
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
    facts: pd.DataFrame | pa.Table | FactColumns,
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

    ``facts`` is a facts frame, an Arrow facts table (a stored version as the store reads
    it: rolled up without a pandas frame) or their :class:`~planbook.columnar.FactColumns`.

    Returns a long frame: the ``by`` columns, ``period`` and ``amount`` (Decimals), sorted.
    """
    _check_arguments(by, period, filters)
    columns = facts if isinstance(facts, FactColumns) else FactColumns.of(facts)
    dims = _Dimensions(plan, columns, period)
    mask = np.ones(len(columns), dtype=bool)
    for dimension, values in (filters or {}).items():
        coded = dims.get("month" if dimension == "period" else dimension)
        if not coded.only(values):
            mask &= coded.isin(list(values))
    if (rows := _period_rows(plan, dims, period)) is not None:
        mask &= rows
    if signed:
        mask &= dims.get("pnl_line").lookup(
            np.array([c != NOT_IN_PNL for c in dims.get("pnl_line").categories], dtype=bool),
            missing=False,
        )
    _check_units(plan, dims.get("account"), mask, by)
    amounts = _period_amounts(plan, dims, columns.amounts, mask, period)
    if signed:
        negative = {a.id for a in plan.accounts if a.pnl_sign == -1}
        flip = dims.get("account").isin(negative)
        amounts = pc.if_else(pa.array(flip), pc.negate(amounts), amounts)
    keys = [*by, "period"]
    sums = exact_sums([dims.get(k) for k in keys], amounts, mask)
    return sums.set_axis([*keys, "amount"], axis=1)


def to_wide(long: pd.DataFrame, *, columns: str = "period") -> pd.DataFrame:
    """A :func:`consolidate` result (or a diff roll-up, whose values are ``delta``) as a
    table: one column per ``columns`` value, in order, zeros where nothing was planned."""
    values = "delta" if "delta" in long.columns and "amount" not in long.columns else "amount"
    rows = [c for c in long.columns if c not in (columns, values)]
    wide = long.pivot_table(index=rows, columns=columns, values=values, aggfunc="first", sort=True)
    return (
        wide.map(lambda v: Decimal(0) if pd.isna(v) else v).reset_index().rename_axis(columns=None)
    )


def in_plan_order(plan: Plan, wide: pd.DataFrame) -> pd.DataFrame:
    """A :func:`to_wide` table's rows in the plan's order, not the alphabet's: scenarios,
    departments, teams and accounts as the plan lists them, account types and P&L lines in
    P&L order (revenue, cost of revenue, operating and capital costs, then the rest), lines
    by name; a value the plan does not know goes last."""
    pnl: list[str] = []
    for kind in ("revenue", "cogs", "opex", "capex"):
        pnl += [a.pnl_line for a in plan.accounts if a.type == kind and a.pnl_line]
    orders: dict[str, list[str]] = {
        "scenario": [s.id for s in plan.scenarios],
        "department": [d.id for d in plan.departments],
        "team": [t.id for t in plan.teams],
        "account_type": ["revenue", "cogs", "opex", "capex", "headcount", "metric"],
        "pnl_line": [*dict.fromkeys(pnl), NOT_IN_PNL],
        "account": [a.id for a in plan.accounts],
    }
    keys = [c for c in wide.columns if c in DIMENSIONS]
    if not keys or not len(wide):
        return wide
    ranks = []
    for key in reversed(keys):  # lexsort: the last key is the primary one
        values = wide[key].astype(str)
        order = {v: i for i, v in enumerate(dict.fromkeys(orders.get(key, [])))}
        rest = sorted(set(values) - set(order))
        order |= {v: len(order) + i for i, v in enumerate(rest)}
        ranks.append(values.map(order).to_numpy())
    return wide.iloc[np.lexsort(ranks)].reset_index(drop=True)


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


class _Dimensions:
    """Every dimension of the facts by code, each computed when first asked for."""

    def __init__(self, plan: Plan, columns: FactColumns, period: str) -> None:
        self._plan, self._columns, self._period = plan, columns, period
        self._done: dict[str, Coded] = {}

    def get(self, name: str) -> Coded:
        if name not in self._done:
            self._done[name] = self._compute(name)
        return self._done[name]

    def _compute(self, name: str) -> Coded:
        plan = self._plan
        columns = self._columns
        if name in ("scenario", "team", "account", "line"):
            coded: Coded = getattr(columns, name)
            return coded
        if name == "month":
            return columns.period
        if name == "company":
            return Coded.constant(plan.id, len(columns))
        if name == "department":
            department = {t.id: t.department for t in plan.teams}
            return self.get("team").map(lambda t: department.get(t, "(unknown)"))
        account = {a.id: a for a in plan.accounts}
        if name == "account_type":
            return self.get("account").map(
                lambda a: account[a].type.value if a in account else "(unknown)"
            )
        if name == "pnl_line":
            return self.get("account").map(
                lambda a: (account[a].pnl_line or NOT_IN_PNL) if a in account else NOT_IN_PNL
            )
        calendar = plan.calendar
        labels = {p: _label(calendar, p, self._period) for p in calendar.periods}
        return self.get("month").map(lambda p: labels.get(p, p))


def _months_of(plan: Plan, period: str) -> dict[str, list[str]]:
    months_of: dict[str, list[str]] = {}
    calendar = plan.calendar
    for month in calendar.periods:
        months_of.setdefault(_label(calendar, month, period), []).append(month)
    return months_of


def _period_rows(plan: Plan, dims: _Dimensions, period: str) -> np.ndarray | None:
    """Balances count at the last month of each period: their other months are left out
    (None: no balance among the facts' accounts, every row counts)."""
    last = {a.id for a in plan.accounts if a.period_rollup == "last"}
    if not last.intersection(dims.get("account").categories):
        return None
    ends = {months[-1] for months in _months_of(plan, period).values()}
    keep: np.ndarray = ~dims.get("account").isin(last) | dims.get("month").isin(ends)
    return keep


def _period_amounts(
    plan: Plan, dims: _Dimensions, amounts: pa.Array, mask: np.ndarray, period: str
) -> pa.Array:
    """Averages divide by their period's months (rounded to 6 places, half away from 0)."""
    average = {a.id for a in plan.accounts if a.period_rollup == "average"}
    is_average = dims.get("account").isin(average) if average else None
    if is_average is None or not (is_average & mask).any():
        return amounts
    size = {label: len(months) for label, months in _months_of(plan, period).items()}
    labels = dims.get("period")
    months = labels.lookup(
        np.array([size.get(c, 1) for c in labels.categories], dtype=np.int64), missing=1
    )
    divisor = np.where(is_average, months, 1).astype("int8")
    wide = amounts.cast(pa.decimal128(30, 6))
    quotient = pc.divide(wide, pa.array(divisor).cast(pa.decimal128(3, 0)))
    rounded = pc.round(quotient, ndigits=6, round_mode="half_towards_infinity")
    result: pa.Array = rounded.cast(AMOUNT_TYPE)
    return result


def _label(calendar: FiscalCalendar, month: str, period: str) -> str:
    return "Total" if period == "total" else calendar.label(month, period)


def _check_units(plan: Plan, accounts: Coded, mask: np.ndarray, by: Sequence[str]) -> None:
    if "account" in by or not mask.any():
        return
    unit = {a.id: a.unit for a in plan.accounts}
    used = np.bincount(
        accounts.codes[mask & (accounts.codes >= 0)], minlength=len(accounts.categories)
    )
    units = {unit[a] for a, n in zip(accounts.categories, used, strict=True) if n and a in unit}
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
