"""Horizontal alignment: teams agree with each other and with the company's assumptions.

Hiring against Recruiting's budget and recruiters' capacity, tool seats against heads, the
company's payroll-tax rate, salary inflation and salary bands in every team's loaded cost,
and declared dependencies between teams planned in order.
"""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from planbook.align.findings import BLOCKING, WARNING, AlignmentSettings, Finding, money
from planbook.columnar import FactColumns, exact_sums
from planbook.dependencies import first_month
from planbook.facts import plain_decimal
from planbook.model import Plan

__all__ = ["dependency_findings", "hiring_findings", "loaded_cost_findings", "sums"]

_CENT = Decimal("0.01")

Lines = dict[tuple[str, ...], Decimal]
"""Amounts by a key such as (team, month) or (team, line, month)."""


def sums(
    facts: pd.DataFrame, *, scenario: str, account: str, by: tuple[str, ...] = ("team", "period")
) -> dict[tuple[str, ...], Decimal]:
    """One account's amounts in a scenario, summed exactly by ``by`` (key columns), by code
    (:func:`~planbook.columnar.exact_sums`: no row is grouped by its text)."""
    columns = FactColumns.of(facts)
    mask = columns.scenario.isin([scenario]) & columns.account.isin([account])
    frame = exact_sums([getattr(columns, k) for k in by], columns.amounts, mask)
    keys = zip(*(frame[f"key{i}"].tolist() for i in range(len(by))), strict=True)
    return dict(zip(keys, frame["amount"].tolist(), strict=True))


def _rate(plan: Plan, assumption: str) -> dict[str, Decimal]:
    return dict(plan.assumption(assumption).values)


def _years(plan: Plan) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for month, year in plan.calendar.labels("year").items():
        out[year].append(month)
    return out


def hiring_findings(plan: Plan, facts: pd.DataFrame, s: AlignmentSettings) -> list[Finding]:
    """Hires against Recruiting's budget (cost per hire x hires) by fiscal year, and
    against recruiters' capacity by quarter."""
    if not s.has(plan, accounts=(s.hires, s.recruiting), assumptions=(s.cost_per_hire,)):
        return []
    hires = sums(facts, scenario=s.scenario, account=s.hires)
    recruiting = sums(facts, scenario=s.scenario, account=s.recruiting)
    cost = _rate(plan, s.cost_per_hire)
    hiring = _team_years(plan, recruiting, {k: n * cost[k[1]] for k, n in hires.items()})
    budgets, counts = _per_year(plan, recruiting), _per_year(plan, hires)
    findings = []
    for year in _years(plan):
        needs = [t for t in hiring if t.year == year]
        total_needed = sum((t.want for t in needs), Decimal(0))
        total_budget = sum((v for (_, y), v in budgets.items() if y == year), Decimal(0))
        if total_budget < total_needed:
            short = [t.team for t in needs if t.got < t.want]
            heads = sum((n for (_, y), n in counts.items() if y == year), Decimal(0))
            findings.append(
                Finding(
                    rule="recruiting-budget",
                    severity=BLOCKING,
                    team=None,
                    period=year,
                    numbers={"hires": heads, "needed": total_needed, "budget": total_budget},
                    sentence=(
                        f"{plain_decimal(heads)} hires in {year} need {money(total_needed)} "
                        f"of recruiting at the company's cost per hire; "
                        f"{money(total_budget)} is budgeted ({money(total_needed - total_budget)} "
                        "short). Hires without "
                        f"recruiting budget: {', '.join(short)}."
                    ),
                )
            )
    return findings + _capacity(plan, facts, s, hires)


def _capacity(
    plan: Plan, facts: pd.DataFrame, s: AlignmentSettings, hires: dict[tuple[str, ...], Decimal]
) -> list[Finding]:
    if not s.has(plan, accounts=(s.heads,), assumptions=(s.hires_per_recruiter,)):
        return []
    heads = sums(facts, scenario=s.scenario, account=s.heads, by=("line", "period"))
    per_recruiter = _rate(plan, s.hires_per_recruiter)
    quarters: dict[str, list[str]] = defaultdict(list)
    for month, quarter in plan.calendar.labels("quarter").items():
        quarters[quarter].append(month)
    findings = []
    for quarter, months in quarters.items():
        wanted = sum((n for (_, m), n in hires.items() if m in months), Decimal(0))
        capacity = sum(
            (heads.get((s.recruiter_role, m), Decimal(0)) * per_recruiter[m] for m in months),
            Decimal(0),
        )
        if wanted > capacity:
            findings.append(
                Finding(
                    rule="recruiter-capacity",
                    severity=WARNING,
                    team=None,
                    period=quarter,
                    numbers={"hires": wanted, "capacity": capacity},
                    sentence=(
                        f"{plain_decimal(wanted)} hires in {quarter} are more than the "
                        f"recruiters on the plan can make ({plain_decimal(capacity)} at "
                        f"{s.hires_per_recruiter}); plan a recruiter or spread the hires."
                    ),
                )
            )
    return findings


