"""The Office.js add-in's routes, all under ``/addin``: the manifest, task pane, script,
functions metadata and icons (public: Excel fetches them without a token) and the calls
(a Planbook token each): who am I, and a batch of custom-function calls.

The buttons (Push budget, Pull plan, Diff versions) run through ``/xlwings/custom-scripts-call``
(:mod:`addin.officejs`), which needs xlwings' server parts and a license key; ``/addin/me``
says whether they are available and why not.
"""

from __future__ import annotations

import os
import time
from importlib import resources
from typing import Any

import orjson
from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from addin.session import current
from addin.web.batch import MAX_CALLS, Batch, resolver, run_batch
from addin.web.gets import Gets, decode_indices, index_width
from addin.web.manifest import ICON_SIZES, PREFIX, base_url, icon_png, manifest_xml
from addin.web.meta import NAMESPACE, functions_json
from server.api.deps import Ctx
from server.api.versions import BODY_ERRORS, ERRORS
from server.schemas import ErrorOut
from server.store import NotFound
from server.store.errors import InvalidRequest

__all__ = ["BatchIn", "router"]

STATIC = resources.files("addin.web") / "static"
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
PUBLIC_URL = "PLANBOOK_PUBLIC_URL"
"""The deployment's public https:// address, for the manifest the service serves."""


AT_DIGITS = 3 * index_width(3 * MAX_CALLS) * MAX_CALLS
"""The most digits ``gets.at`` may hold: three indices a call, as wide as the most arguments."""


class GetsIn(BaseModel):
    """Plain ``PB.GET(account, team, month)`` calls, compactly: the distinct one-cell
    arguments once, and three indices into them per call (account, team, month), written
    as base64url digits (``A``-``Z``, ``a``-``z``, ``0``-``9``, ``-``, ``_`` are 0-63), most
    significant first, each index the same number of digits: 1 for up to 64 arguments, 2 for
    up to 4,096, 3 beyond (:func:`addin.web.gets.index_width`)."""

    args: list[str | float] = Field(..., max_length=3 * MAX_CALLS)
    at: str = Field(..., max_length=AT_DIGITS, pattern="^[A-Za-z0-9_-]*$")


class BatchIn(BaseModel):
    """One recalculation's calls: ``[["GET", [account, team, period, ...]], ...]``, and its
    plain ``PB.GET`` calls in ``gets`` (answered in ``gets``, one number or error each)."""

    plan: str = Field("", max_length=200, description="Plan id (blank: the service's plan).")
    pin: str = Field("latest", max_length=200, description="The workbook's pinned version.")
    calls: list[list[Any]] = Field([], max_length=MAX_CALLS)
    gets: GetsIn | None = None
    refs: list[str] = Field([], max_length=200, description="Tags the client has seen.")
    errors: list[dict[str, Any]] = Field([], max_length=50, description="Its recent errors.")


NOT_HTTPS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "The public address is not https://."}
}
NO_FILE: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "The add-in has no such file."}
}


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with its nested models written in place (a request body
    described by hand has no components of its own to refer to)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return dict(inline(schema))


