"""Reading the store: resolving version references, parts, plans, facts and history."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy import Connection, bindparam, select

from planbook.model import Plan
from planbook.positions import empty_positions
from server.lru import LruCache
from server.store.assemble import assemble
from server.store.contract import ALL_FACTS, FactFilter
from server.store.decoded import decoded_parts
from server.store.errors import NotFound
from server.store.manifests import database, parts_of
from server.store.parts import (
    ACTUALS,
    COMPANY,
    decode_plan,
    decode_positions,
    is_team_part,
    positions_part,
    team_part,
)
from server.store.records import PartInfo, VersionInfo
from server.store.schema import BlobRow, PlanRow, Tag, VersionPart, VersionRow

__all__ = [
    "ALL_FACTS",
    "FactFilter",
    "blob_data",
    "head",
    "log",
    "part_history",
    "parts_of",
    "plan_of",
    "read_facts",
    "resolve",
    "version_info",
    "version_row",
    "wanted_parts",
]

_VersionKey = tuple[str, str, int, str]
"""(database, plan, number, the version's content hash)."""
_PLAN_CACHE: LruCache[str, Plan] = LruCache(16)
"""Parsed company parts by content hash: immutable, so safe to share across requests."""
_INFO_CACHE: LruCache[_VersionKey, VersionInfo] = LruCache(64)
"""Versions with their parts, kept like their parts (:mod:`server.store.manifests`)."""


def head(conn: Connection, plan_id: str) -> int:
    """The newest version number of a plan (NotFound if there is no such plan)."""
    number = conn.scalar(select(PlanRow.head).where(PlanRow.id == plan_id))
    if number is None:
        raise NotFound(f"there is no plan {plan_id!r} in the store", loc=("plan",))
    return number


def resolve(conn: Connection, plan_id: str, ref: str | int) -> int:
    """A version number from a number, a tag name or ``latest``."""
    newest = head(conn, plan_id)
    text = str(ref).strip()
    if text == "latest":
        if newest == 0:
            raise NotFound(f"plan {plan_id!r} has no version yet", loc=("version",))
        return newest
    if re.fullmatch(r"v?\d+", text):
        number = int(text.lstrip("v"))
        if not 1 <= number <= newest:
            raise NotFound(
                f"plan {plan_id!r} has no version {number}; versions are 1 to {newest}",
                loc=("version",),
            )
        return number
    tagged = conn.scalar(select(Tag.version).where(Tag.plan_id == plan_id, Tag.name == text))
    if tagged is None:
        raise NotFound(
            f"{text!r} is neither a version number, 'latest', nor a tag of plan {plan_id!r}",
            loc=("version",),
        )
    return tagged


def blob_data(conn: Connection, hashes: Iterable[str]) -> dict[str, bytes]:
    """The bytes of blobs by hash."""
    wanted = list(hashes)
    found: dict[str, bytes] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = conn.execute(select(BlobRow.hash, BlobRow.data).where(BlobRow.hash.in_(chunk)))
        found.update({r.hash: r.data for r in rows})
    return found


def plan_of(conn: Connection, parts: dict[str, PartInfo]) -> Plan:
    """The plan definition (company part) of a version."""
    blob = parts[COMPANY].hash
    return _PLAN_CACHE.get(blob, lambda: decode_plan(blob_data(conn, [blob])[blob]))


def version_row(conn: Connection, plan_id: str, ref: str | int) -> Any:
    """The number and content hash of the version a reference names, in one query for a
    number or ``latest`` (the precise NotFound of :func:`resolve` when there is none). The
    hash names everything else of the version: :func:`version_info` keeps the rest by it."""
    text = str(ref).strip()
    if re.fullmatch(r"v?\d+", text):
        number = int(text.lstrip("v"))
        if number > _LARGEST:  # past any head, and past the database's integer
            resolve(conn, plan_id, text)  # says so
    elif text == "latest":
        number = None
    else:
        number = resolve(conn, plan_id, text)
    if number is None:
        row = conn.execute(_LATEST, {"plan": plan_id}).one_or_none()
    else:
        row = conn.execute(_NUMBERED, {"plan": plan_id, "number": number}).one_or_none()
    if row is None:
        resolve(conn, plan_id, ref)  # says why
        raise NotFound(f"plan {plan_id!r} has no version {text}", loc=("version",))
    return row


_LARGEST = 2**31 - 1
"""The largest version number the ``versions`` table holds (PostgreSQL's ``integer``)."""
_NUMBERED = select(VersionRow.number, VersionRow.hash).where(
    VersionRow.plan_id == bindparam("plan"), VersionRow.number == bindparam("number")
)
_LATEST = (
    select(VersionRow.number, VersionRow.hash)
    .join(PlanRow, (PlanRow.id == VersionRow.plan_id) & (PlanRow.head == VersionRow.number))
    .where(VersionRow.plan_id == bindparam("plan"))
)
"""Built once: building a statement costs more than running it (0.2 ms against 0.1 ms on
SQLite), and every pull runs one of these."""


def version_info(conn: Connection, plan_id: str, ref: str | int) -> VersionInfo:
    """A version with its parts (kept like its parts: a version row never changes)."""
    number, version_hash = version_row(conn, plan_id, ref)

    def made() -> VersionInfo:
        row = conn.execute(
            select(VersionRow).where(VersionRow.plan_id == plan_id, VersionRow.number == number)
        ).one()
        parts = parts_of(conn, plan_id, number, version_hash)
        changed = tuple(p.part for p in parts.values() if p.changed_in == number)
        return _info(row, changed, tuple(parts.values()))

    return _INFO_CACHE.get((database(conn.engine), plan_id, number, version_hash), made)


def _info(row: Any, changed: tuple[str, ...], parts: tuple[PartInfo, ...] = ()) -> VersionInfo:
    return VersionInfo(
        plan=row.plan_id,
        number=row.number,
        parent=row.parent,
        author=row.author,
        created_at=row.created_at,
        message=row.message,
        hash=row.hash,
        changed=changed,
        parts=parts,
    )


def log(conn: Connection, plan_id: str, *, limit: int | None = None) -> list[VersionInfo]:
    """The plan's versions, newest first, each with the parts it changed."""
    head(conn, plan_id)
    query = select(VersionRow).where(VersionRow.plan_id == plan_id)
    rows = conn.execute(query.order_by(VersionRow.number.desc()).limit(limit)).all()
    changed = _changed_parts(conn, plan_id, [r.number for r in rows])
    return [_info(r, tuple(changed.get(r.number, ()))) for r in rows]


def part_history(conn: Connection, plan_id: str, part: str) -> list[VersionInfo]:
    """The versions that gave one part new content, newest first."""
    head(conn, plan_id)
    rows = conn.execute(
        select(VersionRow)
        .join(
            VersionPart,
            (VersionPart.plan_id == VersionRow.plan_id) & (VersionPart.number == VersionRow.number),
        )
        .where(
            VersionRow.plan_id == plan_id,
            VersionPart.part == part,
        )
        .order_by(VersionRow.number.desc())
    ).all()
    return [_info(r, (part,)) for r in rows]


def _changed_parts(conn: Connection, plan_id: str, numbers: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not numbers:
        return out
    rows = conn.execute(
        select(VersionPart.number, VersionPart.part)
        .where(
            VersionPart.plan_id == plan_id,
            VersionPart.number.between(min(numbers), max(numbers)),
        )
        .order_by(VersionPart.part)
    )
    for r in rows:
        out.setdefault(r.number, []).append(r.part)
    return out


def read_facts(
    conn: Connection,
    plan_id: str,
    number: int,
    wanted: FactFilter = ALL_FACTS,
    version_hash: str | None = None,
) -> pa.Table:
    """The facts of a version as one Arrow table (one chunk a column, keys
    dictionary-encoded with sorted dictionaries), filtered; only needed parts are read.

    Parts are decoded (or found decoded in a bounded cache by blob hash) one scenario at a
    time, only the wanted ones, then put end to end and filtered by code
    (:func:`server.store.assemble.assemble`)."""
    parts = parts_of(conn, plan_id, number, version_hash)
    plan = plan_of(conn, parts)
    names = wanted_parts(plan, parts, wanted)
    slices = decoded_parts(
        [parts[n].hash for n in names], lambda hs: blob_data(conn, hs), wanted.scenarios
    )
    return assemble(slices, wanted)


def wanted_parts(plan: Plan, parts: dict[str, PartInfo], wanted: FactFilter) -> list[str]:
    """The fact parts that hold the rows ``wanted`` asks for (sorted by part name)."""
    actual_ids = {s.id for s in plan.scenarios if s.actuals}
    scenarios = set(wanted.scenarios)
    names = []
    if ACTUALS in parts and (not scenarios or scenarios & actual_ids):
        names.append(ACTUALS)
    if not scenarios or scenarios - actual_ids:
        if wanted.teams:
            names += [n for n in map(team_part, set(wanted.teams)) if n in parts]
        else:
            names += [name for name in parts if is_team_part(name)]
    return sorted(names)


def positions_of(conn: Connection, plan_id: str, number: int, team: str) -> pd.DataFrame:
    """One team's stored positions in a version (no rows when it stores none)."""
    part = parts_of(conn, plan_id, number).get(positions_part(team))
    if part is None:
        return empty_positions()
    return decode_positions(blob_data(conn, [part.hash])[part.hash])
