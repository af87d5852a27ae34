"""Budget vs actual: plan, actual, variance and % by team, department, account or P&L line,
for a month, the quarter to date or the year to date; with the full-year forecast.

``as_of`` is the last closed month (by default the last month with actuals). The window is
that month (``mtd`` or a month ``YYYY-MM`` up to ``as_of``), the fiscal quarter to date
(``qtd``) or the fiscal year to date (``ytd``). ``variance`` is actual - plan; ``pct`` is
variance / plan (None when the plan is 0). Whether a variance is favourable depends on the
side: revenue above plan is favourable, cost (COGS, opex, capex) above plan is not; heads and
metrics are not judged. The full-year columns cover the fiscal year of ``as_of``: its plan,
the forecast (actuals to ``as_of``, then the plan or the run-rate, see
:mod:`planbook.forecast`) and forecast - plan.

By team or department, the P&L's currency accounts count, revenue and cost in separate rows
(a team's cost against its budget is the usual view); by P&L line, each line; by account,
every account (balances such as heads count at the window's last month).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.errors import PlanValidationError, Problem
from planbook.facts import AMOUNT_TYPE, canonical_dtypes
from planbook.forecast import check_as_of, forecast, last_actual_month
from planbook.model import AccountType, Plan

__all__ = ["VARIANCE_BY", "VARIANCE_COLUMNS", "VariancePeriods", "variance", "variance_window"]

VARIANCE_BY = ("team", "department", "account", "pnl")
VARIANCE_COLUMNS = (
    "side",
    "plan",
    "actual",
    "variance",
    "pct",
    "status",
    "fy_plan",
    "fy_forecast",
    "fy_variance",
    "fy_status",
)
"""The value columns of a variance table, after its group columns."""
_ZERO = Decimal(0)


@dataclass(frozen=True)
class VariancePeriods:
    """What a variance covers: the window's months, the last closed month, and the fiscal
    year whose full-year columns are shown."""

    label: str
    months: tuple[str, ...]
    as_of: str
    fiscal_year: str
    year_months: tuple[str, ...]


def variance_window(plan: Plan, *, period: str, as_of: str) -> VariancePeriods:
    """The months of ``period`` (``ytd``, ``qtd``, ``mtd`` or ``YYYY-MM``) as of a month."""
    check_as_of(plan, as_of)
    calendar = plan.calendar
    year = calendar.fiscal_year(as_of)
    year_months = tuple(p for p in calendar.periods if calendar.fiscal_year(p) == year)
    if period == "ytd":
        months = tuple(p for p in year_months if p <= as_of)
        label = f"{year} to {as_of}"
    elif period == "qtd":
        quarter = calendar.quarter(as_of)
        months = tuple(p for p in year_months if p <= as_of and calendar.quarter(p) == quarter)
        label = f"{quarter} to {as_of}"
    elif period == "mtd" or period == as_of:
        months, label = (as_of,), as_of
    elif period in calendar and period < as_of:
        months, label = (period,), period
    else:
        why = (
            f"{period} has no actuals yet (they end {as_of})"
            if period in calendar
            else f"{period!r} is not ytd, qtd, mtd or a month of the plan (YYYY-MM)"
        )
        raise PlanValidationError([Problem(("period",), why)], subject="variance request")
    return VariancePeriods(label, months, as_of, year, year_months)


def variance(
    plan: Plan,
    facts: pd.DataFrame,
    *,
    by: str = "team",
    period: str = "ytd",
    plan_scenario: str = "base",
    actual_scenario: str = "actuals",
    as_of: str | None = None,
    method: str = "plan",
) -> tuple[pd.DataFrame, VariancePeriods]:
    """The variance table (group columns, then :data:`VARIANCE_COLUMNS`) and its periods."""
    if by not in VARIANCE_BY:
        raise PlanValidationError(
            [Problem(("by",), f"cannot group by {by!r}; expected one of {', '.join(VARIANCE_BY)}")],
            subject="variance request",
        )
    facts = canonical_dtypes(facts)
    _check_scenario(plan, facts, plan_scenario)
    as_of = as_of or last_actual_month(plan, facts, scenario=actual_scenario)
    periods = variance_window(plan, period=period, as_of=as_of)
    mine = facts[facts["scenario"].isin([plan_scenario, actual_scenario])]
    frame = mine
    if method != "plan":  # the plan method needs no forecast rows: see _masks
        ahead = forecast(
            plan,
            mine,
            plan_scenario=plan_scenario,
            actual_scenario=actual_scenario,
            as_of=as_of,
            method=method,
        )
        frame = canonical_dtypes(pd.concat([mine, ahead], ignore_index=True))
    sums = _sums(plan, frame, by=by, periods=periods, names=(plan_scenario, actual_scenario))
    return _table(plan, sums, by=by), periods


def _check_scenario(plan: Plan, facts: pd.DataFrame, scenario: str) -> None:
    if scenario not in {s.id for s in plan.scenarios} or not (facts["scenario"] == scenario).any():
        raise PlanValidationError(
            [Problem(("scenario",), f"scenario {scenario!r} has no facts in this version")],
            subject="variance request",
        )


def _groups(plan: Plan, by: str) -> Callable[[str], str | None]:
    """How an account maps to a group label (None: left out): by account or P&L line, the
    label and its side after a tab; by team or department, the side alone."""
    account = {a.id: a for a in plan.accounts}

    def side(a: str) -> str:
        kind = account[a].type
        return "revenue" if kind is AccountType.REVENUE else "cost" if kind.is_cost else ""

    if by == "account":
        return lambda a: f"{a}\t{side(a)}" if a in account else None
    if by == "pnl":
        return lambda a: (
            f"{account[a].pnl_line}\t{side(a)}" if a in account and account[a].pnl_line else None
        )
    return lambda a: side(a) if a in account and account[a].pnl_line else None


def _sums(
    plan: Plan,
    facts: pd.DataFrame,
    *,
    by: str,
    periods: VariancePeriods,
    names: tuple[str, str],
) -> pd.DataFrame:
    """Plan and actual in the window, plan and forecast in the year, by group (exact)."""
    account_labels = [_groups(plan, by)(a) for a in facts["account"].cat.categories]
    if by in ("team", "department"):
        department = {t.id: t.department for t in plan.teams}
        teams = [t if by == "team" else department.get(t) for t in facts["team"].cat.categories]
        team_codes, team_uniques = _codes_of(teams)
        side_codes, side_uniques = _codes_of(account_labels)
        row_team = _lookup(team_codes, facts["team"])
        row_side = _lookup(side_codes, facts["account"])
        keep = (row_team >= 0) & (row_side >= 0)
        codes = (row_team * len(side_uniques) + row_side)[keep]
        uniques = [f"{t}\t{s}" for t in team_uniques for s in side_uniques]
    else:
        label_codes, uniques = _codes_of(account_labels)
        row_label = _lookup(label_codes, facts["account"])
        keep = row_label >= 0
        codes = row_label[keep]
    frame = facts[keep]
    masks = _masks(plan, frame, periods, names, by=by)
    amount = pa.array(frame["amount"].array, AMOUNT_TYPE)
    zero = pa.scalar(_ZERO, AMOUNT_TYPE)
    columns = {name: pc.if_else(pa.array(mask), amount, zero) for name, mask in masks.items()}
    table = pa.table({"g": pa.array(codes, pa.int32()), **columns})
    out: pd.DataFrame = table.group_by("g").aggregate([(c, "sum") for c in masks]).to_pandas()
    out["group"] = [uniques[g] for g in out["g"]]
    return out.rename(columns={f"{c}_sum": c for c in masks})


def _codes_of(labels: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """Each label's index among the distinct labels (-1 for None), and those labels."""
    uniques = sorted({label for label in labels if label is not None})
    index = {label: i for i, label in enumerate(uniques)}
    codes = [index[label] if label is not None else -1 for label in labels]
    return np.array([*codes, -1], dtype=np.int64), uniques


