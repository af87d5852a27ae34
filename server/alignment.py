"""The alignment report of a stored version as its caller may see it: the ``/align`` route,
the console's status board and a pulled team workbook's Summary read findings here (the
rules are the core's, :func:`planbook.align.alignment_report`; facts come through the
caller's door, so confidential accounts the caller may not see play no part).

A version never changes, so its report depends only on the version's content, the scenario
and what the caller may see: :data:`FINDINGS` keeps each report computed through the
service's door under that key, for every path alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from planbook.align import AlignmentSettings, Finding, alignment_report
from planbook.errors import PlanValidationError, Problem
from planbook.model import Plan
from server.auth import ActingStore, hidden_filter
from server.lru import LruCache
from server.store import FactFilter, StoreAPI, VersionInfo

__all__ = ["FINDINGS", "FINDINGS_KEPT", "version_findings", "version_report"]

FINDINGS_KEPT = 256
"""How many reports :data:`FINDINGS` keeps (a report is a list of findings: small)."""

ReportKey = tuple[str, str, str, tuple[str, ...], tuple[str, ...]]
"""(plan, version content hash, scenario, accounts hidden from the caller, the teams whose
hidden accounts the caller still sees)."""

FINDINGS: LruCache[ReportKey, tuple[Finding, ...]] = LruCache(FINDINGS_KEPT)
"""The alignment reports computed through the service's door, by what each depends on."""


def version_report(store: StoreAPI, plan: Plan, info: VersionInfo, scenario: str) -> list[Finding]:
    """The alignment report of version ``info`` (whose definition is ``plan``) in
    ``scenario``, over the facts ``store`` lets its caller see. Through the service's door
    (:class:`ActingStore`) it is kept in :data:`FINDINGS`, keyed by the version's content
    hash and the caller's visibility, so a caller is never answered from the report of one
    who sees more; another door (the embedded store, the HTTP client) computes it."""
    wanted = FactFilter(scenarios=[scenario])

    def compute() -> tuple[Finding, ...]:
        facts = store.facts(info.plan, info.number, wanted)
        return tuple(alignment_report(plan, facts, AlignmentSettings(scenario=scenario)))

    if not isinstance(store, ActingStore):
        return list(compute())
    seen = hidden_filter(store.principal, plan, wanted)  # the rule the door's reads apply
    key = (info.plan, info.hash, scenario, tuple(seen.hidden_accounts), tuple(seen.own_teams))
    return list(FINDINGS.get(key, compute))


def version_findings(
    store: StoreAPI,
    plan_id: str,
    ref: str | int = "latest",
    *,
    scenario: str = "base",
    teams: Sequence[str] = (),
) -> tuple[int, Plan, list[Finding]]:
    """The version's number, plan and findings (only those of ``teams`` and their
    departments, when given); an unknown team or scenario is an error naming it."""
    info = store.version(plan_id, ref)
    definition = store.plan(plan_id, info.number)
    known = {t.id for t in definition.teams}
    problems = [Problem(("query", "team"), f"{t!r} is not a team") for t in teams if t not in known]
    if scenario not in {s.id for s in definition.scenarios}:
        problems.append(Problem(("query", "scenario"), f"{scenario!r} is not a scenario"))
    if problems:
        raise PlanValidationError(problems, subject="alignment request")
    found = version_report(store, definition, info, scenario)
    if teams:
        keep = set(teams) | {definition.team(t).department for t in teams}
        found = [f for f in found if f.team in keep]
    return info.number, definition, found
