"""Scenarios as data: a scenario's facts and drivers, with its overrides applied and its
bookings, revenue and cost of revenue driven (see :mod:`planbook.drivers`).

A scenario of the plan (:class:`~planbook.model.Scenario`) either has facts of its own
(``base``, ``conservative``, ``aggressive``, ``actuals``) or is a what-if on a ``base``
scenario. :func:`scenario_view` resolves one: the base's facts (a what-if's base resolved
first, so what-ifs chain), the fact overrides, the plan with the assumption overrides, then

- payroll rescaled when ``salary_inflation``, ``payroll_tax_rate`` or
  ``benefits_per_head`` changed (salaries by (1 + new uplift) / (1 + old uplift), payroll
  taxes also by new / old rate, benefits by new / old amount per head), month by month;
- when the plan sets every driver assumption, the driven accounts replaced by the driver
  model's output for these facts and drivers. Actuals are what happened: never driven.

A scenario without overrides gives its base's facts unchanged (a property test checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa

from planbook.calendar import FiscalCalendar
from planbook.columnar import FactColumns
from planbook.drivers import (
    DRIVEN_ACCOUNTS,
    DriverConfig,
    ModelInputs,
    bookings,
    driven_facts,
    has_drivers,
    model_rows,
)
from planbook.errors import PlanValidationError, Problem
from planbook.facts import canonical_dtypes, empty_facts, facts_from_arrow, facts_from_cents
from planbook.frames import concat_facts, float_amounts
from planbook.hiring import delay_hires, hiring_problems
from planbook.kpi_inputs import MonthlySums
from planbook.kpis import SALES_AND_MARKETING, kpis, kpis_of_sums
from planbook.model import AssumptionOverride, Plan, Scenario
from planbook.scenarios import Override, apply_overrides

__all__ = [
    "ScenarioView",
    "apply_assumption_overrides",
    "scenario_facts",
    "scenario_kpis",
    "scenario_problems",
    "scenario_view",
    "with_bases",
]


@dataclass(frozen=True)
class ScenarioView:
    """One scenario resolved: the plan with its drivers, and its facts (labelled with its
    id)."""

    scenario: Scenario
    plan: Plan
    facts: pd.DataFrame


def scenario_view(
    plan: Plan, facts: pd.DataFrame, scenario: str, *, config: DriverConfig | None = None
) -> ScenarioView:
    """The plan and facts of ``scenario`` as :mod:`planbook.engine` describes."""
    _known(plan, [scenario])
    found = {s.id: s for s in plan.scenarios}[scenario]
    own, out = _source(plan, facts, found, config)
    if found.facts:
        overrides = [
            Override(o.kind, o.value, o.team, o.account, o.period, o.line) for o in found.facts
        ]
        out = apply_overrides(own, out, overrides, scenario=scenario, name=scenario)
    if found.hiring:
        out = delay_hires(own, out, found.hiring, scenario=scenario)
    driven = apply_assumption_overrides(own, found.assumptions)
    if found.assumptions:
        out = _rescale_payroll(own, driven, out)
    if (
        has_drivers(driven)
        and not found.actuals
        and (found.base is None or found.facts or found.hiring or found.assumptions)
    ):
        out = _redrive(driven, out, scenario, config)
    return ScenarioView(scenario=found, plan=driven, facts=canonical_dtypes(out))


def scenario_facts(plan: Plan, facts: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """The facts of ``scenario`` (:func:`scenario_view`)."""
    return scenario_view(plan, facts, scenario).facts


def with_bases(plan: Plan, scenarios: Sequence[str]) -> list[str]:
    """The scenarios and, for each what-if, the scenarios it is built on (what to read of
    a version to resolve them)."""
    by_id = {s.id: s for s in plan.scenarios}
    out = list(dict.fromkeys(scenarios))
    for scenario in list(out):
        base = by_id[scenario].base if scenario in by_id else None
        while base is not None and base not in out:
            out.append(base)
            base = by_id[base].base if base in by_id else None
    return out


def scenario_kpis(
    plan: Plan,
    facts: pd.DataFrame | pa.Table,
    *,
    scenarios: Sequence[str],
    metrics: Sequence[str] | None = None,
    grain: str = "month",
) -> pd.DataFrame:
    """:func:`~planbook.kpis.kpis` of each scenario as resolved by :func:`scenario_view`.

    A scenario with facts of its own (no fact overrides, no payroll rescaled) is never
    built as a frame: the exact monthly sums of every scenario are taken in one pass
    (:class:`~planbook.kpi_inputs.MonthlySums`), and a driven scenario's driven accounts
    are replaced there by the driver model's facts. What-ifs are resolved as frames. Both
    ways give the same KPIs (a test checks it). ``facts`` may be the store's Arrow table:
    a frame is made of it only for a what-if."""
    _known(plan, scenarios)
    if not scenarios:
        raise PlanValidationError([Problem(("scenario",), "name at least one scenario")])
    columns = FactColumns.of(facts)
    sums = MonthlySums.of(plan, columns, columns.rows(), SALES_AND_MARKETING)
    config = DriverConfig()
    driven_ids = list(config.accounts.values())
    model = model_rows(plan, columns, columns.rows(), config, leave_out=driven_ids)
    inputs = ModelInputs.each(plan, model, config)
    if inputs is None:  # sums beyond what a float holds exactly: a scenario at a time
        inputs = {
            s: ModelInputs.of(plan, model, model.scenario.isin([s]), config)
            for s in model.scenario.categories
        }
    frames = []
    for scenario in dict.fromkeys(scenarios):
        found = {s.id: s for s in plan.scenarios}[scenario]
        driven = apply_assumption_overrides(plan, found.assumptions)
        if found.base is not None or found.facts or found.hiring or _payroll_ratios(plan, driven):
            if not isinstance(facts, pd.DataFrame):
                facts = facts_from_arrow(facts)
            view = scenario_view(plan, facts, scenario)
            frames.append(
                kpis(view.plan, view.facts, scenarios=[scenario], metrics=metrics, grain=grain)
            )
            continue
        mine = sums.get(scenario)
        if mine is None or not mine.months():
            _no_facts(scenario)
        elif has_drivers(driven) and not found.actuals:
            booked = bookings(driven, inputs[scenario], config)
            extra = MonthlySums.booked(driven, booked, SALES_AND_MARKETING)
            mine = mine.without(driven_ids).plus(extra)
        frames.append(kpis_of_sums(driven, scenario, mine, metrics=metrics, grain=grain))
    return pd.concat(frames, ignore_index=True)


def apply_assumption_overrides(plan: Plan, overrides: Sequence[AssumptionOverride]) -> Plan:
    """The plan with each override applied to its assumption, in order, each value rounded
    to the assumption's unit (half away from zero)."""
    if not overrides:
        return plan
    calendar = plan.calendar
    assumptions = {a.id: a for a in plan.assumptions}
    for o in overrides:
        current = assumptions[o.assumption]
        step = Decimal(1).scaleb(-current.unit.decimals)
        values = dict(current.values)
        for period in _months(calendar, o.period):
            old = values[period]
            new = old * (1 + o.value) if o.kind == "percent" else old + o.value
            values[period] = (o.value if o.kind == "set" else new).quantize(step, ROUND_HALF_UP)
        assumptions[o.assumption] = current.model_copy(update={"values": values})
    return plan.model_copy(
        update={"assumptions": tuple(assumptions[a.id] for a in plan.assumptions)}
    )


