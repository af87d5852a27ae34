"""The KPI formulas, one small function each, over a scenario's monthly inputs.

Each formula takes the derived monthly series and a period as the positions of its first and
last month (``a`` and ``b``) and returns a float, ``NaN`` where the value is not defined (a
zero denominator, or more history needed than the plan holds). Flows add up over the
period's months; balances are read at its last month; ratios are taken of the period's sums.
``docs/kpis.md`` states each formula and its convention.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["FORMULAS", "Derived", "Inputs"]

NAN = float("nan")


@dataclass(frozen=True)
class Inputs:
    """One scenario's inputs: the months it covers, the opening balances (``NaN`` when the
    plan has none) and monthly flows summed over teams (``headcount`` is a month-end count)."""

    periods: tuple[str, ...]
    opening: dict[str, float]
    flows: dict[str, np.ndarray]

    def derive(self) -> Derived:
        """The balances that follow from the openings and the flows."""
        f = self.flows
        net_new = f["new_arr"] + f["expansion_arr"] - f["contraction_arr"] - f["churned_arr"]
        burn = f["cogs"] + f["opex"] + f["capex"] - f["revenue"]
        arr_end = self.opening["opening_arr"] + np.cumsum(net_new)
        customers = f["new_customers"] - f["churned_customers"]
        customers_end = self.opening["opening_customers"] + np.cumsum(customers)
        return Derived(
            flows=f | {"net_new_arr": net_new, "burn": burn},
            arr_end=arr_end,
            arr_start=arr_end - net_new,
            customers_end=customers_end,
            customers_start=customers_end - customers,
            cash_end=self.opening["opening_cash"] - np.cumsum(burn),
        )


@dataclass(frozen=True)
class Derived:
    """Monthly flows (with ``net_new_arr`` and ``burn``) and balances at month start and end."""

    flows: dict[str, np.ndarray]
    arr_end: np.ndarray
    arr_start: np.ndarray
    customers_end: np.ndarray
    customers_start: np.ndarray
    cash_end: np.ndarray

    def sum(self, flow: str, a: int, b: int) -> float:
        """The flow added up over months ``a`` to ``b`` (inclusive)."""
        if a == b:  # one month: its value, as numpy's sum gives it (0.0 for -0.0), faster
            return float(self.flows[flow][a]) + 0.0
        return float(self.flows[flow][a : b + 1].sum())


Formula = Callable[[Derived, int, int], float]


def _div(x: float, y: float) -> float:
    return NAN if y == 0 or math.isnan(y) or math.isnan(x) else x / y


def _flow(name: str) -> Formula:
    return lambda d, a, b: d.sum(name, a, b)


def _retention(d: Derived, a: int, b: int, *, net: bool) -> float:
    """(ARR at ``a``'s start + expansion (if ``net``) - contraction - churn) / that ARR."""
    start = float(d.arr_start[a])
    kept = start - d.sum("contraction_arr", a, b) - d.sum("churned_arr", a, b)
    if net:
        kept += d.sum("expansion_arr", a, b)
    return _div(kept, start)


def _ttm_retention(d: Derived, b: int, *, net: bool) -> float:
    return NAN if b < 11 else _retention(d, b - 11, b, net=net)


def _annualised_retention(d: Derived, a: int, b: int, *, net: bool) -> float:
    rate = _retention(d, a, b, net=net)
    return NAN if math.isnan(rate) or rate < 0 else rate ** (12 / (b - a + 1))


def logo_churn_rate(d: Derived, a: int, b: int) -> float:
    """Churned customers / customers at the period's start, per month of the period."""
    return _div(d.sum("churned_customers", a, b), float(d.customers_start[a]) * (b - a + 1))


def acv(d: Derived, a: int, b: int) -> float:
    return _div(d.sum("new_arr", a, b), d.sum("new_customers", a, b))


def arpa(d: Derived, a: int, b: int) -> float:
    """Monthly recurring revenue per customer at the period's end."""
    return _div(float(d.arr_end[b]) / 12, float(d.customers_end[b]))


def gross_margin(d: Derived, a: int, b: int) -> float:
    revenue = d.sum("revenue", a, b)
    return _div(revenue - d.sum("cogs", a, b), revenue)


def ltv(d: Derived, a: int, b: int) -> float:
    return _div(arpa(d, a, b) * gross_margin(d, a, b), logo_churn_rate(d, a, b))


def cac(d: Derived, a: int, b: int) -> float:
    return _div(d.sum("sm_spend", a, b), d.sum("new_customers", a, b))


def cac_payback_months(d: Derived, a: int, b: int) -> float:
    return _div(cac(d, a, b), acv(d, a, b) / 12 * gross_margin(d, a, b))


def magic_number(d: Derived, a: int, b: int) -> float:
    """Net new ARR of the three months to ``b`` / S&M spend of the three months before."""
    if b < 5:
        return NAN
    return _div(d.sum("net_new_arr", b - 2, b), d.sum("sm_spend", b - 5, b - 3))


def burn_multiple(d: Derived, a: int, b: int) -> float:
    net_new = d.sum("net_new_arr", a, b)
    return NAN if net_new <= 0 else d.sum("burn", a, b) / net_new


def runway_months(d: Derived, a: int, b: int) -> float:
    """Cash at the period's end / the period's average monthly burn; NaN when not burning."""
    monthly_burn = d.sum("burn", a, b) / (b - a + 1)
    return NAN if monthly_burn <= 0 else max(float(d.cash_end[b]), 0.0) / monthly_burn


def rule_of_40(d: Derived, a: int, b: int) -> float:
    """ARR growth over the twelve months to ``b`` + operating margin of the period."""
    if b < 11:
        return NAN
    growth = _div(float(d.arr_end[b]), float(d.arr_start[b - 11])) - 1
    revenue = d.sum("revenue", a, b)
    operating = revenue - d.sum("cogs", a, b) - d.sum("opex", a, b)
    return growth + _div(operating, revenue)


def opex_pct_revenue(d: Derived, a: int, b: int) -> float:
    return _div(d.sum("opex", a, b), d.sum("revenue", a, b))


FORMULAS: dict[str, Formula] = {
    "arr": lambda d, a, b: float(d.arr_end[b]),
    "new_arr": _flow("new_arr"),
    "expansion_arr": _flow("expansion_arr"),
    "contraction_arr": _flow("contraction_arr"),
    "churned_arr": _flow("churned_arr"),
    "net_new_arr": _flow("net_new_arr"),
    "nrr": lambda d, a, b: _ttm_retention(d, b, net=True),
    "grr": lambda d, a, b: _ttm_retention(d, b, net=False),
    "nrr_annualised": lambda d, a, b: _annualised_retention(d, a, b, net=True),
    "grr_annualised": lambda d, a, b: _annualised_retention(d, a, b, net=False),
    "customers": lambda d, a, b: float(d.customers_end[b]),
    "new_customers": _flow("new_customers"),
    "churned_customers": _flow("churned_customers"),
    "logo_churn_rate": logo_churn_rate,
    "acv": acv,
    "arpa": arpa,
    "revenue": _flow("revenue"),
    "gross_margin": gross_margin,
    "ltv": ltv,
    "sm_spend": _flow("sm_spend"),
    "cac": cac,
    "cac_payback_months": cac_payback_months,
    "ltv_to_cac": lambda d, a, b: _div(ltv(d, a, b), cac(d, a, b)),
    "magic_number": magic_number,
    "burn": _flow("burn"),
    "burn_multiple": burn_multiple,
    "cash": lambda d, a, b: float(d.cash_end[b]),
    "runway_months": runway_months,
    "rule_of_40": rule_of_40,
    "opex_pct_revenue": opex_pct_revenue,
    "headcount": lambda d, a, b: float(d.flows["headcount"][b]),
}
"""The formula of every metric of :data:`planbook.kpis.METRICS`."""
