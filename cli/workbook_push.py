"""``planbook push FILE.xlsx``: a filled team budget or company AOP workbook as a new version.

A team workbook budgets one scenario of one team. Its facts replace that scenario of the
team's part; the team's other budget scenarios stay as they were in the version the workbook
was based on (the store keeps a team's scenarios in one part, so the push sends them along
unchanged). The base version is the workbook's own (recorded when it was pulled), unless
``--base`` names another. Every reader problem names its ``Sheet!Cell``; nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from addin.metadata import TEAM_KIND
from addin.reader import read_company_workbook, read_team_workbook, workbook_kind
from addin.reader.team import TeamWorkbook
from addin.reader.workbook import open_workbook, read_metadata
from addin.templates.layout import headcount_driven
from cli.common import console
from planbook.errors import PlanbookError
from planbook.facts import normalize
from planbook.model import Plan
from server.store import FactFilter, PushRequest, team_part


@dataclass(frozen=True)
class WorkbookPush:
    """Who pushes, why, and which version the changes are based on (``--base``)."""

    plan: str | None
    base: str | None
    author: str
    message: str
    headcount: str | None = None
    """``keep`` or ``replace`` the stored headcount lines when the Headcount sheet is empty."""


def workbook_request(store: Any, path: Path, how: WorkbookPush) -> PushRequest | None:
    """The push request a filled workbook makes (raises with every problem, storing nothing);
    None for a company workbook that holds its base version's plan unchanged."""
    if workbook_kind(path) == TEAM_KIND:
        return _team_request(store, path, how)
    return _company_request(store, path, how)


def _team_request(store: Any, path: Path, how: WorkbookPush) -> PushRequest:
    plan_id, recorded = _team_metadata(path)
    if how.plan and how.plan != plan_id:
        raise PlanbookError(
            f"{path.name} is a budget of plan {plan_id!r}, not of plan {how.plan!r}"
        )
    base = _base_number(store, plan_id, how.base, recorded, path)
    plan = store.plan(plan_id, base)
    book = read_team_workbook(path, plan)
    _print_warnings(book)
    facts = _team_facts(store, plan, book, how, base)
    return PushRequest(
        plan_id,
        base=base,
        author=how.author,
        message=how.message or f"{book.team}: {book.scenario} budget from {path.name}",
        facts=facts if len(facts) else None,
        clear=() if len(facts) else (team_part(book.team),),
        source=path.name,
    )


def _team_metadata(path: Path) -> tuple[str, str]:
    """The plan id and recorded base version of a team workbook (checked metadata)."""
    wb = open_workbook(path)
    try:
        meta = read_metadata(wb, kind=TEAM_KIND, plan_id=None)
    finally:
        wb.close()
    return meta.plan, meta.base_version


def _base_number(store: Any, plan_id: str, option: str | None, recorded: str, path: Path) -> int:
    if option is not None:
        return int(store.resolve(plan_id, option))
    if not recorded:
        raise PlanbookError(
            f"{path.name} records no store version (it was made from a plan file); say which "
            "version it is based on with --base, or pull a fresh one with planbook pull --out"
        )
    return int(recorded)


def _team_facts(
    store: Any, plan: Plan, book: TeamWorkbook, how: WorkbookPush, base: int
) -> pd.DataFrame:
    """The workbook's scenario plus the team's other budget scenarios as of ``base``."""
    budget = [s.id for s in plan.scenarios if not s.actuals]
    stored = store.facts(plan.id, base, FactFilter(teams=[book.team], scenarios=budget))
    stored = _plain(stored)
    mine = stored["scenario"] == book.scenario
    kept = [stored[~mine], _plain(book.facts)]
    headcount = stored[mine & stored["account"].isin(headcount_driven())]
    if _keeps_headcount(book, headcount, how, base):
        kept.append(headcount)
    frame = pd.concat(kept, ignore_index=True)
    return normalize(frame) if len(frame) else book.facts


def _keeps_headcount(
    book: TeamWorkbook, stored: pd.DataFrame, how: WorkbookPush, base: int
) -> bool:
    """Whether the stored headcount lines stay: the store keeps no positions, so a workbook
    pulled without them has an empty Headcount sheet; its push must say what it means."""
    if how.headcount == "keep" and len(book.positions):
        raise PlanbookError(
            f"--headcount keep keeps version {base}'s headcount lines in place of an empty "
            f"Headcount sheet, but {book.team}'s has {len(book.positions)} positions; drop "
            "the option to push them"
        )
    if len(book.positions) or not len(stored) or how.headcount == "replace":
        return False
    if how.headcount == "keep":
        return True
    raise PlanbookError(
        f"the Headcount sheet is empty, but version {base} holds {len(stored):,} headcount "
        f"lines of {book.team} ({book.scenario}); the store keeps no positions, so a workbook "
        "pulled without --positions cannot show them. Push with --headcount keep to keep "
        "them, with --headcount replace to remove them, or pull again with --positions FILE"
    )


def _plain(facts: pd.DataFrame) -> pd.DataFrame:
    """Key columns as text, so frames with different categories concatenate cleanly."""
    return facts.astype({c: str for c in ("scenario", "team", "account", "line", "period")})


def _print_warnings(book: TeamWorkbook) -> None:
    console.print(
        f"{book.team}'s {book.scenario} budget: {len(book.facts):,} facts, "
        f"{len(book.positions)} positions."
    )
    for warning in book.warnings:
        console.print(f"  [yellow]warning[/] {warning}", markup=True)


def _company_request(store: Any, path: Path, how: WorkbookPush) -> PushRequest | None:
    company = read_company_workbook(path, plan_id=how.plan)
    plan_id = company.plan.id
    if how.base is not None:
        base: int | None = int(store.resolve(plan_id, how.base))
    else:
        base = company.base_version
    if base and company.plan == store.plan(plan_id, base):
        # equal values, though a cell may show 0.04 where the store holds 0.040000
        console.print(f"Nothing changed: {path.name} holds the plan of version {base}.")
        return None
    return PushRequest(
        plan_id,
        base=base,
        author=how.author,
        message=how.message or f"company plan from {path.name}",
        company=company.plan,
        source=path.name,
    )
