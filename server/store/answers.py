"""Encoded facts answers kept in the store, shared by every worker and surviving restarts.

An answer (the Parquet bytes of a facts pull) is derived data: it is addressed by a key the
service computes from everything its bytes depend on (the format and its writer, the filter
as the caller's role may see it, and the blobs of the parts it reads; see
:func:`server.api.answers.answer_key`), so a kept answer is never stale and never shared
between callers who may see different rows. The table is bounded: past ``cap`` bytes the
answers made longest ago are deleted. It is not part of an export, and deleting its rows
loses nothing but time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, func, insert, select

from server.store.schema import AnswerRow

__all__ = ["answer", "keep_answer", "kept_answers"]


def answer(conn: Connection, key: str) -> bytes | None:
    """The kept answer with this key (None: not kept)."""
    data: bytes | None = conn.scalar(select(AnswerRow.data).where(AnswerRow.key == key))
    return data


def kept_answers(conn: Connection) -> dict[str, int]:
    """Every kept answer's key and size in bytes."""
    return {r.key: r.size for r in conn.execute(select(AnswerRow.key, AnswerRow.size))}


def keep_answer(conn: Connection, *, key: str, plan_id: str, data: bytes, cap: int) -> bool:
    """Keep an answer (False: already kept, or larger than ``cap``), then delete the answers
    made longest ago until the kept ones fit in ``cap`` bytes."""
    if len(data) > cap or conn.scalar(select(AnswerRow.key).where(AnswerRow.key == key)):
        return False
    conn.execute(
        insert(AnswerRow).values(
            key=key, plan_id=plan_id, size=len(data), made_at=datetime.now(UTC), data=data
        )
    )
    total = conn.scalar(select(func.coalesce(func.sum(AnswerRow.size), 0))) or 0
    if total > cap:
        oldest = conn.execute(
            select(AnswerRow.key, AnswerRow.size)
            .where(AnswerRow.key != key)
            .order_by(AnswerRow.made_at, AnswerRow.key)
        )
        drop = []
        for row in oldest:
            if total <= cap:
                break
            drop.append(row.key)
            total -= row.size
        conn.execute(delete(AnswerRow).where(AnswerRow.key.in_(drop)))
    return True
