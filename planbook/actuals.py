"""Actuals from the books: GL postings mapped into the actuals scenario's facts.

:func:`map_ledger` turns the rows of a GL export (see :mod:`planbook.ledger`) into facts of
the actuals scenario, one per (team, account, line, month), summing the postings. Codes the
mapping does not know are listed with their rows and totals (:class:`UnmappedCodes`) unless
the import allows them, which books them to the suspense account. :func:`merge_actuals`
puts an import into the actuals a version holds: the months the export covers are replaced
for the accounts the mapping owns, and nothing else changes, so importing the same file
twice changes nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from planbook.errors import PlanValidationError, Problem
from planbook.facts import empty_facts, facts_from_records, normalize
from planbook.ledger import LedgerMapping, LedgerRow, Suspense
from planbook.model import Account, AccountType, Plan, Unit

__all__ = [
    "LedgerImport",
    "Unmapped",
    "UnmappedCodes",
    "map_ledger",
    "merge_actuals",
    "with_suspense_account",
]


@dataclass(frozen=True)
class Unmapped:
    """A code the mapping does not know: which kind, the code, its rows and their total."""

    kind: str  # "GL account" or "cost centre"
    code: str
    rows: tuple[int, ...]
    total: Decimal

    def sentence(self) -> str:
        shown = ", ".join(map(str, self.rows[:12])) + (" ..." if len(self.rows) > 12 else "")
        section = "accounts" if self.kind == "GL account" else "cost_centres"
        return (
            f"{self.kind} {self.code!r} is not in the mapping: {len(self.rows)} "
            f"row{'s' if len(self.rows) != 1 else ''} ({shown}), total {self.total:,.2f}; "
            f"map it under {section}: or import with --allow-unmapped (suspense)"
        )


class UnmappedCodes(PlanValidationError):
    """The export uses codes the mapping does not know; nothing was imported."""

    def __init__(self, unmapped: list[Unmapped], *, source: str) -> None:
        self.unmapped = tuple(unmapped)
        problems = [Problem((source, f"{u.kind} {u.code}"), u.sentence()) for u in unmapped]
        super().__init__(problems, subject=f"ledger export {source}")


@dataclass(frozen=True)
class LedgerImport:
    """What an export maps to: the facts, the months it covers, the accounts the mapping
    owns (replaced in those months), what went to suspense, and the plan (with the
    suspense account when one was added)."""

    plan: Plan
    scenario: str
    facts: pd.DataFrame
    months: tuple[str, ...]
    accounts: tuple[str, ...]
    suspense: tuple[Unmapped, ...]
    rows: int
    total: Decimal


def with_suspense_account(plan: Plan, suspense: Suspense) -> Plan:
    """The plan with the suspense account (opex, negatives allowed) if it lacks it."""
    if any(a.id == suspense.account for a in plan.accounts):
        return plan
    account = Account(
        id=suspense.account,
        name=suspense.name,
        type=AccountType.OPEX,
        pnl_line="Suspense",
        pnl_sign=-1,
        allow_negative=True,
        description="GL postings whose codes the mapping did not know; reclassify them",
    )
    return plan.model_copy(update={"accounts": (*plan.accounts, account)})


def map_ledger(
    plan: Plan,
    rows: list[LedgerRow],
    mapping: LedgerMapping,
    *,
    source: str,
    allow_unmapped: bool = False,
) -> LedgerImport:
    """Map GL postings to actuals facts. Raises :class:`PlanValidationError` for a mapping
    that names what the plan lacks or months outside the plan, :class:`UnmappedCodes` for
    unknown codes (unless ``allow_unmapped``, which needs ``mapping.suspense``)."""
    _check_mapping(plan, mapping, source=source, allow_unmapped=allow_unmapped)
    outside = [r for r in rows if r.period not in plan.calendar]
    if outside:
        name = mapping.columns.period or mapping.columns.date or "date"
        raise PlanValidationError(
            [
                Problem(
                    (source, f"row {r.row}", name),
                    f"{r.period} is outside the plan's calendar "
                    f"({plan.calendar.start} to {plan.calendar.end})",
                )
                for r in outside[:200]
            ],
            subject=f"ledger export {source}",
        )
    unmapped = _unmapped(rows, mapping)
    if unmapped and not allow_unmapped:
        raise UnmappedCodes(unmapped, source=source)
    if unmapped:
        assert mapping.suspense is not None  # _check_mapping made sure
        plan = with_suspense_account(plan, mapping.suspense)
    sums, origin = _sum_by_key(rows, mapping)
    _check_signs(plan, sums, origin, source=source)
    records = [
        {"scenario": mapping.scenario, "team": t, "account": a, "line": line, "period": p}
        | {"amount": amount}
        for (t, a, line, p), amount in sums.items()
    ]
    facts = normalize(facts_from_records(records)) if records else empty_facts()
    owned = {m.account for m in mapping.accounts.values()}
    if mapping.suspense is not None and allow_unmapped:
        owned.add(mapping.suspense.account)
    return LedgerImport(
        plan=plan,
        scenario=mapping.scenario,
        facts=facts,
        months=tuple(sorted({r.period for r in rows})),
        accounts=tuple(sorted(owned)),
        suspense=tuple(unmapped) if allow_unmapped else (),
        rows=len(rows),
        total=sum((r.amount for r in rows), Decimal(0)),
    )


def _check_mapping(
    plan: Plan, mapping: LedgerMapping, *, source: str, allow_unmapped: bool
) -> None:
    accounts = {a.id: a for a in plan.accounts}
    teams = {t.id for t in plan.teams}
    problems = []
    actual_ids = [s.id for s in plan.scenarios if s.actuals]
    if mapping.scenario not in actual_ids:
        problems.append(
            Problem(
                (source, "scenario"),
                f"{mapping.scenario!r} is not an actuals scenario of the plan; expected one of "
                f"{', '.join(actual_ids) or '(none)'}",
            )
        )
    for code, target in mapping.accounts.items():
        account = accounts.get(target.account)
        if account is None:
            problems.append(
                Problem(
                    (source, "accounts", code),
                    f"maps to {target.account!r}, which is not an account of the plan",
                )
            )
        elif account.unit is not Unit.CURRENCY:
            problems.append(
                Problem(
                    (source, "accounts", code),
                    f"maps to {target.account!r}, which is counted in {account.unit}; "
                    "GL postings are amounts in currency",
                )
            )
    for centre, team in mapping.cost_centres.items():
        if team not in teams:
            problems.append(
                Problem(
                    (source, "cost_centres", centre),
                    f"maps to {team!r}, which is not a team of the plan",
                )
            )
    if allow_unmapped:
        if mapping.suspense is None:
            problems.append(
                Problem(
                    (source, "suspense"),
                    "--allow-unmapped books unknown codes to the suspense account; add "
                    "suspense: {account: suspense, team: <a team>} to the mapping",
                )
            )
        elif mapping.suspense.team not in teams:
            problems.append(
                Problem(
                    (source, "suspense", "team"),
                    f"{mapping.suspense.team!r} is not a team of the plan",
                )
            )
    if problems:
        raise PlanValidationError(problems, subject="mapping")


def _unmapped(rows: list[LedgerRow], mapping: LedgerMapping) -> list[Unmapped]:
    found: dict[tuple[str, str], list[LedgerRow]] = defaultdict(list)
    for r in rows:
        if r.account not in mapping.accounts:
            found["GL account", r.account].append(r)
        if r.cost_centre not in mapping.cost_centres:
            found["cost centre", r.cost_centre].append(r)
    return [
        Unmapped(
            kind, code, tuple(r.row for r in group), sum((r.amount for r in group), Decimal(0))
        )
        for (kind, code), group in sorted(found.items())
    ]


Key = tuple[str, str, str, str]


def _sum_by_key(
    rows: list[LedgerRow], mapping: LedgerMapping
) -> tuple[dict[Key, Decimal], dict[Key, list[int]]]:
    sums: dict[Key, Decimal] = defaultdict(Decimal)
    origin: dict[Key, list[int]] = defaultdict(list)
    suspense = mapping.suspense
    for r in rows:
        target = mapping.accounts.get(r.account)
        team = mapping.cost_centres.get(r.cost_centre)
        if target is None or team is None:
            assert suspense is not None
            key = (team or suspense.team, suspense.account, _suspense_line(r), r.period)
            sums[key] += r.amount
        else:
            key = (team, target.account, target.line, r.period)
            sums[key] += r.amount * target.sign
        origin[key].append(r.row)
    return sums, origin


def _suspense_line(row: LedgerRow) -> str:
    return f"GL {row.account} / CC {row.cost_centre}"


def _check_signs(
    plan: Plan, sums: dict[Key, Decimal], origin: dict[Key, list[int]], *, source: str
) -> None:
    accounts = {a.id: a for a in plan.accounts}
    problems = []
    for key, amount in sums.items():
        team, account, _, period = key
        if amount < 0 and not accounts[account].allow_negative:
            rows = ", ".join(map(str, origin[key][:12]))
            problems.append(
                Problem(
                    (source, f"rows {rows}"),
                    f"team {team}, account {account}, {period} adds up to {amount:,.2f}, but "
                    f"account {account!r} takes no negative amounts; check the sign in the "
                    "mapping (sign: -1 for credits) or map these postings elsewhere",
                )
            )
    if problems:
        raise PlanValidationError(problems, subject=f"ledger export {source}")


def merge_actuals(current: pd.DataFrame, imported: LedgerImport) -> pd.DataFrame:
    """The actuals after the import: ``current`` (the version's facts of the import's
    scenario) without the imported months of the accounts the mapping owns, plus the
    imported facts. Other months, other accounts (headcount, metrics) stay as they were."""
    mine = current[current["scenario"] == imported.scenario]
    replaced = mine["period"].isin(list(imported.months)) & mine["account"].isin(
        list(imported.accounts)
    )
    kept = mine[~replaced.to_numpy()]
    merged = pd.concat(
        [kept.astype({"line": str}), imported.facts.astype({"line": str})], ignore_index=True
    )
    return normalize(merged) if len(merged) else empty_facts()
