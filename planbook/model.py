"""The plan definition: who plans what, in which months, against which targets.

A :class:`Plan` is the company part of a plan: its fiscal calendar, chart of accounts, teams
and departments, scenarios, company-wide assumptions, goals and per-team budget envelopes.
The numbers teams plan (the bottom-up budget lines) are *facts* (see :mod:`planbook.facts`).

Models here check types and shapes only. Rules that look across the plan (unknown references,
duplicates, months outside the calendar) live in :mod:`planbook.validation`, which collects
every problem at once.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, ClassVar, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

from planbook.calendar import MAX_MONTHS, MIN_MONTHS, FiscalCalendar

__all__ = [
    "BUILTIN_SCENARIOS",
    "KNOWN_METRICS",
    "Account",
    "AccountType",
    "Assumption",
    "AssumptionOverride",
    "Department",
    "Dependency",
    "Envelope",
    "FactOverride",
    "Goal",
    "HiringDelay",
    "Milestone",
    "Plan",
    "Scenario",
    "Team",
    "Unit",
]

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            f"{value!r} is not a valid id; use up to 64 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit"
        )
    return value


Id = Annotated[str, AfterValidator(_check_id)]
"""An identifier: ``sales-na``, ``opex.travel``, ``FY27_plan``."""

PeriodValues = dict[str, Decimal]
"""Amounts by calendar month ``YYYY-MM``."""


_T = TypeVar("_T", "Account", "Team", "Assumption")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    # Fields added after plans were first stored: left out of the serialized form while they
    # are empty, so a plan that does not use them serializes, and its stored company part
    # hashes, exactly as before they existed (no change shows where there is none).
    _omit_when_empty: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _omit_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        for key in self._omit_when_empty:
            if data.get(key) in (None, (), []):
                data.pop(key, None)
        return data


class AccountType(StrEnum):
    """What an account measures; decides how it rolls up."""

    REVENUE = "revenue"
    COGS = "cogs"
    OPEX = "opex"
    CAPEX = "capex"
    HEADCOUNT = "headcount"
    METRIC = "metric"

    @property
    def is_cost(self) -> bool:
        """Costs count against a team's budget envelope."""
        return self in (AccountType.COGS, AccountType.OPEX, AccountType.CAPEX)


class Unit(StrEnum):
    """What an amount is counted in, and the precision it allows."""

    CURRENCY = "currency"
    HEADS = "heads"
    CUSTOMERS = "customers"
    COUNT = "count"
    PERCENT = "percent"
    RATIO = "ratio"

    @property
    def decimals(self) -> int:
        """Most decimal places an amount in this unit may have."""
        return _UNITS[self][0]

    @property
    def description(self) -> str:
        """How an amount in this unit is written, for error messages."""
        return _UNITS[self][1]


_UNITS: dict[Unit, tuple[int, str]] = {  # most decimal places, how an amount is written
    Unit.CURRENCY: (2, "an amount in plan currency with at most 2 decimals (cents)"),
    Unit.HEADS: (2, "a number of heads (FTE) with at most 2 decimals"),
    Unit.CUSTOMERS: (0, "a whole number of customers"),
    Unit.COUNT: (0, "a whole number"),
    Unit.PERCENT: (6, "a fraction with at most 6 decimals (0.01 is 1%)"),
    Unit.RATIO: (6, "a ratio with at most 6 decimals"),
}

# The metrics goals may target besides accounts: SaaS KPIs computed from the plan.
KNOWN_METRICS: dict[str, tuple[str, Unit]] = {
    "arr": ("Annual recurring revenue at period end", Unit.CURRENCY),
    "net_new_arr": ("Net new ARR in the period", Unit.CURRENCY),
    "nrr": ("Net revenue retention", Unit.PERCENT),
    "grr": ("Gross revenue retention", Unit.PERCENT),
    "logo_churn_rate": ("Customers lost in a month / customers at its start", Unit.PERCENT),
    "acv": ("Average contract value of new customers", Unit.CURRENCY),
    "ltv": ("Customer lifetime value", Unit.CURRENCY),
    "cac": ("Customer acquisition cost", Unit.CURRENCY),
    "ltv_to_cac": ("LTV / CAC", Unit.RATIO),
    "cac_payback_months": ("Months of gross margin to recover CAC", Unit.RATIO),
    "magic_number": ("Net new ARR / prior-quarter S&M spend", Unit.RATIO),
    "burn_multiple": ("Net burn / net new ARR", Unit.RATIO),
    "rule_of_40": ("Revenue growth + operating margin", Unit.PERCENT),
    "headcount": ("Total heads at period end", Unit.HEADS),
    "revenue": ("Recognised revenue", Unit.CURRENCY),
    "gross_margin": ("Gross margin", Unit.PERCENT),
    "runway_months": ("Months of cash at current burn", Unit.RATIO),
}


