"""What the console's diff page shows: the report of :mod:`server.diffreport` at one level
of the drill-down (company -> department -> team), with the bridge as chart bars.

At the company level the bridge steps by department; inside a department, by team; inside a
team, by account. Each step links one level down. Lines come a page at a time, largest
change first. The figures are the report's (the core's); this module only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from planbook.diff import DiffScope
from planbook.waterfall import WaterfallBar, waterfall
from server.auth import ActingStore
from server.diffreport import diff_report
from server.store.compare import diff_versions

__all__ = ["PAGE_SIZE", "DiffPage", "Level", "diff_page"]

PAGE_SIZE = 50
"""Changed lines per page."""


@dataclass(frozen=True)
class Level:
    """Where in the drill-down the page is: the scope, the bridge's dimension, and the
    query parameters that a step's link adds."""

    department: str = ""
    team: str = ""

    @property
    def bridge_by(self) -> str:
        return "account" if self.team else "team" if self.department else "department"

    def scope(self, scenario: str) -> DiffScope:
        return DiffScope(
            scenarios=(scenario,),
            departments=(self.department,) if self.department and not self.team else (),
            teams=(self.team,) if self.team else (),
        )

    def link(self, step: str) -> dict[str, str] | None:
        """The drill-down query for a bridge step (None at the line level)."""
        if self.team:
            return None
        if self.department:
            return {"department": self.department, "team": step}
        return {"department": step}


@dataclass(frozen=True)
class DiffPage:
    """Everything the diff template needs."""

    report: dict[str, Any]
    level: Level
    scenario: str
    bars: list[WaterfallBar]
    page: int
    pages: int


def diff_page(
    store: ActingStore,
    *,
    plan_id: str,
    a: str,
    b: str,
    scenario: str = "base",
    level: Level = Level(),
    page: int = 1,
) -> DiffPage:
    """The diff of versions ``a`` and ``b`` at ``level`` (read as the caller may see it)."""
    found = diff_versions(store, plan_id=plan_id, a=a, b=b, scope=level.scope(scenario))
    report = diff_report(
        store,
        found,
        bridge_by=level.bridge_by,
        scenario=scenario,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        largest_first=True,
    )
    bridge = report["bridge"] or {"steps": []}
    steps = pd.DataFrame(
        [(s["step"], Decimal(s["amount"])) for s in bridge["steps"]], columns=["step", "amount"]
    )
    pages = max(1, -(-int(report["lines_total"]) // PAGE_SIZE))
    bars = waterfall(steps) if len(steps) >= 2 else []
    return DiffPage(report, level, scenario, bars, page, pages)
