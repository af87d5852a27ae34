"""What KPIs read of the facts: exact sums by account x month, small enough to combine.

A KPI needs, of one scenario's facts, only each account's monthly total and the monthly
sales and marketing opex. :class:`MonthlySums` holds both as exact whole millionths (int64)
by account x month, for every scenario of a facts table at once: one grouped pass over
millions of facts (:func:`~planbook.columnar.dense_sums`), then each scenario is a slice of
a few thousand numbers. The engine replaces a scenario's driven accounts by the driver
model's bookings (:meth:`MonthlySums.without` and :meth:`MonthlySums.plus`, still exact)
instead of building the scenario's facts again; the KPI inputs are the same floats either
way, because every sum is exact before it becomes a float (``x * 1e-6``, as Arrow casts a
decimal of six places).

An account's monthly total must stay within :data:`LIMIT` (about 4.6 trillion): beyond it
the sums are refused with an error that names the account and the month, never wrapped.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import pyarrow as pa

from planbook.columnar import FactColumns, dense_sums, grouped_sums
from planbook.errors import PlanValidationError, Problem
from planbook.facts import AMOUNT_DECIMALS, decimal_words
from planbook.model import AccountType, Plan

__all__ = ["LIMIT", "MonthlySums"]

LIMIT = 2**62
"""The largest absolute sum (in millionths, about 4.6 trillion) an account's month holds."""

_CENT = 10 ** (AMOUNT_DECIMALS - 2)
"""Millionths in a cent."""


