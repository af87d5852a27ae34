"""Pull functions: one value, a table of any slice, the pinned version's info, recent errors.

Like TM1's DBRW or Jedox's PALO.DATA: every workbook that uses them shows the same numbers
for the same version. Answers come from the per-version cache (:mod:`addin.cache`).
"""

from typing import Any

import xlwings as xw

from addin.functions.convert import (
    NA,
    REF,
    Cell,
    FunctionError,
    excel_function,
    refuse_error,
    table,
    text,
)
from addin.functions.convert import period as to_period
from addin.functions.slices import (
    check_visible,
    dimensions,
    filters_of,
    grain,
    narrowed,
    visible,
)
from addin.session import current
from planbook import consolidate, to_wide

__all__ = ["pb_errors", "pb_get", "pb_table", "pb_version"]


@xw.func
@xw.arg("account", doc="Account id from the chart of accounts, e.g. rev-subscription.")
@xw.arg("team", doc="Team id, e.g. sales-na.")
@xw.arg("period", doc="Month: a date, or text such as 2026-03.")
@xw.arg("scenario", doc="Scenario id (default base).")
@xw.arg("version", doc="Version number or tag (default: the pinned version).")
@excel_function(tabular=False)
def pb_get(
    account: Cell, team: Cell, period: Cell, scenario: Cell = "base", version: Cell = None
) -> Any:
    """One planned amount: an account of a team in a month, summed over its lines, from the
    pinned version. 0 where nothing was planned; #REF! for an unknown account, team or
    month."""
    session = current()
    snapshot = session.snapshot(None if version is None else text(version, "version"))
    key = (
        scenario if isinstance(scenario, str) else text(scenario, "scenario", "base"),
        team if isinstance(team, str) else text(team, "team"),
        account if isinstance(account, str) else text(account, "account"),
        to_period(period),
    )
    check_visible(snapshot, key[1], key[2])
    value = snapshot.index.get(*key)
    if value is None:
        for part, what in zip(key[:3], ("scenario", "team", "account"), strict=True):
            refuse_error(part, what)
        _check_known(snapshot.plan, key)
        return 0.0
    return value


def _check_known(plan: Any, key: tuple[str, str, str, str]) -> None:
    scenario, team, account, month = key
    for value, known, what in (
        (scenario, {s.id for s in plan.scenarios}, "scenario"),
        (team, {t.id for t in plan.teams}, "team"),
        (account, {a.id for a in plan.accounts}, "account"),
    ):
        if value not in known:
            raise FunctionError(REF, f"{value!r} is not a {what} of plan {plan.id}")
    if month not in plan.calendar:
        raise FunctionError(REF, f"{month} is outside the plan's months")


@xw.func
@xw.arg("rows", doc="What the rows are: team, department, account, pnl_line, ... (or several).")
@xw.arg("columns", doc="What the columns are: month, quarter, half, year, total or a dimension.")
@xw.arg("account", doc="Accounts or P&L lines to include (a cell, a range or a list).")
@xw.arg("team", doc="Teams or departments to include (blank: all).")
@xw.arg("scenario", doc="Scenario id (default base).")
@xw.arg("months", doc="Months to include (blank: all).")
@xw.arg("version", doc="Version number or tag (default: the pinned version).")
@excel_function(tabular=True)
def pb_table(
    rows: Cell = "team",
    columns: Cell = "month",
    account: Cell = None,
    team: Cell = None,
    scenario: Cell = "base",
    months: Cell = None,
    version: Cell = None,
) -> Any:
    """A table of any slice as a dynamic array with headers: e.g. teams x months of one
    account, or accounts x quarters of one team. Sums lines; balances (headcount) count at
    the period's end. One formula instead of thousands of PB_GET cells."""
    snapshot = current().snapshot(None if version is None else text(version, "version"))
    plan = snapshot.plan
    by = dimensions(rows, "team")
    period_grain = grain(columns, "month")
    across = "period" if period_grain else dimensions(columns, "account")[0]
    filters = filters_of(plan, scenario=scenario, account=account, team=team, months=months)
    long = consolidate(
        plan,
        visible(snapshot, narrowed(plan, snapshot.facts, filters)),
        by=by if period_grain else [*by, across],
        period=period_grain or "total",
        filters=filters,
    )
    if long.empty:
        raise FunctionError(NA, "no facts match; check the account, team, scenario and months")
    if not period_grain:
        long = long.drop(columns="period")
    wide = to_wide(long, columns=across)
    return table([str(c) for c in wide.columns], wide.itertuples(index=False))


@xw.func
@xw.arg("version", doc="Version number or tag (default: the pinned version).")
@excel_function(tabular=True)
def pb_version(version: Cell = None) -> Any:
    """The pinned version: its number, time, author and message, what the pin (a tag)
    names now, the latest version, and whether the pin is stale (a newer version exists) or
    the service is offline."""
    session = current()
    ref = session.pinned() if version is None else text(version, "version")
    snapshot = session.snapshot(ref)
    now = session.cache.check(snapshot, ref)
    info = snapshot.info
    stale = None if now["offline"] else now["latest"] != info.number
    rows = [
        ("pinned", ref),
        ("version", info.number),
        ("created", info.created_at.replace(tzinfo=None)),
        ("author", info.author),
        ("message", info.message),
        ("pin now", now["moved_to"]),
        ("latest", now["latest"]),
        ("stale", stale),
        ("status", "offline" if now["offline"] else "online"),
        ("source", session.settings.source),
        ("plan", info.plan),
    ]
    return table(["setting", "value"], rows)


@xw.func
@excel_function(tabular=True)
def pb_errors() -> Any:
    """The last errors the pb_ functions returned, newest first, with their messages."""
    records = current().my_errors()
    rows = [(e.at.replace(tzinfo=None), e.function, e.code, e.message) for e in records]
    return table(["time", "function", "error", "message"], rows or [("", "", "", "no errors")])
