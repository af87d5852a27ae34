"""What the store answers with: plain, immutable records, and their one JSON form.

:func:`to_json` and :func:`from_json` are the only translation of a record to and from JSON
(the service's answers, the client, the add-in's cache folder): the dataclass is the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pydantic import TypeAdapter

__all__ = [
    "PartInfo",
    "StatusChange",
    "TagInfo",
    "TokenInfo",
    "VersionInfo",
    "from_json",
    "to_json",
]

R = TypeVar("R")


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


@dataclass(frozen=True)
class TokenInfo:
    """A token's identity and rights (never its secret)."""

    id: int
    name: str
    role: str
    teams: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None = None


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(cls: type[Any]) -> TypeAdapter[Any]:
    if cls not in _ADAPTERS:
        _ADAPTERS[cls] = TypeAdapter(cls)
    return _ADAPTERS[cls]


def to_json(record: object) -> dict[str, Any]:
    """A record (any dataclass of the contract) as JSON-ready data: times as ISO 8601."""
    data: dict[str, Any] = _adapter(type(record)).dump_python(record, mode="json")
    return data


def from_json(cls: type[R], data: Any) -> R:
    """A record of type ``cls`` from its :func:`to_json` form (checked; extra keys ignored)."""
    record: R = _adapter(cls).validate_python(data)
    return record
