"""The alignment report: each rule trips on the demo's planted breach and stays quiet once
the breach is fixed; the demo lists exactly its planted breaches."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from planbook.align import RULES, AlignmentSettings, alignment_report, blocking_for
from planbook.demo import Demo, build_demo
from planbook.facts import facts_from_records, normalize
from planbook.model import Envelope, Plan

DOCS = Path(__file__).parents[2] / "docs" / "alignment.md"

# A change to the demo that clears one rule's planted breach.
Fix = Callable[[Plan, pd.DataFrame], tuple[Plan, pd.DataFrame]]

PLANTED = [
    ("team-envelope", "warning", "demand-gen", "2026-09"),
    ("team-envelope", "blocking", "platform-eng", "FY2027"),
    ("department-envelope", "warning", "rnd", "FY2027"),
    ("company-envelope", "blocking", None, "FY2027"),
    ("goal-owner", "warning", None, "2027-01"),
    ("company-target", "warning", "finance", "2027-01"),
    ("goal-drivers", "warning", None, "2027-01"),
    ("recruiting-budget", "blocking", None, "FY2027"),
    ("recruiter-capacity", "warning", None, "FY2027-Q2"),
    ("tools-per-head", "warning", "sales-dev", "FY2027"),
    ("payroll-tax", "blocking", "cs-support", "FY2027"),
    ("salary-inflation", "warning", "product-mgmt", "2026-04"),
    ("salary-band", "warning", "sales-emea", ""),
    ("dependency-order", "blocking", "product-marketing", "2026-02"),
]


@pytest.fixture(scope="module")
def demo() -> Demo:
    return build_demo()


def _key(f):
    return (f.rule, f.severity, f.team, f.period)


def test_the_demo_lists_exactly_its_planted_breaches(demo):
    assert [_key(f) for f in alignment_report(demo.plan, demo.facts)] == PLANTED


def test_every_rule_is_planted_and_documented(demo):
    assert {rule for rule, *_ in PLANTED} == set(RULES)
    docs = DOCS.read_text(encoding="utf-8")
    for rule, _, team, period in PLANTED:
        assert f"`{rule}`" in docs
        assert f"| {rule} | {team or 'company'} | {period or '-'} |" in docs


def _scale(
    facts: pd.DataFrame,
    *,
    team: str,
    accounts: tuple[str, ...],
    by: Decimal | dict[str, Decimal],
    line: str | None = None,
) -> pd.DataFrame:
    records = []
    for r in facts.astype({"line": str}).to_dict("records"):
        if (
            r["scenario"] == "base"
            and r["team"] == team
            and r["account"] in accounts
            and (line is None or r["line"] == line)
        ):
            factor = by[r["period"]] if isinstance(by, dict) else by
            r["amount"] = (Decimal(r["amount"]) * factor).quantize(Decimal("0.01"))
        records.append({str(k): str(v) if k != "amount" else Decimal(v) for k, v in r.items()})
    return normalize(facts_from_records(records))


def _generous(plan: Plan, facts) -> tuple[Plan, pd.DataFrame]:
    envelopes = tuple(
        Envelope(team=e.team, amounts={p: v * 2 for p, v in e.amounts.items()})
        for e in plan.envelopes
    )
    return plan.model_copy(update={"envelopes": envelopes}), facts


def _assumption(name: str, value: str) -> Fix:
    def fix(plan: Plan, facts):
        assumptions = tuple(
            a.model_copy(update={"values": dict.fromkeys(a.values, Decimal(value))})
            if a.id == name
            else a
            for a in plan.assumptions
        )
        return plan.model_copy(update={"assumptions": assumptions}), facts

    return fix


def _owned(plan: Plan, facts):
    goals = tuple(g.model_copy(update={"team": g.team or "ga"}) for g in plan.goals)
    return plan.model_copy(update={"goals": goals}), facts


def _easy_runway(plan: Plan, facts):
    goals = tuple(
        g.model_copy(update={"target": Decimal(3)}) if g.id == "runway" else g for g in plan.goals
    )
    return plan.model_copy(update={"goals": goals}), facts


def _reachable_arr(plan: Plan, facts):
    goals = tuple(
        g.model_copy(update={"target": Decimal(20_000_000)}) if g.id == "double-arr" else g
        for g in plan.goals
    )
    return plan.model_copy(update={"goals": goals}), facts


def _fund_hires(plan: Plan, facts):
    extra = facts_from_records(
        [
            {"scenario": "base", "team": "people-ops", "account": "recruiting", "line": "agency"}
            | {"period": "2026-06", "amount": Decimal(52000)}
        ]
    )
    both = pd.concat(
        [
            f.astype({c: str for c in ("scenario", "team", "account", "line", "period")})
            for f in (facts, extra)
        ]
    )
    return plan, normalize(both)


def _uplift(plan: Plan, facts):
    uplift = {p: 1 + v for p, v in plan.assumption("salary_inflation").values.items()}
    return plan, _scale(
        facts,
        team="product-mgmt",
        accounts=("salaries", "payroll-taxes"),
        by=uplift,
        line="Engineering Manager",
    )


FIXES: dict[str, Fix] = {
    "team-envelope": _generous,
    "department-envelope": _generous,
    "company-envelope": _generous,
    "goal-owner": _owned,
    "company-target": _easy_runway,
    "goal-drivers": _reachable_arr,
    "recruiting-budget": _fund_hires,
    "recruiter-capacity": _assumption("hires_per_recruiter", "10"),
    "tools-per-head": lambda p, f: (
        p,
        _scale(f, team="sales-dev", accounts=("software-tools",), by=Decimal(185) / 120),
    ),
    "payroll-tax": lambda p, f: (
        p,
        _scale(
            f,
            team="cs-support",
            accounts=("payroll-taxes",),
            by=Decimal("0.0765") / Decimal("0.062"),
        ),
    ),
    "salary-inflation": _uplift,
    "salary-band": lambda p, f: (
        p,
        _scale(
            f,
            team="sales-emea",
            accounts=("salaries", "payroll-taxes"),
            by=Decimal(1) / Decimal("1.4"),
            line="Account Executive",
        ),
    ),
    "dependency-order": lambda p, f: (p.model_copy(update={"dependencies": p.dependencies[:1]}), f),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_rule_trips_on_its_planted_breach(demo, rule):
    found = [_key(f) for f in alignment_report(demo.plan, demo.facts) if f.rule == rule]
    assert found == [k for k in PLANTED if k[0] == rule]


@pytest.mark.parametrize("rule", list(RULES))
def test_rule_is_quiet_once_the_breach_is_fixed(demo, rule):
    plan, facts = FIXES[rule](demo.plan, demo.facts)
    assert [f for f in alignment_report(plan, facts) if f.rule == rule] == []


def test_findings_carry_their_numbers_and_a_sentence(demo):
    found = alignment_report(demo.plan, demo.facts)
    tax = next(f for f in found if f.rule == "payroll-tax")
    assert tax.numbers["payroll_taxes"] < tax.numbers["expected"]
    assert "Use the company rate" in tax.sentence
    assert Decimal(tax.to_dict()["numbers"]["expected"]) == tax.numbers["expected"]


def test_blocking_for_a_team_includes_its_department(demo):
    found = alignment_report(demo.plan, demo.facts)
    assert [f.rule for f in blocking_for(found, demo.plan, "cs-support")] == ["payroll-tax"]
    assert blocking_for(found, demo.plan, "sales-na") == []


def test_a_rule_without_its_inputs_is_skipped(demo):
    settings = AlignmentSettings(hires_per_recruiter="no-such-assumption")
    found = alignment_report(demo.plan, demo.facts, settings)
    assert "recruiter-capacity" not in {f.rule for f in found}


def test_goal_drivers_names_the_capacity_needed_against_planned(demo):
    found = alignment_report(demo.plan, demo.facts)
    short = next(f for f in found if f.rule == "goal-drivers")
    n = short.numbers
    assert n["target"] == Decimal(24_000_000)
    assert n["planned_capacity"] < n["needed_capacity"]
    assert n["needed_capacity"] - n["planned_capacity"] == n["gap"]
    assert n["reachable"] + n["gap"] == n["target"]
    assert n["extra_reps"] >= 1
    assert "2,153,986 short" in short.sentence
