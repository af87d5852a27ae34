"""The console's session: a signed cookie, and a CSRF token per session.

Signing in with a Planbook token sets ``planbook_session``: the token, a random CSRF token
and an expiry, signed with HMAC-SHA256 under a key derived from the service secret
(``PLANBOOK_SECRET``). The cookie is HttpOnly, SameSite=Strict, and Secure when the request
came over HTTPS. Every request checks the signature and the expiry, then authenticates the
token again, so a revoked token ends its sessions at once. Every POST must carry the
session's CSRF token in its ``csrf`` field; the sign-in form, which has no session yet, uses
a short-lived signed ``planbook_signin`` cookie the same way (double submit).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from server.auth import Principal, authenticate
from server.store.errors import AccessDenied, NotAuthenticated
from server.store.store import Store

__all__ = [
    "SESSION_COOKIE",
    "SIGNIN_COOKIE",
    "CsrfRefused",
    "Session",
    "check_csrf",
    "clear_session",
    "new_signin_token",
    "read_session",
    "remember_signin",
    "sign",
    "signin_csrf",
    "start_session",
    "unsign",
]

SESSION_COOKIE = "planbook_session"
SIGNIN_COOKIE = "planbook_signin"
SESSION_SECONDS = 8 * 3600
SIGNIN_SECONDS = 3600
PATH = "/console"


class CsrfRefused(AccessDenied):
    """A form without the session's CSRF token (or from another site): nothing is done."""


@dataclass(frozen=True)
class Session:
    """A signed-in caller: who, and the CSRF token their forms carry."""

    principal: Principal
    token: str
    csrf: str


def _key(secret: str) -> bytes:
    return hashlib.sha256(b"planbook-console-session\0" + secret.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(payload: dict[str, object], *, secret: str) -> str:
    """``payload`` as cookie text: base64 JSON, a dot, its HMAC."""
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    mac = hmac.new(_key(secret), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def unsign(text: str | None, *, secret: str) -> dict[str, object] | None:
    """The payload of cookie text signed by :func:`sign` and not expired, else None."""
    if not text or text.count(".") != 1:
        return None
    body, mac = text.split(".")
    good = hmac.new(_key(secret), body.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(_unb64(mac), good):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), int):
        return None
    return payload if payload["e"] > time.time() else None


def _set(request: Request, response: Response, name: str, value: str, seconds: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def start_session(
    request: Request, response: Response, *, store: Store, token: str, secret: str
) -> Principal:
    """Authenticate ``token`` (raising :class:`NotAuthenticated`) and set the cookie."""
    principal = authenticate(store, f"Bearer {token}", secret=secret)
    payload = {"t": token, "c": secrets.token_urlsafe(24), "e": int(time.time()) + SESSION_SECONDS}
    _set(request, response, SESSION_COOKIE, sign(payload, secret=secret), SESSION_SECONDS)
    response.delete_cookie(SIGNIN_COOKIE, path=PATH)
    return principal


def read_session(request: Request, *, store: Store, secret: str) -> Session | None:
    """The request's session, or None (no cookie, a bad signature, expired, or revoked)."""
    payload = unsign(request.cookies.get(SESSION_COOKIE), secret=secret)
    if payload is None:
        return None
    token, csrf = str(payload.get("t", "")), str(payload.get("c", ""))
    try:
        principal = authenticate(store, f"Bearer {token}", secret=secret)
    except NotAuthenticated:
        return None
    return Session(principal, token, csrf)


def clear_session(response: Response) -> None:
    """Sign out: the cookie is removed."""
    response.delete_cookie(SESSION_COOKIE, path=PATH)


def new_signin_token() -> str:
    """A fresh CSRF token for the sign-in form (see :func:`remember_signin`)."""
    return secrets.token_urlsafe(24)


def remember_signin(request: Request, response: Response, csrf: str, *, secret: str) -> None:
    """Set the signed cookie that the sign-in form's ``csrf`` must match."""
    payload = {"c": csrf, "e": int(time.time()) + SIGNIN_SECONDS}
    _set(request, response, SIGNIN_COOKIE, sign(payload, secret=secret), SIGNIN_SECONDS)


def signin_csrf(request: Request, *, secret: str) -> str:
    """The sign-in form's expected CSRF token ("" when its cookie is missing or bad)."""
    payload = unsign(request.cookies.get(SIGNIN_COOKIE), secret=secret)
    return str(payload.get("c", "")) if payload else ""


def check_csrf(request: Request, sent: str, expected: str) -> None:
    """Refuse a form whose CSRF token is missing or wrong, or that another site posted."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.rstrip("/") != _own_origin(request):
        raise CsrfRefused("this form was posted from another site; nothing was done")
    if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused(
            "the form's security token is missing or out of date; reload the page and try "
            "again (nothing was done)"
        )


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"
