"""A Python client of the sync service (httpx): a :class:`server.store.StoreAPI` door, so
the CLI and the add-in work the same on the embedded store and through the service. It
needs no SQLAlchemy (the ``excel`` extra is enough to talk to a service).

Retries with exponential backoff on 503 and on connection failures (only where a retry
cannot apply a write twice); turns every 4xx into the store's own exceptions with the
server's message, and a 409 into a :class:`Conflict` that says who changed what.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from planbook.align.findings import Finding
from planbook.errors import Problem
from planbook.facts import facts_from_arrow, facts_to_arrow
from planbook.model import Plan
from planbook.validation import parse_plan
from server.client_errors import checked
from server.formats import facts_from_bytes, facts_to_columns
from server.store.contract import ALL_FACTS, FactFilter, Progress, PushRequest, no_progress
from server.store.errors import StoreUnavailable
from server.store.records import StatusChange, TagInfo, TokenInfo, VersionInfo, from_json

__all__ = ["Client"]

_CHUNK = 1024 * 1024


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
        with self._sending(method, url, stream=False, **kwargs) as response:
            return response

    @contextmanager
    def _sending(
        self, method: str, url: str, *, stream: bool, retry: bool = True, **kwargs: Any
    ) -> Iterator[httpx.Response]:
        """The response (read, or open for streaming), after retries on 503 and on failures
        to connect (unless ``retry`` is off: a streamed body cannot be sent twice); raises
        the store's error on 4xx/5xx."""
        retries = self.retries if retry else 0
        for attempt in range(retries + 1):
            try:
                request = self.http.build_request(method, url, **kwargs)
                response = self.http.send(request, stream=stream)
            except httpx.TransportError as exc:
                safe = method == "GET" or isinstance(exc, httpx.ConnectError)
                if not safe:
                    raise StoreUnavailable(
                        f"the connection to {self.http.base_url} broke during the request "
                        f"({exc}); it may or may not have been applied: look at the plan's "
                        "latest versions before trying again"
                    ) from None
                if attempt == retries:
                    raise StoreUnavailable(
                        f"cannot reach the Planbook service at {self.http.base_url} ({exc})"
                    ) from None
            else:
                if response.status_code != 503 or attempt == retries:
                    try:
                        if response.status_code >= 400 and stream:
                            response.read()
                        yield checked(response)
                    finally:
                        response.close()
                    return
                response.close()
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _json(self, method: str, url: str, **kwargs: Any) -> Any:
        return self._send(method, url, **kwargs).json()

    # --- plans and versions ------------------------------------------------------------

    def plans(self) -> list[str]:
        """Ids of every plan."""
        return list(self._json("GET", "/plans"))

    def push(self, request: PushRequest) -> tuple[VersionInfo, bool]:
        """Push a version (the service records the token's name as the author). Facts alone
        travel as Parquet; with a plan definition or cleared parts, as columnar JSON."""
        if (
            request.company is None
            and not request.clear
            and request.positions is None
            and request.facts is not None
            and request.base is not None
        ):
            return self._push_parquet(request)
        body: dict[str, Any] = {
            "base": request.base,
            "message": request.message,
            "clear": list(request.clear),
            "replace_team": request.replace_team,
        }
        if request.company is not None:
            body["company"] = request.company.model_dump(mode="json")
        if request.facts is not None:
            body["facts"] = facts_to_columns(facts_to_arrow(request.facts))
        if request.positions is not None:
            positions = request.positions.astype(str)
            body["positions"] = {c: positions[c].tolist() for c in positions.columns}
        data = self._json("POST", f"/plans/{request.plan_id}/versions", json=body)
        return from_json(VersionInfo, data["version"]), bool(data["created"])

    def _push_parquet(self, request: PushRequest) -> tuple[VersionInfo, bool]:
        assert request.facts is not None
        sink = io.BytesIO()
        pq.write_table(facts_to_arrow(request.facts), sink, compression="zstd")
        data = self._json(
            "POST",
            f"/plans/{request.plan_id}/versions/facts",
            params={
                "base": request.base,
                "message": request.message,
                "replace_team": request.replace_team,
            },
            content=sink.getvalue(),
            headers={"Content-Type": "application/vnd.apache.parquet"},
        )
        return from_json(VersionInfo, data["version"]), bool(data["created"])

    def resolve(self, plan_id: str, ref: str | int = "latest") -> int:
        """A version number from a number, tag or latest."""
        return self.version(plan_id, ref).number

    def version(self, plan_id: str, ref: str | int = "latest") -> VersionInfo:
        """A version with its parts."""
        return from_json(VersionInfo, self._json("GET", f"/plans/{plan_id}/versions/{ref}"))

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
        table = facts_from_bytes(response.content)
        return int(response.headers["X-Planbook-Version"]), table

    def facts_download(
        self, plan_id: str, number: int, etag: str | None
    ) -> tuple[str, bytes, FactFilter]:
        """``(etag, parquet, hidden)`` of a version's facts, with ``b""`` when ``etag`` still
        matches (304: the copy the caller holds is current); ``hidden`` is what the token's
        role leaves out (``hidden_accounts`` except for ``own_teams``; :data:`ALL_FACTS`)."""
        url, headers = f"/plans/{plan_id}/versions/{number}/facts", {"If-None-Match": etag or ""}
        response = self._send("GET", url, params={"format": "parquet"}, headers=headers)
        hidden = _hidden(response.headers)
        if response.status_code == 304:
            return etag or "", b"", hidden
        return response.headers.get("ETag", ""), response.content, hidden

    def facts(
        self, plan_id: str, ref: str | int = "latest", wanted: FactFilter = ALL_FACTS
    ) -> pd.DataFrame:
        """A version's facts as a canonical frame."""
        return facts_from_arrow(self.facts_table(plan_id, ref, wanted)[1])

    def positions(self, plan_id: str, ref: str | int, team: str) -> pd.DataFrame:
        """One team's positions in a version (confidential: see the service's roles)."""
        data = self._json("GET", f"/plans/{plan_id}/versions/{ref}/teams/{team}/positions")
        return pd.DataFrame(data["positions"], dtype=str)

    def findings(
        self,
        plan_id: str,
        ref: str | int = "latest",
        *,
        scenario: str = "base",
        teams: Sequence[str] = (),
    ) -> tuple[int, list[Finding]]:
        """The report the service keeps for the version (``/align``): no facts sent."""
        query = {"version": str(ref), "scenario": scenario, "team": list(teams)}
        data = self._json("GET", f"/plans/{plan_id}/align", params=query)
        return int(data["version"]), [Finding.from_dict(f) for f in data["findings"]]

    def log(self, plan_id: str, *, limit: int | None = None) -> list[VersionInfo]:
        """Versions newest first."""
        params = {"limit": limit} if limit else {}
        data = self._json("GET", f"/plans/{plan_id}/versions", params=params)
        return [from_json(VersionInfo, v) for v in data]

    def part_history(self, plan_id: str, part: str) -> list[VersionInfo]:
        """Versions that changed one part."""
        data = self._json("GET", f"/plans/{plan_id}/versions", params={"part": part})
        return [from_json(VersionInfo, v) for v in data]

    # --- status and tags ---------------------------------------------------------------

    def statuses(self, plan_id: str) -> dict[str, StatusChange | None]:
        """Each team's status (None: never submitted)."""
        out: dict[str, StatusChange | None] = {}
        for s in self._json("GET", f"/plans/{plan_id}/status"):
            out[s["part"].removeprefix("team:")] = (
                from_json(StatusChange, s) if s["actor"] else None
            )
        return out

    def change_status(
        self, *, plan_id: str, team: str, action: str, comment: str = "", force: bool = False
    ) -> StatusChange:
        """Submit, approve, return or reopen (the service records the token's name)."""
        body: dict[str, object] = {"action": action, "comment": comment, "force": force}
        data = self._json("POST", f"/plans/{plan_id}/teams/{team}/status", json=body)
        return from_json(StatusChange, data)

    def status_history(self, plan_id: str, part: str | None = None) -> list[StatusChange]:
        """Every status change, oldest first."""
        params = {"team": part.removeprefix("team:")} if part else {}
        data = self._json("GET", f"/plans/{plan_id}/status/history", params=params)
        return [from_json(StatusChange, s) for s in data]

    def tags(self, plan_id: str) -> list[TagInfo]:
        """latest and every tag."""
        return [from_json(TagInfo, t) for t in self._json("GET", f"/plans/{plan_id}/tags")]

    def set_tag(self, *, plan_id: str, name: str, ref: str | int) -> TagInfo:
        """Pin or move a tag (the service records the token's name)."""
        body = {"version": str(ref)}
        return from_json(TagInfo, self._json("PUT", f"/plans/{plan_id}/tags/{name}", json=body))

    def delete_tag(self, *, plan_id: str, name: str) -> TagInfo:
        """Remove a tag (the service records the token's name)."""
        return from_json(TagInfo, self._json("DELETE", f"/plans/{plan_id}/tags/{name}"))

    def tag_history(self, plan_id: str) -> list[TagInfo]:
        """Every tag move."""
        data = self._json("GET", f"/plans/{plan_id}/tags/history")
        return [from_json(TagInfo, t) for t in data]

    # --- admin ---------------------------------------------------------------------------

    def export(self, path: Path, progress: Progress = no_progress) -> int:
        """Download the whole store to a zip file, streamed to disk (a partial file is
        removed); returns the number of blobs."""
        try:
            private = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # new: 0600
            with (
                os.fdopen(private, "wb") as f,
                self._sending("GET", "/export", stream=True) as response,
            ):
                total = int(response.headers.get("Content-Length", "0"))
                for chunk in response.iter_bytes(_CHUNK):
                    f.write(chunk)
                    progress(response.num_bytes_downloaded, total)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return int(response.headers.get("X-Planbook-Blobs", "0"))

    def import_(self, path: Path, progress: Progress = no_progress) -> int:
        """Upload an export into the (empty) service store, streamed from disk."""
        total = path.stat().st_size

        def chunks() -> Iterator[bytes]:
            sent = 0
            with path.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    sent += len(chunk)
                    progress(sent, total)
                    yield chunk

        headers = {"Content-Type": "application/zip", "Content-Length": str(total)}
        with self._sending(
            "POST", "/import", stream=False, retry=False, content=chunks(), headers=headers
        ) as response:
            return int(response.json()["blobs"])

    def verify(self, progress: Progress = no_progress) -> list[Problem]:
        """Every problem the service's verify finds."""
        data = self._json("GET", "/verify")
        progress(1, 1)
        return [Problem(tuple(p["loc"]), p["msg"]) for p in data["problems"]]

    def create_token(
        self, *, name: str, role: str, teams: tuple[str, ...] = ()
    ) -> tuple[TokenInfo, str]:
        """A new token and its secret."""
        data = self._json("POST", "/tokens", json={"name": name, "role": role, "teams": teams})
        return from_json(TokenInfo, data), str(data["secret"])

    def tokens(self) -> list[TokenInfo]:
        """Every token."""
        return [from_json(TokenInfo, t) for t in self._json("GET", "/tokens")]

    def revoke_token(self, token_id: int) -> TokenInfo:
        """Revoke a token."""
        return from_json(TokenInfo, self._json("DELETE", f"/tokens/{token_id}"))


def _hidden(headers: httpx.Headers) -> FactFilter:
    """What the service's ``X-Planbook-Hidden`` / ``X-Planbook-Own-Teams`` headers say."""
    hidden, own = (headers.get(f"X-Planbook-{h}", "").split(",") for h in ("Hidden", "Own-Teams"))
    return FactFilter([], [], [], [], [a for a in hidden if a], [t for t in own if t])
