"""What a filled workbook pushes: one body for ``planbook push FILE.xlsx`` and the Push button.

A team workbook budgets one scenario of one team. Its facts replace that scenario of the
team's part, and its Headcount sheet's positions that scenario of the team's positions part;
the team's other scenarios stay as they were in the version the workbook was based on (the
store keeps a team's scenarios in one part, so the push sends them along unchanged). A
company AOP workbook replaces the plan definition. Every reader problem names its
``Sheet!Cell``; nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from addin.hints import Hints
from addin.metadata import SHEET, TEAM_KIND, Metadata
from addin.reader import read_company_sheets, read_team_sheets
from addin.reader.team import TeamWorkbook
from addin.reader.workbook import Sheets, read_metadata, sheets_kind
from addin.templates.layout import headcount_driven
from planbook.errors import PlanbookError
from planbook.facts import normalize
from planbook.headcount import POSITION_COLUMNS
from planbook.model import Plan
from server.store import (
    AccessDenied,
    FactFilter,
    PushRequest,
    StoreAPI,
    positions_part,
    team_part,
)

__all__ = [
    "HEADCOUNT_CHOICES",
    "WorkbookPush",
    "company_request",
    "is_planbook_workbook",
    "sheets_plan",
    "team_metadata",
    "team_request",
]

HEADCOUNT_CHOICES = ("keep", "replace")


@dataclass(frozen=True)
class WorkbookPush:
    """Who pushes, why, and which version the changes are based on."""

    plan: str | None
    base: str | None
    """The version (number or tag) the budget is based on; None: the one the workbook records."""
    message: str
    headcount: str | None = None
    """``keep`` or ``replace`` the stored headcount lines when the Headcount sheet is empty."""
    reference: str | None = None
    """The version whose plan the workbook's reference sheets show (None: the base); the
    Pull plan button refreshes them without moving the base."""
    hints: Hints = field(default_factory=Hints)
    """How messages name the pusher's choices (the buttons' settings keys by default)."""


def is_planbook_workbook(wb: Sheets) -> bool:
    """Whether the workbook carries Planbook's metadata sheet."""
    return SHEET in wb.sheet_names


def sheets_plan(wb: Sheets) -> str:
    """The plan a Planbook workbook belongs to (its checked metadata)."""
    return read_metadata(wb, kind=sheets_kind(wb), plan_id=None).plan


def team_metadata(wb: Sheets, how: WorkbookPush) -> Metadata:
    """A team workbook's checked metadata, of the plan ``how`` names (if it names one)."""
    meta = read_metadata(wb, kind=TEAM_KIND, plan_id=None)
    if how.plan and how.plan != meta.plan:
        raise PlanbookError(
            f"{wb.name} is a budget of plan {meta.plan!r}, not of plan {how.plan!r}"
        )
    return meta


def team_request(
    store: StoreAPI, wb: Sheets, how: WorkbookPush
) -> tuple[PushRequest, TeamWorkbook]:
    """The push request of a filled team workbook and what was read from it (raises with
    every problem, storing nothing)."""
    meta = team_metadata(wb, how)
    base = _base_number(store, meta.plan, how, meta.base_version, wb.name)
    reference = store.resolve(meta.plan, how.reference) if how.reference else base
    plan = store.plan(meta.plan, reference)
    book = read_team_sheets(wb, plan)
    facts = _team_facts(store, plan, book, how, base)
    positions, clear_positions = _team_positions(store, plan.id, book, base)
    clear = () if len(facts) else (team_part(book.team),)
    request = PushRequest(
        meta.plan,
        base=base,
        message=how.message or f"{book.team}: {book.scenario} budget from {wb.name}",
        facts=facts if len(facts) else None,
        clear=clear + ((positions_part(book.team),) if clear_positions else ()),
        source=wb.name,
        replace_team=True,  # the facts are the team's whole budget, its scenario replaced
        positions=positions,
    )
    return request, book


