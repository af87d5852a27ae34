"""Headcount plans: positions by team, and the budget lines they drive.

A team plans people as *positions*: a role at a level with an annual base salary, on the
payroll before the plan starts (``start == ""``) or hired in a month of the plan. Positions
drive five kinds of facts per role and month, in the accounts named by
:class:`HeadcountAccounts`:

- heads: positions on the payroll that month;
- hires: positions that start that month;
- salaries: ``ROUND(annual_salary * (1 + salary_inflation) / 12, 2)`` per position;
- payroll taxes: ``ROUND(monthly salary * payroll_tax_rate, 2)`` per position;
- benefits: ``benefits_per_head`` per position.

``salary_inflation``, ``payroll_tax_rate`` and ``benefits_per_head`` are company assumptions
by month. The same formulas are what the team template's native Excel formulas compute, so a
workbook and the core agree to the cent. All arithmetic is in integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from planbook.errors import PlanValidationError, Problem
from planbook.facts import facts_from_cents
from planbook.model import Plan

__all__ = [
    "POSITION_COLUMNS",
    "HeadcountAccounts",
    "headcount_facts",
    "loaded_monthly_cost",
    "team_staffing",
]

POSITION_COLUMNS = ("scenario", "team", "position", "role", "level", "start", "annual_salary")
"""Columns of a positions frame; ``annual_salary`` is an exact decimal in plan currency."""

_PPM = 1_000_000


@dataclass(frozen=True)
class HeadcountAccounts:
    """Which accounts and assumptions the headcount drivers use."""

    heads: str = "headcount"
    hires: str = "hires"
    salaries: str = "salaries"
    payroll_taxes: str = "payroll-taxes"
    benefits: str = "benefits"
    salary_inflation: str = "salary_inflation"
    payroll_tax_rate: str = "payroll_tax_rate"
    benefits_per_head: str = "benefits_per_head"


def _assumption_units(plan: Plan, assumption_id: str, scale: int) -> np.ndarray:
    """An assumption's value for every month, as integers of 1/scale."""
    values = plan.assumption(assumption_id).values
    return np.array([int(values[p] * scale) for p in plan.calendar.periods], dtype=np.int64)


def _cents(values: pd.Series) -> np.ndarray:
    return np.array([int(Decimal(v) * 100) for v in values], dtype=np.int64)


def headcount_facts(
    plan: Plan, positions: pd.DataFrame, accounts: HeadcountAccounts | None = None
) -> pd.DataFrame:
    """The facts that ``positions`` drive, summed by scenario, team, role and month."""
    accounts = accounts or HeadcountAccounts()
    _check_assumptions(plan, accounts)
    active, hired = _position_months(plan, positions)
    annual = _cents(positions["annual_salary"])
    inflation = _assumption_units(plan, accounts.salary_inflation, _PPM)
    tax_rate = _assumption_units(plan, accounts.payroll_tax_rate, _PPM)
    benefits = _assumption_units(plan, accounts.benefits_per_head, 100)
    salary = _round_div(annual[:, None] * (_PPM + inflation[None, :]), 12 * _PPM)
    tax = _round_div(salary * tax_rate[None, :], _PPM)
    per_kind = {
        accounts.heads: active.astype(np.int64) * 100,
        accounts.hires: hired.astype(np.int64) * 100,
        accounts.salaries: salary * active,
        accounts.payroll_taxes: tax * active,
        accounts.benefits: np.broadcast_to(benefits[None, :], active.shape) * active,
    }
    keys = positions[["scenario", "team", "role"]].astype(str).reset_index(drop=True)
    frames = []
    for account, cents in per_kind.items():
        wide = pd.DataFrame(cents, columns=list(plan.calendar.periods))
        grouped = pd.concat([keys, wide], axis=1).groupby(["scenario", "team", "role"]).sum()
        long = grouped.stack().reset_index()
        long.columns = pd.Index(["scenario", "team", "line", "period", "cents"])
        long["account"] = account
        frames.append(long)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return facts_from_cents(out)


def team_staffing(plan: Plan, positions: pd.DataFrame) -> pd.DataFrame:
    """Heads on payroll and hires by scenario, team and month (integers)."""
    active, hired = _position_months(plan, positions)
    keys = positions[["scenario", "team"]].astype(str).reset_index(drop=True)
    periods = list(plan.calendar.periods)
    out = []
    for name, matrix in (("heads", active), ("hires", hired)):
        wide = pd.concat([keys, pd.DataFrame(matrix.astype(np.int64), columns=periods)], axis=1)
        stacked = wide.groupby(["scenario", "team"]).sum().stack()
        out.append(pd.Series(stacked.to_numpy(), index=stacked.index, name=name))
    frame = pd.concat(out, axis=1).rename_axis(["scenario", "team", "period"]).reset_index()
    return frame


def _position_months(plan: Plan, positions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Boolean positions x months matrices: on the payroll, and hired that month."""
    periods = plan.calendar.periods
    month_of = {p: i for i, p in enumerate(periods)}
    starts_text = positions["start"].astype(str).tolist()
    bad = [i for i, s in enumerate(starts_text) if s and s not in month_of]
    if bad:
        raise PlanValidationError(
            Problem(
                ("positions", f"row {i + 1}", "start"),
                f"start {starts_text[i]!r} is not a month of the plan "
                f"({periods[0]} to {periods[-1]}); leave it empty for people already "
                "on the payroll",
            )
            for i in bad
        )
    starts = np.array([month_of[s] if s else 0 for s in starts_text], np.int64)
    active = np.arange(len(periods))[None, :] >= starts[:, None]
    hired = np.zeros_like(active)
    is_hire = np.array([bool(s) for s in starts_text], dtype=bool)
    hired[np.flatnonzero(is_hire), starts[is_hire]] = True
    return active, hired


def _round_div(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """numerator / denominator rounded half away from zero (Excel's ROUND), in integers."""
    sign = np.sign(numerator)
    rounded: np.ndarray = sign * ((np.abs(numerator) * 2 + denominator) // (2 * denominator))
    return rounded


def loaded_monthly_cost(
    plan: Plan, *, annual_salary: Decimal, period: str, accounts: HeadcountAccounts | None = None
) -> Decimal:
    """One position's monthly salary + payroll tax + benefits in ``period``, to the cent."""
    accounts = accounts or HeadcountAccounts()
    inflation = plan.assumption(accounts.salary_inflation).values[period]
    tax_rate = plan.assumption(accounts.payroll_tax_rate).values[period]
    benefits = plan.assumption(accounts.benefits_per_head).values[period]
    cent = Decimal("0.01")
    salary = (annual_salary * (1 + inflation) / 12).quantize(cent, "ROUND_HALF_UP")
    tax = (salary * tax_rate).quantize(cent, "ROUND_HALF_UP")
    return salary + tax + benefits


def _check_assumptions(plan: Plan, accounts: HeadcountAccounts) -> None:
    known = {a.id for a in plan.assumptions}
    account_ids = {a.id for a in plan.accounts}
    problems = [
        Problem(("assumptions",), f"headcount costs need the company assumption {name!r}")
        for name in (
            accounts.salary_inflation,
            accounts.payroll_tax_rate,
            accounts.benefits_per_head,
        )
        if name not in known
    ] + [
        Problem(("accounts",), f"headcount plans need the account {name!r}")
        for name in (
            accounts.heads,
            accounts.hires,
            accounts.salaries,
            accounts.payroll_taxes,
            accounts.benefits,
        )
        if name not in account_ids
    ]
    if problems:
        raise PlanValidationError(problems)
