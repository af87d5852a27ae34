"""What the driver model reads (:mod:`planbook.drivers`): where in the chart
(:class:`DriverConfig`) and, of one scenario's facts or of every scenario's at once, the exact
monthly sums it starts from (:class:`ModelInputs`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from planbook.columnar import Coded, FactColumns, dense_sums, float_grid
from planbook.model import Plan

__all__ = [
    "DriverConfig",
    "ModelInputs",
    "model_rows",
    "program_accounts",
    "retention_teams",
    "sales_teams",
]


@dataclass(frozen=True)
class DriverConfig:
    """Where the driver model reads its inputs and books its outputs in the chart.

    Bookings (new ARR, new customers, commissions) go to the teams of ``sales_department``
    with quota-carrying reps, in proportion to their ramped capacity; churn and expansion
    to the teams of ``retention_department`` in proportion to their heads; revenue and
    payment fees to ``revenue_team``; hosting to ``hosting_team``; pipeline to the teams
    that spend marketing programs, in proportion to that spend.
    """

    programs_line: str = "Marketing programs"
    sales_department: str = "sales"
    quota_roles: tuple[str, ...] = ("Account Executive",)
    retention_department: str = "customer-success"
    revenue_team: str = "finance"
    hosting_team: str = "platform-eng"
    heads: str = "headcount"
    hires: str = "hires"
    accounts: dict[str, str] = field(
        default_factory=lambda: {
            "pipeline": "pipeline-generated",
            "new_arr": "new-arr",
            "new_customers": "new-customers",
            "commissions": "commissions",
            "churned_arr": "churned-arr",
            "churned_customers": "churned-customers",
            "expansion_arr": "expansion-arr",
            "subscription": "rev-subscription",
            "services": "rev-services",
            "payment_fees": "cogs-payment-fees",
            "hosting": "cogs-hosting",
        }
    )


@dataclass(frozen=True)
class ModelInputs:
    """What the driver model reads of one scenario's facts, by the plan's months: exact
    sums of the facts, then floats.

    ``programs`` is the marketing programs of every team; ``program_teams`` the teams that
    spend on them (pipeline is booked to them in proportion to ``program_spend``, or to
    the revenue team when nobody spends); ``quota_heads`` and ``quota_hires`` the heads
    and hires on the quota roles of each sales team; ``retention_heads`` every head of
    each retention team."""

    programs: np.ndarray
    program_teams: list[str]
    program_spend: np.ndarray
    quota_heads: np.ndarray
    quota_hires: np.ndarray
    retention_heads: np.ndarray

    @classmethod
    def of(
        cls, plan: Plan, columns: FactColumns, mine: np.ndarray, config: DriverConfig
    ) -> ModelInputs:
        """The inputs read from the rows of ``columns`` where ``mine`` holds."""
        periods = list(plan.calendar.periods)
        ids = program_accounts(plan, config)
        spent = mine & columns.account.isin(ids)
        teams = columns.team.used(spent) or [config.revenue_team]
        sales, retention = sales_teams(plan, config), retention_teams(plan, config)
        roles = config.quota_roles
        month = columns.period.positions(periods)
        every = np.zeros(len(month), dtype=np.int64)
        programs = float_grid(every, month, (1, len(periods)), columns.amounts, spent)[0]
        return cls(
            programs=programs,
            program_teams=teams,
            program_spend=_matrix(columns, mine, ids, teams, periods, None),
            quota_heads=_matrix(columns, mine, [config.heads], sales, periods, roles),
            quota_hires=_matrix(columns, mine, [config.hires], sales, periods, roles),
            retention_heads=_matrix(columns, mine, [config.heads], retention, periods, None),
        )

    @classmethod
    def each(
        cls, plan: Plan, columns: FactColumns, config: DriverConfig
    ) -> dict[str, ModelInputs] | None:
        """:meth:`of` every scenario of ``columns`` (each scenario's rows; only those of
        :func:`model_rows` are read), from one exact pass by scenario x input x team x
        month; None when those sums cannot be had exactly that way (then :meth:`of`, a
        scenario at a time)."""
        periods = list(plan.calendar.periods)
        ids = program_accounts(plan, config)
        if {config.heads, config.hires} & set(ids) or config.heads == config.hires:
            return None
        kinds = {a: _PROGRAMS for a in ids} | {config.heads: _HEADS, config.hires: _HIRES}
        table = [kinds.get(a, -1) for a in columns.account.categories]
        every = columns.account.lookup(np.array(table, dtype=np.int8), missing=-1)
        rows = np.flatnonzero(every >= 0)  # the few rows the model reads
        kind = np.take(every, rows)
        line = Coded(np.take(columns.line.codes, rows), columns.line.categories)
        kind[(kind != _PROGRAMS) & ~line.isin(config.quota_roles)] += 1  # off a quota role
        categories = columns.team.categories
        team = np.take(columns.team.codes, rows).astype(np.int32)
        team[team < 0] = len(categories)  # no team: still in the programs' total
        dense = dense_sums(
            [
                np.take(columns.scenario.codes, rows),
                kind,
                team,
                np.take(columns.period.positions(periods), rows),
            ],
            columns.amounts.take(pa.array(rows)),
            np.ones(len(rows), dtype=bool),
            [max(len(columns.scenario.categories), 1), _KINDS, len(categories) + 1, len(periods)],
        )
        if dense is None:
            return None
        position = {t: i for i, t in enumerate(categories)}

        def of_teams(grid: np.ndarray, teams: list[str]) -> np.ndarray:
            """The rows of ``grid`` (millionths by team category) of ``teams``, as floats
            (``x * 1e-6``, as Arrow casts a decimal of six places); zeros for a team
            without facts."""
            out = np.zeros((len(teams), len(periods)))
            for i, t in enumerate(teams):
                if t in position:
                    out[i] = grid[position[t]]
            return out * 1e-6

        sales, retention = sales_teams(plan, config), retention_teams(plan, config)
        out = {}
        for code, scenario in enumerate(columns.scenario.categories):
            counts, millionths = dense.counts[code], dense.millionths[code]
            programs = _exact_total(millionths[_PROGRAMS])
            if programs is None:
                return None
            spent = counts[_PROGRAMS, : len(categories)].any(axis=1)
            teams = [categories[i] for i in np.flatnonzero(spent)] or [config.revenue_team]
            heads = millionths[_HEADS] + millionths[_HEADS + 1]  # exact: each below 2**52
            out[scenario] = cls(
                programs=programs,
                program_teams=teams,
                program_spend=of_teams(millionths[_PROGRAMS], teams),
                quota_heads=of_teams(millionths[_HEADS], sales),
                quota_hires=of_teams(millionths[_HIRES], sales),
                retention_heads=of_teams(heads, retention),
            )
        return out


_PROGRAMS, _HEADS, _HIRES, _KINDS = 0, 1, 3, 5
"""The inputs of :meth:`ModelInputs.each`'s pass: programs, heads on a quota role (+1:
on another), hires on a quota role (+1: on another)."""


def _exact_total(millionths: np.ndarray) -> np.ndarray | None:
    """The exact sums over the first axis of whole millionths, as floats (as Arrow casts
    them); None when a sum could reach 2**53 (then not exact as a float)."""
    if len(millionths) and np.abs(millionths).sum(axis=0).max() >= 2**53:
        return None
    total: np.ndarray = millionths.astype(np.int64).sum(axis=0).astype(np.float64) * 1e-6
    return total


def model_rows(
    plan: Plan,
    columns: FactColumns,
    mine: np.ndarray,
    config: DriverConfig,
    *,
    leave_out: Collection[str] = (),
) -> FactColumns:
    """The rows where ``mine`` holds that the model reads (programs, heads and hires), but
    those of the accounts ``leave_out``."""
    programs = program_accounts(plan, config)
    accounts = {*programs, config.heads, config.hires} - set(leave_out)
    read = columns.account.isin(accounts)
    return columns.take(np.flatnonzero(mine & read))


def program_accounts(plan: Plan, config: DriverConfig) -> list[str]:
    return [a.id for a in plan.accounts if a.pnl_line == config.programs_line]


def _matrix(
    columns: FactColumns,
    mine: np.ndarray,
    accounts: list[str],
    teams: list[str],
    periods: list[str],
    lines: tuple[str, ...] | None,
) -> np.ndarray:
    """Exact sums of ``accounts`` (on ``lines``, if given) by team x month, as floats."""
    rows = mine & columns.account.isin(accounts)
    if lines is not None:
        rows &= columns.line.isin(lines)
    team = columns.team.positions(teams)
    month = columns.period.positions(periods)
    return float_grid(team, month, (len(teams), len(periods)), columns.amounts, rows)


def sales_teams(plan: Plan, config: DriverConfig) -> list[str]:
    return [t.id for t in plan.teams if t.department == config.sales_department]


def retention_teams(plan: Plan, config: DriverConfig) -> list[str]:
    return [t.id for t in plan.teams if t.department == config.retention_department]
