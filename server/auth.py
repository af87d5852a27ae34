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
from dataclasses import dataclass, replace

import pandas as pd
import pyarrow as pa

from planbook.facts import facts_from_arrow
from planbook.model import Plan
from server.store import (
    AccessDenied,
    FactFilter,
    NotAuthenticated,
    PushRequest,
    Store,
    VersionInfo,
)
from server.store.parts import (
    ACTUALS,
    COMPANY,
    actual_rows,
    is_team_part,
    team_of,
    team_part,
)
from server.store.read import ALL_FACTS

__all__ = ["ActingStore", "Principal", "authenticate", "hidden_filter", "pushed_parts"]


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
            if part in (COMPANY, ACTUALS) or not is_team_part(part):
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

    def check_push(self, store: Store, request: PushRequest) -> None:
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


def authenticate(store: Store, header: str | None, *, secret: str) -> Principal:
    """The principal behind an ``Authorization: Bearer ...`` header."""
    if not header or not header.lower().startswith("bearer ") or not header[7:].strip():
        raise NotAuthenticated(
            "send an API token as 'Authorization: Bearer <token>' (planbook token create)",
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
    hidden = [a.id for a in plan.accounts if a.confidential]
    return FactFilter(
        scenarios=wanted.scenarios,
        teams=wanted.teams,
        accounts=wanted.accounts,
        periods=wanted.periods,
        hidden_accounts=hidden,
        own_teams=principal.teams if principal.role == "lead" else (),
    )


def pushed_parts(store: Store, request: PushRequest) -> set[str]:
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
    return parts


class ActingStore:
    """The service's store used on behalf of a caller, as the HTTP routes use it: reads leave
    out the confidential accounts the caller may not see, and a push is checked like
    ``POST /plans/{plan}/versions`` and recorded as the caller's. Only reads and pushes:
    nothing else of the store is reachable through it (the Office.js buttons use it)."""

    def __init__(self, store: Store, principal: Principal) -> None:
        self.store = store
        self.principal = principal

    def plans(self) -> list[str]:
        return self.store.plans()

    def only_plan(self) -> str:
        return self.store.only_plan()

    def resolve(self, plan_id: str, ref: str | int = "latest") -> int:
        return self.store.resolve(plan_id, ref)

    def version(self, plan_id: str, ref: str | int = "latest") -> VersionInfo:
        return self.store.version(plan_id, ref)

    def plan(self, plan_id: str, ref: str | int = "latest") -> Plan:
        return self.store.plan(plan_id, ref)

    def facts_table(
        self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS
    ) -> tuple[int, pa.Table]:
        number = self.store.resolve(plan_id, ref)
        definition = self.store.plan(plan_id, number)
        return self.store.facts_table(
            plan_id, number, hidden_filter(self.principal, definition, wanted)
        )

    def facts(
        self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS
    ) -> pd.DataFrame:
        return facts_from_arrow(self.facts_table(plan_id, ref, wanted)[1])

    def push(self, request: PushRequest) -> tuple[VersionInfo, bool]:
        self.principal.check_push(self.store, request)
        return self.store.push(replace(request, author=self.principal.name))

    def close(self) -> None:
        self.store.close()
