"""The alignment report: does every team's plan line up with leadership's plan (vertical)
and with the other teams and the company's assumptions (horizontal)?

:func:`alignment_report` runs every rule of :data:`RULES` over a plan and its facts and
returns :class:`Finding` records (rule, severity, team, period, numbers, sentence).
``blocking`` findings stop a team's approval unless it is forced. The rules, their inputs
and the demo's planted breaches are documented in ``docs/alignment.md``.
"""

from __future__ import annotations

import pandas as pd

from planbook.align.capacity import driver_findings
from planbook.align.findings import (
    BLOCKING,
    FINDING_COLUMNS,
    WARNING,
    AlignmentSettings,
    Finding,
    findings_frame,
)
from planbook.align.horizontal import dependency_findings, hiring_findings, loaded_cost_findings
from planbook.align.vertical import envelope_findings, goal_findings
from planbook.facts import canonical_dtypes
from planbook.model import Plan

__all__ = [
    "BLOCKING",
    "FINDING_COLUMNS",
    "RULES",
    "WARNING",
    "AlignmentSettings",
    "Finding",
    "alignment_report",
    "approval_blockers",
    "approval_teams",
    "blocking_for",
    "findings_for",
    "findings_frame",
]

RULES: dict[str, str] = {
    "team-envelope": "a team's cost request over its envelope by year, quarter or month",
    "department-envelope": "a department's request over its teams' envelopes by year",
    "company-envelope": "the company's request over the sum of envelopes by year",
    "goal-owner": "a goal without an owner team",
    "company-target": "a company target (opex % of revenue, burn, runway ...) the plan misses",
    "goal-drivers": "an ARR goal the plan's sales capacity cannot reach by its due month",
    "recruiting-budget": "hires x cost per hire above Recruiting's budget by year",
    "recruiter-capacity": "hires above recruiters x hires per recruiter by quarter",
    "tools-per-head": "tool and seat costs that do not match heads x tools per head",
    "payroll-tax": "payroll taxes that do not use the company's payroll-tax rate",
    "salary-inflation": "salaries that do not follow the company's salary inflation",
    "salary-band": "a role paid outside the band of the company's median for it",
    "dependency-order": "a team planned earlier than the launch or hire it waits for",
}
"""Every rule, in report order."""


def alignment_report(
    plan: Plan, facts: pd.DataFrame, settings: AlignmentSettings | None = None
) -> list[Finding]:
    """Every finding of every rule, in :data:`RULES` order, then by team and period."""
    settings = settings or AlignmentSettings()
    facts = canonical_dtypes(facts)
    facts = facts[facts["scenario"] == settings.scenario]
    found = (
        envelope_findings(plan, facts, settings)
        + goal_findings(plan, facts, settings)
        + driver_findings(plan, facts, settings)
        + hiring_findings(plan, facts, settings)
        + loaded_cost_findings(plan, facts, settings)
        + dependency_findings(plan, facts, settings)
    )
    order = {rule: i for i, rule in enumerate(RULES)}
    return sorted(found, key=lambda f: (order[f.rule], f.team or "", f.period))


def approval_teams(plan: Plan, team: str) -> list[str]:
    """The teams whose facts decide whether ``team`` may be approved: itself and the teams
    it declared it waits for."""
    return [team, *sorted({d.on_team for d in plan.dependencies if d.team == team} - {team})]


def approval_blockers(
    plan: Plan, facts: pd.DataFrame, team: str, settings: AlignmentSettings | None = None
) -> list[Finding]:
    """The blocking findings that stop ``team``'s approval. ``facts`` need hold only the
    teams of :func:`approval_teams` (the team-level rules read nothing else)."""
    return blocking_for(alignment_report(plan, facts, settings), plan, team)


def findings_for(findings: list[Finding], plan: Plan, team: str) -> list[Finding]:
    """The findings that concern one team: its own, and its department's."""
    department = plan.team(team).department
    return [f for f in findings if f.team in (team, department)]


def blocking_for(findings: list[Finding], plan: Plan, team: str) -> list[Finding]:
    """The blocking findings that concern one team: its own, and its department's."""
    return [f for f in findings_for(findings, plan, team) if f.severity == BLOCKING]