class Account(_Model):
    """A line of the chart of accounts.

    ``pnl_sign`` is how the account's amounts enter the P&L: +1 for income, -1 for cost (costs
    are entered as positive amounts). Headcount and metric accounts stay out of the P&L and
    have no ``pnl_line``. ``confidential`` marks accounts (salaries) that only some roles see;
    ``derived_from`` names the accounts this one is computed from (payroll taxes from
    salaries), so that an account derived from a confidential one is confidential too
    (:func:`planbook.confidential.confidential_accounts`).
    ``period_rollup`` says how months combine into quarters and years: ``sum`` for flows
    (spend, hires), ``last`` for balances (heads on payroll, customers at month end),
    ``average`` for levels (a price).
    """

    id: Id
    name: str = Field(min_length=1)
    type: AccountType
    unit: Unit = Unit.CURRENCY
    pnl_line: str | None = None
    pnl_sign: Literal[1, -1] = 1
    confidential: bool = False
    allow_negative: bool = False
    period_rollup: Literal["sum", "last", "average"] = "sum"
    description: str = ""
    derived_from: tuple[Id, ...] = ()
    _omit_when_empty = ("derived_from",)


class Department(_Model):
    """A group of teams; departments roll up to the company."""

    id: Id
    name: str = Field(min_length=1)
    lead: str = ""


class Team(_Model):
    """A team that owns a budget, led by ``lead``, inside ``department``."""

    id: Id
    name: str = Field(min_length=1)
    department: Id
    lead: str = ""


class FactOverride(_Model):
    """A change to a slice of a scenario's facts: ``percent`` scales by (1 + value), ``add``
    adds value, ``set`` replaces. ``team`` (a team or department), ``account`` (an account or
    P&L line), ``line`` and ``period`` (a month, fiscal quarter, half or year) select; none
    selects all."""

    kind: Literal["percent", "add", "set"]
    value: Decimal
    team: str | None = None
    account: str | None = None
    period: str | None = None
    line: str | None = None


class AssumptionOverride(_Model):
    """A change to a company assumption (a driver) in a scenario: ``percent`` scales by
    (1 + value), ``add`` adds value (churn +1 point is ``add 0.01``), ``set`` replaces, in the
    months ``period`` selects (a month, fiscal quarter, half or year; none: every month)."""

    assumption: Id
    kind: Literal["percent", "add", "set"]
    value: Decimal
    period: str | None = None


class HiringDelay(_Model):
    """The first ``count`` hires (none: all) of ``team`` (or a department) on ``line`` (none:
    every line) in ``period`` (none: all months), started ``months`` later (see
    :mod:`planbook.hiring`)."""

    team: str
    months: int = Field(ge=1, le=MAX_MONTHS)
    count: Decimal | None = Field(default=None, gt=0)
    line: str | None = None
    period: str | None = None


class Scenario(_Model):
    """A named set of numbers; ``actuals`` holds what really happened.

    A scenario either has facts of its own, or is a what-if on ``base``: the base's facts
    and drivers with ``facts`` overrides, then ``hiring`` delays, then ``assumptions``
    overrides applied (see :mod:`planbook.engine`). A scenario with facts of its own may
    still override assumptions: its bookings and revenue are then driven with them.
    """

    id: Id
    name: str = Field(min_length=1)
    description: str = ""
    actuals: bool = False
    base: Id | None = None
    facts: tuple[FactOverride, ...] = ()
    assumptions: tuple[AssumptionOverride, ...] = ()
    hiring: tuple[HiringDelay, ...] = ()

    _omit_when_empty = ("base", "facts", "assumptions", "hiring")


