"""The store's contract: what every door to a Planbook store accepts and answers, free of
SQLAlchemy so that the Excel edge can talk to a remote service without it.

Three doors satisfy :class:`StoreAPI` (mypy checks it, and one test suite runs against all
three):

- :class:`server.store.store.Store`, the embedded store over a SQLite file or PostgreSQL;
- :class:`server.client.Client`, the same store through the sync service over HTTP;
- :class:`server.auth.ActingStore`, a store used on behalf of an authenticated caller (the
  service's routes and the Office.js buttons): permissions, authorship and the
  confidential-line filter are composed there and nowhere else.

Every door records its changes under its own **actor**: the embedded store under the name it
was opened with (``Store.open(db, actor=...)``; :meth:`Store.acting_as` for another), the
client and the acting store under the token holder's name. No write method takes an author.

The records (:mod:`server.store.records`) and the error tree (:mod:`server.store.errors`)
are part of the contract and re-exported here.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd
import pyarrow as pa

from planbook.align.findings import Finding
from planbook.errors import Problem
from planbook.model import Plan
from server.store.errors import NotFound
from server.store.records import StatusChange, TagInfo, TokenInfo, VersionInfo

__all__ = [
    "ALL_FACTS",
    "FactFilter",
    "Progress",
    "PushRequest",
    "StoreAPI",
    "login_name",
    "no_progress",
    "only_plan",
]

Progress = Callable[[int, int], None]
"""Called with (done, total) while a long operation (export, import, verify) runs."""


def no_progress(done: int, total: int) -> None:
    """A :data:`Progress` that reports nothing."""


def login_name() -> str:
    """The name of the user running this process (the embedded store's default actor)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


@dataclass(frozen=True)
class PushRequest:
    """What a push writes. ``base`` is the version the changes were made on (None only for
    the first version of a new plan). ``facts`` replace the (team, scenario) slices they
    hold, every other slice stays; with ``replace_team`` each team's rows replace that
    team's whole budget (or its whole actuals) instead (:mod:`planbook.slices`). ``clear``
    empties parts outright (``team:<id>``, ``positions:<id>`` or ``actuals``). ``positions``
    (the columns of :data:`planbook.headcount.POSITION_COLUMNS`) replace the positions part of
    each team they name. The author is the door's actor (see the module docstring)."""

    plan_id: str
    base: int | None
    message: str = ""
    company: Plan | None = None
    facts: pd.DataFrame | None = None
    clear: tuple[str, ...] = ()
    source: str = "facts"
    replace_team: bool = False
    positions: pd.DataFrame | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class FactFilter:
    """Which facts to read: each given list keeps only those values; ``hidden_accounts``
    are left out (confidential accounts for roles that may not see them), except for the
    teams in ``own_teams`` (a team lead sees its own salaries)."""

    scenarios: Sequence[str] = ()
    teams: Sequence[str] = ()
    accounts: Sequence[str] = ()
    periods: Sequence[str] = ()
    hidden_accounts: Sequence[str] = ()
    own_teams: Sequence[str] = ()

    def visible(self, facts: pd.DataFrame) -> pd.DataFrame:
        """The rows of an in-memory facts frame this filter's hiding rule lets through
        (the store applies the same rule to Arrow tables when it reads)."""
        if not self.hidden_accounts:
            return facts
        keep = (
            ~facts["account"].isin(list(self.hidden_accounts))
            | facts["team"].isin(list(self.own_teams))
        ).to_numpy()
        return facts if keep.all() else facts[keep]

    def hides(self, *, team: str, account: str) -> bool:
        """Whether one (team, account) amount is hidden by this filter."""
        return account in self.hidden_accounts and team not in self.own_teams


ALL_FACTS = FactFilter()
"""No filter: every fact of a version."""


@runtime_checkable
class StoreAPI(Protocol):
    """One door to a versioned plan store (see the module docstring). Versions are named by
    ``ref``: a number, a tag or ``latest``."""

    # --- plans and versions
    def plans(self) -> list[str]:
        """Ids of every plan in the store."""
        ...

    def push(self, request: PushRequest) -> tuple[VersionInfo, bool]:
        """Store a new version: it and True, or the head and False if nothing changed."""
        ...

    def resolve(self, plan_id: str, ref: str | int = "latest") -> int:
        """A version number from a number, a tag or ``latest``."""
        ...

    def version(self, plan_id: str, ref: str | int = "latest") -> VersionInfo:
        """A version, with its parts."""
        ...

    def plan(self, plan_id: str, ref: str | int = "latest") -> Plan:
        """The plan definition of a version."""
        ...

    def facts_table(
        self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS
    ) -> tuple[int, pa.Table]:
        """A version's number and its facts as Arrow, filtered."""
        ...

    def facts(
        self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS
    ) -> pd.DataFrame:
        """A version's facts as a canonical frame, filtered."""
        ...

    def positions(self, plan_id: str, ref: str | int, team: str) -> pd.DataFrame:
        """One team's positions in a version (confidential: finance, admin and the team's
        own lead), every value as text; no rows when the version stores none."""
        ...

    def findings(
        self,
        plan_id: str,
        ref: str | int = "latest",
        *,
        scenario: str = "base",
        teams: Sequence[str] = (),
    ) -> tuple[int, list[Finding]]:
        """The version's number and its alignment report in ``scenario`` (what ``planbook
        align`` shows) over the facts the caller may see; only the findings of ``teams``
        and their departments, when given. An unknown team or scenario is a
        :class:`~planbook.errors.PlanValidationError` naming it. The service answers it from
        the report it keeps per version, without sending the facts."""
        ...

    def log(self, plan_id: str, *, limit: int | None = None) -> list[VersionInfo]:
        """Versions newest first, with the parts each changed."""
        ...

    def part_history(self, plan_id: str, part: str) -> list[VersionInfo]:
        """The versions that changed one part, newest first."""
        ...

    # --- submission status and tags
    def statuses(self, plan_id: str) -> dict[str, StatusChange | None]:
        """Each team's current submission status (None: a draft never submitted)."""
        ...

    def change_status(
        self, *, plan_id: str, team: str, action: str, comment: str = "", force: bool = False
    ) -> StatusChange:
        """Submit, approve, return or reopen a team's budget. Approving a team with blocking
        alignment findings needs ``force``, and the change records that it was forced."""
        ...

    def status_history(self, plan_id: str, part: str | None = None) -> list[StatusChange]:
        """Every status change (of one part, or all), oldest first."""
        ...

    def tags(self, plan_id: str) -> list[TagInfo]:
        """``latest`` and every named tag."""
        ...

    def set_tag(self, *, plan_id: str, name: str, ref: str | int) -> TagInfo:
        """Pin a tag on a version (moving it if it exists)."""
        ...

    def delete_tag(self, *, plan_id: str, name: str) -> TagInfo:
        """Remove a tag."""
        ...

    def tag_history(self, plan_id: str) -> list[TagInfo]:
        """Every tag move, oldest first."""
        ...

    # --- backup and checks
    def export(self, path: Path, progress: Progress = no_progress) -> int:
        """Write the whole store to a zip file; returns the number of blobs."""
        ...

    def import_(self, path: Path, progress: Progress = no_progress) -> int:
        """Load an export into this (empty) store, all or nothing."""
        ...

    def verify(self, progress: Progress = no_progress) -> list[Problem]:
        """Every problem found checking blobs against hashes and versions against parts."""
        ...

    # --- tokens
    def create_token(
        self, *, name: str, role: str, teams: tuple[str, ...] = ()
    ) -> tuple[TokenInfo, str]:
        """A new API token and its secret, shown once."""
        ...

    def tokens(self) -> list[TokenInfo]:
        """Every token (no secrets)."""
        ...

    def revoke_token(self, token_id: int) -> TokenInfo:
        """Revoke a token."""
        ...

    def close(self) -> None:
        """Release what this door holds (connections)."""
        ...


def only_plan(store: StoreAPI, *, hint: str = "say which plan to use") -> str:
    """The id of the store's one plan, for a caller that names none; ``hint`` tells the
    reader how to name one where they are (a CLI option, a settings key)."""
    plans = store.plans()
    if len(plans) != 1:
        found = ", ".join(plans) if plans else "none"
        raise NotFound(f"{hint}; the store holds these plans: {found}", loc=("plan",))
    return plans[0]
