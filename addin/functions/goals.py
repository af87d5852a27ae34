"""The goals function: each goal's and milestone's attainment in one or more scenarios.

A thin wrapper over :func:`planbook.goal_attainment`; projections come from the engine
(a scenario's overrides applied and its bookings driven), as ``planbook goals`` shows them.
"""

from typing import Any

import xlwings as xw

from addin.functions.convert import (
    NA,
    Cell,
    FunctionError,
    excel_function,
    flag,
    table,
    text,
    texts,
)
from addin.functions.slices import visible
from addin.session import current
from planbook.goals import GOAL_COLUMNS, goal_attainment

__all__ = ["pb_goals"]


@xw.func
@xw.arg("scenario", doc="Scenario ids, a range or a,b (default base).")
@xw.arg("goal", doc="Only these goals (blank: every goal).")
@xw.arg("milestones", doc="FALSE: the goals' own due months only (default TRUE).")
@xw.arg("version", doc="Version number or tag (default: the pinned version).")
@excel_function(tabular=True)
def pb_goals(
    scenario: Cell = "base", goal: Cell = None, milestones: Cell = True, version: Cell = None
) -> Any:
    """Goal attainment as a table with headers: each goal and milestone in each scenario,
    with its target, projected value, gap and met or missed at its due month."""
    snapshot = current().snapshot(None if version is None else text(version, "version"))
    facts = visible(snapshot, snapshot.facts)
    if len(facts) < len(snapshot.facts):
        raise FunctionError(NA, "goals need confidential cost accounts your token may not see")
    result = goal_attainment(
        snapshot.plan,
        facts,
        scenarios=texts(scenario) or ["base"],
        goals=texts(goal) or None,
    )
    if not flag(milestones):
        result = result[result["checkpoint"] == "goal"]
    return table(list(GOAL_COLUMNS), result.itertuples(index=False))