def loaded_cost_findings(plan: Plan, facts: pd.DataFrame, s: AlignmentSettings) -> list[Finding]:
    """Tool seats against heads; payroll tax, salary inflation and bands against the
    company's assumptions and the other teams."""
    findings: list[Finding] = []
    heads_by_line = sums(facts, scenario=s.scenario, account=s.heads, by=("team", "line", "period"))
    heads: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (team, _, month), n in heads_by_line.items():
        heads[team, month] += n
    if s.has(plan, accounts=(s.tools, s.heads), assumptions=(s.tools_per_head,)):
        findings += _tools(plan, facts, s, heads)
    if s.has(plan, accounts=(s.salaries, s.payroll_taxes), assumptions=(s.payroll_tax_rate,)):
        findings += _payroll_tax(plan, facts, s, heads)
    if s.has(plan, accounts=(s.salaries, s.heads), assumptions=(s.salary_inflation,)):
        salaries = sums(
            facts, scenario=s.scenario, account=s.salaries, by=("team", "line", "period")
        )
        findings += _inflation(plan, s, salaries, heads_by_line)
        findings += _bands(plan, s, salaries, heads_by_line)
    return findings


def _per_year(plan: Plan, cells: Lines) -> dict[tuple[str, str], Decimal]:
    """(team, month) cells summed by (team, fiscal year)."""
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    year_of = plan.calendar.labels("year")
    for (team, month), value in cells.items():
        if month in year_of:
            out[team, year_of[month]] += value
    return out


@dataclass(frozen=True)
class _TeamYear:
    """A team's fiscal year in a yearly rule: what it budgets (``got``) and what the
    company's assumption makes of its drivers (``want``), each summed over the year."""

    team: str
    year: str
    got: Decimal
    want: Decimal


def _team_years(plan: Plan, got: Lines, want: Lines) -> list[_TeamYear]:
    """Every (team, fiscal year) in which ``want`` has a (team, month) cell, by team then
    year, with ``got`` summed alongside (zero where it has none): the per-team per-month
    loop of the yearly rules, which then state only their own test."""
    gots = _per_year(plan, got)
    return [
        _TeamYear(team, year, gots.get((team, year), Decimal(0)), wants)
        for (team, year), wants in sorted(_per_year(plan, want).items())
    ]


def _tools(
    plan: Plan, facts: pd.DataFrame, s: AlignmentSettings, heads: dict[tuple[str, str], Decimal]
) -> list[Finding]:
    rate = _rate(plan, s.tools_per_head)
    tools = sums(facts, scenario=s.scenario, account=s.tools)
    # every team-month with tools is compared, with or without heads
    expected: Lines = dict.fromkeys(tools, Decimal(0))
    expected |= {k: n * rate[k[1]] for k, n in heads.items()}
    return [
        Finding(
            rule="tools-per-head",
            severity=WARNING,
            team=t.team,
            period=t.year,
            numbers={"tools": t.got, "expected": t.want, "difference": t.got - t.want},
            sentence=(
                f"Team {plan.team(t.team).name} budgets {money(t.got)} of {s.tools} in "
                f"{t.year}; its heads at the company's {s.tools_per_head} make {money(t.want)}."
            ),
        )
        for t in _team_years(plan, tools, expected)
        if abs(t.got - t.want) > s.tools_tolerance * t.want + _CENT
    ]


