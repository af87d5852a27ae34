"""Routes: submission status per team, and tags."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from server.api.deps import Ctx
from server.api.versions import BODY_ERRORS, ERRORS, WRITE_ERRORS, PlanId
from server.schemas import StatusIn, StatusOut, TagIn, TagOut
from server.store import team_part

router = APIRouter(prefix="/api/v1", tags=["workflow"])

TeamId = Annotated[str, Path(description="Team id.", examples=["sales-na"], max_length=64)]
TagName = Annotated[str, Path(description="Tag name.", examples=["board-approved"], max_length=64)]


@router.get("/plans/{plan}/status", responses=ERRORS)
def list_status(plan: PlanId, ctx: Ctx) -> list[StatusOut]:
    """Each team's current submission status (a team never submitted is a draft)."""
    current = ctx.store.statuses(plan)
    return [StatusOut.of(change, team_part(team)) for team, change in current.items()]


@router.get("/plans/{plan}/status/history", responses=ERRORS)
def status_history(
    plan: PlanId,
    ctx: Ctx,
    team: Annotated[str | None, Query(max_length=64, examples=["sales-na"])] = None,
) -> list[StatusOut]:
    """Every status change (of one team, or of all), oldest first, with who and when."""
    changes = ctx.store.status_history(plan, team_part(team) if team else None)
    return [StatusOut.of(c) for c in changes]


@router.post("/plans/{plan}/teams/{team}/status", responses=BODY_ERRORS)
def change_status(plan: PlanId, team: TeamId, body: StatusIn, ctx: Ctx) -> StatusOut:
    """Submit (team lead of the team, or finance), approve, return (with a comment) or
    reopen (finance) a team's budget. Approving a team whose alignment report has blocking
    findings is refused (422, each finding listed) unless ``force`` is true; a forced approval
    says so in its comment."""
    change = ctx.store.change_status(
        plan_id=plan, team=team, action=body.action, comment=body.comment, force=body.force
    )
    return StatusOut.of(change)


@router.get("/plans/{plan}/tags", responses=ERRORS)
def list_tags(plan: PlanId, ctx: Ctx) -> list[TagOut]:
    """``latest`` and every named tag."""
    return [TagOut.of(t) for t in ctx.store.tags(plan)]


@router.get("/plans/{plan}/tags/history", responses=ERRORS)
def tag_history(plan: PlanId, ctx: Ctx) -> list[TagOut]:
    """Every tag move (version null: deleted), oldest first."""
    return [TagOut.of(t) for t in ctx.store.tag_history(plan)]


@router.put("/plans/{plan}/tags/{name}", responses=BODY_ERRORS)
def set_tag(plan: PlanId, name: TagName, body: TagIn, ctx: Ctx) -> TagOut:
    """Pin or move a tag (finance or admin); the move is recorded."""
    return TagOut.of(ctx.store.set_tag(plan_id=plan, name=name, ref=body.version))


@router.delete("/plans/{plan}/tags/{name}", responses=WRITE_ERRORS)
def delete_tag(plan: PlanId, name: TagName, ctx: Ctx) -> TagOut:
    """Remove a tag (finance or admin); the removal is recorded."""
    return TagOut.of(ctx.store.delete_tag(plan_id=plan, name=name))
