"""Routes: health, tokens, export, import and verify."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

import planbook
from server.api.deps import Ctx
from server.api.versions import BODY_ERRORS, ERRORS, WRITE_ERRORS
from server.schemas import (
    ErrorItem,
    ErrorOut,
    HealthOut,
    ImportOut,
    TokenCreated,
    TokenIn,
    TokenOut,
    VerifyOut,
)
from server.store.db import is_current
from server.store.store import Store

router = APIRouter(prefix="/api/v1", tags=["admin"])


@router.get("/health")
def health(request: Request) -> HealthOut:
    """Liveness and schema check; needs no token."""
    store: Store = request.app.state.store
    return HealthOut(version=planbook.__version__, schema_current=is_current(store.engine))


@router.post("/tokens", status_code=201, responses=BODY_ERRORS)
def create_token(body: TokenIn, ctx: Ctx) -> TokenCreated:
    """Create a token (admin). The secret is in this answer only."""
    info, secret = ctx.store.create_token(name=body.name, role=body.role, teams=tuple(body.teams))
    return TokenCreated(**TokenOut.of(info).model_dump(), secret=secret)


@router.get("/tokens", responses=ERRORS)
def list_tokens(ctx: Ctx) -> list[TokenOut]:
    """Every token, without secrets (admin)."""
    return [TokenOut.of(t) for t in ctx.store.tokens()]


@router.delete("/tokens/{token_id}", responses=WRITE_ERRORS)
def revoke_token(token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], ctx: Ctx) -> TokenOut:
    """Revoke a token (admin); it stops working at once."""
    return TokenOut.of(ctx.store.revoke_token(token_id))


@router.get(
    "/export",
    responses=ERRORS | {200: {"content": {"application/zip": {}}, "description": "A zip."}},
)
def export_store(ctx: Ctx) -> FileResponse:
    """The whole store as a zip (admin): the backup that import restores."""
    folder = tempfile.mkdtemp(prefix="planbook-export-")
    path = FilePath(folder) / "planbook-export.zip"
    try:
        count = ctx.store.export(path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        headers={"X-Planbook-Blobs": str(count)},
        media_type="application/zip",
        filename="planbook-export.zip",
        background=BackgroundTask(_remove, path),
    )


def _remove(path: FilePath) -> None:
    path.unlink(missing_ok=True)
    path.parent.rmdir()


@router.post(
    "/import",
    responses=BODY_ERRORS
    | {409: {"model": ErrorOut, "description": "The store is not empty (StoreNotEmpty)."}},
    openapi_extra={
        "requestBody": {
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            "required": True,
        },
    },
)
async def import_store(request: Request, ctx: Ctx) -> ImportOut:
    """Load an export into an empty store (admin), all or nothing."""
    ctx.principal.require("admin", doing="importing a store")  # before reading the body
    with tempfile.TemporaryDirectory(prefix="planbook-import-") as folder:
        path = FilePath(folder) / "import.zip"
        with path.open("wb") as f:
            async for chunk in request.stream():
                f.write(chunk)
        blobs = await run_in_threadpool(ctx.store.import_, path)
    return ImportOut(blobs=blobs)


@router.get("/verify", responses=ERRORS)
def verify_store(ctx: Ctx) -> VerifyOut:
    """Check every blob against its hash and every version's parts (admin)."""
    problems = ctx.store.verify()
    return VerifyOut(
        ok=not problems, problems=[ErrorItem(loc=list(p.loc), msg=p.msg) for p in problems]
    )
