"""The demo company as a realistic history in a store: set-up, each team's first draft,
submissions, a returned budget and its fix, approval, a ``board-approved`` tag, actuals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import pandas as pd

from planbook.demo import Demo
from planbook.model import AccountType, Plan
from server.store.push import PushRequest
from server.store.records import StatusChange, TagInfo, VersionInfo

__all__ = ["StoreLike", "load_demo"]

FINANCE = "finance@cirrus.example"


class StoreLike(Protocol):
    """What loading the demo needs: the embedded store or the service client."""

    def push(self, request: PushRequest) -> tuple[VersionInfo, bool]: ...

    def change_status(
        self, *, plan_id: str, team: str, action: str, actor: str, comment: str = ""
    ) -> StatusChange: ...

    def set_tag(self, *, plan_id: str, name: str, ref: str | int, actor: str) -> TagInfo: ...


def _lead(plan: Plan, team: str) -> str:
    lead = plan.team(team).lead or team
    return f"{lead.lower().replace(' ', '.')}@cirrus.example"


def _padded(plan: Plan, facts: pd.DataFrame) -> pd.DataFrame:
    """A first draft that asks for too much: an off-site on the team's largest opex account."""
    opex = {a.id for a in plan.accounts if a.type is AccountType.OPEX and not a.confidential}
    base = facts[(facts["scenario"] == "base") & facts["account"].isin(opex)]
    if base.empty:
        return facts
    account = base.groupby(base["account"].astype(str))["amount"].sum().idxmax()
    extra = base[base["account"] == account].drop_duplicates("period").copy()
    extra["line"] = "team off-site (draft)"
    return pd.concat([facts.astype({"line": str}), extra.astype({"line": str})], ignore_index=True)


def load_demo(
    store: StoreLike, demo: Demo, progress: Callable[[str], None] = lambda _: None
) -> VersionInfo:
    """Push the demo company as a series of versions; returns the last one."""
    plan, facts = demo.plan, demo.facts
    is_actual = facts["scenario"] == "actuals"
    version, _ = store.push(
        PushRequest(plan.id, base=None, author=FINANCE, message="FY set-up", company=plan)
    )
    returned = plan.teams[0].id
    for team in plan.teams:
        progress(f"first draft of {team.id}")
        rows = facts[(facts["team"] == team.id) & ~is_actual]
        draft = _padded(plan, rows) if team.id == returned else rows
        version, _ = store.push(
            PushRequest(
                plan.id,
                base=version.number,
                author=_lead(plan, team.id),
                message=f"{team.name}: first draft",
                facts=draft,
            )
        )
        store.change_status(
            plan_id=plan.id, team=team.id, action="submit", actor=_lead(plan, team.id)
        )
    progress(f"returning {returned} and its fix")
    version = _return_and_fix(store, plan, facts[(facts["team"] == returned) & ~is_actual], version)
    for team in plan.teams:
        store.change_status(plan_id=plan.id, team=team.id, action="approve", actor=FINANCE)
    store.set_tag(plan_id=plan.id, name="board-approved", ref=version.number, actor=FINANCE)
    progress("actuals")
    version, _ = store.push(
        PushRequest(
            plan.id,
            base=version.number,
            author=FINANCE,
            message="Actuals to date",
            facts=facts[is_actual],
        )
    )
    return version


def _return_and_fix(
    store: StoreLike, plan: Plan, fixed: pd.DataFrame, version: VersionInfo
) -> VersionInfo:
    team = plan.teams[0]
    store.change_status(
        plan_id=plan.id,
        team=team.id,
        action="return",
        actor=FINANCE,
        comment="The off-site puts you over the envelope; take it out or fund it elsewhere.",
    )
    version, _ = store.push(
        PushRequest(
            plan.id,
            base=version.number,
            author=_lead(plan, team.id),
            message=f"{team.name}: off-site removed",
            facts=fixed,
        )
    )
    store.change_status(plan_id=plan.id, team=team.id, action="submit", actor=_lead(plan, team.id))
    return version
