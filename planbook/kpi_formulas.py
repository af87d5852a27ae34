"""The KPI formulas, one small function each, over a scenario's monthly inputs.

Each formula takes the derived monthly series and the periods as the positions of their first
and last months (:class:`Spans`) and returns a float a period, ``NaN`` where the value is not
defined (a zero denominator, or more history needed than the plan holds). Flows add up over the
period's months; balances are read at its last month; ratios are taken of the period's sums.
``docs/kpis.md`` states each formula and its convention.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["FORMULAS", "Derived", "Inputs", "Spans"]

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


@dataclass(frozen=True)
class Spans:
    """The periods a KPI is computed for, over one scenario's derived series: each the
    positions of its first and last month (``a`` and ``b``, ``k = b - a + 1`` months).
    Every formula takes the spans and gives one value a span, in numpy's float arithmetic
    (the same IEEE operations, value by value, as Python's)."""

    d: Derived
    a: np.ndarray
    b: np.ndarray
    _sums: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @property
    def k(self) -> np.ndarray:
        months: np.ndarray = self.b - self.a + 1
        return months

    def sum(self, flow: str) -> np.ndarray:
        """The flow added up over each span's months."""
        if flow not in self._sums:
            self._sums[flow] = self.window(flow, self.a, self.b)
        return self._sums[flow]

    def window(self, flow: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The flow added up over months ``a`` to ``b`` (inclusive) of each span; ``NaN``
        where ``a`` is before the plan's first month."""
        x = self.d.flows[flow]
        if np.array_equal(a, b) and (not len(a) or a.min() >= 0):
            one: np.ndarray = x[a] + 0.0  # a month: its value (0.0 for -0.0, as a sum gives)
            return one
        lengths = b - a + 1
        if len(a) and lengths.min() == lengths.max() <= len(x):
            # windows of one length: numpy sums each row of the view as it sums the slice
            sums = sliding_window_view(x, int(lengths[0])).sum(axis=1)
            out: np.ndarray = np.where(a >= 0, sums[np.clip(a, 0, len(sums) - 1)], NAN)
            return out
        return np.array(
            [
                NAN if i < 0 else float(x[i]) + 0.0 if i == j else float(x[i : j + 1].sum())
                for i, j in zip(a.tolist(), b.tolist(), strict=True)
            ]
        )


Formula = Callable[[Spans], np.ndarray]


def _div(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x / y``; ``NaN`` where ``y`` is zero or either is ``NaN``."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        quotient = x / y
    out: np.ndarray = np.where((y == 0) | np.isnan(y) | np.isnan(x), NAN, quotient)
    return out


def _where(defined: np.ndarray, values: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.where(defined, values, NAN)
    return out


def _flow(name: str) -> Formula:
    return lambda s: s.sum(name)


def _retention(s: Spans, a: np.ndarray, b: np.ndarray, *, net: bool) -> np.ndarray:
    """(ARR at ``a``'s start + expansion (if ``net``) - contraction - churn) / that ARR."""
    start = s.d.arr_start[np.maximum(a, 0)]
    kept = start - s.window("contraction_arr", a, b) - s.window("churned_arr", a, b)
    if net:
        kept = kept + s.window("expansion_arr", a, b)
    return _div(kept, start)


def _ttm_retention(s: Spans, *, net: bool) -> np.ndarray:
    return _where(s.b >= 11, _retention(s, s.b - 11, s.b, net=net))


def _annualised_retention(s: Spans, *, net: bool) -> np.ndarray:
    rate = _retention(s, s.a, s.b, net=net).tolist()
    return np.array(  # Python's power, value by value
        [
            NAN if math.isnan(r) or r < 0 else r ** (12 / k)
            for r, k in zip(rate, s.k.tolist(), strict=True)
        ]
    )


def logo_churn_rate(s: Spans) -> np.ndarray:
    """Churned customers / customers at the period's start, per month of the period."""
    return _div(s.sum("churned_customers"), s.d.customers_start[s.a] * s.k)


def acv(s: Spans) -> np.ndarray:
    return _div(s.sum("new_arr"), s.sum("new_customers"))


def arpa(s: Spans) -> np.ndarray:
    """Monthly recurring revenue per customer at the period's end."""
    return _div(s.d.arr_end[s.b] / 12, s.d.customers_end[s.b])


def gross_margin(s: Spans) -> np.ndarray:
    revenue = s.sum("revenue")
    return _div(revenue - s.sum("cogs"), revenue)


def ltv(s: Spans) -> np.ndarray:
    return _div(arpa(s) * gross_margin(s), logo_churn_rate(s))


def cac(s: Spans) -> np.ndarray:
    return _div(s.sum("sm_spend"), s.sum("new_customers"))


def cac_payback_months(s: Spans) -> np.ndarray:
    return _div(cac(s), acv(s) / 12 * gross_margin(s))


def magic_number(s: Spans) -> np.ndarray:
    """Net new ARR of the three months to ``b`` / S&M spend of the three months before."""
    b = np.where(s.b >= 5, s.b, 5)
    ratio = _div(s.window("net_new_arr", b - 2, b), s.window("sm_spend", b - 5, b - 3))
    return _where(s.b >= 5, ratio)


def burn_multiple(s: Spans) -> np.ndarray:
    net_new = s.sum("net_new_arr")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        multiple = s.sum("burn") / net_new
    return _where(~(net_new <= 0), multiple)


def runway_months(s: Spans) -> np.ndarray:
    """Cash at the period's end / the period's average monthly burn; NaN when not burning."""
    monthly_burn = s.sum("burn") / s.k
    cash = s.d.cash_end[s.b]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        months = np.where(cash < 0.0, 0.0, cash) / monthly_burn  # max(cash, 0.0)
    return _where(~(monthly_burn <= 0), months)


def rule_of_40(s: Spans) -> np.ndarray:
    """ARR growth over the twelve months to ``b`` + operating margin of the period."""
    growth = _div(s.d.arr_end[s.b], s.d.arr_start[np.maximum(s.b - 11, 0)]) - 1
    revenue = s.sum("revenue")
    operating = revenue - s.sum("cogs") - s.sum("opex")
    return _where(s.b >= 11, growth + _div(operating, revenue))


def opex_pct_revenue(s: Spans) -> np.ndarray:
    return _div(s.sum("opex"), s.sum("revenue"))


def _balance(series: Callable[[Derived], np.ndarray]) -> Formula:
    return lambda s: series(s.d)[s.b] + 0.0


FORMULAS: dict[str, Formula] = {
    "arr": _balance(lambda d: d.arr_end),
    "new_arr": _flow("new_arr"),
    "expansion_arr": _flow("expansion_arr"),
    "contraction_arr": _flow("contraction_arr"),
    "churned_arr": _flow("churned_arr"),
    "net_new_arr": _flow("net_new_arr"),
    "nrr": lambda s: _ttm_retention(s, net=True),
    "grr": lambda s: _ttm_retention(s, net=False),
    "nrr_annualised": lambda s: _annualised_retention(s, net=True),
    "grr_annualised": lambda s: _annualised_retention(s, net=False),
    "customers": _balance(lambda d: d.customers_end),
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
    "ltv_to_cac": lambda s: _div(ltv(s), cac(s)),
    "magic_number": magic_number,
    "burn": _flow("burn"),
    "burn_multiple": burn_multiple,
    "cash": _balance(lambda d: d.cash_end),
    "runway_months": runway_months,
    "rule_of_40": rule_of_40,
    "opex_pct_revenue": opex_pct_revenue,
    "headcount": _balance(lambda d: d.flows["headcount"]),
}
"""The formula of every metric of :data:`planbook.kpis.METRICS`."""
