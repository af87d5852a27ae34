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

from planbook.columnar import DenseSums, FactColumns, dense_sums, grouped_sums
from planbook.facts import amounts_from_cents
from planbook.model import AccountType, Plan

__all__ = ["MonthlySums"]


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
        opex = {a.id for a in plan.accounts if a.type is AccountType.OPEX}
        keys = [
            columns.scenario.codes,
            columns.team.isin(teams).view(np.int8),
            columns.account.codes,
            columns.period.positions(periods),
        ]
        sizes = [len(columns.scenario.categories), 2, len(columns.account.categories), len(periods)]
        sizes = [max(s, 1) for s in sizes]
        accounts = pa.array(columns.account.categories or ("",), pa.string())
        is_opex = np.array([a in opex for a in accounts.to_pylist()], dtype=bool)
        dense = dense_sums(keys, columns.amounts, mask, sizes)
        if dense is not None:
            return cls._of_dense(columns.scenario.categories, accounts, is_opex, dense)
        sums = grouped_sums(keys, columns.amounts, mask, sizes=sizes)
        scenario_of = sums.column("key0").to_numpy()
        account_of = sums.column("key2").to_numpy()
        month_of = sums.column("key3").to_numpy()
        in_sm = sums.column("key1").to_numpy().astype(bool) & is_opex[account_of]
        amounts = sums.column("amount_sum").combine_chunks()
        out = {}
        for code, scenario in enumerate(columns.scenario.categories):
            mine = scenario_of == code
            total = _summed(accounts, account_of, month_of, amounts, mine)
            sm = _named(accounts, account_of, month_of, amounts, mine & in_sm)
            out[scenario] = cls(total, sm)
        return out

    @classmethod
    def _of_dense(
        cls,
        scenarios: Sequence[str],
        accounts: pa.Array,
        is_opex: np.ndarray,
        dense: DenseSums,
    ) -> dict[str, MonthlySums]:
        """Each scenario's sums from dense sums by scenario x sales-and-marketing x account
        x month: the total adds the two halves (exact: each below 2**52), the sales and
        marketing opex is the second half's opex accounts."""
        counts, millionths = dense.counts, dense.millionths
        total = DenseSums(counts.sum(axis=1), millionths.sum(axis=1))
        sm = DenseSums(counts[:, 1] * is_opex[None, :, None], millionths[:, 1])
        return {
            scenario: cls(_table(accounts, total, code), _table(accounts, sm, code))
            for code, scenario in enumerate(scenarios)
        }

    @classmethod
    def booked(
        cls,
        plan: Plan,
        bookings: Sequence[tuple[Sequence[str], str, np.ndarray]],
        sales_and_marketing: Sequence[str],
    ) -> MonthlySums:
        """The sums of booked facts (teams, account, whole cents by team x month, as
        :func:`~planbook.drivers.bookings` gives), as :meth:`of` would give them of those
        facts (a zero booking is no fact), without laying the facts out."""
        months = len(plan.calendar.periods)
        sm_teams = {t.id for t in plan.teams if t.department in sales_and_marketing}
        opex = {a.id for a in plan.accounts if a.type is AccountType.OPEX}
        total: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        sm: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for teams, account, cents in bookings:
            _add(total, account, cents, months)
            if account in opex:
                _add(sm, account, cents[[t in sm_teams for t in teams]], months)
        return cls(_cents_table(total), _cents_table(sm))

    def without(self, accounts: Collection[str]) -> MonthlySums:
        """These sums but those of ``accounts``."""
        drop = pa.array(list(accounts), pa.string())
        return MonthlySums(
            *(t.filter(pc.invert(pc.is_in(t.column("account"), drop))) for t in self.parts)
        )

    def plus(self, other: MonthlySums) -> MonthlySums:
        """Both sums added (exactly) where account and month meet."""
        pairs = zip(self.parts, other.parts, strict=True)
        return MonthlySums(*(_added(a, b) for a, b in pairs))

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
        month = self.sm.column("month").to_numpy()
        amounts = self.sm.column("amount").combine_chunks()
        every = np.ones(len(month), dtype=bool)
        by_month = grouped_sums([month], amounts, every, sizes=[_bound(month)])
        month = by_month.column("key0").to_numpy()
        values = by_month.column("amount_sum").cast(pa.float64()).to_numpy()
        out = np.zeros(months)
        keep = month < months
        out[month[keep]] = values[keep]
        return out


