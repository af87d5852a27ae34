"""The Pull plan button: the pinned version's assumptions, envelopes and goals into the
workbook, and the version pulled into the settings sheet.

Until the team template (issue 5) names its own ranges, each goes to a sheet of its own
(``Assumptions``, ``Envelopes``, ``Goals``), rewritten on every pull. ``PLANBOOK_TEAM`` in
the settings sheet keeps only that team's envelope and goals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import xlwings as xw

from addin.buttons.book import alert, book_settings, replace_sheet, write_back
from addin.cache import VersionCache
from planbook import Plan

__all__ = ["plan_tables", "pull_plan", "pull_plan_classic", "write_plan"]

TITLE = "Planbook: pull plan"


@xw.script
def pull_plan(book: xw.Book) -> None:
    """Refresh the assumptions, envelopes, goals and pinned version in the workbook."""
    write_plan(book)


def pull_plan_classic() -> None:
    """The same button for classic Excel (``RunPython``)."""
    write_plan(xw.Book.caller())


def plan_tables(plan: Plan, team: str = "") -> dict[str, list[list[Any]]]:
    """The sheets a pull writes: name -> rows (a header row first)."""
    months = list(plan.calendar.periods)
    envelopes = [e for e in plan.envelopes if not team or e.team == team]
    goals = [g for g in plan.goals if not team or g.team in (None, team)]
    return {
        "Assumptions": [["assumption", "name", "unit", *months]]
        + [[a.id, a.name, a.unit.value, *_months(a.values, months)] for a in plan.assumptions],
        "Envelopes": [["team", "scenario", *months]]
        + [[e.team, e.scenario, *_months(e.amounts, months)] for e in envelopes],
        "Goals": [["goal", "description", "metric", "target", "direction", "due", "owner", "team"]]
        + [
            [
                g.id,
                g.description,
                g.metric,
                float(g.target),
                g.direction,
                g.due,
                g.owner,
                g.team or "",
            ]
            for g in goals
        ],
    }


def write_plan(book: Any) -> int | None:
    """Write the plan's sheets; returns the version pulled, or None after an alert."""
    try:
        settings, sheet = book_settings(book)
        cache = VersionCache(settings)
        try:
            snapshot = cache.snapshot(settings.version)
        finally:
            cache.close()
    except Exception as exc:  # one alert, never a traceback
        alert(book, TITLE, [f"The plan could not be pulled: {exc}"])
        return None
    for name, rows in plan_tables(snapshot.plan, sheet.get("PLANBOOK_TEAM", "")).items():
        target = replace_sheet(book, name)
        target["A1"].value = rows
        target["A1"].expand("right").font.bold = True
    info = snapshot.info
    when = info.created_at.strftime("%Y-%m-%d %H:%M UTC")
    write_back(book, {"PLANBOOK_BASE": info.number, "PLANBOOK_PULLED": f"{info.author}, {when}"})
    return info.number


def _months(values: dict[str, Decimal], months: list[str]) -> list[Any]:
    return [float(values[m]) if m in values else "" for m in months]
