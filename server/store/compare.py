"""The diff of two stored versions, built on :class:`StoreAPI` so it works through every
door (the embedded store, the client, a caller's :class:`~server.auth.ActingStore`).

A version is made of parts, each addressed by the hash of its content. Parts whose hash is
the same in both versions hold the same facts and are skipped: only the parts that differ
are read, so a diff where one team changed costs what that team's part costs. Reads go
through the door, so a caller who may not see salaries gets a diff without them.

Besides the facts, a diff carries what changed in the plan definition (when the company
part differs) and who changed what: the versions after A up to B, with the parts each
changed, their author, time and message, and the submission status changes between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

import pandas as pd
import pyarrow as pa

from planbook.consolidate import consolidate
from planbook.diff import DiffScope, FactDiff, bridge_steps, compare_facts
from planbook.facts import FACT_COLUMNS, empty_facts, facts_from_arrow, facts_to_arrow
from planbook.model import Plan, Unit
from planbook.plandiff import DefinitionChange, diff_plans, union_plan
from server.store.contract import FactFilter, StoreAPI
from server.store.parts import ACTUALS, COMPANY, is_positions_part, is_team_part, team_of
from server.store.records import StatusChange, VersionInfo

__all__ = ["VersionDiff", "bridge_of", "currency_accounts", "diff_versions"]


@dataclass(frozen=True)
class VersionDiff:
    """What changed from version ``a`` to version ``b`` of a plan, in a scope.

    ``facts`` holds the changed lines (see :func:`planbook.compare_facts`); its
    ``unchanged`` counts the equal facts of the parts that were compared.
    ``skipped_parts`` had the same content hash in both versions and were not read
    (``skipped_rows`` facts in all). ``history`` lists the versions after A up to B (oldest
    first) with the parts in scope each changed; ``statuses`` the status changes made while
    A, B or a version between them was the newest (a return of A's draft, the approval of
    B), oldest first; none when A is B."""

    plan_id: str
    a: VersionInfo
    b: VersionInfo
    plan_a: Plan
    plan_b: Plan
    scope: DiffScope
    facts: FactDiff
    compared_parts: tuple[str, ...]
    skipped_parts: tuple[str, ...]
    skipped_rows: int
    definitions: tuple[DefinitionChange, ...]
    history: tuple[VersionInfo, ...]
    statuses: tuple[StatusChange, ...]

    @property
    def plan(self) -> Plan:
        """B's plan, with the teams and accounts only A had (to label removed lines)."""
        return union_plan(self.plan_a, self.plan_b)


def diff_versions(
    store: StoreAPI,
    *,
    plan_id: str,
    a: str | int,
    b: str | int,
    scope: DiffScope | None = None,
) -> VersionDiff:
    """The diff of versions (numbers, tags or ``latest``) ``a`` and ``b`` of a plan."""
    scope = scope or DiffScope()
    info_a, info_b = store.version(plan_id, a), store.version(plan_id, b)
    plan_a, plan_b = store.plan(plan_id, info_a.number), store.plan(plan_id, info_b.number)
    scope.check(plan_a, plan_b)
    hashes_a = {p.part: p.hash for p in info_a.parts}
    hashes_b = {p.part: p.hash for p in info_b.parts}
    in_scope = _in_scope(scope, plan_a, plan_b)
    parts = sorted(p for p in hashes_a.keys() | hashes_b.keys() if in_scope(p))
    differ = [p for p in parts if hashes_a.get(p) != hashes_b.get(p)]
    if _actuals_moved(plan_a, plan_b):  # facts moved between parts: compare them all
        differ = parts
    wanted = _filters(scope, plan_a, plan_b, [p for p in differ if p != COMPANY])
    rows_a = _read_table(store, plan_id, info_a.number, wanted)
    rows_b = _read_table(store, plan_id, info_b.number, wanted)
    facts = compare_facts(rows_a, rows_b, plans=[plan_a, plan_b], scope=scope)
    skipped = [p for p in parts if p not in differ]
    rows = {p.part: p.rows for p in info_a.parts}
    low, high = sorted((info_a.number, info_b.number))
    return VersionDiff(
        plan_id=plan_id,
        a=info_a,
        b=info_b,
        plan_a=plan_a,
        plan_b=plan_b,
        scope=scope,
        facts=facts,
        compared_parts=tuple(differ),
        skipped_parts=tuple(skipped),
        skipped_rows=sum(rows.get(p, 0) for p in skipped),
        definitions=tuple(diff_plans(plan_a, plan_b) if COMPANY in differ else ()),
        history=_history(store, plan_id, low, high, in_scope),
        statuses=tuple(
            s
            for s in store.status_history(plan_id)
            if low < high and low <= s.version <= high and in_scope(s.part)
        ),
    )


