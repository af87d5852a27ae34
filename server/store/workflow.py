"""Submission status of team parts, and tags (named pins on versions).

A team part goes draft -> submitted -> approved, or submitted -> returned (with a comment);
a new push makes a returned or submitted part a draft again; an approved part is locked
until finance reopens it. Who may do which step is the service's business (roles); the
store keeps the rules of the sequence and the history of every change.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from planbook.align import approval_blockers, approval_teams
from planbook.facts import facts_from_arrow
from server.store.contract import FactFilter
from server.store.errors import InvalidRequest, NotFound
from server.store.parts import is_team_part, team_part
from server.store.read import head as read_head
from server.store.read import parts_of, plan_of, read_facts
from server.store.records import StatusChange, TagInfo
from server.store.schema import PlanRow, StatusEvent, Tag, TagEvent
from server.store.text import check_text

__all__ = [
    "ACTIONS",
    "BUILTIN_TAGS",
    "change_status",
    "check_tag_name",
    "current_status",
    "delete_tag",
    "lock_plan",
    "record_status",
    "set_tag",
    "status_history",
    "statuses",
    "tag_history",
    "tags",
]

ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({"draft", "returned"}), "submitted"),
    "approve": (frozenset({"submitted"}), "approved"),
    "return": (frozenset({"submitted"}), "returned"),
    "reopen": (frozenset({"approved"}), "draft"),
}
"""Each status action: the states it may start from, and the state it leads to."""
BUILTIN_TAGS = ("latest",)
_TAG_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")


def lock_plan(conn: Connection, plan_id: str) -> int:
    """Lock the plan's row for this transaction (PostgreSQL) and return its head."""
    query = select(PlanRow.head).where(PlanRow.id == plan_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    number = conn.scalar(query)
    if number is None:
        raise NotFound(f"there is no plan {plan_id!r} in the store", loc=("plan",))
    return number


def _change(row: Any) -> StatusChange:
    return StatusChange(
        part=row.part,
        status=row.status,
        comment=row.comment,
        actor=row.actor,
        at=row.at,
        version=row.version,
    )


def current_status(conn: Connection, plan_id: str, part: str) -> StatusChange | None:
    """The last status change of a part, or None (a part never submitted is a draft)."""
    row = conn.execute(
        select(StatusEvent)
        .where(StatusEvent.plan_id == plan_id, StatusEvent.part == part)
        .order_by(StatusEvent.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _change(row)


def statuses(conn: Connection, plan_id: str, teams: list[str]) -> dict[str, StatusChange | None]:
    """The current status of each team's part."""
    return {team: current_status(conn, plan_id, team_part(team)) for team in teams}


def status_history(conn: Connection, plan_id: str, part: str | None = None) -> list[StatusChange]:
    """Every status change of the plan (or of one part), oldest first."""
    query = select(StatusEvent).where(StatusEvent.plan_id == plan_id)
    if part is not None:
        query = query.where(StatusEvent.part == part)
    return [_change(r) for r in conn.execute(query.order_by(StatusEvent.id))]


def record_status(conn: Connection, event: StatusEvent) -> None:
    """Append a status change to the history."""
    conn.execute(
        insert(StatusEvent).values(
            plan_id=event.plan_id,
            part=event.part,
            status=event.status,
            comment=event.comment or "",
            actor=event.actor,
            at=event.at,
            version=event.version,
        )
    )


def change_status(
    conn: Connection,
    *,
    plan_id: str,
    team: str,
    action: str,
    actor: str,
    comment: str = "",
    force: bool = False,
) -> StatusChange:
    """Apply a workflow action to a team's part (inside a write transaction). Approving a
    team with blocking alignment findings needs ``force``; the comment records it."""
    check_text(plan_id, loc=("plan",))
    check_text(team, loc=("team",))
    check_text(comment, loc=("comment",), prose=True)
    head = lock_plan(conn, plan_id)
    if action not in ACTIONS:
        raise InvalidRequest(
            f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}", loc=("action",)
        )
    if action == "return" and not comment.strip():
        raise InvalidRequest(
            "say why the budget is returned: a comment is required", loc=("comment",)
        )
    part = team_part(team)
    _check_team(conn, plan_id, head, team)
    allowed, target = ACTIONS[action]
    current = current_status(conn, plan_id, part)
    state = current.status if current else "draft"
    if state not in allowed:
        raise InvalidRequest(
            f"team {team!r} is {state}; {action} needs it to be {' or '.join(sorted(allowed))}",
            loc=("action",),
        )
    if action == "approve":
        comment = _approval_comment(conn, plan_id, head, team, comment.strip(), force=force)
    event = StatusEvent(
        plan_id=plan_id,
        part=part,
        status=target,
        comment=comment.strip(),
        actor=actor,
        at=datetime.now(UTC),
        version=head,
    )
    record_status(conn, event)
    return _change(event)


def _approval_comment(
    conn: Connection, plan_id: str, head: int, team: str, comment: str, *, force: bool
) -> str:
    """The approval's comment; refuses a team with blocking alignment findings unless
    forced (the arithmetic is the core's: :func:`planbook.align.approval_blockers`)."""
    plan = plan_of(conn, parts_of(conn, plan_id, head))
    wanted = FactFilter(scenarios=["base"], teams=approval_teams(plan, team))
    facts = facts_from_arrow(read_facts(conn, plan_id, head, wanted))
    blockers = approval_blockers(plan, facts, team)
    if not blockers:
        return comment
    listed = "; ".join(f"{f.rule} {f.period}".strip() for f in blockers)
    if not force:
        raise InvalidRequest(
            f"team {team!r} has {len(blockers)} blocking alignment finding"
            f"{'s' if len(blockers) != 1 else ''}: "
            + " ".join(f.sentence for f in blockers)
            + " Fix them, or approve with --force (force: true in the API).",
            loc=("force",),
        )
    return f"forced past blocking findings ({listed})" + (f": {comment}" if comment else "")


def _check_team(conn: Connection, plan_id: str, head: int, team: str) -> None:
    parts = parts_of(conn, plan_id, head)
    if team not in {t.id for t in plan_of(conn, parts).teams}:
        raise NotFound(f"plan {plan_id!r} has no team {team!r}", loc=("team",))
    if not any(is_team_part(p) and p == team_part(team) for p in parts):
        raise InvalidRequest(
            f"team {team!r} has not pushed a budget yet; push it before submitting",
            loc=("team",),
        )


def check_tag_name(name: str) -> None:
    """Refuse names that cannot be tags: built-ins, numbers, bad characters."""
    if name in BUILTIN_TAGS:
        raise InvalidRequest(f"{name!r} is built in and moves by itself", loc=("tag",))
    if not _TAG_RE.fullmatch(name):
        raise InvalidRequest(
            f"{name!r} is not a valid tag name; start with a letter, then up to 63 letters, "
            "digits, '-', '_' or '.'",
            loc=("tag",),
        )


def set_tag(conn: Connection, *, plan_id: str, name: str, version: int, actor: str) -> TagInfo:
    """Pin (or move) a tag to a version; the move is recorded."""
    lock_plan(conn, plan_id)
    check_tag_name(name)
    conn.execute(delete(Tag).where(Tag.plan_id == plan_id, Tag.name == name))
    conn.execute(insert(Tag).values(plan_id=plan_id, name=name, version=version))
    at = datetime.now(UTC)
    conn.execute(
        insert(TagEvent).values(plan_id=plan_id, name=name, version=version, actor=actor, at=at)
    )
    return TagInfo(name, version, actor, at)


def delete_tag(conn: Connection, *, plan_id: str, name: str, actor: str) -> TagInfo:
    """Remove a tag; the removal is recorded."""
    lock_plan(conn, plan_id)
    check_tag_name(name)
    gone = conn.execute(delete(Tag).where(Tag.plan_id == plan_id, Tag.name == name))
    if not gone.rowcount:
        raise NotFound(f"plan {plan_id!r} has no tag {name!r}", loc=("tag",))
    at = datetime.now(UTC)
    conn.execute(
        insert(TagEvent).values(plan_id=plan_id, name=name, version=None, actor=actor, at=at)
    )
    return TagInfo(name, None, actor, at)


def tags(conn: Connection, plan_id: str) -> list[TagInfo]:
    """Every tag of the plan, with ``latest``, by name."""
    head = read_head(conn, plan_id)
    rows = conn.execute(select(Tag).where(Tag.plan_id == plan_id).order_by(Tag.name))
    pinned = [TagInfo(r.name, r.version) for r in rows]
    return [TagInfo("latest", head), *pinned]


def tag_history(conn: Connection, plan_id: str) -> list[TagInfo]:
    """Every move of every tag, oldest first."""
    rows = conn.execute(select(TagEvent).where(TagEvent.plan_id == plan_id).order_by(TagEvent.id))
    return [TagInfo(r.name, r.version, r.actor, r.at) for r in rows]
