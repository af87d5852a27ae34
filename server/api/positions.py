"""Route: a team's stored positions (confidential: finance, admin and the team's own lead)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from server.api.deps import Ctx
from server.api.versions import ERRORS, PlanId, Ref

router = APIRouter(prefix="/api/v1", tags=["versions"])

TeamId = Annotated[str, Path(description="Team id.", examples=["sales-na"], max_length=64)]


@router.get("/plans/{plan}/versions/{ref}/teams/{team}/positions", responses=ERRORS)
def get_positions(plan: PlanId, ref: Ref, team: TeamId, ctx: Ctx) -> dict[str, Any]:
    """One team's positions in a version (the people behind its headcount lines), columnar,
    every value as text; no rows when the version stores none. 403 for a viewer, and for a
    lead of another team: positions carry salaries."""
    number = ctx.store.resolve(plan, ref)
    positions = ctx.store.positions(plan, number, team)
    return {
        "plan": plan,
        "version": number,
        "team": team,
        "positions": {c: positions[c].astype(str).tolist() for c in positions.columns},
    }
