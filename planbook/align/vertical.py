"""Vertical alignment: team requests against envelopes, departments and the company against
the top-down total, goals with an owner, company targets met by the bottom-up plan."""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.align.findings import BLOCKING, WARNING, AlignmentSettings, Finding, money
from planbook.errors import PlanValidationError
from planbook.facts import KEY_COLUMNS, facts_from_arrow, facts_to_arrow
from planbook.kpis import kpis
from planbook.model import Plan

__all__ = ["envelope_findings", "goal_findings", "monthly_costs"]

Cells = dict[tuple[str, str], Decimal]


def monthly_costs(plan: Plan, facts: pd.DataFrame, *, scenario: str) -> Cells:
    """Each team's cost request (COGS, opex, capex) by month."""
    costs = [a.id for a in plan.accounts if a.type.is_cost]
    rows = facts[(facts["scenario"] == scenario) & facts["account"].isin(costs)]
    sums = rows.groupby(["team", "period"], observed=True)["amount"].sum()
    return {(str(k[0]), str(k[1])): Decimal(v) for k, v in sums.items() if isinstance(k, tuple)}


def _envelopes(plan: Plan, scenario: str) -> Cells:
    out: Cells = {}
    for envelope in plan.envelopes:
        if envelope.scenario == scenario:
            out.update({(envelope.team, p): v for p, v in envelope.amounts.items()})
    return out


def envelope_findings(
    plan: Plan, facts: pd.DataFrame, settings: AlignmentSettings
) -> list[Finding]:
    """Teams over their envelope (the year, else a quarter, else a month: a month over
    inside an over quarter is part of that quarter's finding), then departments and the
    company over the sum of their envelopes by fiscal year."""
    request = monthly_costs(plan, facts, scenario=settings.scenario)
    envelope = _envelopes(plan, settings.scenario)
    quarter_of = plan.calendar.labels("quarter")
    years: dict[str, list[str]] = defaultdict(list)
    for month, year in plan.calendar.labels("year").items():
        years[year].append(month)
    findings: list[Finding] = []
    for team in plan.teams:
        name = f"Team {team.name}"
        for year, months in years.items():
            findings += _team_year(team.id, name, year, months, request, envelope, quarter_of)
    department_of = {t.id: t.department for t in plan.teams}
    for year, months in years.items():
        by_department: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for team in plan.teams:
            cell = by_department[department_of[team.id]]
            cell[0] += sum((request.get((team.id, m), Decimal(0)) for m in months), Decimal(0))
            cell[1] += sum((envelope.get((team.id, m), Decimal(0)) for m in months), Decimal(0))
        for department in plan.departments:
            req, env = by_department[department.id]
            if req > env:
                findings.append(
                    _over(
                        "department-envelope",
                        WARNING,
                        department.id,
                        year,
                        req,
                        env,
                        f"Department {department.name}",
                    )
                )
        req = sum((v[0] for v in by_department.values()), Decimal(0))
        env = sum((v[1] for v in by_department.values()), Decimal(0))
        if req > env:
            findings.append(
                _over("company-envelope", BLOCKING, None, year, req, env, "The company")
            )
    return findings


def _team_year(
    team: str,
    name: str,
    year: str,
    months: list[str],
    request: Cells,
    envelope: Cells,
    quarter_of: dict[str, str],
) -> list[Finding]:
    def total(cells: Cells, span: list[str]) -> Decimal:
        return sum((cells.get((team, m), Decimal(0)) for m in span), Decimal(0))

    req, env = total(request, months), total(envelope, months)
    if req > env:
        return [_over("team-envelope", BLOCKING, team, year, req, env, name)]
    quarters: dict[str, list[str]] = defaultdict(list)
    for m in months:
        quarters[quarter_of[m]].append(m)
    out = []
    for quarter, span in quarters.items():
        req, env = total(request, span), total(envelope, span)
        if req > env:
            out.append(_over("team-envelope", WARNING, team, quarter, req, env, name))
            continue
        for m in span:
            req, env = total(request, [m]), total(envelope, [m])
            if req > env:
                out.append(_over("team-envelope", WARNING, team, m, req, env, name))
    return out


