"""The alignment report of a stored version as its caller may see it: the ``/align`` route
and the console's status board read findings here (the rules are the core's,
:func:`planbook.align.alignment_report`; facts come through the caller's door, so
confidential accounts the caller may not see play no part)."""

from __future__ import annotations

from collections.abc import Sequence

from planbook.align import AlignmentSettings, Finding, alignment_report
from planbook.errors import PlanValidationError, Problem
from planbook.model import Plan
from server.auth import ActingStore
from server.store import FactFilter

__all__ = ["version_findings"]


def version_findings(
    store: ActingStore,
    plan_id: str,
    ref: str | int = "latest",
    *,
    scenario: str = "base",
    teams: Sequence[str] = (),
) -> tuple[int, Plan, list[Finding]]:
    """The version's number, plan and findings (only those of ``teams`` and their
    departments, when given); an unknown team or scenario is an error naming it."""
    number = store.version(plan_id, ref).number
    definition = store.plan(plan_id, number)
    known = {t.id for t in definition.teams}
    problems = [Problem(("query", "team"), f"{t!r} is not a team") for t in teams if t not in known]
    if scenario not in {s.id for s in definition.scenarios}:
        problems.append(Problem(("query", "scenario"), f"{scenario!r} is not a scenario"))
    if problems:
        raise PlanValidationError(problems, subject="alignment request")
    facts = store.facts(plan_id, number, FactFilter(scenarios=[scenario]))
    found = alignment_report(definition, facts, AlignmentSettings(scenario=scenario))
    if teams:
        keep = set(teams) | {definition.team(t).department for t in teams}
        found = [f for f in found if f.team in keep]
    return number, definition, found
