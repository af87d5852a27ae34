"""A Python client of the sync service (httpx), with the same methods as the embedded
:class:`server.store.Store`, so the CLI (and later the add-in) works either way.

Retries with exponential backoff on 503 and on connection failures (only where a retry
cannot apply a write twice); turns every 4xx into the store's own exceptions with the
server's message, and a 409 into a :class:`Conflict` that says who changed what.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq

from planbook.errors import PlanValidationError, Problem
from planbook.facts import facts_from_arrow, facts_to_arrow
from planbook.model import Plan
from planbook.validation import parse_plan
from server.formats import facts_to_columns
from server.store.errors import (
    AccessDenied,
    Conflict,
    ConflictDetail,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    StoreError,
    StoreNotEmpty,
    StoreUnavailable,
    TooLarge,
)
from server.store.push import PushRequest
from server.store.read import ALL_FACTS, FactFilter
from server.store.records import PartInfo, StatusChange, TagInfo, VersionInfo
from server.store.tokens import TokenInfo

__all__ = ["Client"]

Progress = Callable[[int, int], None]
_ERRORS: dict[int, type[StoreError]] = {
    401: NotAuthenticated,
    403: AccessDenied,
    404: NotFound,
    409: StoreNotEmpty,
    413: TooLarge,
    422: InvalidRequest,
}


def _quiet(done: int, total: int) -> None:
    pass


class Client:
    """The service at ``base_url``, used with a bearer ``token``."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None,
        retries: int = 5,
        backoff: float = 0.2,
        timeout: float = 300.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(
            base_url=base_url.rstrip("/") + "/api/v1",
            headers=headers,
            timeout=timeout,
            transport=transport,
        )
        self.retries = retries
        self.backoff = backoff

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    # --- the wire ----------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send with retries on 503 and on failures to connect; raise on 4xx/5xx."""
        for attempt in range(self.retries + 1):
            try:
                response = self.http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                safe = method == "GET" or isinstance(exc, httpx.ConnectError)
                if not safe:
                    raise StoreUnavailable(
                        f"the connection to {self.http.base_url} broke during the request "
                        f"({exc}); it may or may not have been applied: check planbook log"
                    ) from None
                if attempt == self.retries:
                    raise StoreUnavailable(
                        f"cannot reach the Planbook service at {self.http.base_url} ({exc})"
                    ) from None
            else:
                if response.status_code != 503 or attempt == self.retries:
                    return _checked(response)
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _json(self, method: str, url: str, **kwargs: Any) -> Any:
        return self._send(method, url, **kwargs).json()

    # --- plans and versions ------------------------------------------------------------

    def plans(self) -> list[str]:
        """Ids of every plan."""
        return list(self._json("GET", "/plans"))

    def only_plan(self) -> str:
        """The id of the one plan."""
        plans = self.plans()
        if len(plans) != 1:
            found = ", ".join(plans) if plans else "none"
            raise NotFound(f"name the plan with --plan; the store holds: {found}", loc=("plan",))
        return plans[0]

    def push(self, request: PushRequest) -> tuple[VersionInfo, bool]:
        """Push a version (the service records the token's name as the author). Facts alone
        travel as Parquet; with a plan definition or cleared parts, as columnar JSON."""
        if (
            request.company is None
            and not request.clear
            and request.facts is not None
            and request.base is not None
        ):
            return self._push_parquet(request)
        body: dict[str, Any] = {
            "base": request.base,
            "message": request.message,
            "clear": list(request.clear),
        }
        if request.company is not None:
            body["company"] = request.company.model_dump(mode="json")
        if request.facts is not None:
            body["facts"] = facts_to_columns(facts_to_arrow(request.facts))
        data = self._json("POST", f"/plans/{request.plan_id}/versions", json=body)
        return _version(data["version"]), bool(data["created"])

    def _push_parquet(self, request: PushRequest) -> tuple[VersionInfo, bool]:
        assert request.facts is not None
        sink = io.BytesIO()
        pq.write_table(facts_to_arrow(request.facts), sink, compression="zstd")
        data = self._json(
            "POST",
            f"/plans/{request.plan_id}/versions/facts",
            params={"base": request.base, "message": request.message},
            content=sink.getvalue(),
            headers={"Content-Type": "application/vnd.apache.parquet"},
        )
        return _version(data["version"]), bool(data["created"])

    def resolve(self, plan_id: str, ref: str | int = "latest") -> int:
        """A version number from a number, tag or latest."""
        return self.version(plan_id, ref).number

    def version(self, plan_id: str, ref: str | int = "latest") -> VersionInfo:
        """A version with its parts."""
        return _version(self._json("GET", f"/plans/{plan_id}/versions/{ref}"))

    def plan(self, plan_id: str, ref: str | int = "latest") -> Plan:
        """The plan definition of a version."""
        return parse_plan(self._json("GET", f"/plans/{plan_id}/versions/{ref}/plan"))

    def facts_table(
        self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS
    ) -> tuple[int, pa.Table]:
        """A version's number and facts (Parquet on the wire), filtered."""
        params: list[tuple[str, str]] = [("format", "parquet")]
        for name, values in (
            ("scenario", wanted.scenarios),
            ("team", wanted.teams),
            ("account", wanted.accounts),
            ("period", wanted.periods),
        ):
            params += [(name, v) for v in values]
        response = self._send("GET", f"/plans/{plan_id}/versions/{ref}/facts", params=params)
        table = pq.read_table(io.BytesIO(response.content))
        return int(response.headers["X-Planbook-Version"]), table

    def facts(self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS) -> Any:
        """A version's facts as a canonical frame."""
        return facts_from_arrow(self.facts_table(plan_id, ref, wanted)[1])

    def log(self, plan_id: str, *, limit: int | None = None) -> list[VersionInfo]:
        """Versions newest first."""
        params = {"limit": limit} if limit else {}
        return [_version(v) for v in self._json("GET", f"/plans/{plan_id}/versions", params=params)]

    def part_history(self, plan_id: str, part: str) -> list[VersionInfo]:
        """Versions that changed one part."""
        data = self._json("GET", f"/plans/{plan_id}/versions", params={"part": part})
        return [_version(v) for v in data]

    # --- status and tags ---------------------------------------------------------------

    def statuses(self, plan_id: str) -> dict[str, StatusChange | None]:
        """Each team's status (None: never submitted)."""
        out: dict[str, StatusChange | None] = {}
        for s in self._json("GET", f"/plans/{plan_id}/status"):
            out[s["part"].removeprefix("team:")] = _status(s) if s["actor"] else None
        return out

    def change_status(
        self, *, plan_id: str, team: str, action: str, actor: str, comment: str = ""
    ) -> StatusChange:
        """Submit, approve, return or reopen (the service records the token's name)."""
        body = {"action": action, "comment": comment}
        return _status(self._json("POST", f"/plans/{plan_id}/teams/{team}/status", json=body))

    def status_history(self, plan_id: str, part: str | None = None) -> list[StatusChange]:
        """Every status change, oldest first."""
        params = {"team": part.removeprefix("team:")} if part else {}
        data = self._json("GET", f"/plans/{plan_id}/status/history", params=params)
        return [_status(s) for s in data]

    def tags(self, plan_id: str) -> list[TagInfo]:
        """latest and every tag."""
        return [_tag(t) for t in self._json("GET", f"/plans/{plan_id}/tags")]

    def set_tag(self, *, plan_id: str, name: str, ref: str | int, actor: str) -> TagInfo:
        """Pin or move a tag."""
        body = {"version": str(ref)}
        return _tag(self._json("PUT", f"/plans/{plan_id}/tags/{name}", json=body))

    def delete_tag(self, *, plan_id: str, name: str, actor: str) -> TagInfo:
        """Remove a tag."""
        return _tag(self._json("DELETE", f"/plans/{plan_id}/tags/{name}"))

    def tag_history(self, plan_id: str) -> list[TagInfo]:
        """Every tag move."""
        return [_tag(t) for t in self._json("GET", f"/plans/{plan_id}/tags/history")]

    # --- admin ---------------------------------------------------------------------------

    def export(self, path: Path, progress: Progress = _quiet) -> int:
        """Download the whole store to a zip file; returns the number of blobs."""
        response = self._send("GET", "/export")
        path.write_bytes(response.content)
        progress(1, 1)
        return int(response.headers.get("X-Planbook-Blobs", "0"))

    def import_(self, path: Path, progress: Progress = _quiet) -> int:
        """Upload an export into the (empty) service store."""
        content = path.read_bytes()
        headers = {"Content-Type": "application/zip"}
        data = self._json("POST", "/import", content=content, headers=headers)
        progress(1, 1)
        return int(data["blobs"])

    def verify(self, progress: Progress = _quiet) -> list[Problem]:
        """Every problem the service's verify finds."""
        data = self._json("GET", "/verify")
        progress(1, 1)
        return [Problem(tuple(p["loc"]), p["msg"]) for p in data["problems"]]

    def create_token(
        self, *, name: str, role: str, teams: tuple[str, ...] = ()
    ) -> tuple[TokenInfo, str]:
        """A new token and its secret."""
        data = self._json("POST", "/tokens", json={"name": name, "role": role, "teams": teams})
        return _token(data), str(data["secret"])

    def tokens(self) -> list[TokenInfo]:
        """Every token."""
        return [_token(t) for t in self._json("GET", "/tokens")]

    def revoke_token(self, token_id: int) -> TokenInfo:
        """Revoke a token."""
        return _token(self._json("DELETE", f"/tokens/{token_id}"))