def currency_accounts(plan: Plan) -> list[str]:
    """The accounts counted in plan currency: what can be added up across accounts."""
    return [a.id for a in plan.accounts if a.unit == Unit.CURRENCY]


def bridge_of(
    store: StoreAPI, diff: VersionDiff, *, by: str = "department", scenario: str = "base"
) -> pd.DataFrame:
    """The waterfall from A's operating income to B's (P&L accounts, costs negative) for
    one scenario, a step per ``by`` value (``department``, ``team``, ``account``,
    ``pnl_line``) that moved. A's total needs all of A's facts in scope (read through the
    door); the steps come from the diff alone."""
    plan, scope = diff.plan, diff.scope
    accounts = [a.id for a in plan.accounts if a.pnl_line]
    accounts = [a for a in accounts if a in (scope.accounts or [a])]
    wanted = FactFilter(
        scenarios=(scenario,),
        teams=scope.team_ids(diff.plan_a, diff.plan_b),
        accounts=accounts,
        periods=scope.periods,
    )
    facts_a = _read(store, diff.plan_id, diff.a.number, wanted)
    filters = {"scenario": [scenario], "account": accounts}
    totals = consolidate(
        plan, facts_a, by=["company"], period="total", filters=filters, signed=True
    )
    start = sum(totals["amount"], Decimal(0))
    changes = diff.facts.all_changes  # the threshold hides lines, not amounts
    return bridge_steps(plan, changes, start=start, by=by, filters=filters, signed=True)


_PartTest = Callable[[str], bool]


def _in_scope(scope: DiffScope, *plans: Plan) -> _PartTest:
    teams = set(scope.team_ids(*plans))
    actual_ids = {s.id for p in plans for s in p.scenarios if s.actuals}
    scenarios = set(scope.scenarios)

    def test(part: str) -> bool:
        if part == COMPANY:
            return True
        if part == ACTUALS:
            return not scenarios or bool(scenarios & actual_ids)
        if is_team_part(part) or is_positions_part(part):
            wanted = not scenarios or bool(scenarios - actual_ids)
            return wanted and (not teams or team_of(part) in teams)
        return True

    return test


def _actuals_moved(a: Plan, b: Plan) -> bool:
    """Whether a scenario changed between the actuals part and the team parts."""
    return {s.id for s in a.scenarios if s.actuals} != {s.id for s in b.scenarios if s.actuals}


def _filters(scope: DiffScope, a: Plan, b: Plan, parts: list[str]) -> list[FactFilter]:
    """The reads that cover ``parts`` (and no other part) within ``scope``."""
    scenario_ids = scope.scenarios or tuple(sorted({s.id for p in (a, b) for s in p.scenarios}))
    actual_ids = {s.id for p in (a, b) for s in p.scenarios if s.actuals}
    teams = tuple(team_of(p) for p in parts if is_team_part(p))
    out = []
    budget = tuple(s for s in scenario_ids if s not in actual_ids)
    if teams and budget:
        out.append(FactFilter(budget, teams, scope.accounts, scope.periods))
    actuals = tuple(s for s in scenario_ids if s in actual_ids)
    if ACTUALS in parts and actuals:
        out.append(FactFilter(actuals, scope.team_ids(a, b), scope.accounts, scope.periods))
    return out


def _read_table(
    store: StoreAPI, plan_id: str, number: int, wanted: list[FactFilter] | FactFilter
) -> pa.Table:
    """The facts of a version that the reads select, as Arrow (each read touches only its
    parts; the store's tables come part after part, which :func:`diff_tables` uses)."""
    reads = wanted if isinstance(wanted, list) else [wanted]
    tables = [store.facts_table(plan_id, number, w)[1] for w in reads]
    tables = [t.select(list(FACT_COLUMNS)) for t in tables if t.num_rows]
    if not tables:
        return facts_to_arrow(empty_facts())
    return pa.concat_tables(tables, promote_options="permissive")


def _read(
    store: StoreAPI, plan_id: str, number: int, wanted: list[FactFilter] | FactFilter
) -> pd.DataFrame:
    """The facts of a version that the reads select, as a canonical frame."""
    return facts_from_arrow(_read_table(store, plan_id, number, wanted))


def _history(
    store: StoreAPI, plan_id: str, low: int, high: int, in_scope: _PartTest
) -> tuple[VersionInfo, ...]:
    if low >= high:
        return ()
    newest = store.resolve(plan_id, "latest")  # versions are numbered 1 to the newest
    out = []
    for info in reversed(store.log(plan_id, limit=newest - low)):
        if low < info.number <= high:
            parts = tuple(p for p in info.changed if in_scope(p))
            if parts:
                out.append(replace(info, changed=parts))
    return tuple(out)
