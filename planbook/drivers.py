"""The driver model: from the teams' budgets to bookings, revenue and cost of revenue.

One scenario's costs (marketing programs, the sales team's heads and hires) and the company
assumptions of :data:`DRIVER_ASSUMPTIONS` give, month by month (``docs/engine.md``):

1. pipeline = marketing programs / ``cost_per_pipeline_dollar`` x price index;
2. demand = pipeline x ``win_rate``;
3. capacity = ramped quota-carrying reps x ``quota_per_rep`` / 12; a rep hired in month h
   sells ``min(1, (t - h) / ramp_months)`` of a quota in month t (nothing in the month of
   hire); reps on the payroll before the plan are ramped;
4. new ARR = min(demand, capacity); new customers = new ARR / (``new_logo_acv`` x price
   index);
5. churned ARR = ARR at the month's start x ``churn_rate``; expansion ARR = that ARR x
   ``expansion_rate``; churned customers = customers at the month's start x ``churn_rate``;
6. subscription revenue = (ARR at start + ARR at end) / 2 / 12 (recognised evenly, deals
   booked mid-month); services revenue = subscription x ``services_rate``;
7. payment fees = revenue x ``payment_fee_rate``; hosting = customers at month end x
   ``hosting_per_customer``; commissions = new ARR x ``commission_rate``.

The ``price_index`` scales what a deal is worth (1 at plan-start prices). Money is
rounded to cents month by month and the ARR roll-forward runs on the rounded amounts, so
the KPIs of the driven facts reproduce the model's ARR to the cent. Customer counts are
whole: each month's new and churned customers are rounded (half to even).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planbook.columnar import FactColumns
from planbook.driver_booking import booked_columns, split_cents
from planbook.driver_inputs import (
    DriverConfig,
    ModelInputs,
    model_rows,
    retention_teams,
    sales_teams,
)
from planbook.errors import PlanValidationError, Problem
from planbook.model import Plan, Unit

__all__ = [
    "DRIVEN_ACCOUNTS",
    "DRIVER_ASSUMPTIONS",
    "Booking",
    "DriverConfig",
    "ModelInputs",
    "bookings",
    "capacity_reach",
    "drive",
    "driven_facts",
    "driven_rows",
    "has_drivers",
    "model_rows",
    "ramped_reps",
]

DRIVER_ASSUMPTIONS: dict[str, tuple[str, Unit]] = {
    "cost_per_pipeline_dollar": ("Marketing programs spent per dollar of pipeline", Unit.RATIO),
    "win_rate": ("Share of pipeline closed as new ARR", Unit.PERCENT),
    "quota_per_rep": ("Annual new-ARR quota of a ramped rep", Unit.CURRENCY),
    "ramp_months": ("Months a new rep takes to reach full quota", Unit.COUNT),
    "new_logo_acv": ("Contract value of a new customer at plan-start prices", Unit.CURRENCY),
    "churn_rate": ("ARR and customers lost a month, of those at its start", Unit.PERCENT),
    "expansion_rate": ("Expansion ARR a month, of ARR at its start", Unit.PERCENT),
    "services_rate": ("Services revenue per dollar of subscription revenue", Unit.PERCENT),
    "payment_fee_rate": ("Payment fees per dollar of revenue", Unit.PERCENT),
    "hosting_per_customer": ("Production hosting per customer a month", Unit.CURRENCY),
    "commission_rate": ("Commission on new ARR", Unit.PERCENT),
    "price_index": ("Prices against the plan's start (1.05 is 5% higher)", Unit.RATIO),
}
"""The company assumptions the driver model reads, with what they mean and their units."""

OUTPUTS = (
    "programs",
    "pipeline",
    "demand",
    "capacity",
    "ramped_reps",
    "new_arr",
    "expansion_arr",
    "churned_arr",
    "arr",
    "new_customers",
    "churned_customers",
    "customers",
    "subscription",
    "services",
    "payment_fees",
    "hosting",
    "commissions",
)


DRIVEN_ACCOUNTS = tuple(DriverConfig().accounts.values())
"""The accounts the driver model computes (with the default :class:`DriverConfig`)."""


def has_drivers(plan: Plan) -> bool:
    """Whether the plan sets every driver assumption (then its bookings are driven)."""
    have = {a.id for a in plan.assumptions}
    return all(a in have for a in DRIVER_ASSUMPTIONS) and "opening_arr" in have


def drive(
    plan: Plan, facts: pd.DataFrame, *, scenario: str, config: DriverConfig | None = None
) -> pd.DataFrame:
    """The driver model's monthly series for one scenario: one row per month (index the
    plan's periods), one column per :data:`OUTPUTS` (floats; money rounded to cents)."""
    config = config or DriverConfig()
    _check(plan, config)
    columns = FactColumns.of(facts)
    inputs = ModelInputs.of(plan, columns, columns.scenario.isin([scenario]), config)
    model = _drive(plan, inputs)
    index = pd.Index(list(plan.calendar.periods), name="period")
    return pd.DataFrame({k: model[k] for k in OUTPUTS}, index=index)


