"""API tokens: random secrets shown once, kept only as their SHA-256 hash.

Roles: ``admin`` (everything, tokens, backup), ``finance`` (the company part, actuals,
approvals, tags), ``lead`` (push and submit its own teams), ``viewer`` (read). Only admin
and finance see confidential accounts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from server.store.errors import InvalidRequest, NotFound
from server.store.records import TokenInfo
from server.store.schema import TokenRow
from server.store.text import check_text

__all__ = ["ROLES", "TokenInfo", "create_token", "find_token", "list_tokens", "revoke_token"]

ROLES = ("admin", "finance", "lead", "viewer")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _info(row: Any) -> TokenInfo:
    teams = tuple(t for t in row.teams.split(",") if t)
    return TokenInfo(row.id, row.name, row.role, teams, row.created_at, row.revoked_at)


def create_token(
    conn: Connection, *, name: str, role: str, teams: tuple[str, ...] = ()
) -> tuple[TokenInfo, str]:
    """A new token and its secret (the only time the secret is available)."""
    if role not in ROLES:
        raise InvalidRequest(
            f"unknown role {role!r}; expected one of {', '.join(ROLES)}", loc=("role",)
        )
    if role == "lead" and not teams:
        raise InvalidRequest("a team lead token needs at least one team", loc=("teams",))
    if not name.strip():
        raise InvalidRequest("give the token a name (who or what uses it)", loc=("name",))
    check_text(name, loc=("name",))
    for i, team in enumerate(teams):
        check_text(team, loc=("teams", i))
        if "," in team or not team.strip():
            raise InvalidRequest(f"{team!r} is not a team id", loc=("teams", i))
    secret = f"pb_{secrets.token_urlsafe(32)}"
    row_id = conn.execute(
        insert(TokenRow)
        .values(
            name=name.strip(),
            role=role,
            teams=",".join(teams),
            hash=_hash(secret),
            created_at=datetime.now(UTC),
        )
        .returning(TokenRow.id)
    ).scalar_one()
    row = conn.execute(select(TokenRow).where(TokenRow.id == row_id)).one()
    return _info(row), secret


def find_token(conn: Connection, secret: str) -> TokenInfo | None:
    """The live token with this secret, or None."""
    row = conn.execute(
        select(TokenRow).where(TokenRow.hash == _hash(secret), TokenRow.revoked_at.is_(None))
    ).one_or_none()
    return None if row is None else _info(row)


def list_tokens(conn: Connection) -> list[TokenInfo]:
    """Every token, revoked ones included."""
    return [_info(r) for r in conn.execute(select(TokenRow).order_by(TokenRow.id))]


def revoke_token(conn: Connection, token_id: int) -> TokenInfo:
    """Revoke a token; it stops working at once."""
    done = conn.execute(
        update(TokenRow)
        .where(TokenRow.id == token_id, TokenRow.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    if not done.rowcount:
        raise NotFound(f"there is no live token with id {token_id}", loc=("token",))
    row = conn.execute(select(TokenRow).where(TokenRow.id == token_id)).one()
    return _info(row)