def company_request(
    store: StoreAPI, wb: Sheets, how: WorkbookPush
) -> tuple[PushRequest | None, int | None]:
    """The push request of a company AOP workbook (None when it holds its base version's
    plan unchanged) and its base version."""
    company = read_company_sheets(wb, plan_id=how.plan)
    plan_id = company.plan.id
    if how.base is not None:
        base: int | None = store.resolve(plan_id, how.base)
    else:
        base = company.base_version
    if base and company.plan == store.plan(plan_id, base):
        # equal values, though a cell may show 0.04 where the store holds 0.040000
        return None, base
    request = PushRequest(
        plan_id,
        base=base,
        message=how.message or f"company plan from {wb.name}",
        company=company.plan,
        source=wb.name,
    )
    return request, base


def _base_number(store: StoreAPI, plan_id: str, how: WorkbookPush, recorded: str, name: str) -> int:
    if how.base is not None:
        return store.resolve(plan_id, how.base)
    if not recorded:
        raise PlanbookError(
            f"{name} records no store version (it was made from a plan file); say which "
            f"version it is based on ({how.hints.base}), or {how.hints.fresh}"
        )
    return int(recorded)


def _team_facts(
    store: StoreAPI, plan: Plan, book: TeamWorkbook, how: WorkbookPush, base: int
) -> pd.DataFrame:
    """The workbook's scenario plus the team's other budget scenarios as of ``base``."""
    budget = [s.id for s in plan.scenarios if not s.actuals and s.base is None]
    stored = store.facts(plan.id, base, FactFilter(teams=[book.team], scenarios=budget))
    stored = _plain(stored)
    mine = stored["scenario"] == book.scenario
    kept = [stored[~mine], _plain(book.facts)]
    headcount = stored[mine & stored["account"].isin(headcount_driven())]
    if _keeps_headcount(book, headcount, how, base):
        kept.append(headcount)
    frame = pd.concat(kept, ignore_index=True)
    return normalize(frame) if len(frame) else book.facts


def _team_positions(
    store: StoreAPI, plan_id: str, book: TeamWorkbook, base: int
) -> tuple[pd.DataFrame | None, bool]:
    """The team's positions to store (the workbook's scenario plus the team's other
    scenarios as of ``base``), and whether to clear the stored ones instead (the workbook
    removed every position the base stored).

    A caller who may not read the team's positions may not push its budget either: the
    push goes on without them, so the store's refusal says why (the team is not theirs)."""
    try:
        stored = store.positions(plan_id, base, book.team).astype(str)
    except AccessDenied:
        stored = pd.DataFrame(columns=list(POSITION_COLUMNS), dtype=str)
    others = stored[stored["scenario"] != book.scenario] if len(stored) else stored
    mine = book.positions.astype(str)
    if len(others) or len(mine):
        frame = pd.concat([f for f in (others, mine) if len(f)], ignore_index=True)
        return frame[list(POSITION_COLUMNS)], False
    return None, bool(len(stored))


def _keeps_headcount(
    book: TeamWorkbook, stored: pd.DataFrame, how: WorkbookPush, base: int
) -> bool:
    """Whether the stored headcount lines stay: a version that holds headcount lines but no
    positions (pushed as facts) gives a pulled workbook an empty Headcount sheet; its push
    must say what it means."""
    if how.headcount not in (None, *HEADCOUNT_CHOICES):
        raise PlanbookError(
            f"headcount {how.headcount!r}: say keep or replace (what to do with the stored "
            "headcount lines when the Headcount sheet is empty)"
        )
    if how.headcount == "keep" and len(book.positions):
        raise PlanbookError(
            f"headcount keep keeps version {base}'s headcount lines in place of an empty "
            f"Headcount sheet, but {book.team}'s has {len(book.positions)} positions; drop "
            f"keep ({how.hints.headcount}) to push them"
        )
    if len(book.positions) or not len(stored) or how.headcount == "replace":
        return False
    if how.headcount == "keep":
        return True
    raise PlanbookError(
        f"the Headcount sheet is empty, but version {base} holds {len(stored):,} headcount "
        f"lines of {book.team} ({book.scenario}) and no positions for them, so a workbook "
        "pulled from it cannot show them. Say keep to keep them or replace to "
        f"remove them ({how.hints.headcount}), or {how.hints.positions}"
    )


def _plain(facts: pd.DataFrame) -> pd.DataFrame:
    """Key columns as text, so frames with different categories concatenate cleanly."""
    return facts.astype({c: str for c in ("scenario", "team", "account", "line", "period")})