def _drive(
    plan: Plan, inputs: ModelInputs, ramped: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """:func:`drive`'s series by output (arrays over the plan's months)."""
    a = {k: _series(plan, k) for k in DRIVER_ASSUMPTIONS}
    programs = inputs.programs
    price = a["price_index"]
    pipeline = _cents(programs / a["cost_per_pipeline_dollar"] * price)
    demand = _cents(pipeline * a["win_rate"])
    reps = (ramped if ramped is not None else _ramped(plan, inputs)).sum(axis=0)
    capacity = _cents(reps * a["quota_per_rep"] / 12)
    new_arr = np.minimum(demand, capacity)
    out = {"programs": programs, "pipeline": pipeline, "demand": demand, "capacity": capacity}
    out |= {"ramped_reps": reps, "new_arr": new_arr}
    return out | _roll_forward(plan, a, new_arr, a["new_logo_acv"] * price)


def capacity_reach(
    plan: Plan, facts: pd.DataFrame, *, scenario: str, config: DriverConfig | None = None
) -> pd.DataFrame:
    """What the scenario's sales team can book: by month (index the plan's periods), its
    ``capacity`` (ramped reps x quota), the ``ramped_reps`` and the ``arr`` the company
    would reach if every month's new ARR were its whole capacity (demand unlimited; churn
    and expansion rolled forward as in :func:`drive`)."""
    model = drive(plan, facts, scenario=scenario, config=config)
    a = {k: _series(plan, k) for k in DRIVER_ASSUMPTIONS}
    capacity = model["capacity"].to_numpy()
    reach = _roll_forward(plan, a, capacity, a["new_logo_acv"] * a["price_index"])
    return pd.DataFrame(
        {"capacity": capacity, "ramped_reps": model["ramped_reps"], "arr": reach["arr"]},
        index=model.index,
    )


def _roll_forward(
    plan: Plan, a: dict[str, np.ndarray], new_arr: np.ndarray, acv: np.ndarray
) -> dict[str, np.ndarray]:
    opening = arr = _opening(plan, "opening_arr")
    customers = _opening(plan, "opening_customers")
    new_customers = np.round(new_arr / acv)
    out: dict[str, list[float]] = {
        k: [] for k in ("expansion_arr", "churned_arr", "arr", "customers", "churned_customers")
    }
    churn, expansion = a["churn_rate"].tolist(), a["expansion_rate"].tolist()
    for new, new_logos, churn_rate, expansion_rate in zip(
        new_arr.tolist(), new_customers.tolist(), churn, expansion, strict=True
    ):  # Python floats: the same IEEE arithmetic as numpy's, without its scalar cost
        churned = _cent(arr * churn_rate)
        expanded = _cent(arr * expansion_rate)
        lost = float(round(customers * churn_rate))  # half to even, as numpy rounds
        customers += new_logos - lost
        arr = arr + new + expanded - churned
        out["churned_arr"].append(churned)
        out["expansion_arr"].append(expanded)
        out["churned_customers"].append(lost)
        out["arr"].append(_cent(arr))
        out["customers"].append(customers)
    cols = {k: np.array(v, dtype=np.float64) for k, v in out.items()}
    churned_customers = cols.pop("churned_customers")
    start = np.concatenate([[opening], cols["arr"][:-1]])
    subscription = _cents((start + cols["arr"]) / 24)
    services = _cents(subscription * a["services_rate"])
    return cols | {
        "new_customers": new_customers,
        "churned_customers": churned_customers,
        "subscription": subscription,
        "services": services,
        "payment_fees": _cents((subscription + services) * a["payment_fee_rate"]),
        "hosting": _cents(cols["customers"] * a["hosting_per_customer"]),
        "commissions": _cents(new_arr * a["commission_rate"]),
    }


def ramped_reps(plan: Plan, facts: pd.DataFrame, config: DriverConfig) -> np.ndarray:
    """Ramped quota-carrying reps, teams of the sales department x months (floats)."""
    columns = FactColumns.of(facts)
    return _ramped(plan, ModelInputs.of(plan, columns, columns.rows(), config))


def _ramped(plan: Plan, inputs: ModelInputs) -> np.ndarray:
    ramp = _series(plan, "ramp_months")
    m = len(ramp)
    lag = np.arange(m)[:, None] - np.arange(m)[None, :]  # t - h
    unramped = np.where(
        lag >= 0, np.clip(1 - lag / np.maximum(ramp[:, None], 1), 0, 1), 0.0
    )  # [t, h]: the share of a quota not yet reached by a rep hired in h
    unramped[:, :] = np.where(ramp[:, None] <= 0, 0.0, unramped)
    return np.asarray(inputs.quota_heads - inputs.quota_hires @ unramped.T)


def driven_facts(
    plan: Plan, facts: pd.DataFrame, *, scenario: str, config: DriverConfig | None = None
) -> pd.DataFrame:
    """The driven accounts' facts of ``scenario``, booked to teams as :class:`DriverConfig`
    says (amounts split in cents, largest remainder first, so teams add up to the model)."""
    columns = FactColumns.of(facts)
    return driven_rows(plan, columns, columns.scenario.isin([scenario]), scenario, config).frame()


def driven_rows(
    plan: Plan,
    columns: FactColumns,
    mine: np.ndarray,
    scenario: str,
    config: DriverConfig | None = None,
) -> FactColumns:
    """:func:`driven_facts` of the rows of ``columns`` where ``mine`` holds, by code (the
    engine's way: no frame is built of the facts it reads or of those it books)."""
    config = config or DriverConfig()
    columns = model_rows(plan, columns, mine, config)
    inputs = ModelInputs.of(plan, columns, columns.rows(), config)
    return booked_columns(scenario, list(plan.calendar.periods), bookings(plan, inputs, config))


Booking = tuple[list[str], str, np.ndarray]
"""Teams, an account, and its whole cents by team x month (customers in hundredths)."""


def bookings(plan: Plan, inputs: ModelInputs, config: DriverConfig) -> list[Booking]:
    """The driver model's outputs for these inputs, each split over the teams it is booked
    to as :class:`DriverConfig` says (in cents, largest remainder first, so the teams add
    up to the model)."""
    _check(plan, config)
    ramped = _ramped(plan, inputs)
    model = _drive(plan, inputs, ramped)
    months = len(plan.calendar.periods)
    weights = {
        "bookings": (sales_teams(plan, config), ramped),
        "retention": (retention_teams(plan, config), inputs.retention_heads),
        "pipeline": (inputs.program_teams, inputs.program_spend),
        "revenue": ([config.revenue_team], np.ones((1, months))),
        "hosting": ([config.hosting_team], np.ones((1, months))),
    }
    groups = {
        "pipeline": ("pipeline",),
        "bookings": ("new_arr", "new_customers", "commissions"),
        "retention": ("churned_arr", "churned_customers", "expansion_arr"),
        "revenue": ("subscription", "services", "payment_fees"),
        "hosting": ("hosting",),
    }
    parts: list[Booking] = []
    for group, outputs in groups.items():
        teams, weight = weights[group]
        for output in outputs:
            unit = 100 if output.endswith("customers") else 1
            cents = np.round(model[output] * 100 / unit).astype(np.int64)
            parts.append((teams, config.accounts[output], split_cents(cents, weight) * unit))
    return parts


def _series(plan: Plan, assumption_id: str) -> np.ndarray:
    values = plan.assumption(assumption_id).values
    return np.array([float(values[p]) for p in plan.calendar.periods])


def _opening(plan: Plan, assumption_id: str) -> float:
    return float(plan.assumption(assumption_id).values[plan.start])


def _cents(values: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.round(np.asarray(values, dtype="float64") * 100) / 100
    return out


def _cent(value: float) -> float:
    """``value`` rounded to cents as numpy rounds (half to even, in whole cents)."""
    return round(value * 100) / 100


def _check(plan: Plan, config: DriverConfig) -> None:
    have = {a.id for a in plan.assumptions}
    problems = [
        Problem(
            ("assumptions", name),
            f"the driver model needs the company assumption {name!r} ({text}, in {unit})",
        )
        for name, (text, unit) in (
            DRIVER_ASSUMPTIONS
            | {
                "opening_arr": ("ARR at the start of the plan", Unit.CURRENCY),
                "opening_customers": ("Customers at the start of the plan", Unit.CUSTOMERS),
            }
        ).items()
        if name not in have
    ]
    teams = {t.id for t in plan.teams}
    for what, team in (("revenue", config.revenue_team), ("hosting", config.hosting_team)):
        if team not in teams:
            problems.append(
                Problem(("teams",), f"the driver model books {what} to team {team!r}, not found")
            )
    accounts = {a.id for a in plan.accounts}
    for output, account in config.accounts.items():
        if account not in accounts:
            msg = f"the driver model books {output} to account {account!r}, which is missing"
            problems.append(Problem(("accounts", account), msg))
    if problems:
        raise PlanValidationError(problems, subject="driver model")