BUILTIN_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(id="base", name="Base plan", description="The plan the company runs on."),
    Scenario(
        id="conservative",
        name="Conservative (investor) plan",
        description="The plan shown to investors and the board.",
    ),
    Scenario(
        id="aggressive",
        name="Aggressive (internal) plan",
        description="The stretch plan the company manages to internally.",
    ),
    Scenario(id="actuals", name="Actuals", description="What happened.", actuals=True),
)


class Assumption(_Model):
    """A company-wide driver by month (salary inflation, payroll-tax rate, price, FX ...).

    Assumptions are set by finance in the company part; teams reference them and may not
    redefine them.
    """

    id: Id
    name: str = Field(min_length=1)
    unit: Unit
    values: PeriodValues
    description: str = ""


class Milestone(_Model):
    """A step on a goal's timeline: reach ``target`` by ``due`` (a month, usually a quarter's
    last)."""

    due: str
    target: Decimal


class Goal(_Model):
    """A SMART top-down goal: reach ``target`` on ``metric`` by ``due``.

    ``metric`` is a known KPI (see :data:`KNOWN_METRICS`) or an account id. ``team`` is the
    team or department accountable, or ``None`` for the whole company. ``milestones`` are
    the execution timeline (quarterly in an AOP), checked the same way as the goal.
    """

    id: Id
    description: str = Field(min_length=1)
    metric: str
    target: Decimal
    direction: Literal["at_least", "at_most"] = "at_least"
    due: str
    owner: str = Field(min_length=1)
    team: str | None = None
    milestones: tuple[Milestone, ...] = ()

    _omit_when_empty = ("milestones",)


class Envelope(_Model):
    """Top-down budget for one team's costs (COGS, opex, capex), by month."""

    team: Id
    scenario: Id = "base"
    amounts: PeriodValues


class Dependency(_Model):
    """A team's plan that waits for another team's launch or hire: ``team`` books nothing
    on ``account`` (and ``line``, when given) before ``on_team`` first books on
    ``on_account`` (and ``on_line``). Checked by the alignment report (docs/alignment.md)."""

    team: Id
    account: Id
    line: str | None = None
    on_team: Id
    on_account: Id
    on_line: str | None = None
    description: str = ""


class Plan(_Model):
    """The company part of a plan: everything except the teams' budget lines."""

    id: Id
    name: str = Field(min_length=1)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    start: str = Field(description="First month of the plan, YYYY-MM")
    months: int = Field(default=12, ge=MIN_MONTHS, le=MAX_MONTHS)
    departments: tuple[Department, ...] = ()
    teams: tuple[Team, ...] = ()
    accounts: tuple[Account, ...] = ()
    scenarios: tuple[Scenario, ...] = BUILTIN_SCENARIOS
    assumptions: tuple[Assumption, ...] = ()
    goals: tuple[Goal, ...] = ()
    envelopes: tuple[Envelope, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    _omit_when_empty = ("dependencies",)

    @field_validator("start")
    @classmethod
    def _start_is_month(cls, value: str) -> str:
        FiscalCalendar(value, MIN_MONTHS)  # raises ValueError with a clear message
        return value

    @property
    def calendar(self) -> FiscalCalendar:
        """The plan's fiscal calendar, built once for each (start, months) and shared."""
        return _calendar(self.start, self.months)

    def account(self, account_id: str) -> Account:
        """The account with this id (KeyError if none)."""
        return _by_id(self.accounts, account_id, "account")

    def team(self, team_id: str) -> Team:
        """The team with this id (KeyError if none)."""
        return _by_id(self.teams, team_id, "team")

    def teams_of(self, department_id: str) -> tuple[Team, ...]:
        """The teams of one department, in plan order."""
        return tuple(t for t in self.teams if t.department == department_id)

    def assumption(self, assumption_id: str) -> Assumption:
        """The assumption with this id (KeyError if none)."""
        return _by_id(self.assumptions, assumption_id, "assumption")


@lru_cache(maxsize=64)  # a calendar is immutable: plans (and their copies) share it
def _calendar(start: str, months: int) -> FiscalCalendar:
    return FiscalCalendar(start, months)


def _by_id(items: tuple[_T, ...], item_id: str, kind: str) -> _T:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"no {kind} {item_id!r} in the plan")