def _checked(response: httpx.Response) -> httpx.Response:
    if response.status_code < 400:
        return response
    try:
        body = response.json()
        errors = body["errors"]
    except (ValueError, KeyError, TypeError):
        body, errors = {}, [{"loc": [], "msg": response.text[:500] or response.reason_phrase}]
    problems = [Problem(tuple(e.get("loc", ())), str(e.get("msg", ""))) for e in errors]
    status = response.status_code
    if status == 409 and "conflicts" in body:
        details = [
            ConflictDetail(
                c["part"], c["version"], c["author"], datetime.fromisoformat(c["at"]), c["reason"]
            )
            for c in body["conflicts"]
        ]
        raise Conflict(details, base=body.get("base"), head=body.get("head", 0))
    if status == 422 and (len(problems) > 1 or any(p.loc for p in problems)):
        raise PlanValidationError(problems, subject="request")
    text = "; ".join(str(p) for p in problems)
    if status in _ERRORS:
        raise _ERRORS[status](text, loc=problems[0].loc if problems else ())
    if status == 503:
        raise StoreUnavailable(f"the service is busy; try again shortly ({text})")
    raise StoreError(f"the service failed ({status}): {text}")


def _version(v: dict[str, Any]) -> VersionInfo:
    return VersionInfo(
        plan=v["plan"],
        number=v["number"],
        parent=v["parent"],
        author=v["author"],
        created_at=datetime.fromisoformat(v["created_at"]),
        message=v["message"],
        hash=v["hash"],
        changed=tuple(v["changed"]),
        parts=tuple(PartInfo(**p) for p in v.get("parts", [])),
    )


def _status(s: dict[str, Any]) -> StatusChange:
    return StatusChange(
        part=s["part"],
        status=s["status"],
        comment=s["comment"],
        actor=s["actor"],
        at=datetime.fromisoformat(s["at"]),
        version=s["version"],
    )


def _tag(t: dict[str, Any]) -> TagInfo:
    at = datetime.fromisoformat(t["at"]) if t.get("at") else None
    return TagInfo(t["name"], t["version"], t.get("actor", ""), at)


def _token(t: dict[str, Any]) -> TokenInfo:
    revoked = datetime.fromisoformat(t["revoked_at"]) if t.get("revoked_at") else None
    return TokenInfo(
        t["id"],
        t["name"],
        t["role"],
        tuple(t["teams"]),
        datetime.fromisoformat(t["created_at"]),
        revoked,
    )