def scenario_problems(plan: Plan) -> list[Problem]:
    """What-ifs on unknown bases or in a cycle, overrides of unknown assumptions, teams,
    accounts or periods (each named with its place in the plan)."""
    problems: list[Problem] = []
    ids = {s.id: s for s in plan.scenarios}
    assumptions = {a.id for a in plan.assumptions}
    periods = _period_labels(plan.calendar)
    for i, scenario in enumerate(plan.scenarios):
        loc: tuple[str | int, ...] = ("scenarios", i)
        if scenario.base is not None and scenario.base not in ids:
            msg = f"scenario {scenario.id!r} is a what-if on {scenario.base!r}, not in the plan"
            problems.append(Problem((*loc, "base"), msg))
        elif _cycle(ids, scenario):
            msg = f"scenario {scenario.id!r} is, through its bases, a what-if on itself"
            problems.append(Problem((*loc, "base"), msg))
        if scenario.facts and scenario.base is None:
            msg = f"scenario {scenario.id!r} overrides facts but names no base scenario"
            problems.append(Problem((*loc, "facts"), msg))
        if scenario.hiring and scenario.base is None:
            msg = f"scenario {scenario.id!r} delays hires but names no base scenario"
            problems.append(Problem((*loc, "hiring"), msg))
        problems += [
            Problem((*loc, "hiring", *p.loc), p.msg) for p in hiring_problems(plan, scenario.hiring)
        ]
        for j, o in enumerate(scenario.assumptions):
            if o.assumption not in assumptions:
                msg = f"override of unknown assumption {o.assumption!r}"
                problems.append(Problem((*loc, "assumptions", j, "assumption"), msg))
            if o.period is not None and o.period not in periods:
                msg = f"{o.period!r} is not a month or fiscal quarter, half or year of the plan"
                problems.append(Problem((*loc, "assumptions", j, "period"), msg))
        if scenario.facts:
            overrides = [
                Override(o.kind, o.value, o.team, o.account, o.period, o.line)
                for o in scenario.facts
            ]
            try:
                apply_overrides(plan, _EMPTY, overrides)
            except PlanValidationError as exc:
                problems += [Problem((*loc, *p.loc), p.msg) for p in exc.problems]
    return problems


