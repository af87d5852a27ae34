"""Consolidation and scenario functions, over the store's data or a worksheet range.

Thin wrappers: the roll-up and what-if arithmetic is :func:`planbook.consolidate`,
:func:`planbook.compare_scenario` and :func:`planbook.apply_overrides`.
"""

from typing import Any, Literal

import xlwings as xw

from addin.functions.convert import (
    VALUE,
    Cell,
    FunctionError,
    as_number,
    excel_function,
    flag,
    table,
    text,
    texts,
)
from addin.functions.slices import dimensions, facts_of, filters_of, grain
from addin.session import current
from planbook import Override, compare_scenario, consolidate, to_wide

__all__ = ["pb_consolidate", "pb_scenario"]

Kind = Literal["percent", "add", "set"]
KINDS: dict[str, Kind] = {
    "percent": "percent",
    "%": "percent",
    "add": "add",
    "absolute": "add",
    "set": "set",
}


@xw.func
@xw.arg("by", doc="Group by: department, team, pnl_line, account, account_type, ... (or several).")
@xw.arg("period", doc="Period grain: month, quarter, half, year or total (default quarter).")
@xw.arg("account", doc="Accounts or P&L lines to include (blank: all of one unit).")
@xw.arg("team", doc="Teams or departments to include (blank: all).")
@xw.arg("scenario", doc="Scenario id (default base).")
@xw.arg("source", doc="A range of facts with a header row (blank: the pinned version).")
@xw.arg("signed", doc="TRUE: costs negative, as the P&L shows them.")
@xw.arg("version", doc="Version number or tag (default: the pinned version).")
@excel_function(tabular=True)
def pb_consolidate(
    by: Cell = "department",
    period: Cell = "quarter",
    account: Cell = None,
    team: Cell = None,
    scenario: Cell = "base",
    source: Cell = None,
    signed: Cell = False,
    version: Cell = None,
) -> Any:
    """Roll facts up by team or department, account or P&L line, and month, quarter, half
    or year, as a table with headers. Balances count at the period's end."""
    snapshot = current().snapshot(None if version is None else text(version, "version"))
    period_grain = grain(period, "quarter")
    if period_grain is None:
        raise FunctionError(
            VALUE, f"{texts(period)[0]!r} is not month, quarter, half, year or total"
        )
    long = consolidate(
        snapshot.plan,
        facts_of(snapshot, source),
        by=dimensions(by, "department"),
        period=period_grain,
        filters=filters_of(snapshot.plan, scenario=scenario, account=account, team=team),
        signed=flag(signed),
    )
    wide = to_wide(long)
    return table([str(c) for c in wide.columns], wide.itertuples(index=False))


@xw.func
@xw.arg(
    "overrides",
    doc="Rows of kind (percent, add or set), value, and optionally team, account, period.",
)
@xw.arg("by", doc="Group by: department, team, pnl_line, account, ... (default department).")
@xw.arg("period", doc="Period grain: month, quarter, half, year or total (default quarter).")
@xw.arg("account", doc="Accounts or P&L lines to include (blank: all of one unit).")
@xw.arg("team", doc="Teams or departments to include (blank: all).")
@xw.arg("scenario", doc="The scenario to change (default base).")
@xw.arg("source", doc="A range of facts with a header row (blank: the pinned version).")
@xw.arg("version", doc="Version number or tag (default: the pinned version).")
@excel_function(tabular=True)
def pb_scenario(
    overrides: Cell,
    by: Cell = "department",
    period: Cell = "quarter",
    account: Cell = None,
    team: Cell = None,
    scenario: Cell = "base",
    source: Cell = None,
    version: Cell = None,
) -> Any:
    """A what-if: overrides (percent or absolute, by team, account or period) applied to a
    scenario, rolled up beside the base with the delta."""
    snapshot = current().snapshot(None if version is None else text(version, "version"))
    period_grain = grain(period, "quarter")
    if period_grain is None:
        raise FunctionError(
            VALUE, f"{texts(period)[0]!r} is not month, quarter, half, year or total"
        )
    filters = filters_of(snapshot.plan, scenario=scenario, account=account, team=team)
    result = compare_scenario(
        snapshot.plan,
        facts_of(snapshot, source),
        parse_overrides(overrides),
        scenario=filters.pop("scenario")[0],
        by=dimensions(by, "department"),
        period=period_grain,
        filters=filters,
    )
    return table([str(c) for c in result.columns], result.itertuples(index=False))


def parse_overrides(cells: Cell) -> list[Override]:
    """Overrides from rows of (kind, value, team, account, period); a header row and blank
    rows are skipped."""
    rows = cells if isinstance(cells, list) and cells and isinstance(cells[0], list) else [cells]
    rows = [r if isinstance(r, list) else [r] for r in rows]
    out = []
    for row in rows:
        cells_ = [*row, None, None, None, None][:5]
        kind = str(cells_[0] or "").strip().lower()
        if kind in ("", "kind"):
            continue
        if kind not in KINDS:
            raise FunctionError(VALUE, f"override kind {cells_[0]!r} is not percent, add or set")
        team, account, month = (texts(c)[0] if texts(c) else None for c in cells_[2:5])
        out.append(
            Override(KINDS[kind], as_number(cells_[1], "override value"), team, account, month)
        )
    if not out:
        raise FunctionError(
            VALUE, "no overrides given; give rows of kind, value, team, account, period"
        )
    return out
