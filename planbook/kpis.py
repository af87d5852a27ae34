"""SaaS KPIs by month (or quarter, half, year) for each scenario of a plan.

Pure functions over the canonical facts frame. The inputs are the plan's opening balances
(the assumptions ``opening_arr``, ``opening_customers`` and ``opening_cash``, read at the
plan's first month), the metric accounts of :data:`SOURCE_ACCOUNTS`, the P&L accounts by type
(revenue, COGS, opex, capex) and the opex of the sales and marketing departments. Every
formula, its convention and its sources are in ``docs/kpis.md``; :data:`KPI_METRICS` lists them.

A metric whose inputs are missing from the plan is never a silent zero: :func:`kpis` raises a
:class:`~planbook.errors.PlanValidationError` that names each missing input. A value whose
denominator is zero (ACV in a month without new customers) or that needs more history than
the plan holds (trailing-twelve-month NRR in the first eleven months) is ``NaN``: not
defined, shown as blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from planbook.columnar import FactColumns
from planbook.errors import PlanValidationError, Problem
from planbook.kpi_formulas import FORMULAS, Inputs, Spans
from planbook.kpi_inputs import MonthlySums
from planbook.model import AccountType, Plan, Unit

__all__ = [
    "KPI_GRAINS",
    "KPI_METRICS",
    "OPENING_ASSUMPTIONS",
    "SALES_AND_MARKETING",
    "SOURCE_ACCOUNTS",
    "Metric",
    "kpis",
    "kpis_of_sums",
    "opening_problems",
]

OPENING_ASSUMPTIONS: dict[str, tuple[str, Unit]] = {
    "opening_arr": ("ARR at the start of the plan", Unit.CURRENCY),
    "opening_customers": ("Customers at the start of the plan", Unit.CUSTOMERS),
    "opening_cash": ("Cash at the start of the plan", Unit.CURRENCY),
}
"""Assumptions that hold the balances the plan opens with (their first month counts)."""

SOURCE_ACCOUNTS: dict[str, str] = {
    "new_arr": "new-arr",
    "expansion_arr": "expansion-arr",
    "contraction_arr": "contraction-arr",
    "churned_arr": "churned-arr",
    "new_customers": "new-customers",
    "churned_customers": "churned-customers",
    "headcount": "headcount",
}
"""The metric accounts KPIs read, by input. ``contraction-arr`` is optional: a plan without
it books downgrades inside ``churned-arr``, and ``contraction_arr`` is then not offered."""

SALES_AND_MARKETING = ("sales", "marketing")
"""The departments whose opex is sales and marketing spend (CAC, magic number)."""

KPI_GRAINS = ("month", "quarter", "half", "year")


@dataclass(frozen=True)
class Metric:
    """A KPI: its id, description, unit and the inputs it needs (opening assumptions,
    account ids, ``revenue``/``cogs``/``opex`` for any account of that type, ``sm`` for the
    sales and marketing departments). ``additive`` metrics of two disjoint sets of teams add
    up to the metric of both."""

    id: str
    name: str
    unit: Unit
    needs: tuple[str, ...]
    additive: bool = False


_ARR = ("opening_arr", "new-arr", "expansion-arr", "churned-arr")
_CUST = ("opening_customers", "new-customers", "churned-customers")
_PNL = ("revenue", "cogs", "opex")
_PAYBACK = ("sm", "new-arr", "new-customers", "revenue", "cogs")
_C, _P, _R = Unit.CURRENCY, Unit.PERCENT, Unit.RATIO

KPI_METRICS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric("arr", "ARR at period end", _C, _ARR, True),
        Metric("new_arr", "New ARR booked", _C, ("new-arr",), True),
        Metric("expansion_arr", "Expansion ARR", _C, ("expansion-arr",), True),
        Metric("contraction_arr", "Contraction ARR", _C, ("contraction-arr",), True),
        Metric("churned_arr", "Churned ARR", _C, ("churned-arr",), True),
        Metric("net_new_arr", "New + expansion - contraction - churned ARR", _C, _ARR[1:], True),
        Metric("nrr", "Net revenue retention, trailing twelve months", _P, _ARR),
        Metric("grr", "Gross revenue retention, trailing twelve months", _P, _ARR),
        Metric("nrr_annualised", "Net revenue retention of the period, annualised", _P, _ARR),
        Metric("grr_annualised", "Gross revenue retention of the period, annualised", _P, _ARR),
        Metric("customers", "Customers at period end", Unit.CUSTOMERS, _CUST, True),
        Metric("new_customers", "New customers", Unit.CUSTOMERS, ("new-customers",), True),
        Metric("churned_customers", "Churned customers", Unit.CUSTOMERS, _CUST[2:], True),
        Metric("logo_churn_rate", "Customers lost a month / customers at its start", _P, _CUST),
        Metric("acv", "New ARR / new customers", _C, ("new-arr", "new-customers")),
        Metric("arpa", "Monthly ARR / 12 per customer at period end", _C, _ARR + _CUST),
        Metric("revenue", "Recognised revenue", _C, ("revenue",), True),
        Metric("gross_margin", "(Revenue - COGS) / revenue", _P, ("revenue", "cogs")),
        Metric("ltv", "ARPA x gross margin / logo churn rate", _C, _ARR + _CUST + _PNL[:2]),
        Metric("sm_spend", "Sales and marketing opex", _C, ("sm",), True),
        Metric("cac", "S&M spend / new customers", _C, ("sm", "new-customers")),
        Metric("cac_payback_months", "CAC / (ACV / 12 x gross margin)", _R, _PAYBACK),
        Metric("ltv_to_cac", "LTV / CAC", _R, _ARR + _CUST + _PNL[:2] + ("sm",)),
        Metric("magic_number", "Net new ARR, 3 months / S&M, 3 months before", _R, (*_ARR, "sm")),
        Metric("burn", "COGS + opex + capex - revenue", _C, _PNL, True),
        Metric("burn_multiple", "Burn / net new ARR", _R, _PNL + _ARR[1:]),
        Metric("cash", "Opening cash - burn to date, at period end", _C, ("opening_cash", *_PNL)),
        Metric("runway_months", "Cash / monthly burn", _R, ("opening_cash", *_PNL)),
        Metric("rule_of_40", "ARR growth (12 months) + operating margin", _P, _ARR + _PNL),
        Metric("opex_pct_revenue", "Opex / revenue", _P, ("revenue", "opex")),
        Metric("headcount", "Heads on payroll at period end", Unit.HEADS, ("headcount",), True),
    )
}
"""Every KPI, in the order reports show them."""


def kpis(
    plan: Plan,
    facts: pd.DataFrame,
    *,
    scenarios: Sequence[str] = ("base",),
    metrics: Sequence[str] | None = None,
    grain: str = "month",
    sales_and_marketing: Sequence[str] = SALES_AND_MARKETING,
) -> pd.DataFrame:
    """KPIs of each scenario by ``grain`` (see :data:`KPI_GRAINS`).

    ``metrics`` defaults to every metric whose inputs the plan has (all of :data:`KPI_METRICS`
    but ``contraction_arr`` when the plan has no ``contraction-arr`` account). Returns a long
    frame: ``scenario``, ``metric``, ``period`` (the grain's label) and ``value`` (float,
    ``NaN`` where not defined), in scenario, metric and period order. A scenario covers the
    months up to its last month with facts (actuals end where the ledger does).
    """
    columns = FactColumns.of(facts)
    sums = MonthlySums.of(plan, columns, columns.rows(), sales_and_marketing)
    present = {s for s, of in sums.items() if of.months()}
    wanted = _check(plan, present, scenarios, metrics, grain, sales_and_marketing)
    frames = [_evaluate(plan, s, _inputs(plan, sums[s]), wanted, grain) for s in scenarios]
    return pd.concat(frames, ignore_index=True)


def kpis_of_sums(
    plan: Plan,
    scenario: str,
    sums: MonthlySums,
    *,
    metrics: Sequence[str] | None = None,
    grain: str = "month",
    sales_and_marketing: Sequence[str] = SALES_AND_MARKETING,
) -> pd.DataFrame:
    """:func:`kpis` of one scenario from its :class:`~planbook.kpi_inputs.MonthlySums`
    (the engine's way: a scenario's sums are built once, never its facts)."""
    present = {scenario} if sums.months() else set()
    wanted = _check(plan, present, [scenario], metrics, grain, sales_and_marketing)
    return _evaluate(plan, scenario, _inputs(plan, sums), wanted, grain)


def opening_problems(plan: Plan) -> list[Problem]:
    """Opening-balance assumptions with the wrong unit, or a negative ARR or customer count."""
    problems = []
    for i, assumption in enumerate(plan.assumptions):
        if assumption.id not in OPENING_ASSUMPTIONS:
            continue
        _, unit = OPENING_ASSUMPTIONS[assumption.id]
        if assumption.unit is not unit:
            problems.append(
                Problem(
                    ("assumptions", i, "unit"),
                    f"{assumption.id!r} is an opening balance in {unit}, not {assumption.unit}",
                )
            )
        first = assumption.values.get(plan.start)
        if assumption.id != "opening_cash" and first is not None and first < 0:
            problems.append(
                Problem(
                    ("assumptions", i, "values", plan.start),
                    f"{assumption.id!r} is {first}; an opening balance of ARR or customers "
                    "cannot be negative",
                )
            )
    return problems


def _check(
    plan: Plan,
    present: set[str],
    scenarios: Sequence[str],
    metrics: Sequence[str] | None,
    grain: str,
    sales_and_marketing: Sequence[str],
) -> list[str]:
    problems = opening_problems(plan)
    known = {s.id for s in plan.scenarios}
    for s in scenarios:
        if s not in known:
            msg = f"scenario {s!r} is not in plan {plan.id!r}; expected one of {_list(known)}"
            problems.append(Problem(("scenario",), msg))
        elif s not in present:
            problems.append(Problem(("scenario",), f"scenario {s!r} has no facts to compute"))
    if not scenarios:
        problems.append(Problem(("scenario",), "name at least one scenario"))
    if grain not in KPI_GRAINS:
        msg = f"grain {grain!r} is not one of {', '.join(KPI_GRAINS)}"
        problems.append(Problem(("grain",), msg))
    have = _available(plan, sales_and_marketing)
    if metrics is None:
        wanted = [m for m in KPI_METRICS if m != "contraction_arr" or "contraction-arr" in have]
    else:
        wanted = list(dict.fromkeys(metrics))
        for m in wanted:
            if m not in KPI_METRICS:
                msg = f"unknown metric {m!r}; expected one of {', '.join(KPI_METRICS)}"
                problems.append(Problem(("metric",), msg))
    missing: dict[str, list[str]] = {}
    for m in wanted:
        for need in KPI_METRICS[m].needs if m in KPI_METRICS else ():
            if need not in have:
                missing.setdefault(need, []).append(m)
    problems += [_missing(need, used_by, sales_and_marketing) for need, used_by in missing.items()]
    if problems:
        raise PlanValidationError(problems, subject="KPI request")
    return wanted


def _available(plan: Plan, sales_and_marketing: Sequence[str]) -> set[str]:
    have = {a.id for a in plan.accounts} | {a.id for a in plan.assumptions}
    have |= {a.type.value for a in plan.accounts}
    departments = {d.id for d in plan.departments}
    if sales_and_marketing and all(d in departments for d in sales_and_marketing):
        have.add("sm")
    return have


def _missing(need: str, used_by: list[str], sales_and_marketing: Sequence[str]) -> Problem:
    metrics = ", ".join(used_by) + (" needs" if len(used_by) == 1 else " need")
    if need in OPENING_ASSUMPTIONS:
        name, unit = OPENING_ASSUMPTIONS[need]
        return Problem(
            ("assumptions", need),
            f"the plan has no {need!r} assumption ({name}, in {unit}), which {metrics}; "
            "add it to the plan's assumptions or choose other metrics",
        )
    if need == "sm":
        return Problem(
            ("departments",),
            f"the plan has no departments {_list(sales_and_marketing)} for sales and "
            f"marketing spend, which {metrics}; name them",
        )
    if need in ("revenue", "cogs", "opex"):
        return Problem(("accounts",), f"the plan has no {need} account, which {metrics}")
    return Problem(
        ("accounts", need),
        f"the plan has no {need!r} account, which {metrics}; add it to the chart of "
        "accounts or choose other metrics",
    )


def _list(ids: Sequence[str] | set[str]) -> str:
    return ", ".join(repr(i) for i in sorted(ids))


def _inputs(plan: Plan, sums: MonthlySums) -> Inputs:
    """Monthly inputs of one scenario as float arrays over the months it covers (exact
    sums by account and month, then floats)."""
    months = sums.months()
    periods = list(plan.calendar.periods)[:months]
    by_account = sums.by_account(months)

    def account(account_id: str) -> np.ndarray:
        return by_account.get(account_id, np.zeros(months))

    def of_type(kind: AccountType) -> np.ndarray:
        ids = [a.id for a in plan.accounts if a.type is kind]
        return np.sum([account(a) for a in ids], axis=0) if ids else np.zeros(months)

    return Inputs(
        periods=tuple(periods),
        opening={k: _opening(plan, k) for k in OPENING_ASSUMPTIONS},
        flows={key: account(acc) for key, acc in SOURCE_ACCOUNTS.items()}
        | {
            "revenue": of_type(AccountType.REVENUE),
            "cogs": of_type(AccountType.COGS),
            "opex": of_type(AccountType.OPEX),
            "capex": of_type(AccountType.CAPEX),
            "sm_spend": sums.sm_spend(months),
        },
    )


def _opening(plan: Plan, assumption_id: str) -> float:
    for assumption in plan.assumptions:
        if assumption.id == assumption_id:
            return float(assumption.values.get(plan.start, Decimal(0)))
    return float("nan")


def _evaluate(
    plan: Plan, scenario: str, inputs: Inputs, wanted: list[str], grain: str
) -> pd.DataFrame:
    calendar = plan.calendar
    labels = [calendar.label(p, grain) for p in inputs.periods]
    windows: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        windows.setdefault(label, []).append(i)
    first = np.array([months[0] for months in windows.values()], dtype=np.int64)
    last = np.array([months[-1] for months in windows.values()], dtype=np.int64)
    spans = Spans(inputs.derive(), first, last)
    values = [FORMULAS[metric](spans).astype("float64") for metric in wanted]
    return pd.DataFrame(
        {
            "scenario": [scenario] * (len(first) * len(wanted)),
            "metric": [metric for metric in wanted for _ in windows],
            "period": list(windows) * len(wanted),
            "value": np.concatenate([np.zeros(0), *values]),
        }
    )
