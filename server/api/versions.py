"""Routes: plans, pushing versions, reading versions and facts, history."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Header, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from planbook.errors import FactsFileError, PlanValidationError, Problem
from planbook.factfiles import read_facts
from planbook.model import Plan
from planbook.positions import positions_from_columns
from planbook.validation import parse_plan
from server.api.answers import AnswerCache, answer_key, reading_filter
from server.api.deps import Context, Ctx, request_context
from server.auth import hidden_filter
from server.formats import MEDIA_TYPES, facts_from_columns, facts_to_bytes, facts_to_columns
from server.schemas import ConflictOut, ErrorOut, PushIn, PushOut, VersionOut
from server.store import FactFilter, PushRequest
from server.store.store import Store

router = APIRouter(prefix="/api/v1", tags=["versions"])

PlanId = Annotated[str, Path(description="Plan id.", examples=["cirrus"], max_length=64)]
Ref = Annotated[
    str, Path(description="Version number, tag or latest.", examples=["latest"], max_length=64)
]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid token."},
    403: {"model": ErrorOut, "description": "The token's role does not allow this."},
    404: {"model": ErrorOut, "description": "No such plan, version or tag."},
    422: {"model": ErrorOut, "description": "The request is invalid; every problem listed."},
    503: {
        "model": ErrorOut,
        "description": "The database is busy or unreachable, or the service is receiving as "
        "many large bodies as it takes at once (ServiceBusy); retry after Retry-After.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}},
    },
}
"""The errors every route with a token can answer (server/errors.py makes each body)."""
WRITE_ERRORS = ERRORS | {
    409: {"model": ErrorOut, "description": "Another writer changed the same row at once."}
}
"""... and those of a route that writes."""
BODY_ERRORS = WRITE_ERRORS | {
    408: {"model": ErrorOut, "description": "The body stalled or took too long (TooSlow)."},
    413: {"model": ErrorOut, "description": "The body is larger than the service accepts."},
}
"""... and those of a route that takes a body (server/limits.py: 401 and 403 come before
the body is read)."""


@router.get("/plans", responses=ERRORS)
def list_plans(ctx: Ctx) -> list[str]:
    """Ids of every plan in the store."""
    return ctx.store.plans()


@router.post(
    "/plans/{plan}/versions",
    status_code=201,
    responses=BODY_ERRORS | {200: {"model": PushOut}, 409: {"model": ConflictOut}},
)
def push_version(plan: PlanId, body: PushIn, ctx: Ctx, response: Response) -> PushOut:
    """Push a new version: 201 with the version, 200 if nothing changed, 409 if a part it
    names changed since ``base`` (even to the same content) or is approved and locked, 422
    listing every problem."""
    company = _company(body.company)
    facts = facts_from_columns(body.facts) if body.facts is not None else None
    request = PushRequest(
        plan,
        base=body.base,
        message=body.message,
        company=company,
        facts=facts,
        clear=tuple(body.clear),
        replace_team=body.replace_team,
        positions=positions_from_columns(body.positions) if body.positions is not None else None,
    )
    version, created = ctx.store.push(request)
    response.status_code = 201 if created else 200
    return PushOut(created=created, version=VersionOut.of(version))


@router.post(
    "/plans/{plan}/versions/facts",
    status_code=201,
    responses=BODY_ERRORS | {200: {"model": PushOut}, 409: {"model": ConflictOut}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "Facts as a Parquet file (the fact columns; exact decimal amounts).",
            "content": {
                "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def push_facts(
    plan: PlanId,
    request: Request,
    ctx: Ctx,
    response: Response,
    base: Annotated[int, Query(ge=0, description="The version the changes are based on.")],
    message: Annotated[str, Query(max_length=2000)] = "",
    replace_team: Annotated[
        bool,
        Query(
            description="Each team's rows replace that team's whole budget (or actuals); "
            "by default they replace only the (team, scenario) slices they hold."
        ),
    ] = False,
) -> PushOut:
    """Push facts sent as Parquet (the fast way for large pushes); otherwise the same as
    ``POST /plans/{plan}/versions``."""
    with tempfile.TemporaryDirectory(prefix="planbook-push-") as folder:
        path = FilePath(folder) / "body.parquet"
        with path.open("wb") as file:  # streamed to disk: the body is never held whole
            async for chunk in request.stream():
                file.write(chunk)
        facts = await run_in_threadpool(_parquet_facts, path)
    push = PushRequest(plan, base=base, message=message, facts=facts, replace_team=replace_team)
    version, created = await run_in_threadpool(ctx.store.push, push)
    response.status_code = 201 if created else 200
    return PushOut(created=created, version=VersionOut.of(version))


def _parquet_facts(path: FilePath) -> pd.DataFrame:
    """Facts from a Parquet body saved at ``path``, read exactly as ``planbook push`` reads a
    file (its errors name "the body", not the server's temporary path)."""
    try:
        return read_facts(path)
    except FactsFileError as exc:
        msg = str(exc).replace(str(path), "the body")
        raise PlanValidationError([Problem(("body",), msg)], subject="facts") from None


def _company(data: dict[str, Any] | None) -> Plan | None:
    if data is None:
        return None
    try:
        return parse_plan(data)
    except PlanValidationError as exc:
        raise PlanValidationError(
            [Problem(("company", *p.loc), p.msg) for p in exc.problems], subject="plan"
        ) from None


@router.get("/plans/{plan}/versions", responses=ERRORS)
def list_versions(
    plan: PlanId,
    ctx: Ctx,
    limit: Annotated[int | None, Query(ge=1, le=10000)] = None,
    part: Annotated[str | None, Query(max_length=80, examples=["team:sales-na"])] = None,
) -> list[VersionOut]:
    """The plan's history, newest first (or the versions that changed one part)."""
    versions = ctx.store.part_history(plan, part) if part else ctx.store.log(plan, limit=limit)
    return [VersionOut.of(v) for v in versions[:limit]]


@router.get("/plans/{plan}/versions/{ref}", responses=ERRORS)
def get_version(plan: PlanId, ref: Ref, ctx: Ctx) -> VersionOut:
    """A version: author, time, message, content hash and its parts."""
    return VersionOut.of(ctx.store.version(plan, ref))


@router.get("/plans/{plan}/versions/{ref}/plan", responses=ERRORS)
def get_plan(plan: PlanId, ref: Ref, ctx: Ctx) -> dict[str, Any]:
    """The plan definition (company part) of a version."""
    result: dict[str, Any] = ctx.store.plan(plan, ref).model_dump(mode="json")
    return result


@router.get(
    "/plans/{plan}/versions/{ref}/facts",
    responses=ERRORS
    | {
        200: {
            "description": "The facts: columnar JSON, CSV or Parquet.",
            "content": {"text/csv": {}, "application/vnd.apache.parquet": {}},
        },
        304: {"description": "Not modified (If-None-Match matched the ETag)."},
    },
)
async def get_facts(
    plan: PlanId,
    ref: Ref,
    request: Request,
    format: Annotated[Literal["json", "csv", "parquet"], Query()] = "json",
    scenario: Annotated[list[str] | None, Query(examples=[["base"]])] = None,
    team: Annotated[list[str] | None, Query(examples=[["sales-na"]])] = None,
    account: Annotated[list[str] | None, Query()] = None,
    period: Annotated[list[str] | None, Query(examples=[["2026-03"]])] = None,
    if_none_match: Annotated[str | None, Header()] = None,
    authorization: Annotated[
        str | None,
        Header(description="Bearer token: 'Bearer pb_...'", examples=["Bearer pb_xxx"]),
    ] = None,
) -> Response:
    """A version's facts, filtered; confidential accounts are left out for roles that may
    not see them (the headers ``X-Planbook-Hidden`` and ``X-Planbook-Own-Teams`` say which).
    The ETag is the version's content hash plus the filter; a conditional GET with
    ``If-None-Match`` answers 304."""
    asked = FactFilter(scenario or [], team or [], account or [], period or [])

    def answer() -> Response:  # one trip to the thread pool: the token, the version, the bytes
        ctx = request_context(request, authorization)
        return _facts(ctx, request, plan, ref, format, asked, if_none_match)

    return await run_in_threadpool(answer)


def _facts(
    ctx: Context,
    request: Request,
    plan: str,
    ref: str,
    format: str,
    asked: FactFilter,
    if_none_match: str | None,
) -> Response:
    info, definition = ctx.store.version_plan(plan, ref)
    wanted = hidden_filter(ctx.principal, definition, asked)  # what the caller may see
    etag = _etag(info.hash, wanted, format)
    headers = {"ETag": etag, "X-Planbook-Version": str(info.number), "Cache-Control": "no-cache"}
    headers |= hidden_headers(wanted)
    if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    store: Store = request.app.state.store  # answers are keyed by what the caller may see
    key = answer_key(definition, info, wanted, format)

    def encode() -> bytes:
        kept = store.answer(key) if format == "parquet" else None  # warmed after a push
        if kept is not None:
            return kept
        _, table = ctx.store.facts_table(plan, info.number, reading_filter(wanted))
        if format != "json":
            return facts_to_bytes(table, format)
        payload = {"plan": plan, "version": info.number, "hash": info.hash}
        return json.dumps(payload | {"facts": facts_to_columns(table)}).encode()

    answers: AnswerCache = request.app.state.answers  # versions never change: kept bytes
    data = answers.get(key, encode)
    return Response(data, media_type=MEDIA_TYPES[format], headers=headers)


HIDDEN_HEADER, OWN_TEAMS_HEADER = "X-Planbook-Hidden", "X-Planbook-Own-Teams"
"""Which confidential accounts the answer leaves out, except for which teams (comma-separated):
a client tells a hidden amount from a zero with them."""


def hidden_headers(wanted: FactFilter) -> dict[str, str]:
    """The headers that say what the caller's role hides (none when nothing is hidden)."""
    if not wanted.hidden_accounts:
        return {}
    return {
        HIDDEN_HEADER: ",".join(wanted.hidden_accounts),
        OWN_TEAMS_HEADER: ",".join(wanted.own_teams),
    }


def _etag(content_hash: str, wanted: FactFilter, fmt: str) -> str:
    variant = json.dumps(
        [fmt, *(sorted(v) for v in wanted.__dict__.values())], separators=(",", ":")
    )
    return f'"{content_hash}.{hashlib.sha256(variant.encode()).hexdigest()[:16]}"'
