"""The store's one entry point: :class:`Store`, over a SQLite file or a PostgreSQL database.

Every method runs in its own database transaction; the store keeps no state between calls
that matters for correctness (only caches of what never changes: parsed plan definitions by
content hash, versions' parts checked against their content hash, decoded parts), so
several processes may share one database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine, select

from planbook.align.findings import Finding
from planbook.errors import Problem
from planbook.facts import facts_from_arrow
from planbook.model import Plan
from server.store import answers, backup, manifests, read, tokens, workflow
from server.store.contract import (
    ALL_FACTS,
    FactFilter,
    Progress,
    PushRequest,
    login_name,
    no_progress,
)
from server.store.db import is_current, make_engine, migrate, transaction
from server.store.errors import ConcurrentWrite, InvalidRequest
from server.store.push import push
from server.store.records import StatusChange, TagInfo, TokenInfo, VersionInfo
from server.store.schema import PlanRow
from server.store.text import check_text

__all__ = ["AfterPush", "Store"]

_log = logging.getLogger(__name__)

AfterPush = Callable[[VersionInfo], None]
"""What a store tells of each version a push created, after it is committed."""


def _check_actor(actor: str) -> None:
    if not actor.strip() or len(actor) > 200:
        raise InvalidRequest(
            "the author must be 1 to 200 characters (a name or an e-mail address)",
            loc=("author",),
        )
    check_text(actor, loc=("author",))


class Store:
    """A versioned snapshot store of plans (a :class:`StoreAPI` door). Open with
    :meth:`open`; changes are recorded under ``actor`` (default: the login name)."""

    def __init__(
        self,
        engine: Engine,
        *,
        actor: str = "",
        owns_engine: bool = True,
        after_push: AfterPush | None = None,
    ) -> None:
        self.engine = engine
        self.actor = actor or login_name()
        self._owns_engine = owns_engine
        self.after_push = after_push
        """Told of every version a push through this store (or a view of it) created, once
        it is committed (the service warms its pull answers); what it raises is ignored."""

    @classmethod
    def open(cls, db: str | Path, *, upgrade: bool = True, actor: str = "") -> Store:
        """Open (and by default create or upgrade) the store at a SQLite path or a URL."""
        store = cls(make_engine(db), actor=actor)
        if upgrade:
            migrate(store.engine)
        elif not is_current(store.engine):
            raise InvalidRequest(
                f"the store at {db} uses an older schema; an admin upgrades it by starting "
                "the service on it once (planbook serve)"
            )
        return store

    def acting_as(self, actor: str) -> Store:
        """The same store (same connections) recording its changes under ``actor``."""
        return Store(self.engine, actor=actor, owns_engine=False, after_push=self.after_push)

    def close(self) -> None:
        """Release the database connections (a view made by :meth:`acting_as` leaves them
        to the store it came from)."""
        if self._owns_engine:
            self.engine.dispose()

    # --- plans and versions -------------------------------------------------------------

    def plans(self) -> list[str]:
        """Ids of every plan in the store."""
        with transaction(self.engine) as conn:
            return list(conn.scalars(select(PlanRow.id).order_by(PlanRow.id)))

    def push(self, request: PushRequest) -> tuple[VersionInfo, bool]:
        """Store a new version (see :func:`server.store.push.push`)."""
        _check_actor(self.actor)
        with transaction(self.engine, write=True) as conn:
            version, created = push(conn, request, author=self.actor)
        if created:  # committed: reading it back needs no parts query
            manifests.remember(self.engine, version)
        if created and self.after_push is not None:
            try:
                self.after_push(version)
            except Exception:  # a derived answer's trouble never fails a committed push
                _log.exception("after a push of %s v%s", version.plan, version.number)
        return version, created

    def resolve(self, plan_id: str, ref: str | int = "latest") -> int:
        """A version number from a number, a tag or ``latest``."""
        with transaction(self.engine) as conn:
            return read.resolve(conn, plan_id, ref)

    def version(self, plan_id: str, ref: str | int = "latest") -> VersionInfo:
        """A version, with its parts."""
        with transaction(self.engine) as conn:
            return read.version_info(conn, plan_id, ref)

    def version_plan(self, plan_id: str, ref: str | int = "latest") -> tuple[VersionInfo, Plan]:
        """A version and its plan definition, in one transaction (a pull needs both)."""
        with transaction(self.engine) as conn:
            info = read.version_info(conn, plan_id, ref)
            parts = read.parts_of(conn, plan_id, info.number, info.hash)
            return info, read.plan_of(conn, parts)

    def plan(self, plan_id: str, ref: str | int = "latest") -> Plan:
        """The plan definition of a version."""
        with transaction(self.engine) as conn:
            row = read.version_row(conn, plan_id, ref)
            return read.plan_of(conn, read.parts_of(conn, plan_id, row.number, row.hash))

    def facts_table(
        self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS
    ) -> tuple[int, pa.Table]:
        """A version's number and its facts as Arrow, filtered."""
        with transaction(self.engine) as conn:
            row = read.version_row(conn, plan_id, ref)
            return row.number, read.read_facts(conn, plan_id, row.number, wanted, row.hash)

    def facts(
        self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS
    ) -> pd.DataFrame:
        """A version's facts as a canonical frame, filtered."""
        return facts_from_arrow(self.facts_table(plan_id, ref, wanted)[1])

    def positions(self, plan_id: str, ref: str | int, team: str) -> pd.DataFrame:
        """One team's positions in a version, every value as text."""
        with transaction(self.engine) as conn:
            number = read.resolve(conn, plan_id, ref)
            return read.positions_of(conn, plan_id, number, team)

    def findings(
        self,
        plan_id: str,
        ref: str | int = "latest",
        *,
        scenario: str = "base",
        teams: Sequence[str] = (),
    ) -> tuple[int, list[Finding]]:
        """The version's alignment report (every account is visible here)."""
        from server.alignment import version_findings  # the report's rules: used rarely

        number, _, found = version_findings(self, plan_id, ref, scenario=scenario, teams=teams)
        return number, found

    def log(self, plan_id: str, *, limit: int | None = None) -> list[VersionInfo]:
        """Versions newest first, with the parts each changed."""
        with transaction(self.engine) as conn:
            return read.log(conn, plan_id, limit=limit)

    def part_history(self, plan_id: str, part: str) -> list[VersionInfo]:
        """The versions that changed one part, newest first."""
        with transaction(self.engine) as conn:
            return read.part_history(conn, plan_id, part)

    # --- submission status and tags -----------------------------------------------------

    def statuses(self, plan_id: str) -> dict[str, StatusChange | None]:
        """Each team's current submission status (None: a draft never submitted)."""
        with transaction(self.engine) as conn:
            head = read.head(conn, plan_id)
            plan = read.plan_of(conn, read.parts_of(conn, plan_id, head))
            return workflow.statuses(conn, plan_id, [t.id for t in plan.teams])

    def change_status(
        self, *, plan_id: str, team: str, action: str, comment: str = "", force: bool = False
    ) -> StatusChange:
        """Submit, approve, return or reopen a team's budget (approving past blocking
        alignment findings needs ``force``)."""
        _check_actor(self.actor)
        with transaction(self.engine, write=True) as conn:
            return workflow.change_status(
                conn,
                plan_id=plan_id,
                team=team,
                action=action,
                actor=self.actor,
                comment=comment,
                force=force,
            )

    def status_history(self, plan_id: str, part: str | None = None) -> list[StatusChange]:
        """Every status change, oldest first."""
        with transaction(self.engine) as conn:
            read.head(conn, plan_id)
            return workflow.status_history(conn, plan_id, part)

    def tags(self, plan_id: str) -> list[TagInfo]:
        """``latest`` and every named tag."""
        with transaction(self.engine) as conn:
            return workflow.tags(conn, plan_id)

    def set_tag(self, *, plan_id: str, name: str, ref: str | int) -> TagInfo:
        """Pin a tag on a version (moving it if it exists)."""
        _check_actor(self.actor)
        with transaction(self.engine, write=True) as conn:
            number = read.resolve(conn, plan_id, ref)
            return workflow.set_tag(
                conn, plan_id=plan_id, name=name, version=number, actor=self.actor
            )

    def delete_tag(self, *, plan_id: str, name: str) -> TagInfo:
        """Remove a tag."""
        _check_actor(self.actor)
        with transaction(self.engine, write=True) as conn:
            return workflow.delete_tag(conn, plan_id=plan_id, name=name, actor=self.actor)

    def tag_history(self, plan_id: str) -> list[TagInfo]:
        """Every tag move, oldest first."""
        with transaction(self.engine) as conn:
            read.head(conn, plan_id)
            return workflow.tag_history(conn, plan_id)

    # --- backup and checks --------------------------------------------------------------

    def export(self, path: Path, progress: Progress = no_progress) -> int:
        """Write the whole store to a file; returns the number of blobs."""
        with transaction(self.engine, snapshot=True) as conn:
            return backup.export_store(conn, path, progress)

    def import_(self, path: Path, progress: Progress = no_progress) -> int:
        """Load an export into this (empty) store, all or nothing."""
        with transaction(self.engine, write=True) as conn:
            return backup.import_store(conn, path, progress)

    def verify(self, progress: Progress = no_progress) -> list[Problem]:
        """Every problem found checking blobs against hashes and versions against parts."""
        with transaction(self.engine, snapshot=True) as conn:
            return backup.verify_store(conn, progress)

    # --- encoded answers (derived data: server.store.answers) --------------------------

    def answer(self, key: str) -> bytes | None:
        """The kept encoded answer with this key (None: not kept)."""
        with transaction(self.engine) as conn:
            return answers.answer(conn, key)

    def keep_answer(self, *, key: str, plan_id: str, data: bytes, cap: int) -> bool:
        """Keep an encoded answer, the oldest dropped past ``cap`` bytes (False: kept
        already, or too large)."""
        try:
            with transaction(self.engine, write=True) as conn:
                return answers.keep_answer(conn, key=key, plan_id=plan_id, data=data, cap=cap)
        except ConcurrentWrite:  # another worker kept the same answer at the same moment
            return False

    def kept_answers(self) -> dict[str, int]:
        """Every kept answer's key and size."""
        with transaction(self.engine) as conn:
            return answers.kept_answers(conn)

    # --- tokens -------------------------------------------------------------------------

    def create_token(
        self, *, name: str, role: str, teams: tuple[str, ...] = ()
    ) -> tuple[TokenInfo, str]:
        """A new API token and its secret, shown once."""
        with transaction(self.engine, write=True) as conn:
            return tokens.create_token(conn, name=name, role=role, teams=teams)

    def find_token(self, secret: str) -> TokenInfo | None:
        """The live token with this secret."""
        with transaction(self.engine) as conn:
            return tokens.find_token(conn, secret)

    def tokens(self) -> list[TokenInfo]:
        """Every token (no secrets)."""
        with transaction(self.engine) as conn:
            return tokens.list_tokens(conn)

    def revoke_token(self, token_id: int) -> TokenInfo:
        """Revoke a token."""
        with transaction(self.engine, write=True) as conn:
            return tokens.revoke_token(conn, token_id)
