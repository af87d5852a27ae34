"""What the console's timeline and status board show, read through the caller's door."""

from __future__ import annotations

from dataclasses import dataclass

from planbook.align import Finding
from server.alignment import version_findings
from server.auth import ActingStore
from server.store.errors import AccessDenied
from server.store.records import StatusChange, VersionInfo
from server.store.workflow import ACTIONS

__all__ = ["Board", "BoardRow", "Timeline", "status_board", "timeline"]

VERSIONS_PER_PAGE = 50
PARTS_SHOWN = 6


@dataclass(frozen=True)
class Row:
    """A version on the timeline: its record, the parts it changed (shortened) and tags."""

    info: VersionInfo
    parts: str
    tags: list[str]


@dataclass(frozen=True)
class Timeline:
    """A page of versions, and what the diff picker offers (tags, then numbers)."""

    rows: list[Row]
    page: int
    pages: int
    refs: list[str]
    default_from: str
    default_to: str


def _parts(changed: tuple[str, ...]) -> str:
    shown = ", ".join(changed[:PARTS_SHOWN])
    more = len(changed) - PARTS_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def timeline(store: ActingStore, plan_id: str, *, page: int = 1) -> Timeline:
    """The versions of ``plan_id``, newest first, a page at a time."""
    store.resolve(plan_id, "latest")  # 404 for an unknown plan
    versions = store.log(plan_id)
    tags: dict[int, list[str]] = {}
    for tag in store.tags(plan_id):
        if tag.version is not None and tag.name != "latest":
            tags.setdefault(tag.version, []).append(tag.name)
    pages = max(1, -(-len(versions) // VERSIONS_PER_PAGE))
    start = (min(page, pages) - 1) * VERSIONS_PER_PAGE
    rows = [
        Row(v, _parts(v.changed), sorted(tags.get(v.number, [])))
        for v in versions[start : start + VERSIONS_PER_PAGE]
    ]
    named = sorted({name for names in tags.values() for name in names})
    refs = ["latest", *named, *(str(v.number) for v in versions)]
    previous = str(versions[1].number) if len(versions) > 1 else "latest"
    return Timeline(rows, min(page, pages), pages, refs, previous, "latest")


@dataclass(frozen=True)
class BoardRow:
    """A team on the status board: its status, the steps the caller may take and its
    alignment findings."""

    team: str
    name: str
    department: str
    lead: str
    status: str
    last: StatusChange | None
    actions: list[str]
    findings: list[Finding]


@dataclass(frozen=True)
class Board:
    """The status board: a row per team, and the findings of departments and the company
    (which belong to no one team's row)."""

    rows: list[BoardRow]
    wider: list[Finding]


def _allowed(store: ActingStore, team: str, status: str) -> list[str]:
    """The workflow steps open from ``status`` that the caller's role allows (the role rule
    is the one :class:`ActingStore` enforces)."""
    out = []
    for action, (starts, _) in ACTIONS.items():
        if status not in starts:
            continue
        try:
            store.principal.check_status(team, action)
        except AccessDenied:
            continue
        out.append(action)
    return out


def status_board(store: ActingStore, plan_id: str) -> Board:
    """Every team of the latest plan with its status and alignment findings (as the caller
    may see them: the ``/align`` route's reading), by department."""
    _, plan, found = version_findings(store, plan_id, "latest")
    current = store.statuses(plan_id)
    teams = {t.id for t in plan.teams}
    rows = []
    for team in plan.teams:
        last = current.get(team.id)
        status = last.status if last else "draft"
        rows.append(
            BoardRow(
                team=team.id,
                name=team.name,
                department=team.department,
                lead=team.lead or "",
                status=status,
                last=last,
                actions=_allowed(store, team.id, status),
                findings=[f for f in found if f.team == team.id],
            )
        )
    wider = [f for f in found if f.team not in teams]
    return Board(sorted(rows, key=lambda r: (r.department, r.team)), wider)
