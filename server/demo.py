"""The demo company as a realistic history in a store: set-up, each team's first draft
(tagged ``first-drafts``), submissions, a returned budget and its fix, approval, a
``board-approved`` tag, actuals."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from planbook.confidential import confidential_accounts
from planbook.demo import Demo
from planbook.model import AccountType, Plan
from server.store.contract import PushRequest
from server.store.records import VersionInfo
from server.store.store import Store

__all__ = ["load_demo"]

FINANCE = "finance@cirrus.example"


def _lead(plan: Plan, team: str) -> str:
    lead = plan.team(team).lead or team
    return f"{lead.lower().replace(' ', '.')}@cirrus.example"


def _padded(plan: Plan, facts: pd.DataFrame) -> pd.DataFrame:
    """A first draft that asks for too much: an off-site on the team's largest opex account."""
    hidden = confidential_accounts(plan)
    opex = {a.id for a in plan.accounts if a.type is AccountType.OPEX and a.id not in hidden}
    base = facts[(facts["scenario"] == "base") & facts["account"].isin(opex)]
    if base.empty:
        return facts
    account = base.groupby(base["account"].astype(str))["amount"].sum().idxmax()
    extra = base[base["account"] == account].drop_duplicates("period").copy()
    extra["line"] = "team off-site (draft)"
    return pd.concat([facts.astype({"line": str}), extra.astype({"line": str})], ignore_index=True)


def load_demo(
    store: Store, demo: Demo, progress: Callable[[str], None] = lambda _: None
) -> VersionInfo:
    """Push the demo company as a series of versions, each under the name of the person
    who would make it (finance, each team's lead); returns the last one."""
    finance = store.acting_as(FINANCE)
    plan, facts = demo.plan, demo.facts
    is_actual = facts["scenario"] == "actuals"
    version, _ = finance.push(PushRequest(plan.id, base=None, message="FY set-up", company=plan))
    returned = plan.teams[0].id
    for team in plan.teams:
        progress(f"first draft of {team.id}")
        rows = facts[(facts["team"] == team.id) & ~is_actual]
        draft = _padded(plan, rows) if team.id == returned else rows
        lead = store.acting_as(_lead(plan, team.id))
        positions = demo.positions[demo.positions["team"] == team.id]
        version, _ = lead.push(
            PushRequest(
                plan.id,
                base=version.number,
                message=f"{team.name}: first draft",
                facts=draft,
                positions=positions,
            )
        )
        lead.change_status(plan_id=plan.id, team=team.id, action="submit")
    finance.set_tag(plan_id=plan.id, name="first-drafts", ref=version.number)
    progress(f"returning {returned} and its fix")
    version = _return_and_fix(store, plan, facts[(facts["team"] == returned) & ~is_actual], version)
    for team in plan.teams:
        finance.change_status(plan_id=plan.id, team=team.id, action="approve", force=True)
    finance.set_tag(plan_id=plan.id, name="board-approved", ref=version.number)
    progress("actuals")
    version, _ = finance.push(
        PushRequest(plan.id, base=version.number, message="Actuals to date", facts=facts[is_actual])
    )
    return version


def _return_and_fix(
    store: Store, plan: Plan, fixed: pd.DataFrame, version: VersionInfo
) -> VersionInfo:
    team = plan.teams[0]
    lead = store.acting_as(_lead(plan, team.id))
    store.acting_as(FINANCE).change_status(
        plan_id=plan.id,
        team=team.id,
        action="return",
        comment="The off-site puts you over the envelope; take it out or fund it elsewhere.",
    )
    version, _ = lead.push(
        PushRequest(
            plan.id, base=version.number, message=f"{team.name}: off-site removed", facts=fixed
        )
    )
    lead.change_status(plan_id=plan.id, team=team.id, action="submit")
    return version
