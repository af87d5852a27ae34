"""The demo company as a realistic history in a store: finance's set-up, each team's first
draft (tagged ``first-drafts``), the round of returns and revisions between them and the
approved budget (see :mod:`planbook.demo.rounds`), approval, a ``board-approved`` tag,
actuals."""

from __future__ import annotations

from collections.abc import Callable

from planbook.demo import Demo
from planbook.demo.rounds import planning_round
from planbook.model import Plan
from server.store.contract import PushRequest
from server.store.records import VersionInfo
from server.store.store import Store

__all__ = ["FINANCE", "load_demo"]

FINANCE = "finance@cirrus.example"


def _lead(plan: Plan, team: str) -> str:
    lead = plan.team(team).lead or team
    return f"{lead.lower().replace(' ', '.')}@cirrus.example"


def load_demo(
    store: Store, demo: Demo, progress: Callable[[str], None] = lambda _: None
) -> VersionInfo:
    """Push the demo company as a series of versions, each under the name of the person
    who would make it (finance, each team's lead); returns the last one.

    Finance sets up the year; every lead pushes a first draft and submits it; finance
    returns the drafts that do not fit (their leads revise and submit again), raises an
    envelope for a position a team asks for, other leads revise on their own; finance
    approves every team and tags the result ``board-approved``, which holds ``demo``'s
    plan and budgets exactly; then the actuals."""
    finance = store.acting_as(FINANCE)
    plan, facts, positions = demo.plan, demo.facts, demo.positions
    story = planning_round(demo)
    is_actual = facts["scenario"] == "actuals"
    version, _ = finance.push(
        PushRequest(plan.id, base=None, message="FY set-up", company=story.setup)
    )
    for team in plan.teams:
        progress(f"first draft of {team.id}")
        draft = story.draft(team.id)
        lead = store.acting_as(_lead(plan, team.id))
        version, _ = lead.push(
            PushRequest(
                plan.id,
                base=version.number,
                message=f"{team.name}: first draft",
                facts=draft.facts if draft else facts[(facts["team"] == team.id) & ~is_actual],
                positions=draft.positions if draft else positions[positions["team"] == team.id],
            )
        )
        lead.change_status(plan_id=plan.id, team=team.id, action="submit")
    finance.set_tag(plan_id=plan.id, name="first-drafts", ref=version.number)
    for draft in story.drafts:
        team = plan.team(draft.team)
        progress(f"revising {team.id}")
        if draft.returned:
            finance.change_status(
                plan_id=plan.id, team=team.id, action="return", comment=draft.returned
            )
        if draft.funded:
            version, _ = finance.push(
                PushRequest(
                    plan.id, base=version.number, message=story.envelope_change, company=plan
                )
            )
        lead = store.acting_as(_lead(plan, team.id))
        version, _ = lead.push(
            PushRequest(
                plan.id,
                base=version.number,
                message=f"{team.name}: {draft.revision}",
                facts=facts[(facts["team"] == team.id) & ~is_actual],
                positions=positions[positions["team"] == team.id],
            )
        )
        lead.change_status(plan_id=plan.id, team=team.id, action="submit")
    for team in plan.teams:
        finance.change_status(plan_id=plan.id, team=team.id, action="approve", force=True)
    finance.set_tag(plan_id=plan.id, name="board-approved", ref=version.number)
    progress("actuals")
    version, _ = finance.push(
        PushRequest(plan.id, base=version.number, message="Actuals to date", facts=facts[is_actual])
    )
    return version