def _table(accounts: pa.Array, sums: DenseSums, scenario: int) -> pa.Table:
    """One scenario's dense sums by account x month as a table of the sums present."""
    mine = DenseSums(sums.counts[scenario], sums.millionths[scenario])
    account, month = np.nonzero(mine.counts)
    return pa.table(
        {
            "account": accounts.take(pa.array(account)),
            "month": pa.array(month),
            "amount": mine.decimals(np.flatnonzero(mine.counts)),
        }
    )


def _named(
    accounts: pa.Array,
    account: np.ndarray,
    month: np.ndarray,
    amounts: pa.Array,
    rows: np.ndarray,
) -> pa.Table:
    """The sums at ``rows`` by account (codes into the ids ``accounts``) and month."""
    return pa.table(
        {
            "account": accounts.take(pa.array(account[rows])),
            "month": pa.array(month[rows]),
            "amount": amounts.filter(pa.array(rows)),
        }
    )


def _summed(
    accounts: pa.Array,
    account: np.ndarray,
    month: np.ndarray,
    amounts: pa.Array,
    rows: np.ndarray,
) -> pa.Table:
    """The sums at ``rows`` added up by account (codes into ``accounts``) and month."""
    sums = grouped_sums(
        [account, month], amounts, rows, sizes=[max(len(accounts), 1), _bound(month)]
    )
    return _named(
        accounts,
        sums.column("key0").to_numpy(),
        sums.column("key1").to_numpy(),
        sums.column("amount_sum").combine_chunks(),
        np.ones(sums.num_rows, dtype=bool),
    )


def _add(
    into: dict[str, tuple[np.ndarray, np.ndarray]], account: str, cents: np.ndarray, months: int
) -> None:
    """Add one booking's cents (teams x months) to ``into``'s account: its monthly total
    and in which months a team booked a fact (not zero)."""
    total, present = into.get(account, (np.zeros(months, dtype=np.int64), np.zeros(months, bool)))
    into[account] = (total + cents.sum(axis=0), present | (cents != 0).any(axis=0))


def _cents_table(sums: dict[str, tuple[np.ndarray, np.ndarray]]) -> pa.Table:
    """Monthly cents by account (where a fact was booked) as a table of exact sums."""
    accounts = sorted(sums)
    months = [np.flatnonzero(sums[a][1]) for a in accounts]
    cents = [sums[a][0][m] for a, m in zip(accounts, months, strict=True)]
    return pa.table(
        {
            "account": pa.array(
                [a for a, m in zip(accounts, months, strict=True) for _ in m], pa.string()
            ),
            "month": pa.array(np.concatenate([np.zeros(0, np.int64), *months])),
            "amount": amounts_from_cents(np.concatenate([np.zeros(0, np.int64), *cents])),
        }
    )


def _added(a: pa.Table, b: pa.Table) -> pa.Table:
    """Two tables of sums added where account and month meet: side by side when no
    account is in both (as after :meth:`MonthlySums.without` those of the other)."""
    if not set(pc.unique(a.column("account")).to_pylist()) & set(
        pc.unique(b.column("account")).to_pylist()
    ):
        return pa.concat_tables([a, b.cast(a.schema)])
    return _regroup(pa.concat_tables([a, b]))


def _regroup(table: pa.Table) -> pa.Table:
    """The table's amounts added up by account and month (exactly)."""
    coded = pc.dictionary_encode(table.column("account").combine_chunks())
    return _summed(
        coded.dictionary if len(coded.dictionary) else pa.array([""], pa.string()),
        coded.indices.to_numpy(zero_copy_only=False),
        table.column("month").to_numpy(),
        table.column("amount").combine_chunks(),
        np.ones(table.num_rows, dtype=bool),
    )


def _bound(month: np.ndarray) -> int:
    """A bound on the months (their largest + 1, at least 1)."""
    return int(month.max()) + 1 if len(month) else 1


def _grid(table: pa.Table, months: int) -> dict[str, np.ndarray]:
    """Exact sums (one a month and account) as float rows by account."""
    coded = pc.dictionary_encode(table.column("account").combine_chunks())
    index = coded.indices.to_numpy(zero_copy_only=False)
    month = table.column("month").to_numpy()
    values = table.column("amount").cast(pa.float64()).to_numpy()
    grid = np.zeros((len(coded.dictionary), months))
    keep = month < months
    grid[index[keep], month[keep]] = values[keep]
    return {a: grid[i] for i, a in enumerate(coded.dictionary.to_pylist())}