def _source(
    plan: Plan, facts: pd.DataFrame, scenario: Scenario, config: DriverConfig | None
) -> tuple[Plan, pd.DataFrame]:
    """The plan and facts a scenario starts from, labelled with its id."""
    if scenario.base is None:
        mine = canonical_dtypes(facts)
        mine = mine[mine["scenario"] == scenario.id]
        if not len(mine):
            _no_facts(scenario.id)
        return plan, mine
    base = scenario_view(plan, facts, scenario.base, config=config)
    relabelled = base.facts.assign(scenario=scenario.id)
    return base.plan, canonical_dtypes(relabelled)


def _no_facts(scenario: str) -> NoReturn:
    msg = f"scenario {scenario!r} has no facts and is not a what-if on a base"
    raise PlanValidationError([Problem(("scenario",), msg)])


def _redrive(
    plan: Plan, facts: pd.DataFrame, scenario: str, config: DriverConfig | None
) -> pd.DataFrame:
    accounts = set((config or DriverConfig()).accounts.values()) or set(DRIVEN_ACCOUNTS)
    kept = facts[~facts["account"].isin(list(accounts))]
    driven = driven_facts(plan, kept, scenario=scenario, config=config)
    return concat_facts([kept, driven])


def _rescale_payroll(before: Plan, after: Plan, facts: pd.DataFrame) -> pd.DataFrame:
    ratios = _payroll_ratios(before, after)
    if not ratios:
        return facts
    facts = canonical_dtypes(facts)
    month = {p: i for i, p in enumerate(before.calendar.periods)}
    hit = facts["account"].isin(list(ratios))
    rows = facts[hit]
    cents = np.round(float_amounts(rows) * 100)
    factor = np.array(
        [
            ratios[a][month[p]]
            for a, p in zip(rows["account"].astype(str), rows["period"].astype(str), strict=True)
        ]
    )
    scaled = rows[["scenario", "team", "account", "line", "period"]].copy()
    scaled["cents"] = np.round(cents * factor).astype(np.int64)
    return concat_facts([facts[~hit], facts_from_cents(scaled)])


def _payroll_ratios(before: Plan, after: Plan) -> dict[str, np.ndarray]:
    """The monthly factors the payroll accounts change by between the two plans' drivers
    (none: payroll is unchanged)."""
    ratios = {}
    inflation = _ratio(before, after, "salary_inflation", plus_one=True)
    tax = _ratio(before, after, "payroll_tax_rate", plus_one=False)
    benefits = _ratio(before, after, "benefits_per_head", plus_one=False)
    if inflation is not None:
        ratios["salaries"] = inflation
    if inflation is not None or tax is not None:
        ones = np.ones(before.months)
        ratios["payroll-taxes"] = (inflation if inflation is not None else ones) * (
            tax if tax is not None else ones
        )
    if benefits is not None:
        ratios["benefits"] = benefits
    return ratios


def _ratio(before: Plan, after: Plan, assumption: str, *, plus_one: bool) -> np.ndarray | None:
    ids = {a.id for a in before.assumptions}
    if assumption not in ids:
        return None
    old = before.assumption(assumption).values
    new = after.assumption(assumption).values
    if old == new:
        return None
    one = Decimal(1) if plus_one else Decimal(0)
    return np.array(
        [
            float((one + new[p]) / (one + old[p])) if one + old[p] != 0 else 1.0
            for p in before.calendar.periods
        ]
    )


def _known(plan: Plan, scenarios: Sequence[str]) -> None:
    known = [s.id for s in plan.scenarios]
    problems = [
        Problem(
            ("scenario",),
            f"scenario {s!r} is not in plan {plan.id!r}; expected one of {', '.join(known)}",
        )
        for s in scenarios
        if s not in known
    ]
    if problems:
        raise PlanValidationError(problems, subject="scenario request")


def _cycle(ids: dict[str, Scenario], scenario: Scenario) -> bool:
    seen = {scenario.id}
    current = scenario.base
    while current is not None and current in ids:
        if current in seen:
            return True
        seen.add(current)
        current = ids[current].base
    return False


def _months(calendar: FiscalCalendar, period: str | None) -> list[str]:
    if period is None:
        return list(calendar.periods)
    return [
        p
        for p in calendar.periods
        if period in (p, calendar.quarter(p), calendar.half(p), calendar.fiscal_year(p))
    ]


def _period_labels(calendar: FiscalCalendar) -> set[str]:
    periods = calendar.periods
    return (
        set(periods)
        | {calendar.quarter(p) for p in periods}
        | {calendar.half(p) for p in periods}
        | {calendar.fiscal_year(p) for p in periods}
    )


_EMPTY = empty_facts()
