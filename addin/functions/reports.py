"""Budget vs actual and the alignment report as worksheet tables.

Thin wrappers: the arithmetic is :func:`planbook.variance.variance` and
:func:`planbook.align.alignment_report`, over the pinned version's facts as the caller may
see them.
"""

from typing import Any

import xlwings as xw

from addin.functions.convert import VALUE, Cell, FunctionError, excel_function, table, text
from addin.functions.convert import period as to_period
from addin.functions.slices import visible
from addin.session import current
from planbook.align import AlignmentSettings, alignment_report, findings_frame
from planbook.variance import VARIANCE_BY, variance

__all__ = ["pb_align", "pb_variance"]


@xw.func
@xw.arg("by", doc="Rows: team, department, account or pnl (default team).")
@xw.arg("period", doc="ytd, qtd, mtd or a closed month such as 2026-05 (default ytd).")
@xw.arg("scenario", doc="The plan scenario actuals are compared with (default base).")
@xw.arg("forecast", doc="Full-year forecast after the last closed month: plan or run-rate.")
@xw.arg("version", doc="Version number or tag (default: the pinned version).")
@excel_function(tabular=True)
def pb_variance(
    by: Cell = "team",
    period: Cell = "ytd",
    scenario: Cell = "base",
    forecast: Cell = "plan",
    version: Cell = None,
) -> Any:
    """Budget vs actual as a table with headers: plan, actual, variance, % and favourable or
    unfavourable by team, department, account or P&L line, for the year or quarter to date or
    a closed month, with the fiscal year's plan, forecast and their difference."""
    snapshot = current().snapshot(None if version is None else text(version, "version"))
    grouping = text(by, "by", "team")
    if grouping not in VARIANCE_BY:
        raise FunctionError(VALUE, f"{grouping!r} is not one of {', '.join(VARIANCE_BY)}")
    result, _ = variance(
        snapshot.plan,
        visible(snapshot, snapshot.facts),
        by=grouping,
        period=_period_text(period),
        plan_scenario=text(scenario, "scenario", "base"),
        method=text(forecast, "forecast", "plan"),
    )
    return table([str(c) for c in result.columns], result.itertuples(index=False))


def _period_text(value: Cell) -> str:
    if isinstance(value, str) and value.strip().lower() in ("ytd", "qtd", "mtd"):
        return value.strip().lower()
    return "ytd" if value is None else to_period(value)


@xw.func
@xw.arg("team", doc="Only findings of this team and its department (blank: every finding).")
@xw.arg("scenario", doc="The plan scenario to check (default base).")
@xw.arg("version", doc="Version number or tag (default: the pinned version).")
@excel_function(tabular=True)
def pb_align(team: Cell = None, scenario: Cell = "base", version: Cell = None) -> Any:
    """The alignment report as a table with headers: one finding a row with its rule,
    severity (blocking or warning), team, period, numbers and a sentence."""
    snapshot = current().snapshot(None if version is None else text(version, "version"))
    plan = snapshot.plan
    settings = AlignmentSettings(scenario=text(scenario, "scenario", "base"))
    found = alignment_report(plan, visible(snapshot, snapshot.facts), settings)
    if team is not None:
        name = text(team, "team")
        if name not in {t.id for t in plan.teams}:
            raise FunctionError(VALUE, f"{name!r} is not a team of plan {plan.id}")
        found = [f for f in found if f.team in (name, plan.team(name).department)]
    frame = findings_frame(found)
    return table([str(c) for c in frame.columns], frame.itertuples(index=False))
