"""What KPIs read of the facts: exact sums by account x month, small enough to combine.

A KPI needs, of one scenario's facts, only each account's monthly total and the monthly
sales and marketing opex. :class:`MonthlySums` holds both as exact decimal sums (Arrow
``decimal128``) by account x month, for every scenario of a facts table at once: one
grouped pass over millions of facts, then each scenario is a slice of a few thousand rows.
The engine replaces a scenario's driven accounts by the driver model's facts
(:meth:`MonthlySums.without` and :meth:`MonthlySums.plus`, still exact) instead of building
the scenario's facts again; the KPI inputs are the same floats either way, because every
account's total is summed exactly before it becomes a float.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from planbook.columnar import FactColumns, grouped_sums
from planbook.model import AccountType, Plan

__all__ = ["MonthlySums"]

_COLUMNS = ("account", "month", "amount")


@dataclass(frozen=True)
class MonthlySums:
    """One scenario's exact sums: ``total`` by (account, month) over every fact and ``sm``
    by (account, month) over the opex of the sales and marketing teams. Months are
    positions in the plan's calendar; accounts are ids."""

    total: pa.Table
    sm: pa.Table

    @classmethod
    def of(
        cls,
        plan: Plan,
        columns: FactColumns,
        mask: np.ndarray,
        sales_and_marketing: Sequence[str],
    ) -> dict[str, MonthlySums]:
        """The sums of each scenario of the rows where ``mask`` holds (months outside the
        plan are left out)."""
        periods = list(plan.calendar.periods)
        teams = [t.id for t in plan.teams if t.department in sales_and_marketing]
        opex = [a.id for a in plan.accounts if a.type is AccountType.OPEX]
        keys = [
            columns.scenario.codes,
            columns.team.isin(teams).view(np.int8),
            columns.account.codes,
            columns.period.positions(periods),
        ]
        sizes = [len(columns.scenario.categories), 2, len(columns.account.categories), len(periods)]
        sums = grouped_sums(keys, columns.amounts, mask, sizes=[max(s, 1) for s in sizes])
        accounts = np.array(columns.account.categories or ("",), dtype=object)
        is_opex = np.isin(accounts, opex)
        out = {}
        for code, scenario in enumerate(columns.scenario.categories):
            mine = sums.filter(pa.array(sums.column("key0").to_numpy() == code))
            account = mine.column("key2").to_numpy()
            sm = mine.column("key1").to_numpy().astype(bool) & is_opex[account]
            total = _regroup(_named(mine, accounts))
            out[scenario] = cls(total, _named(mine.filter(pa.array(sm)), accounts))
        return out

    def without(self, accounts: Collection[str]) -> MonthlySums:
        """These sums but those of ``accounts``."""
        drop = pa.array(list(accounts), pa.string())
        return MonthlySums(
            *(t.filter(pc.invert(pc.is_in(t.column("account"), drop))) for t in self.parts)
        )

    def plus(self, other: MonthlySums) -> MonthlySums:
        """Both sums added (exactly) where account and month meet."""
        return MonthlySums(
            *(
                _regroup(pa.concat_tables([a, b]))
                for a, b in zip(self.parts, other.parts, strict=True)
            )
        )

    @property
    def parts(self) -> tuple[pa.Table, pa.Table]:
        return self.total, self.sm

    def months(self) -> int:
        """How many months the facts cover: up to the last month with a fact (0: none)."""
        month = self.total.column("month").to_numpy()
        return int(month.max()) + 1 if len(month) else 0

    def by_account(self, months: int) -> dict[str, np.ndarray]:
        """Each account's monthly total over the first ``months`` months, as floats."""
        return _grid(self.total, months)

    def sm_spend(self, months: int) -> np.ndarray:
        """The sales and marketing opex of each of the first ``months`` months (summed
        exactly, then floats)."""
        by_month = self.sm.group_by("month").aggregate([("amount", "sum")])
        month = by_month.column("month").to_numpy()
        values = by_month.column("amount_sum").cast(pa.float64()).to_numpy()
        out = np.zeros(months)
        keep = month < months
        out[month[keep]] = values[keep]
        return out


def _named(table: pa.Table, accounts: np.ndarray) -> pa.Table:
    return pa.table(
        {
            "account": pa.array(accounts[table.column("key2").to_numpy()], pa.string()),
            "month": table.column("key3"),
            "amount": table.column("amount_sum"),
        }
    )


def _regroup(table: pa.Table) -> pa.Table:
    sums = table.group_by(["account", "month"]).aggregate([("amount", "sum")])
    return sums.rename_columns(list(_COLUMNS))


def _grid(table: pa.Table, months: int) -> dict[str, np.ndarray]:
    """Exact sums (one a month and account) as float rows by account."""
    accounts = table.column("account").to_pylist()
    month = table.column("month").to_numpy()
    values = table.column("amount").cast(pa.float64()).to_numpy()
    rows = {a: i for i, a in enumerate(dict.fromkeys(accounts))}
    grid = np.zeros((len(rows), months))
    keep = month < months
    index = np.array([rows[a] for a in accounts], dtype=np.int64)
    grid[index[keep], month[keep]] = values[keep]
    return {a: grid[i] for a, i in rows.items()}