def router(buttons_reason: str | None) -> APIRouter:
    """The routes; ``buttons_reason`` says why the buttons are unavailable (None: they are)."""
    api = APIRouter(prefix=PREFIX, tags=["office.js add-in"])

    @api.get("/manifest.xml", responses=NOT_HTTPS)
    def manifest(request: Request) -> Response:
        """The add-in-only XML manifest for this deployment (``PLANBOOK_PUBLIC_URL``, else the
        address the request came to)."""
        url = os.environ.get(PUBLIC_URL) or str(request.base_url)
        return Response(manifest_xml(base_url(url)), media_type="application/xml")

    @api.get("/functions.json")
    def metadata() -> dict[str, Any]:
        """The custom functions' metadata (Microsoft's functions.json shape)."""
        return functions_json()

    @api.get("/taskpane.html")
    def taskpane() -> Response:
        """The task pane page (it also hosts the functions: one shared runtime)."""
        return _static("taskpane.html")

    @api.get("/help")
    def help_page() -> Response:
        """Where the manifest's help link points."""
        return _static("help.html")

    @api.get("/static/{name}", responses=NO_FILE)
    def static(name: str) -> Response:
        """The client's script, style sheet and icons."""
        for size in ICON_SIZES:
            if name == f"icon-{size}.png":
                return Response(icon_png(size), media_type="image/png")
        return _static(name)

    @api.get("/me", responses=ERRORS)
    def me(ctx: Ctx) -> dict[str, Any]:
        """Who the token is, their role, the service's plan, its tags and latest version,
        and whether the buttons are available."""
        session = current()
        plan = session.cache.plan_id()
        tags = [t.name for t in ctx.store.tags(plan)]
        return {
            "name": ctx.principal.name,
            "role": ctx.principal.role,
            "teams": list(ctx.principal.teams),
            "plan": plan,
            "latest": ctx.store.resolve(plan, "latest"),
            "tags": tags,
            "namespace": NAMESPACE,
            "buttons": buttons_reason is None,
            "buttons_reason": buttons_reason or "",
        }

    @api.post(
        "/functions",
        response_model=None,
        responses=BODY_ERRORS | {200: {"description": "One answer a call, in order."}},
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
            "schema": inline_schema(BatchIn)}}}},
    )  # fmt: skip
    async def functions(ctx: Ctx, request: Request) -> Response:
        """Answer a batch of custom-function calls as the caller may see them: one result
        (``value``, or ``error`` with ``message``) per call, in order. The body is
        :class:`BatchIn` (read by hand: validating 10,000 calls with pydantic takes longer
        than answering them)."""
        raw = await request.body()
        start = time.perf_counter()
        body, gets = _batch_body(raw)
        plan = current().cache.plan_id()
        if body.plan and body.plan != plan:
            raise NotFound(
                f"this service answers plan {plan!r}, not {body.plan!r}; clear PLANBOOK_PLAN "
                "in the workbook or use the service of that plan",
                loc=("body", "plan"),
            )
        batch = Batch(plan, body.pin, body.calls, body.refs, body.errors, gets=gets)
        answer = await run_in_threadpool(run_batch, batch, ctx.principal, resolver(plan))
        # plain JSON values already: skip FastAPI's per-item encoder (10,000 calls a batch)
        out = orjson.dumps(answer)
        took = f"batch;dur={(time.perf_counter() - start) * 1000:.1f}"  # the client's timings
        return Response(out, media_type="application/json", headers={"Server-Timing": took})

    return api


def _batch_body(raw: bytes) -> tuple[BatchIn, Gets | None]:
    """The batch from the request body; a malformed one is a 422 naming the field (and the
    index of a bad call or argument)."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _bad("the body is not JSON; send {calls: [[name, [args...]], ...]}") from None
    if not isinstance(data, dict):
        raise _bad("the body must be a JSON object with calls")
    calls = data.get("calls", [])
    if not isinstance(calls, list) or not all(type(c) is list for c in calls):
        raise _bad("calls must be a list of [name, [arguments...]]", "calls")
    if len(calls) > MAX_CALLS:
        raise _bad(f"at most {MAX_CALLS:,} calls a request; send the rest in another", "calls")
    gets = _gets(data.get("gets"))
    try:
        rest = BatchIn.model_validate({**data, "calls": [], "gets": None})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise _bad(str(first["msg"]), *(str(p) for p in first["loc"])) from None
    rest.calls = calls
    return rest, gets


def _gets(data: Any) -> Gets | None:
    """The compact ``PB.GET`` calls (:class:`GetsIn`), checked as a whole: the shape once,
    then the first bad argument, digit or index named."""
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) != {"args", "at"}:
        raise _bad("gets must be {args: [distinct arguments], at: 'index digits'}", "gets")
    args, at = data["args"], data["at"]
    if not isinstance(args, list) or not isinstance(at, str):
        raise _bad("gets.args must be a list and gets.at a text of base64url digits", "gets")
    if len(args) > 3 * MAX_CALLS or len(at) > AT_DIGITS:
        raise _bad(f"at most {MAX_CALLS:,} calls a request; send the rest in another", "gets")
    for i, value in enumerate(args):
        if type(value) not in (str, int, float):
            raise _bad(f"argument {i} is {value!r:.40}; a text or a number was expected",
                       "gets", "args", str(i))  # fmt: skip
    try:
        return Gets(args, decode_indices(at, len(args)))
    except ValueError as exc:
        raise _bad(str(exc), "gets", "at") from None


def _bad(message: str, *field: str) -> InvalidRequest:
    return InvalidRequest(message, loc=("body", *field))


def _static(name: str) -> Response:
    path = STATIC / name
    suffix = "." + name.rpartition(".")[2]
    if "/" in name or name.startswith(".") or suffix not in TYPES or not path.is_file():
        raise NotFound(f"there is no add-in file {name!r}", loc=("path", "name"))
    return Response(path.read_bytes(), media_type=TYPES[suffix])


def mount_routes(app: FastAPI, buttons_reason: str | None) -> None:
    """Add the add-in's routes to ``app``."""
    app.include_router(router(buttons_reason))