def _lookup(codes: np.ndarray, column: pd.Series) -> np.ndarray:
    """Per row: the code of its category (-1 for a missing value)."""
    found: np.ndarray = codes[column.cat.codes.to_numpy()]
    return found


def _rows_where(column: pd.Series, test: Callable[[str], bool]) -> np.ndarray:
    """Per row: ``test`` of its category (False for a missing value), without text."""
    per_category = np.array([test(str(c)) for c in column.cat.categories] + [False])
    found: np.ndarray = per_category[column.cat.codes.to_numpy()]
    return found


def _masks(
    plan: Plan,
    frame: pd.DataFrame,
    periods: VariancePeriods,
    names: tuple[str, str],
    *,
    by: str,
) -> dict[str, np.ndarray]:
    planned = _rows_where(frame["scenario"], lambda s: s == names[0])
    actual = _rows_where(frame["scenario"], lambda s: s == names[1])
    forecast_rows = _rows_where(frame["scenario"], lambda s: s == "forecast")
    in_window = _rows_where(frame["period"], lambda p: p in periods.months)
    in_year = _rows_where(frame["period"], lambda p: p in periods.year_months)
    if not forecast_rows.any():  # method plan: the forecast is actuals, then the plan
        future = _rows_where(frame["period"], lambda p: p > periods.as_of)
        year_forecast = in_year & ((actual & ~future) | (planned & future))
    else:
        year_forecast = in_year & forecast_rows
    masks = {
        "plan": planned & in_window,
        "actual": actual & in_window,
        "fy_plan": planned & in_year,
        "fy_forecast": year_forecast,
    }
    if by == "account":  # balances count at the last month of the window or the year
        last = {a.id for a in plan.accounts if a.period_rollup == "last"}
        is_last = _rows_where(frame["account"], lambda a: a in last)
        for name, end in (
            ("plan", periods.months[-1]),
            ("actual", periods.months[-1]),
            ("fy_plan", periods.year_months[-1]),
            ("fy_forecast", periods.year_months[-1]),
        ):
            at_end = _rows_where(frame["period"], end.__eq__)
            masks[name] = masks[name] & (~is_last | at_end)
    return masks


