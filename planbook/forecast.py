"""The full-year forecast: actuals for the months that closed, the plan (or the run-rate)
for the rest.

``as_of`` is the last closed month: by default the last month with facts in the actuals
scenario. :func:`forecast` returns facts of every month of the plan's calendar under the
scenario name ``forecast``: the actuals' facts in months up to ``as_of``, and in later months
the plan scenario's facts (method ``plan``) or each actual line's run-rate (method
``run-rate``: the average of its last three closed months; a balance such as heads keeps its
last closed value), rounded to the cent.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.errors import PlanValidationError, Problem
from planbook.facts import AMOUNT_TYPE, KEY_COLUMNS, canonical_dtypes, empty_facts, normalize
from planbook.model import Plan

__all__ = ["FORECAST_METHODS", "RUN_RATE_MONTHS", "forecast", "last_actual_month"]

FORECAST_METHODS = ("plan", "run-rate")
RUN_RATE_MONTHS = 3


def last_actual_month(plan: Plan, facts: pd.DataFrame, *, scenario: str = "actuals") -> str:
    """The last month with facts in ``scenario``; an error naming it when there are none."""
    actual = facts[facts["scenario"] == scenario]
    months = [p for p in actual["period"].astype(str).unique() if p in plan.calendar]
    if not months:
        raise PlanValidationError(
            [
                Problem(
                    ("scenario", scenario),
                    f"scenario {scenario!r} has no facts; import actuals first "
                    "(planbook actuals import)",
                )
            ],
            subject="variance request",
        )
    return str(max(months))


def check_as_of(plan: Plan, as_of: str) -> None:
    """Refuse an ``as_of`` month outside the plan."""
    if as_of not in plan.calendar:
        raise PlanValidationError(
            [
                Problem(
                    ("as_of",),
                    f"{as_of!r} is not a month of the plan ({plan.calendar.start} to "
                    f"{plan.calendar.end}); write it YYYY-MM",
                )
            ],
            subject="variance request",
        )


def forecast(
    plan: Plan,
    facts: pd.DataFrame,
    *,
    plan_scenario: str = "base",
    actual_scenario: str = "actuals",
    as_of: str | None = None,
    method: str = "plan",
) -> pd.DataFrame:
    """Facts of scenario ``forecast`` for every month: actuals to ``as_of``, then the plan
    or the run-rate (see the module docstring)."""
    if method not in FORECAST_METHODS:
        raise PlanValidationError(
            [Problem(("method",), f"{method!r} is not one of {', '.join(FORECAST_METHODS)}")],
            subject="forecast request",
        )
    facts = canonical_dtypes(facts)
    as_of = as_of or last_actual_month(plan, facts, scenario=actual_scenario)
    check_as_of(plan, as_of)
    closed = [p for p in plan.calendar.periods if p <= as_of]
    open_months = [p for p in plan.calendar.periods if p > as_of]
    actual = facts[(facts["scenario"] == actual_scenario) & facts["period"].isin(closed)]
    if method == "plan":
        rest = facts[(facts["scenario"] == plan_scenario) & facts["period"].isin(open_months)]
    else:
        rest = _run_rate(plan, actual, closed, open_months)
    parts = [f.astype({c: str for c in KEY_COLUMNS}) for f in (actual, rest) if len(f)]
    if not parts:
        return empty_facts()
    out = pd.concat(parts, ignore_index=True)
    out["scenario"] = "forecast"
    return normalize(out)


def _run_rate(
    plan: Plan, actual: pd.DataFrame, closed: list[str], open_months: list[str]
) -> pd.DataFrame:
    if not open_months or not len(actual):
        return actual.iloc[0:0]
    recent = closed[-RUN_RATE_MONTHS:]
    last = {a.id for a in plan.accounts if a.period_rollup == "last"}
    window = actual[actual["period"].isin(recent)]
    is_last = window["account"].isin(list(last)).to_numpy()
    keys = ["scenario", "team", "account", "line"]
    flows = window[~is_last].astype({c: str for c in keys})
    sums = flows.groupby(keys, sort=True)["amount"].sum()
    divisor = pa.scalar(Decimal(len(recent)), pa.decimal128(3, 0))
    total = pa.array(sums.array, AMOUNT_TYPE).cast(pa.decimal128(30, 6))
    rate = pc.round(pc.divide(total, divisor), ndigits=2, round_mode="half_towards_infinity")
    per_key = sums.index.to_frame(index=False)
    per_key["amount"] = pd.arrays.ArrowExtensionArray(rate.cast(AMOUNT_TYPE))
    balances = window[is_last & (window["period"] == recent[-1]).to_numpy()][[*keys, "amount"]]
    base = pd.concat(
        [per_key.astype({c: str for c in keys}), balances.astype({c: str for c in keys})],
        ignore_index=True,
    )
    repeated = base.loc[base.index.repeat(len(open_months))].reset_index(drop=True)
    repeated["period"] = np.tile(np.array(open_months, dtype=object), len(base))
    return repeated[[*KEY_COLUMNS, "amount"]]
