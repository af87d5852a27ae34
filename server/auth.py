"""Who is calling, and what their role lets them do.

Bearer tokens: the service hashes the presented token and looks it up (only hashes are
stored). The bootstrap secret (``PLANBOOK_SECRET``) acts as an admin token so the first
tokens can be created through the API. Roles:

| role | reads | confidential accounts | pushes | workflow | tags | tokens, backup |
|---|---|---|---|---|---|---|
| admin | all | yes | all parts | all steps | yes | yes |
| finance | all | yes | all parts | all steps | yes | no |
| lead | all | own teams only | own teams' budgets | submit own teams | no | no |
| viewer | all | no | no | no | no | no |
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pandas as pd
import pyarrow as pa

from planbook.align.findings import Finding
from planbook.confidential import confidential_accounts
from planbook.errors import Problem
from planbook.facts import facts_from_arrow
from planbook.model import Plan
from server.store.contract import ALL_FACTS, FactFilter, Progress, PushRequest, StoreAPI
from server.store.contract import no_progress as _quiet
from server.store.errors import AccessDenied, NotAuthenticated
from server.store.parts import (
    ACTUALS,
    COMPANY,
    actual_rows,
    is_positions_part,
    is_team_part,
    positions_part,
    team_of,
    team_part,
)
from server.store.records import StatusChange, TagInfo, TokenInfo, VersionInfo

if TYPE_CHECKING:  # the embedded store needs SQLAlchemy; the add-in imports this module
    from server.store.store import Store

__all__ = [
    "ActingStore",
    "Principal",
    "TokenFinder",
    "authenticate",
    "hidden_filter",
    "pushed_parts",
]


@dataclass(frozen=True)
class Principal:
    """The caller: a name (recorded as author), a role and, for leads, their teams."""

    name: str
    role: str
    teams: tuple[str, ...] = ()

    @property
    def sees_confidential(self) -> bool:
        """Admin and finance see salaries; leads see only their own teams'."""
        return self.role in ("admin", "finance")

    @property
    def is_admin(self) -> bool:
        """Whether the caller may manage tokens and back up or restore the store."""
        return self.role == "admin"

    def require(self, *roles: str, doing: str) -> None:
        """Refuse unless the caller has one of ``roles``."""
        if self.role not in roles:
            raise AccessDenied(
                f"{doing} needs the role {' or '.join(roles)}; your token "
                f"({self.name}) is {self.role}",
                loc=("authorization",),
            )

    def check_parts(self, parts: set[str]) -> None:
        """A lead may write only its own teams' budget parts."""
        if self.role in ("admin", "finance"):
            return
        self.require("admin", "finance", "lead", doing="pushing")
        for part in sorted(parts):
            if part in (COMPANY, ACTUALS) or not (is_team_part(part) or is_positions_part(part)):
                raise AccessDenied(
                    f"only finance may change the {part} part; your token is a team lead's",
                    loc=("parts", part),
                )
            if team_of(part) not in self.teams:
                raise AccessDenied(
                    f"your token may push only for {', '.join(self.teams)}, not for team "
                    f"{team_of(part)!r}",
                    loc=("parts", part),
                )

    def check_positions(self, team: str) -> None:
        """Positions carry salaries: finance, admin and the team's own lead read them."""
        if self.sees_confidential or (self.role == "lead" and team in self.teams):
            return
        raise AccessDenied(
            f"team {team!r}'s positions are confidential (they hold salaries); your token "
            f"({self.name}, {self.role}) may not read them",
            loc=("positions", team),
        )

    def check_push(self, store: StoreAPI, request: PushRequest) -> None:
        """Refuse a push that writes a part this caller may not write."""
        if self.role not in ("admin", "finance"):
            self.check_parts(pushed_parts(store, request))

    def check_status(self, team: str, action: str) -> None:
        """Leads submit their own teams; finance (and admin) do every step."""
        if self.role in ("admin", "finance"):
            return
        if self.role == "lead" and action == "submit" and team in self.teams:
            return
        if self.role == "lead" and action == "submit":
            raise AccessDenied(
                f"your token may submit only {', '.join(self.teams)}, not team {team!r}",
                loc=("team",),
            )
        raise AccessDenied(
            f"{action} needs the role finance or admin; your token is {self.role}",
            loc=("action",),
        )

    def check_body(self, path: str) -> None:
        """Refuse a request body this caller may never send to ``path``, before it is read:
        every body under ``/api/v1`` is a write (none a viewer may make); tokens and imports
        are admin's, tags admin's and finance's. The route still checks the write itself."""
        if not path.startswith("/api/v1/"):
            return  # the Office.js calls: every role
        for pattern, roles, doing in _BODY_RULES:
            if pattern.search(path):
                self.require(*roles, doing=doing)
                return