def _table(plan: Plan, sums: pd.DataFrame, *, by: str) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    names = {a.id: a.name for a in plan.accounts} | {t.id: t.name for t in plan.teams}
    names |= {d.id: d.name for d in plan.departments}
    order = _order(plan, by)
    for record in sums.to_dict("records"):
        group, _, side = str(record["group"]).partition("\t")
        values = {k: Decimal(record[k]) for k in ("plan", "actual", "fy_plan", "fy_forecast")}
        delta, fy_delta = (
            values["actual"] - values["plan"],
            values["fy_forecast"] - values["fy_plan"],
        )
        head = {by if by != "pnl" else "pnl_line": group}
        if by != "pnl":
            head["name"] = names.get(group, group)
        rows.append(
            head
            | {
                "side": side,
                "plan": values["plan"],
                "actual": values["actual"],
                "variance": delta,
                "pct": None if values["plan"] == 0 else float(delta / values["plan"]),
                "status": _status(side, delta),
                "fy_plan": values["fy_plan"],
                "fy_forecast": values["fy_forecast"],
                "fy_variance": fy_delta,
                "fy_status": _status(side, fy_delta),
                "_order": (order.get(group, len(order)), side != "revenue", group),
            }
        )
    frame = pd.DataFrame(rows)
    if not len(frame):
        return frame
    return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def _order(plan: Plan, by: str) -> dict[str, int]:
    if by == "team":
        return {t.id: i for i, t in enumerate(plan.teams)}
    if by == "department":
        return {d.id: i for i, d in enumerate(plan.departments)}
    if by == "account":
        return {a.id: i for i, a in enumerate(plan.accounts)}
    lines: dict[str, int] = {}
    for a in plan.accounts:
        if a.pnl_line:
            lines.setdefault(a.pnl_line, len(lines))
    return lines


def _status(side: str, delta: Decimal) -> str:
    if not side:
        return ""
    if delta == 0:
        return "on plan"
    good = delta > 0 if side == "revenue" else delta < 0
    return "favourable" if good else "unfavourable"
