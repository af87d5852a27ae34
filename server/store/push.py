"""Pushing: a new immutable version from changed parts, inside one database transaction.

The transaction locks the plan (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` on
PostgreSQL), checks every part the push names against the base version (409 if anyone
changed it since, even when the pushed content equals the head's: the caller did not see
that change; and 409 for a written part that is approved and locked), validates the facts
against the plan definition of the version they land in (every problem, nothing stored),
puts the pushed (team, scenario) slices in place of the stored ones (or whole teams, when
the request says ``replace_team``: :mod:`planbook.slices`), then stores the new blobs, the
version and its parts, and moves the head. All or nothing.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from planbook.errors import PlanValidationError, Problem
from planbook.facts import empty_facts, facts_from_arrow
from planbook.model import Plan
from planbook.positions import check_positions, empty_positions
from planbook.slices import replace_slices
from planbook.validation import validate_facts, validate_plan
from server.store.contract import PushRequest
from server.store.errors import Conflict, ConflictDetail, InvalidRequest, NotFound
from server.store.parts import (
    ACTUALS,
    COMPANY,
    Blob,
    company_blob,
    decode_facts,
    facts_blob,
    is_positions_part,
    positions_blob,
    positions_part,
    split_facts,
    team_of,
    team_part,
    version_hash,
)
from server.store.read import blob_data, parts_of, plan_of, version_info
from server.store.records import PartInfo, VersionInfo
from server.store.schema import BlobRow, PlanRow, StatusEvent, VersionPart, VersionRow
from server.store.text import check_text
from server.store.workflow import current_status, lock_plan, record_status

__all__ = ["push"]


def push(conn: Connection, request: PushRequest, *, author: str) -> tuple[VersionInfo, bool]:
    """Store a new version; returns it and True, or the head and False if nothing changed.

    Call inside a write transaction. Raises :class:`Conflict`, :class:`NotFound`,
    :class:`InvalidRequest` or :class:`PlanValidationError`; nothing is stored then.
    """
    check_text(request.plan_id, loc=("plan",))
    check_text(request.message, loc=("message",), prose=True)
    current = _lock_head(conn, request)
    head_parts = parts_of(conn, request.plan_id, current) if current else {}
    plan = request.company or (plan_of(conn, head_parts) if head_parts else None)
    if plan is None:
        raise InvalidRequest(
            f"plan {request.plan_id!r} does not exist yet; its first push must include the "
            "plan definition (the company part)",
            loc=("company",),
        )
    if plan.id != request.plan_id:
        raise InvalidRequest(
            f"the plan definition is for plan {plan.id!r}, not {request.plan_id!r}",
            loc=("company", "id"),
        )
    if request.positions is not None:  # checked before they are serialized
        problems = check_positions(plan, request.positions, source=request.source)
        if problems:
            raise PlanValidationError(problems, subject=request.source)
    blobs = _new_blobs(conn, plan, request, head_parts)
    written = {
        p: b for p, b in blobs.items() if p not in head_parts or head_parts[p].hash != b.hash
    }
    _check_conflicts(conn, request, head_parts, named=blobs, written=written, current=current)
    _validate(conn, plan, request, head_parts, blobs)
    if not written:
        return version_info(conn, request.plan_id, current), False
    number = current + 1
    _store_blobs(conn, list(written.values()))
    _store_version(
        conn, request, author=author, number=number, head_parts=head_parts, written=written
    )
    _drafts_again(conn, request, written, number=number, author=author)
    return _new_info(request, number, head_parts, written, author=author), True


def _new_info(
    request: PushRequest,
    number: int,
    head_parts: dict[str, PartInfo],
    written: dict[str, Blob],
    *,
    author: str,
) -> VersionInfo:
    """The version just stored, without reading it back."""
    parts = dict(head_parts) | {p: PartInfo(p, b.hash, b.rows, number) for p, b in written.items()}
    return VersionInfo(
        plan=request.plan_id,
        number=number,
        parent=number - 1 if number > 1 else None,
        author=author,
        created_at=request.at,
        message=request.message,
        hash=version_hash({p: i.hash for p, i in parts.items()}),
        changed=tuple(sorted(written)),
        parts=tuple(parts[p] for p in sorted(parts)),
    )


def _lock_head(conn: Connection, request: PushRequest) -> int:
    try:
        current = lock_plan(conn, request.plan_id)
    except NotFound:
        if request.base not in (None, 0):
            raise
        conn.execute(insert(PlanRow).values(id=request.plan_id, head=0, created_at=request.at))
        return 0
    if request.base is None:
        raise InvalidRequest(
            f"say which version your changes are based on (plan {request.plan_id!r} is at "
            f"version {current})",
            loc=("base",),
        )
    if not 0 <= request.base <= current:
        raise NotFound(
            f"base version {request.base} does not exist; plan {request.plan_id!r} has "
            f"versions 1 to {current}",
            loc=("base",),
        )
    return current


def _new_blobs(
    conn: Connection, plan: Plan, request: PushRequest, head_parts: dict[str, PartInfo]
) -> dict[str, Blob]:
    blobs: dict[str, Blob] = {}
    if request.company is not None:
        blobs[COMPANY] = company_blob(request.company)
    if request.facts is not None and len(request.facts):
        pushed = split_facts(plan, request.facts)
        merged = [p for p in pushed if p in head_parts and head_parts[p].rows]
        if request.replace_team:
            merged = [p for p in merged if p == ACTUALS]
        data = blob_data(conn, [head_parts[p].hash for p in merged])
        for part, facts in pushed.items():
            if part in merged:
                current = decode_facts(data[head_parts[part].hash])
                # actuals hold every team: replace_team replaces the pushed teams' actuals
                facts = replace_slices(current, facts, replace_team=request.replace_team)
            blobs[part] = facts_blob(facts)
    if request.positions is not None:
        for team, rows in request.positions.groupby(
            request.positions["team"].astype(str), sort=True
        ):
            blobs[positions_part(str(team))] = positions_blob(rows)
    for part in request.clear:
        if part in blobs:
            raise InvalidRequest(f"part {part!r} is both cleared and written", loc=("clear",))
        blobs[part] = (
            positions_blob(empty_positions())
            if is_positions_part(part)
            else facts_blob(empty_facts())
        )
    return blobs


def _check_conflicts(
    conn: Connection,
    request: PushRequest,
    head_parts: dict[str, PartInfo],
    *,
    named: dict[str, Blob],
    written: dict[str, Blob],
    current: int,
) -> None:
    """A part the push names that changed after its base is a conflict even when the pushed
    content equals the head's (a stale writer must hear of the change it did not see, not
    "nothing changed"); a written part that is approved is locked."""
    base = request.base or 0
    details: list[ConflictDetail] = []
    for part in sorted(named):
        info = head_parts.get(part)
        if info is not None and info.changed_in > base:
            version = version_info(conn, request.plan_id, info.changed_in)
            details.append(
                ConflictDetail(part, version.number, version.author, version.created_at, "changed")
            )
        if part not in written:
            continue
        # a team's positions are locked with its budget
        owner = team_part(team_of(part)) if is_positions_part(part) else part
        status = current_status(conn, request.plan_id, owner)
        if status is not None and status.status == "approved":
            details.append(ConflictDetail(part, status.version, status.actor, status.at, "locked"))
    if details:
        raise Conflict(details, base=request.base, head=current)


def _validate(
    conn: Connection,
    plan: Plan,
    request: PushRequest,
    head_parts: dict[str, PartInfo],
    blobs: dict[str, Blob],
) -> None:
    teams = {team_part(t.id) for t in plan.teams} | {positions_part(t.id) for t in plan.teams}
    unknown = [p for p in request.clear if p != ACTUALS and p not in teams]
    if unknown:
        raise InvalidRequest(
            f"cannot clear part {unknown[0]!r}; give actuals, team:<id> or positions:<id> of "
            "a team in the plan",
            loc=("clear",),
        )
    problems: list[Problem] = []
    if request.facts is not None and len(request.facts):
        problems += validate_facts(plan, request.facts, source=request.source)
    if request.company is not None:
        problems += [Problem(("company", *p.loc), p.msg) for p in validate_plan(plan)]
        kept = [
            p for p in head_parts if p != COMPANY and not is_positions_part(p) and p not in blobs
        ]
        problems += _revalidate(conn, plan, head_parts, kept)
    if problems:
        raise PlanValidationError(problems, subject=request.source)


def _revalidate(
    conn: Connection, plan: Plan, head_parts: dict[str, PartInfo], kept: list[str]
) -> list[Problem]:
    """Parts a new plan definition keeps must still be valid under it."""
    problems: list[Problem] = []
    data = blob_data(conn, [head_parts[p].hash for p in kept])
    for part in kept:
        table = decode_facts(data[head_parts[part].hash])
        if table.num_rows:
            problems += validate_facts(plan, facts_from_arrow(table), source=part)
    return problems


def _store_blobs(conn: Connection, blobs: list[Blob]) -> None:
    known = set(
        conn.scalars(select(BlobRow.hash).where(BlobRow.hash.in_([b.hash for b in blobs]))).all()
    )
    rows = [
        {"hash": b.hash, "kind": b.kind, "rows": b.rows, "size": len(b.data), "data": b.data}
        for b in {b.hash: b for b in blobs if b.hash not in known}.values()
    ]
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(BlobRow).on_conflict_do_nothing(index_elements=["hash"]), rows)


def _store_version(
    conn: Connection,
    request: PushRequest,
    *,
    author: str,
    number: int,
    head_parts: dict[str, PartInfo],
    written: dict[str, Blob],
) -> None:
    manifest = {p: i.hash for p, i in head_parts.items()} | {p: b.hash for p, b in written.items()}
    conn.execute(
        insert(VersionRow).values(
            plan_id=request.plan_id,
            number=number,
            parent=number - 1 if number > 1 else None,
            author=author,
            created_at=request.at,
            message=request.message,
            hash=version_hash(manifest),
        )
    )
    conn.execute(
        insert(VersionPart),
        [
            {"plan_id": request.plan_id, "number": number, "part": p, "blob": b.hash}
            for p, b in sorted(written.items())
        ],
    )
    conn.execute(update(PlanRow).where(PlanRow.id == request.plan_id).values(head=number))


def _drafts_again(
    conn: Connection, request: PushRequest, written: dict[str, Blob], *, number: int, author: str
) -> None:
    """A new push of a submitted or returned team part makes it a draft again."""
    for part in written:
        status = current_status(conn, request.plan_id, part)
        if status is not None and status.status in ("submitted", "returned"):
            record_status(
                conn,
                StatusEvent(
                    plan_id=request.plan_id,
                    part=part,
                    status="draft",
                    comment="a new draft was pushed",
                    actor=author,
                    at=request.at,
                    version=number,
                ),
            )