_BODY_RULES = (
    (re.compile(r"^/api/v1/(import|tokens)/?$"), ("admin",), "creating tokens or importing"),
    (re.compile(r"^/api/v1/plans/[^/]+/tags(/|$)"), ("admin", "finance"), "moving a tag"),
    (re.compile(r"^/api/v1/"), ("admin", "finance", "lead"), "changing the store"),
)


class TokenFinder(Protocol):
    """What authentication needs of a store: the live token with a secret."""

    def find_token(self, secret: str) -> TokenInfo | None:
        """The live token with this secret (None: unknown or revoked)."""
        ...


def authenticate(store: TokenFinder, header: str | None, *, secret: str) -> Principal:
    """The principal behind an ``Authorization: Bearer ...`` header."""
    if not header or not header.lower().startswith("bearer ") or not header[7:].strip():
        raise NotAuthenticated(
            "send an API token as 'Authorization: Bearer <token>'; an admin issues tokens",
            loc=("header", "authorization"),
        )
    token = header[7:].strip()
    if secret and hmac.compare_digest(token.encode(), secret.encode()):
        return Principal("admin (bootstrap secret)", "admin")
    info = store.find_token(token)
    if info is None:
        raise NotAuthenticated(
            "the API token is unknown or revoked; ask an admin for a new one",
            loc=("header", "authorization"),
        )
    return Principal(info.name, info.role, info.teams)


def hidden_filter(principal: Principal, plan: Plan, wanted: FactFilter) -> FactFilter:
    """The filter with the confidential accounts this caller may not see."""
    if principal.sees_confidential:
        return wanted
    hidden = sorted(confidential_accounts(plan))
    return FactFilter(
        scenarios=wanted.scenarios,
        teams=wanted.teams,
        accounts=wanted.accounts,
        periods=wanted.periods,
        hidden_accounts=hidden,
        own_teams=principal.teams if principal.role == "lead" else (),
    )


def pushed_parts(store: StoreAPI, request: PushRequest) -> set[str]:
    """The parts a push writes: the company part, each team whose budget facts it holds,
    the actuals part, and the parts it clears."""
    parts = set(request.clear)
    if request.company is not None:
        parts.add(COMPANY)
    facts = request.facts
    if facts is not None and len(facts):
        is_actual = actual_rows(request.company or store.plan(request.plan_id), facts)
        parts |= {team_part(t) for t in set(facts["team"].astype(str)[~is_actual])}
        if is_actual.any():
            parts.add(ACTUALS)
    if request.positions is not None:
        parts |= {positions_part(t) for t in set(request.positions["team"].astype(str))}
    return parts


