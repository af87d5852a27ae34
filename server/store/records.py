"""What the store answers with: plain, immutable records (the service turns them into JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["PartInfo", "StatusChange", "TagInfo", "VersionInfo"]


@dataclass(frozen=True)
class PartInfo:
    """One part of a version: its blob, its row count and the version that last changed it."""

    part: str
    hash: str
    rows: int
    changed_in: int


@dataclass(frozen=True)
class VersionInfo:
    """An immutable version: who made it, when, why, its content hash and what it changed."""

    plan: str
    number: int
    parent: int | None
    author: str
    created_at: datetime
    message: str
    hash: str
    changed: tuple[str, ...] = ()
    parts: tuple[PartInfo, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class StatusChange:
    """A submission status change of a team part (the last one is the part's status)."""

    part: str
    status: str
    comment: str
    actor: str
    at: datetime
    version: int


@dataclass(frozen=True)
class TagInfo:
    """A named pin on a version (``version`` is None once the tag was deleted)."""

    name: str
    version: int | None
    actor: str = ""
    at: datetime | None = None
