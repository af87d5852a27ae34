"""Route: the diff of two versions (what ``planbook diff --format json`` prints)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from planbook.diff import DiffScope
from planbook.errors import PlanValidationError, Problem
from server.api.deps import Ctx
from server.api.versions import ERRORS, PlanId
from server.diffreport import diff_report
from server.schemas import DiffOut
from server.store.compare import diff_versions

router = APIRouter(prefix="/api/v1", tags=["diff"])

Many = Annotated[list[str] | None, Query()]
Ref = Annotated[str, Query(max_length=64, description="Version number, tag or latest.")]


@router.get("/plans/{plan}/diff", responses=ERRORS, response_model_by_alias=True)
def get_diff(
    plan: PlanId,
    ctx: Ctx,
    from_: Annotated[str, Query(alias="from", max_length=64, examples=["board-approved"])],
    to: Ref = "latest",
    scenario: Many = None,
    team: Many = None,
    department: Many = None,
    account: Many = None,
    period: Many = None,
    threshold: Annotated[str, Query(max_length=40, examples=["1000"])] = "0",
    bridge_by: Literal["department", "team", "account", "pnl_line", "none"] = "department",
    order: Literal["key", "size"] = "key",
    limit: Annotated[int, Query(ge=0, le=100_000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> DiffOut:
    """What changed from version ``from`` to ``to`` (numbers, tags or latest): a summary,
    totals, roll-ups of the change, the operating-income bridge, a page of changed lines
    (``limit``, ``offset``; in key order or largest first), definition changes and who
    changed what. Only parts whose content differs are read. Confidential accounts the
    caller may not see are left out of every section, as in the facts."""
    scope = DiffScope(
        scenarios=tuple(scenario or ()),
        teams=tuple(team or ()),
        departments=tuple(department or ()),
        accounts=tuple(account or ()),
        periods=tuple(period or ()),
        threshold=_threshold(threshold),
    )
    found = diff_versions(ctx.store, plan_id=plan, a=from_, b=to, scope=scope)
    report = diff_report(
        ctx.store,
        found,
        bridge_by=None if bridge_by == "none" else bridge_by,
        limit=limit,
        offset=offset,
        largest_first=order == "size",
    )
    return DiffOut.model_validate(report)


def _threshold(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise PlanValidationError(
            [Problem(("query", "threshold"), f"{text!r} is not an amount of 0 or more")],
            subject="diff request",
        )
    return value
