"""The store's tables (SQLAlchemy 2 declarative models). Alembic migrations create them.

- ``plans``: one row per plan (company), with its head version number. A push locks this
  row, which serializes writes to one plan across processes and hosts.
- ``blobs``: content-addressed part blobs, shared by every version that holds them.
- ``versions`` and ``version_parts``: immutable versions, and the parts each version gave
  new content (a delta: a version's full manifest is, for every part, the newest row at or
  before it). So a push writes rows for what it changed only, whatever the company's size.
- ``status_events``: every submission status change of a team part; the last one is current.
- ``tags`` and ``tag_events``: named pins, and every move of them.
- ``tokens``: API tokens, only their SHA-256 hash is kept.
- ``answers``: encoded facts answers the service keeps (derived from blobs, addressed by
  what they were made from; never exported, and safe to delete).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "BlobRow",
    "PlanRow",
    "StatusEvent",
    "Tag",
    "TagEvent",
    "TokenRow",
    "VersionPart",
    "VersionRow",
]

_ID = String(64)
_PART = String(80)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


_TIME = UTCDateTime()


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class PlanRow(Base):
    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(_ID, primary_key=True)
    head: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(_TIME)


class BlobRow(Base):
    __tablename__ = "blobs"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class VersionRow(Base):
    __tablename__ = "versions"

    plan_id: Mapped[str] = mapped_column(_ID, ForeignKey("plans.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(_TIME)
    message: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64))


class VersionPart(Base):
    __tablename__ = "version_parts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["plan_id", "number"], ["versions.plan_id", "versions.number"], ondelete="CASCADE"
        ),
        Index("ix_version_parts_part", "plan_id", "part", "number"),
    )

    plan_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    part: Mapped[str] = mapped_column(_PART, primary_key=True)
    blob: Mapped[str] = mapped_column(String(64), ForeignKey("blobs.hash"))


class StatusEvent(Base):
    __tablename__ = "status_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(_ID, ForeignKey("plans.id"), index=True)
    part: Mapped[str] = mapped_column(_PART)
    status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(_TIME)
    version: Mapped[int] = mapped_column(Integer)


class Tag(Base):
    __tablename__ = "tags"

    plan_id: Mapped[str] = mapped_column(_ID, ForeignKey("plans.id"), primary_key=True)
    name: Mapped[str] = mapped_column(_ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class TagEvent(Base):
    __tablename__ = "tag_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(_ID, ForeignKey("plans.id"), index=True)
    name: Mapped[str] = mapped_column(_ID)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(_TIME)


class TokenRow(Base):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    teams: Mapped[str] = mapped_column(Text, default="")
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(_TIME)
    revoked_at: Mapped[datetime | None] = mapped_column(_TIME, nullable=True)


class AnswerRow(Base):
    """An encoded facts answer (:mod:`server.store.answers`): derived, bounded, not backed up."""

    __tablename__ = "answers"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[str] = mapped_column(_ID)
    size: Mapped[int] = mapped_column(BigInteger)
    made_at: Mapped[datetime] = mapped_column(_TIME, index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
