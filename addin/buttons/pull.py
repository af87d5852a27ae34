"""The Pull plan button: the pinned version's assumptions, envelope and goals into the
workbook, and the version pulled into the settings sheet.

- In a team budget template they are refreshed in place, in the Assumptions sheet's reference
  cells (:func:`addin.templates.reference.reference_blocks` says which: the same cells the
  template writes). The budget is not touched, and neither is the version it is based on
  (``PLANBOOK_BASE``): a pull must not let the next push overwrite someone else's changes
  to the team, so when the team's budget changed since, the alert says so. A plan whose
  calendar, accounts or assumptions changed needs a fresh workbook, and the alert says that.
- In any other workbook each goes to a sheet of its own (``Assumptions``, ``Envelopes``,
  ``Goals``), rewritten on every pull; ``PLANBOOK_TEAM`` in the settings sheet keeps only
  that team's envelope and goals.

Either way ``PLANBOOK_PULLED`` (the version) and ``PLANBOOK_PULLED_AT`` go to the settings
sheet; a team template's push reads its reference sheets with that version's plan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import xlwings as xw

from addin.buttons.book import alert, book_settings, failure, replace_sheet, write_back
from addin.cache import Snapshot, VersionCache
from addin.metadata import TEAM_KIND
from addin.reader import BookSheets, sheets_kind
from addin.reader.cells import cell
from addin.reader.team import team_layout
from addin.reader.workbook import read_metadata
from addin.templates.layout import ASSUMPTIONS, TeamLayout
from addin.templates.reference import goals_for, reference_blocks
from addin.workbook_push import is_planbook_workbook
from planbook import Plan, diff_facts
from planbook.errors import PlanbookError
from server.store import FactFilter

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
    """The sheets a pull writes into a workbook that is not a template: name -> rows."""
    months = list(plan.calendar.periods)
    if team and team not in {t.id for t in plan.teams}:
        raise PlanbookError(f"PLANBOOK_TEAM {team!r} is not a team of plan {plan.id}")
    envelopes = [e for e in plan.envelopes if not team or e.team == team]
    goals = goals_for(plan, team) if team else plan.goals
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
    """Refresh the workbook's plan data; returns the version pulled, or None after an alert."""
    try:
        settings, sheet = book_settings(book)
        sheets = BookSheets(book)
        template = is_planbook_workbook(sheets)
        if template and sheets_kind(sheets) != TEAM_KIND:
            raise PlanbookError(
                "this is the company AOP workbook: it holds the whole plan, so it is not "
                "refreshed in place; pull a fresh one from the store instead"
            )
        meta = read_metadata(sheets, kind=TEAM_KIND, plan_id=None) if template else None
        if meta is not None and not settings.plan:
            settings = replace(settings, plan=meta.plan)
        cache = VersionCache(settings)
        try:
            snapshot = cache.snapshot(settings.version)
            if meta is None:
                lines = _write_sheets(book, snapshot, sheet.get("PLANBOOK_TEAM", ""))
            else:
                layout = team_layout(meta, snapshot.plan, expected_team=None, source=book.name)
                lines = _refresh(book, sheets, layout)
                base = sheet.get("PLANBOOK_BASE") or meta.base_version
                lines += _team_changed(cache, snapshot, meta.team, base)
        finally:
            cache.close()
    except Exception as exc:  # one alert, never a traceback
        alert(book, TITLE, ["The plan could not be pulled:", failure(exc, TITLE)])
        return None
    info = snapshot.info
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    made = info.created_at.strftime("%Y-%m-%d %H:%M UTC")
    write_back(
        book,
        {
            "PLANBOOK_PULLED": info.number,
            "PLANBOOK_PULLED_AT": f"{when} (version {info.number} by {info.author}, {made})",
        },
    )
    alert(book, TITLE, [f"Pulled version {info.number} of plan {info.plan}.", *lines])
    return info.number


def _write_sheets(book: Any, snapshot: Snapshot, team: str) -> list[str]:
    tables = plan_tables(snapshot.plan, team)
    for name, rows in tables.items():
        target = replace_sheet(book, name)
        target["A1"].value = rows
        target["A1"].expand("right").font.bold = True
    return [f"Wrote the sheets {', '.join(tables)}."]


def _refresh(book: Any, sheets: BookSheets, layout: TeamLayout) -> list[str]:
    """Write the reference blocks into the Assumptions sheet; says how many values changed."""
    rows = sheets.rows(ASSUMPTIONS)
    target = book.sheets[ASSUMPTIONS]
    changed = 0
    for block in reference_blocks(layout):
        values = [[_excel(v) for v in row] for row in block.values]
        differ = sum(
            not _same(cell(rows, r, c), value)
            for r, row in enumerate(values, start=block.row)
            for c, value in enumerate(row, start=block.column)
        )
        if differ:  # only blocks that changed: fewer actions for Excel to apply
            target.range((block.row, block.column)).value = values
            changed += differ
    team = layout.team.id
    if not changed:
        return [f"The assumptions, {team}'s envelope and goals were already current."]
    return [f"Refreshed the assumptions, {team}'s envelope and goals: {changed} values changed."]


def _team_changed(cache: VersionCache, snapshot: Snapshot, team: str, base: str) -> list[str]:
    """A warning when the team's budget changed after the version the workbook builds on."""
    if not base:
        return []
    store = cache.source()
    number = store.resolve(snapshot.info.plan, base)
    if number == snapshot.info.number:
        return []
    before = store.facts(snapshot.info.plan, number, FactFilter(teams=[team]))
    now = snapshot.facts[snapshot.facts["team"] == team]
    if not len(diff_facts(before, now)):
        return []
    return [
        f"Note: {team}'s budget changed after version {number}, which this workbook's budget "
        f"is based on; a push from it would be refused. Pull a fresh workbook of {team} from "
        "the store and copy your changes into it."
    ]


def _excel(value: object) -> Any:
    """A value as xlwings writes it: numbers as floats; text that starts with ``=`` kept as
    text (an apostrophe, as Excel itself marks it); dates as they are; None clears."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith("="):
        return f"'{value}"
    return value


def _same(shown: object, value: object) -> bool:
    if shown in (None, "") and value in (None, ""):
        return True
    if isinstance(value, float) and isinstance(shown, int | float):
        return abs(float(shown) - value) < 1e-9
    if isinstance(shown, datetime) and isinstance(value, date):
        return shown.date() == value
    return str(shown).strip() == str(value).strip()


def _months(values: dict[str, Decimal], months: list[str]) -> list[Any]:
    return [float(values[m]) if m in values else "" for m in months]
