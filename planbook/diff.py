"""What changed between two sets of facts: line by line, rolled up, and as a bridge.

The line-by-line diff (:func:`diff_facts`, :func:`diff_tables`, :func:`apply_diff`,
:func:`with_percent`) lives in :mod:`planbook.linediff` and is exported here too.
:class:`DiffScope` narrows a diff (scenario, team, department,
account, period) and hides deltas under a threshold; :func:`compare_facts` applies it and
counts what stayed the same; :func:`bridge_steps` walks from A's total to B's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.columnar import rows_in
from planbook.consolidate import consolidate
from planbook.errors import PlanValidationError, Problem
from planbook.facts import AMOUNT_TYPE, KEY_COLUMNS, facts_from_arrow
from planbook.linediff import (
    CHANGE_COLUMNS,
    PCT_COLUMNS,
    apply_diff,
    diff_facts,
    diff_tables,
    with_percent,
)
from planbook.model import Plan

__all__ = [
    "CHANGE_COLUMNS",
    "PCT_COLUMNS",
    "DiffScope",
    "FactDiff",
    "apply_diff",
    "bridge",
    "bridge_steps",
    "compare_facts",
    "diff_facts",
    "diff_rollup",
    "diff_tables",
    "with_percent",
]


@dataclass(frozen=True)
class DiffScope:
    """Which facts a diff looks at, and which deltas it shows.

    Each given tuple keeps only those values (a team is kept if it is listed in ``teams``
    and, when ``departments`` are given, belongs to one of them); ``threshold`` hides
    changes whose delta is smaller than it in absolute value."""

    scenarios: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    threshold: Decimal = Decimal(0)

    def check(self, *plans: Plan) -> None:
        """Raise :class:`PlanValidationError` naming every value no plan knows."""
        known = {
            "scenario": {s.id for p in plans for s in p.scenarios},
            "team": {t.id for p in plans for t in p.teams},
            "department": {d.id for p in plans for d in p.departments},
            "account": {a.id for p in plans for a in p.accounts},
            "period": {m for p in plans for m in p.calendar.periods},
        }
        given = zip(
            known,
            (self.scenarios, self.teams, self.departments, self.accounts, self.periods),
            strict=True,
        )
        problems = [
            Problem((kind,), f"there is no {kind} {value!r} in the plan being compared")
            for kind, values in given
            for value in values
            if value not in known[kind]
        ]
        if self.threshold < 0:
            problems.append(Problem(("threshold",), "the threshold must be 0 or more"))
        if problems:
            raise PlanValidationError(problems, subject="diff")

    def team_ids(self, *plans: Plan) -> tuple[str, ...]:
        """The teams in scope (empty: every team)."""
        if not self.departments:
            return self.teams
        members = {t.id for p in plans for t in p.teams if t.department in self.departments}
        if self.teams:
            members &= set(self.teams)
        return tuple(sorted(members)) or ("(none)",)

    def _criteria(self, *plans: Plan) -> tuple[tuple[str, Sequence[str]], ...]:
        """Each key column with the values in scope (empty: every value)."""
        return (
            ("scenario", self.scenarios),
            ("team", self.team_ids(*plans)),
            ("account", self.accounts),
            ("period", self.periods),
        )

    def select(self, facts: pd.DataFrame, *plans: Plan) -> pd.DataFrame:
        """The facts in scope (the threshold does not apply to facts)."""
        keep = np.ones(len(facts), dtype=bool)
        for column, values in self._criteria(*plans):
            if values:
                keep &= facts[column].isin(list(values)).to_numpy()
        return facts if keep.all() else facts[keep]

    def select_table(self, table: pa.Table, *plans: Plan) -> pa.Table:
        """The rows of an Arrow facts table in scope (see :meth:`select`)."""
        mask = None
        for column, values in self._criteria(*plans):
            if values:
                keep = rows_in(table.column(column), values)
                mask = keep if mask is None else pc.and_(mask, keep)
        return table if mask is None else table.filter(mask)

    def shown(self, changes: pd.DataFrame) -> pd.DataFrame:
        """The changes whose delta reaches the threshold."""
        if not self.threshold:
            return changes
        size = pc.abs(pa.array(changes["delta"].array, AMOUNT_TYPE))
        keep = pc.greater_equal(size, pa.scalar(self.threshold, AMOUNT_TYPE))
        shown: pd.DataFrame = changes[keep.to_numpy(zero_copy_only=False)]
        return shown.reset_index(drop=True)


@dataclass(frozen=True)
class FactDiff:
    """A diff in a scope: the changes shown (those the threshold lets through), how many
    compared facts stayed the same, how many changes the threshold hid, and every change
    (what roll-ups, totals and bridges add up, so that they still reach B's total)."""

    changes: pd.DataFrame
    unchanged: int
    below_threshold: int
    all_changes: pd.DataFrame


def compare_facts(
    a: pd.DataFrame | pa.Table,
    b: pd.DataFrame | pa.Table,
    *,
    plans: Sequence[Plan],
    scope: DiffScope = DiffScope(),
) -> FactDiff:
    """The diff of ``a`` and ``b`` (facts frames, or Arrow facts tables as the store reads
    them: see :func:`diff_tables`) inside ``scope`` (checked against ``plans``)."""
    scope.check(*plans)
    if isinstance(a, pa.Table) and isinstance(b, pa.Table):
        a, b = scope.select_table(a, *plans), scope.select_table(b, *plans)
        changes = with_percent(diff_tables(a, b))
    else:
        a, b = (
            scope.select(facts_from_arrow(f) if isinstance(f, pa.Table) else f, *plans)
            for f in (a, b)
        )
        changes = with_percent(diff_facts(a, b))
    unchanged = len(a) - int((changes["change"] != "added").sum())
    shown = scope.shown(changes)
    return FactDiff(shown, unchanged, len(changes) - len(shown), changes)


def diff_rollup(
    plan: Plan,
    changes: pd.DataFrame,
    *,
    by: Sequence[str] = ("department",),
    period: str = "quarter",
    filters: Mapping[str, Sequence[str]] | None = None,
    signed: bool = False,
) -> pd.DataFrame:
    """The deltas of a diff rolled up like facts (see :func:`planbook.consolidate`; with
    ``signed``, as the P&L sees them: the change in operating income)."""
    deltas = changes[list(KEY_COLUMNS)].assign(amount=changes["delta"])
    result = consolidate(plan, deltas, by=by, period=period, filters=filters, signed=signed)
    return result.rename(columns={"amount": "delta"})


def bridge_steps(
    plan: Plan,
    changes: pd.DataFrame,
    *,
    start: Decimal,
    by: str = "department",
    filters: Mapping[str, Sequence[str]] | None = None,
    signed: bool = False,
) -> pd.DataFrame:
    """A waterfall from ``start`` (A's total) through the deltas of ``changes`` by ``by``
    (``department``, ``team``, ``account`` ...) to B's total: the same frame as
    :func:`bridge`, built from a diff alone, so the unchanged facts need not be read.
    With ``signed``, totals and steps are P&L-signed (``start`` must be too)."""
    rolled = diff_rollup(plan, changes, by=[by], period="total", filters=filters, signed=signed)
    steps: list[tuple[str, Decimal]] = [
        (str(group), Decimal(delta))
        for group, delta in zip(rolled[by], rolled["delta"], strict=True)
        if delta
    ]
    end = start + sum((amount for _, amount in steps), Decimal(0))
    rows = [("start", start), *steps, ("end", end)]
    return pd.DataFrame(rows, columns=["step", "amount"])


def bridge(
    plan: Plan,
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    by: str = "department",
    filters: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """A waterfall from ``a``'s total to ``b``'s: a start row, one step per ``by`` value that
    moved, an end row. Columns ``step``, ``amount``; the steps add up from start to end."""
    old, new = (
        dict(zip(t[by], t["amount"], strict=True))
        for t in (
            consolidate(plan, side, by=[by], period="total", filters=filters) for side in (a, b)
        )
    )
    rows = [{"step": "start", "amount": sum(old.values(), Decimal(0))}]
    for group in sorted(set(old) | set(new)):
        step = new.get(group, Decimal(0)) - old.get(group, Decimal(0))
        if step:
            rows.append({"step": str(group), "amount": step})
    rows.append({"step": "end", "amount": sum(new.values(), Decimal(0))})
    return pd.DataFrame(rows, columns=["step", "amount"])
