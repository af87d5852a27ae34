"""The KPI function: one SaaS KPI of a scenario in a month, quarter, half or year.

A thin wrapper over the engine's :func:`planbook.engine.scenario_kpis` (what-ifs resolved,
bookings driven); its results are kept on the version's snapshot,
so a sheet of KPI cells computes each scenario and grain once.
"""

import math
import re
from typing import Any

import pandas as pd
import xlwings as xw

from addin.cache import Snapshot
from addin.functions.convert import NA, REF, Cell, FunctionError, excel_function, text
from addin.functions.convert import period as to_period
from addin.functions.slices import visible
from addin.session import current
from planbook import KPI_METRICS, PlanValidationError
from planbook.engine import scenario_kpis

__all__ = ["pb_kpi"]

_GRAINS = (
    (re.compile(r"^FY\d{4}-Q[1-4]$"), "quarter"),
    (re.compile(r"^FY\d{4}-H[12]$"), "half"),
    (re.compile(r"^FY\d{4}$"), "year"),
)
_COST_INPUTS = {"cogs", "opex", "sm"}


@xw.func
@xw.arg("metric", doc="KPI id, e.g. arr, nrr, logo_churn_rate, ltv_to_cac, runway_months.")
@xw.arg("period", doc="A month (a date or 2026-03), or a quarter, half or year: FY2027-Q2.")
@xw.arg("scenario", doc="Scenario id (default base).")
@xw.arg("version", doc="Version number or tag (default: the pinned version).")
@excel_function(tabular=False)
def pb_kpi(metric: Cell, period: Cell, scenario: Cell = "base", version: Cell = None) -> Any:
    """One SaaS KPI (ARR, NRR, logo churn, ACV, LTV, CAC, burn multiple, runway ...) of a
    scenario in a month, quarter, half or year, from the pinned version; formulas as
    docs/kpis.md states them. #N/A where the KPI is not defined (no new customers, not
    enough months yet)."""
    snapshot = current().snapshot(None if version is None else text(version, "version"))
    name = text(metric, "metric")
    label, grain = _period(period)
    values = _values(snapshot, text(scenario, "scenario", "base"), grain, name)
    if label not in values.index:
        raise FunctionError(REF, f"{label} is not a {grain} of the scenario's months")
    value = float(values[label])
    if math.isnan(value):
        raise FunctionError(NA, f"{name} is not defined in {label} (see docs/kpis.md)")
    return value


def _period(value: Cell) -> tuple[str, str]:
    label = value.strip() if isinstance(value, str) else None
    for pattern, grain in _GRAINS:
        if label and pattern.match(label):
            return label, grain
    return to_period(value), "month"


def _values(snapshot: Snapshot, scenario: str, grain: str, metric: str) -> "pd.Series[float]":
    """The metric's values by period label, computed once per snapshot, scenario, grain and
    caller's view."""
    facts = visible(snapshot, snapshot.facts)
    filtered = len(facts) < len(snapshot.facts)
    hidden = filtered or bool(snapshot.hidden.hidden_accounts)  # or the service left them out
    if hidden and metric in KPI_METRICS and _COST_INPUTS & set(KPI_METRICS[metric].needs):
        raise FunctionError(
            NA, f"{metric} needs confidential cost accounts that your token may not see"
        )
    if filtered:  # a view of this caller only: not shared through the snapshot
        return _series(_compute(snapshot, facts, scenario, grain, [metric]), metric)
    memo: dict[tuple[str, str], pd.DataFrame] = snapshot.extra.setdefault("kpis", {})
    if (scenario, grain) not in memo:
        try:
            memo[(scenario, grain)] = _compute(snapshot, facts, scenario, grain, None)
        except PlanValidationError:  # some metric lacks inputs: compute the one asked for
            return _series(_compute(snapshot, facts, scenario, grain, [metric]), metric)
    result = memo[(scenario, grain)]
    if metric not in set(result["metric"]):  # not among the defaults: named by the core
        result = _compute(snapshot, facts, scenario, grain, [metric])
    return _series(result, metric)


def _compute(
    snapshot: Snapshot, facts: pd.DataFrame, scenario: str, grain: str, metrics: list[str] | None
) -> pd.DataFrame:
    return scenario_kpis(snapshot.plan, facts, scenarios=[scenario], metrics=metrics, grain=grain)


def _series(result: pd.DataFrame, metric: str) -> "pd.Series[float]":
    mine = result[result["metric"] == metric]
    return pd.Series(mine["value"].to_numpy(), index=mine["period"].to_numpy())