def _over(
    rule: str, severity: str, who: str | None, period: str, req: Decimal, env: Decimal, name: str
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        team=who,
        period=period,
        numbers={"request": req, "envelope": env, "over": req - env},
        sentence=(
            f"{name} asks for {money(req)} in {period} against an envelope of {money(env)}: "
            f"{money(req - env)} over; cut the request or raise the envelope."
        ),
    )


def goal_findings(plan: Plan, facts: pd.DataFrame, settings: AlignmentSettings) -> list[Finding]:
    """Goals without an owner team; company targets the bottom-up plan does not meet."""
    findings = []
    targets = sorted({g.metric for g in plan.goals if g.metric in settings.target_metrics})
    values = _kpis(plan, facts, settings, targets) if targets else None
    for i, goal in enumerate(plan.goals):
        if goal.team is None:
            findings.append(
                Finding(
                    rule="goal-owner",
                    severity=WARNING,
                    team=None,
                    period=goal.due,
                    numbers={},
                    sentence=(
                        f"Goal {goal.id!r} ({goal.description}) has no owner team; name the "
                        f"team or department accountable (goals[{i}].team)."
                    ),
                )
            )
        if goal.metric in settings.target_metrics:
            found = _target(plan, facts, settings, goal.id, values)
            if found is not None:
                findings.append(found)
    return findings


def _kpis(
    plan: Plan, facts: pd.DataFrame, settings: AlignmentSettings, metrics: list[str]
) -> pd.DataFrame | None:
    """Every target metric by month at once; None when one cannot be computed."""
    try:
        return kpis(
            plan,
            by_department(plan, facts),
            scenarios=[settings.scenario],
            metrics=metrics,
            grain="month",
        )
    except PlanValidationError:
        return None


def by_department(plan: Plan, facts: pd.DataFrame) -> pd.DataFrame:
    """The facts summed to one team per department (its first): company KPIs read
    departments (sales and marketing spend), never single teams, so they come out the same
    from far fewer rows."""
    first: dict[str, str] = {}
    for team in plan.teams:
        first.setdefault(team.department, team.id)
    department = {t.id: t.department for t in plan.teams}
    table = facts_to_arrow(facts)
    column = table.column("team").combine_chunks()
    names = [first.get(department.get(v, ""), v) for v in column.dictionary.to_pylist()]
    columns = {c: table.column(c).cast(pa.string()) for c in KEY_COLUMNS if c != "team"}
    columns["team"] = pc.take(pa.array(names, pa.string()), column.indices)
    grouped = (
        pa.table({**columns, "amount": table.column("amount")})
        .group_by(list(KEY_COLUMNS))
        .aggregate([("amount", "sum")])
    )
    return facts_from_arrow(
        pa.table(
            {c: grouped.column(c) for c in KEY_COLUMNS} | {"amount": grouped.column("amount_sum")}
        )
    )


def _target(
    plan: Plan,
    facts: pd.DataFrame,
    settings: AlignmentSettings,
    goal_id: str,
    computed: pd.DataFrame | None,
) -> Finding | None:
    goal = next(g for g in plan.goals if g.id == goal_id)
    try:
        values = (
            computed[computed["metric"] == goal.metric]
            if computed is not None
            else kpis(
                plan, facts, scenarios=[settings.scenario], metrics=[goal.metric], grain="month"
            )
        )
    except PlanValidationError as exc:
        reason = "; ".join(p.msg for p in exc.problems)
        return Finding(
            "company-target",
            WARNING,
            goal.team,
            goal.due,
            {},
            (f"Goal {goal.id!r} cannot be checked against the plan: {reason}."),
        )
    at_due = values[values["period"] == goal.due]["value"]
    if not len(at_due) or math.isnan(float(at_due.iloc[0])):
        return None
    value = Decimal(str(round(float(at_due.iloc[0]), 6)))
    met = value >= goal.target if goal.direction == "at_least" else value <= goal.target
    if met:
        return None
    wanted = "at least" if goal.direction == "at_least" else "at most"
    return Finding(
        rule="company-target",
        severity=WARNING,
        team=goal.team,
        period=goal.due,
        numbers={"planned": value, "target": goal.target},
        sentence=(
            f"Goal {goal.id!r} ({goal.description}) wants {goal.metric} {wanted} "
            f"{goal.target} by {goal.due}; the {settings.scenario} plan reaches {value:.4g}."
        ),
    )