def _payroll_tax(
    plan: Plan, facts: pd.DataFrame, s: AlignmentSettings, heads: dict[tuple[str, str], Decimal]
) -> list[Finding]:
    rate = _rate(plan, s.payroll_tax_rate)
    salaries = sums(facts, scenario=s.scenario, account=s.salaries)
    taxes = sums(facts, scenario=s.scenario, account=s.payroll_taxes)
    slack = _per_year(plan, {k: n * _CENT for k, n in heads.items()})
    return [
        Finding(
            rule="payroll-tax",
            severity=BLOCKING,
            team=t.team,
            period=t.year,
            numbers={"payroll_taxes": t.got, "expected": t.want.quantize(_CENT)},
            sentence=(
                f"Team {plan.team(t.team).name} budgets {money(t.got)} of payroll taxes in "
                f"{t.year}; its salaries at the company's {s.payroll_tax_rate} make "
                f"{money(t.want)}. Use the company rate."
            ),
        )
        for t in _team_years(plan, taxes, {k: v * rate[k[1]] for k, v in salaries.items()})
        if abs(t.got - t.want) > slack.get((t.team, t.year), Decimal(0)) + _CENT
    ]


def _inflation(plan: Plan, s: AlignmentSettings, salaries: Lines, heads: Lines) -> list[Finding]:
    uplift = _rate(plan, s.salary_inflation)
    periods = plan.calendar.periods
    findings = []
    for team, line in sorted({(k[0], k[1]) for k in salaries}):
        for before, month in itertools.pairwise(periods):
            n = heads.get((team, line, month), Decimal(0))
            if n == 0 or heads.get((team, line, before)) != n:
                continue
            previous = salaries.get((team, line, before), Decimal(0))
            want = previous * (1 + uplift[month]) / (1 + uplift[before])
            got = salaries.get((team, line, month), Decimal(0))
            if abs(got - want) > n * _CENT + _CENT:
                findings.append(
                    Finding(
                        rule="salary-inflation",
                        severity=WARNING,
                        team=team,
                        period=month,
                        numbers={"salaries": got, "expected": want.quantize(_CENT)},
                        sentence=(
                            f"Team {plan.team(team).name}'s {line} salaries go from "
                            f"{money(previous)} to {money(got)} in {month} with the same heads; "
                            f"the company's {s.salary_inflation} makes {money(want)}."
                        ),
                    )
                )
                break
    return findings


def _bands(plan: Plan, s: AlignmentSettings, salaries: Lines, heads: Lines) -> list[Finding]:
    total: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for (team, line, month), amount in salaries.items():
        cell = total[team, line]
        cell[0] += amount
        cell[1] += heads.get((team, line, month), Decimal(0))
    per_head = {k: v[0] / v[1] for k, v in total.items() if v[1] > 0}
    by_line: dict[str, list[Decimal]] = defaultdict(list)
    for (_, line), value in per_head.items():
        by_line[line].append(value)
    findings = []
    for (team, line), value in sorted(per_head.items()):
        median = statistics.median(by_line[line])
        if abs(value - median) > s.band_tolerance * median:
            findings.append(
                Finding(
                    rule="salary-band",
                    severity=WARNING,
                    team=team,
                    period="",
                    numbers={
                        "per_head_month": value.quantize(_CENT),
                        "median": median.quantize(_CENT),
                    },
                    sentence=(
                        f"Team {plan.team(team).name} pays its {line}s {money(value)} a head a "
                        f"month; the company's median for the role is {money(median)} "
                        f"(band +/-{s.band_tolerance:.0%})."
                    ),
                )
            )
    return findings


def dependency_findings(plan: Plan, facts: pd.DataFrame, s: AlignmentSettings) -> list[Finding]:
    """Teams planned earlier than the launch or hire they declared they wait for."""
    findings = []
    for d in plan.dependencies:
        mine = first_month(facts, scenario=s.scenario, team=d.team, account=d.account, line=d.line)
        theirs = first_month(
            facts, scenario=s.scenario, team=d.on_team, account=d.on_account, line=d.on_line
        )
        if mine is None or (theirs is not None and mine >= theirs):
            continue
        what = d.account + (f" ({d.line})" if d.line else "")
        waits = d.on_account + (f" ({d.on_line})" if d.on_line else "")
        when = f"from {theirs}" if theirs else "at no month of the plan"
        findings.append(
            Finding(
                rule="dependency-order",
                severity=BLOCKING,
                team=d.team,
                period=mine,
                numbers={},
                sentence=(
                    f"Team {plan.team(d.team).name} plans {what} from {mine}, but it waits for "
                    f"{plan.team(d.on_team).name}'s {waits}, planned {when}"
                    + (f" ({d.description})" if d.description else "")
                    + "."
                ),
            )
        )
    return findings
