"""Which facts a table function looks at: a version's facts or a worksheet range, and the
filters its arguments name (accounts or P&L lines, teams or departments, scenarios,
months), in the terms of :func:`planbook.consolidate`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from addin.acting import caller
from addin.cache import Snapshot
from addin.functions.convert import NA, VALUE, Cell, FunctionError, as_number, period, texts
from planbook import PERIOD_GRAINS, Plan, facts_from_records
from planbook.facts import FACT_COLUMNS
from server.auth import hidden_filter
from server.store import ALL_FACTS, FactFilter

__all__ = [
    "check_visible",
    "dimensions",
    "facts_of",
    "filters_of",
    "grain",
    "narrowed",
    "visible",
]


def filters_of(
    plan: Plan, *, scenario: Cell, account: Cell = None, team: Cell = None, months: Cell = None
) -> dict[str, list[str]]:
    """Consolidation filters from worksheet arguments (blank: no filter on that axis)."""
    filters: dict[str, list[str]] = {"scenario": texts(scenario) or ["base"]}
    accounts = texts(account)
    if accounts:
        lines = {a.pnl_line for a in plan.accounts if a.pnl_line}
        key = "pnl_line" if all(a in lines for a in accounts) else "account"
        filters[key] = accounts
    teams = texts(team)
    if teams:
        departments = {d.id for d in plan.departments}
        filters["department" if all(t in departments for t in teams) else "team"] = teams
    if months is not None and texts(months):
        filters["period"] = [period(m) for m in _cells(months)]
    return filters


def dimensions(value: Cell, default: str) -> list[str]:
    """One or more dimensions to group by (``team``, ``department,account``, a range)."""
    return [d.lower() for d in texts(value)] or [default]


def grain(value: Cell, default: str) -> str | None:
    """A period grain, or None when ``value`` names a dimension instead."""
    chosen = (texts(value) or [default])[0].lower()
    return chosen if chosen in PERIOD_GRAINS else None


def facts_of(snapshot: Snapshot, source: Cell) -> pd.DataFrame:
    """The snapshot's facts, or the facts in a worksheet range whose first row names the
    columns scenario, team, account, line (optional), period and amount."""
    if source is None:
        return visible(snapshot, snapshot.facts)
    rows = [list(r) if isinstance(r, list | tuple) else [r] for r in source]
    header = [str(h or "").strip().lower() for h in rows[0]]
    missing = [c for c in FACT_COLUMNS if c not in header and c != "line"]
    if missing or len(rows) < 2:
        raise FunctionError(
            VALUE,
            "the range needs a header row with scenario, team, account, period and amount "
            f"and at least one row of facts (missing: {', '.join(missing) or 'rows'})",
        )
    records = [_record(header, row, i) for i, row in enumerate(rows[1:], start=2)]
    return facts_from_records(r for r in records if r is not None)


def _record(header: list[str], row: list[Any], number: int) -> dict[str, Any] | None:
    cells = dict(zip(header, row, strict=False))
    if all(v in (None, "") for v in cells.values()):
        return None
    amount = cells.get("amount")
    record = {c: cells.get(c) for c in FACT_COLUMNS if c != "amount"}
    record["line"] = record["line"] or ""
    record["period"] = period(record["period"])
    record["amount"] = Decimal(0) if amount in (None, "") else as_number(amount, f"row {number}")
    return record


def _cells(value: Cell) -> list[Any]:
    if isinstance(value, list | tuple):
        return [c for item in value for c in _cells(item)]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [] if value is None else [value]


def narrowed(plan: Plan, facts: pd.DataFrame, filters: dict[str, list[str]]) -> pd.DataFrame:
    """Only the facts that ``filters`` can keep, selected on the fact columns first (cheap
    on categoricals), so the roll-up maps a slice instead of every fact of the version."""
    accounts = filters.get("account") or [
        a.id for a in plan.accounts if a.pnl_line in filters.get("pnl_line", [])
    ]
    teams = filters.get("team") or [
        t.id for t in plan.teams if t.department in filters.get("department", [])
    ]
    keep = facts["scenario"].isin(filters["scenario"]).to_numpy().copy()
    if "account" in filters or "pnl_line" in filters:
        keep &= facts["account"].isin(accounts).to_numpy()
    if "team" in filters or "department" in filters:
        keep &= facts["team"].isin(teams).to_numpy()
    if "period" in filters:
        keep &= facts["period"].isin(filters["period"]).to_numpy()
    return facts if keep.all() else facts[keep]


def _rule(snapshot: Snapshot) -> FactFilter:
    """What the caller (:mod:`addin.acting`) may see: the service's own read rule; on the
    user's own machine, what the service hid from the user's token (nothing in an embedded
    store)."""
    who = caller()
    return snapshot.hidden if who is None else hidden_filter(who, snapshot.plan, ALL_FACTS)


def visible(snapshot: Snapshot, facts: pd.DataFrame) -> pd.DataFrame:
    """The facts the caller may see, as the service's reads filter them: every fact on the
    user's own machine and for finance and admin; for other roles the confidential accounts
    only of a lead's own teams."""
    return _rule(snapshot).visible(facts)


def check_visible(snapshot: Snapshot, team: str, account: str) -> None:
    """Refuse one confidential amount the caller may not see (#N/A, saying why): through
    the service, a hidden amount is an error with its reason, never 0."""
    if _rule(snapshot).hides(team=team, account=account):
        who = caller()
        whose = f"your token ({who.name}, {who.role})" if who else "your Planbook token's role"
        raise FunctionError(
            NA, f"account {account!r} is confidential; {whose} may not see it for team {team!r}"
        )
