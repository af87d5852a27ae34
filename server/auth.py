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
from dataclasses import dataclass

from planbook.model import Plan
from server.store import AccessDenied, FactFilter, NotAuthenticated, Store
from server.store.parts import ACTUALS, COMPANY, is_team_part, team_of

__all__ = ["Principal", "authenticate", "hidden_filter"]


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