class ActingStore:
    """A store used on behalf of an authenticated caller: the one place where permissions,
    authorship and the confidential-line filter meet the store (a :class:`StoreAPI` door).

    The service's routes and the Office.js buttons use it: reads leave out the confidential
    accounts the caller may not see; pushes, status changes and tag moves are checked against
    the caller's role and recorded under the caller's name; tokens and backups are admin's.
    It does not own the store: :meth:`close` leaves it open for whoever opened it."""

    def __init__(self, store: Store, principal: Principal) -> None:
        self.principal = principal
        self.store = store.acting_as(principal.name)

    # --- reads: every role
    def plans(self) -> list[str]:
        return self.store.plans()

    def resolve(self, plan_id: str, ref: str | int = "latest") -> int:
        return self.store.resolve(plan_id, ref)

    def version(self, plan_id: str, ref: str | int = "latest") -> VersionInfo:
        return self.store.version(plan_id, ref)

    def plan(self, plan_id: str, ref: str | int = "latest") -> Plan:
        return self.store.plan(plan_id, ref)

    def version_plan(self, plan_id: str, ref: str | int = "latest") -> tuple[VersionInfo, Plan]:
        """A version and its plan definition, in one transaction."""
        return self.store.version_plan(plan_id, ref)

    def visible_filter(self, plan_id: str, number: int, wanted: FactFilter) -> FactFilter:
        """``wanted`` narrowed to what the caller may see in version ``number``."""
        if self.principal.sees_confidential:
            return wanted
        return hidden_filter(self.principal, self.store.plan(plan_id, number), wanted)

    def facts_table(
        self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS
    ) -> tuple[int, pa.Table]:
        number = self.store.resolve(plan_id, ref)
        return self.store.facts_table(plan_id, number, self.visible_filter(plan_id, number, wanted))

    def facts(
        self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS
    ) -> pd.DataFrame:
        return facts_from_arrow(self.facts_table(plan_id, ref, wanted)[1])

    def positions(self, plan_id: str, ref: str | int, team: str) -> pd.DataFrame:
        self.principal.check_positions(team)
        return self.store.positions(plan_id, ref, team)

    def findings(
        self,
        plan_id: str,
        ref: str | int = "latest",
        *,
        scenario: str = "base",
        teams: Sequence[str] = (),
    ) -> tuple[int, list[Finding]]:
        """The report over what this caller may see, kept per version and visibility."""
        from server.alignment import version_findings  # it reads through this door

        number, _, found = version_findings(self, plan_id, ref, scenario=scenario, teams=teams)
        return number, found

    def log(self, plan_id: str, *, limit: int | None = None) -> list[VersionInfo]:
        return self.store.log(plan_id, limit=limit)

    def part_history(self, plan_id: str, part: str) -> list[VersionInfo]:
        return self.store.part_history(plan_id, part)

    def statuses(self, plan_id: str) -> dict[str, StatusChange | None]:
        return self.store.statuses(plan_id)

    def status_history(self, plan_id: str, part: str | None = None) -> list[StatusChange]:
        return self.store.status_history(plan_id, part)

    def tags(self, plan_id: str) -> list[TagInfo]:
        return self.store.tags(plan_id)

    def tag_history(self, plan_id: str) -> list[TagInfo]:
        return self.store.tag_history(plan_id)

    # --- writes: checked, recorded under the caller's name
    def push(self, request: PushRequest) -> tuple[VersionInfo, bool]:
        self.principal.check_push(self.store, request)
        return self.store.push(request)

    def change_status(
        self, *, plan_id: str, team: str, action: str, comment: str = "", force: bool = False
    ) -> StatusChange:
        self.principal.check_status(team, action)
        return self.store.change_status(
            plan_id=plan_id, team=team, action=action, comment=comment, force=force
        )

    def set_tag(self, *, plan_id: str, name: str, ref: str | int) -> TagInfo:
        self.principal.require("admin", "finance", doing="moving a tag")
        return self.store.set_tag(plan_id=plan_id, name=name, ref=ref)

    def delete_tag(self, *, plan_id: str, name: str) -> TagInfo:
        self.principal.require("admin", "finance", doing="deleting a tag")
        return self.store.delete_tag(plan_id=plan_id, name=name)

    # --- admin only
    def export(self, path: Path, progress: Progress = _quiet) -> int:
        self.principal.require("admin", doing="exporting the store")
        return self.store.export(path, progress)

    def import_(self, path: Path, progress: Progress = _quiet) -> int:
        self.principal.require("admin", doing="importing a store")
        return self.store.import_(path, progress)

    def verify(self, progress: Progress = _quiet) -> list[Problem]:
        self.principal.require("admin", doing="verifying the store")
        return self.store.verify(progress)

    def create_token(
        self, *, name: str, role: str, teams: tuple[str, ...] = ()
    ) -> tuple[TokenInfo, str]:
        self.principal.require("admin", doing="creating tokens")
        return self.store.create_token(name=name, role=role, teams=teams)

    def tokens(self) -> list[TokenInfo]:
        self.principal.require("admin", doing="listing tokens")
        return self.store.tokens()

    def revoke_token(self, token_id: int) -> TokenInfo:
        self.principal.require("admin", doing="revoking tokens")
        return self.store.revoke_token(token_id)

    def close(self) -> None:
        """Nothing to release: the store belongs to whoever opened it."""
