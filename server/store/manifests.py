"""Which blob each part of a version holds, read once per process and kept.

A version's parts are the newest change of each part at or before it (``version_parts``
rows are deltas), so reading them from nothing groups the plan's whole history: 5-8 ms for
a 300-team plan a few versions old. A version never changes and history is a line (each
version's parent is the one before it), so the parts of version N are the parts of an
older version M with the changes of M+1..N laid over them. This module keeps, per process:

- every version's parts read lately (:data:`_PARTS_CACHE`), by database, plan, number and
  the version's content hash (the hash names every part's blob);
- the newest version of each plan whose parts it knows (:data:`_NEWEST`), which a push
  through this process fills from what it just wrote, once committed (:func:`remember`).

Another worker's push is met with one small query: the changes since the newest known
version. The result is checked against the version's content hash before it is used or
kept: on a mismatch (the database is not the one the memo came from) the parts are read
from nothing. So nothing here can serve another version's parts, and "latest" is never
answered from memory: the caller resolves the version in the database first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, select

from server.lru import LruCache
from server.store.parts import version_hash
from server.store.records import PartInfo, VersionInfo
from server.store.schema import BlobRow, VersionPart, VersionRow

__all__ = ["clear", "parts_of", "remember"]

_VersionKey = tuple[str, str, int, str]
"""(database, plan, number, the version's content hash)."""
_PARTS_CACHE: LruCache[_VersionKey, dict[str, PartInfo]] = LruCache(64)
"""Versions' parts by :data:`_VersionKey`."""


@dataclass(frozen=True)
class _Known:
    """The parts of one version, as read or written by this process."""

    number: int
    hash: str
    parts: dict[str, PartInfo]


_NEWEST: dict[tuple[str, str], _Known] = {}
"""(database, plan) -> its newest version whose parts this process knows."""
_LOCK = threading.Lock()


def database(engine: Engine) -> str:
    """Which database an engine reads, as the caches name it (the engine object and its URL)."""
    return f"{id(engine)}:{engine.url}"


def parts_of(
    conn: Connection, plan_id: str, number: int, version_hash: str | None = None
) -> dict[str, PartInfo]:
    """Every part of a version, by part name: for each part, its newest change at or
    before the version. Kept by the version's content hash: the next call costs one row's
    lookup (none when the caller read the hash already); the first call of a version newer
    than one known reads only the changes since."""
    if version_hash is None:
        version_hash = conn.scalar(
            select(VersionRow.hash).where(
                VersionRow.plan_id == plan_id, VersionRow.number == number
            )
        )
    if not version_hash:
        return _parts_query(conn, plan_id, number)
    db = database(conn.engine)

    def read() -> dict[str, PartInfo]:
        parts = _derived(conn, db, plan_id, number, version_hash)
        return parts if parts is not None else _parts_query(conn, plan_id, number)

    parts = _PARTS_CACHE.get((db, plan_id, number, version_hash), read)
    _note(db, plan_id, _Known(number, version_hash, parts))
    return dict(parts)


def remember(engine: Engine, version: VersionInfo) -> None:
    """Keep the parts of a version this process just committed (a push's answer holds
    them all), so that reading it needs no parts query."""
    if not version.parts:
        return
    db = database(engine)
    parts = {p.part: p for p in version.parts}
    _PARTS_CACHE.put((db, version.plan, version.number, version.hash), parts)
    _note(db, version.plan, _Known(version.number, version.hash, parts))


def clear() -> None:
    """Forget every version's parts (tests)."""
    _PARTS_CACHE.clear()
    with _LOCK:
        _NEWEST.clear()


def _note(db: str, plan_id: str, known: _Known) -> None:
    with _LOCK:
        newest = _NEWEST.get((db, plan_id))
        if newest is None or newest.number < known.number:
            _NEWEST[(db, plan_id)] = known


def _derived(
    conn: Connection, db: str, plan_id: str, number: int, expected: str
) -> dict[str, PartInfo] | None:
    """The parts of ``number`` from the newest older version known, with the changes
    since laid over them; None when no older version is known or the result does not
    have the version's content hash."""
    base = _NEWEST.get((db, plan_id))
    if base is None or base.number >= number:
        return None
    parts = dict(base.parts)
    rows = conn.execute(
        select(VersionPart.part, VersionPart.blob, BlobRow.rows, VersionPart.number)
        .join(BlobRow, BlobRow.hash == VersionPart.blob)
        .where(
            VersionPart.plan_id == plan_id,
            VersionPart.number > base.number,
            VersionPart.number <= number,
        )
        .order_by(VersionPart.number)
    )
    for r in rows:
        parts[r.part] = PartInfo(r.part, r.blob, r.rows, r.number)
    if version_hash({p: i.hash for p, i in parts.items()}) != expected:
        return None
    return {p: parts[p] for p in sorted(parts)}


def _parts_query(conn: Connection, plan_id: str, number: int) -> dict[str, PartInfo]:
    newest = (
        select(VersionPart.part, func.max(VersionPart.number).label("number"))
        .where(VersionPart.plan_id == plan_id, VersionPart.number <= number)
        .group_by(VersionPart.part)
        .subquery()
    )
    rows = conn.execute(
        select(VersionPart.part, VersionPart.blob, BlobRow.rows, VersionPart.number)
        .join(
            newest,
            (newest.c.part == VersionPart.part) & (newest.c.number == VersionPart.number),
        )
        .join(BlobRow, BlobRow.hash == VersionPart.blob)
        .where(VersionPart.plan_id == plan_id)
        .order_by(VersionPart.part)
    )
    return {r.part: PartInfo(r.part, r.blob, r.rows, r.number) for r in rows}