@dataclass(frozen=True)
class MonthlySums:
    """One scenario's exact sums, in whole millionths by account (``accounts``, sorted)
    x month (``periods``, the plan's calendar): ``total`` over every fact (``present``
    where a fact was summed) and ``sm`` over the opex of the sales and marketing teams."""

    periods: tuple[str, ...]
    accounts: tuple[str, ...]
    total: np.ndarray
    present: np.ndarray
    sm: np.ndarray

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
        periods = tuple(plan.calendar.periods)
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
        accounts = columns.account.categories or ("",)
        dense = dense_sums(keys, columns.amounts, mask, sizes)
        if dense is not None:  # each sum below 2**52: exact in int64 too
            present, millionths = dense.counts > 0, dense.millionths.astype(np.int64)
        else:
            grouped = grouped_sums(keys, columns.amounts, mask, sizes=sizes)
            present, millionths = _scattered(grouped, sizes, columns, periods)
        is_opex = np.array([a in opex for a in accounts], dtype=bool)
        total = millionths.sum(axis=1)  # the two halves: each within LIMIT, no overflow
        sm = millionths[:, 1] * is_opex[None, :, None]
        return {
            scenario: cls(periods, accounts, total[code], present[code].any(axis=0), sm[code])
            for code, scenario in enumerate(columns.scenario.categories)
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
        periods = tuple(plan.calendar.periods)
        sm_teams = {t.id for t in plan.teams if t.department in sales_and_marketing}
        opex = {a.id for a in plan.accounts if a.type is AccountType.OPEX}
        accounts = tuple(sorted({account for _, account, _ in bookings}))
        row = {a: i for i, a in enumerate(accounts)}
        shape = (len(accounts), len(periods))
        cents, sm = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
        present = np.zeros(shape, dtype=bool)
        for teams, account, booked in bookings:
            cents[row[account]] += booked.sum(axis=0)
            present[row[account]] |= (booked != 0).any(axis=0)
            if account in opex:
                sm[row[account]] += booked[[t in sm_teams for t in teams]].sum(axis=0)
        if len(accounts) and np.abs(cents).max() >= LIMIT // _CENT:
            _too_large(cents * float(_CENT), accounts, periods)
        return cls(periods, accounts, cents * _CENT, present, sm * _CENT)

    def without(self, accounts: Collection[str]) -> MonthlySums:
        """These sums but those of ``accounts``."""
        keep = [i for i, a in enumerate(self.accounts) if a not in accounts]
        return MonthlySums(
            self.periods,
            tuple(self.accounts[i] for i in keep),
            self.total[keep],
            self.present[keep],
            self.sm[keep],
        )

    def plus(self, other: MonthlySums) -> MonthlySums:
        """Both sums added (exactly) where account and month meet."""
        accounts = tuple(sorted({*self.accounts, *other.accounts}))
        row = {a: i for i, a in enumerate(accounts)}
        mine = [row[a] for a in self.accounts]
        theirs = [row[a] for a in other.accounts]
        shape = (len(accounts), len(self.periods))
        total, sm = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
        present = np.zeros(shape, dtype=bool)
        bound = np.zeros(shape)
        for rows, part in ((mine, self), (theirs, other)):
            total[rows] += part.total
            sm[rows] += part.sm
            present[rows] |= part.present
            bound[rows] += np.abs(part.total.astype(np.float64))
        if len(accounts) and bound.max() >= LIMIT:
            _too_large(bound, accounts, self.periods)
        return MonthlySums(self.periods, accounts, total, present, sm)

    def months(self) -> int:
        """How many months the facts cover: up to the last month with a fact (0: none)."""
        covered = np.flatnonzero(self.present.any(axis=0))
        return int(covered[-1]) + 1 if len(covered) else 0

    def by_account(self, months: int) -> dict[str, np.ndarray]:
        """Each account's monthly total over the first ``months`` months, as floats."""
        values = self.total[:, :months].astype(np.float64) * 1e-6
        return dict(zip(self.accounts, values, strict=True))

    def sm_spend(self, months: int) -> np.ndarray:
        """The sales and marketing opex of each of the first ``months`` months (summed
        exactly, then floats)."""
        spend = self.sm[:, :months]
        if len(spend) and np.abs(spend.astype(np.float64)).sum(axis=0).max() >= 2**63:
            msg = "sales and marketing spend of a month is beyond what KPIs compute"
            raise PlanValidationError([Problem(("facts",), msg)], subject="KPI request")
        out: np.ndarray = spend.sum(axis=0).astype(np.float64) * 1e-6
        return out


def _scattered(
    grouped: pa.Table, sizes: list[int], columns: FactColumns, periods: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Exact decimal sums by (scenario, half, account, month) keys as dense presence and
    int64 millionths; a sum beyond :data:`LIMIT` is refused, named."""
    amounts = grouped.column("amount_sum").combine_chunks()
    words = decimal_words(amounts)
    low, high = words[:, 0], words[:, 1]
    keys = tuple(grouped.column(f"key{i}").to_numpy() for i in range(4))
    beyond = (high != (low >> 63)) | (low >= LIMIT) | (low <= -LIMIT)
    if beyond.any():
        i = int(np.flatnonzero(beyond)[0])
        account = columns.account.categories[int(keys[2][i])]
        msg = (
            f"account {account!r} in {periods[int(keys[3][i])]} (scenario "
            f"{columns.scenario.categories[int(keys[0][i])]!r}) sums to {amounts[i].as_py()}, "
            "beyond what KPIs compute (about 4.6 trillion)"
        )
        raise PlanValidationError([Problem(("facts", account), msg)], subject="KPI request")
    present = np.zeros(sizes, dtype=bool)
    millionths = np.zeros(sizes, dtype=np.int64)
    present[keys] = True
    millionths[keys] = low
    return present, millionths


def _too_large(bound: np.ndarray, accounts: Sequence[str], periods: Sequence[str]) -> NoReturn:
    """Refuse the sums: name the account and month of the largest ``bound``."""
    row, month = (int(i) for i in np.unravel_index(int(np.argmax(np.abs(bound))), bound.shape))
    msg = (
        f"account {accounts[row]!r} in {periods[month]} sums beyond what KPIs compute "
        "(about 4.6 trillion)"
    )
    raise PlanValidationError([Problem(("facts", accounts[row]), msg)], subject="KPI request")
