from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planbook.errors import PlanValidationError
from planbook.facts import facts_from_records
from planbook.validation import check_facts, parse_plan, validate_facts, validate_plan

from .plans import (
    FACT_MUTATIONS,
    PLAN_MUTATIONS,
    UNITS,
    facts_for,
    mutate_facts,
    mutate_plan,
    plans,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(plan=plans())
def test_generated_plans_are_accepted(plan):
    assert parse_plan(plan).id == "p1"


@SETTINGS
@given(plan=plans(), kind=st.sampled_from(PLAN_MUTATIONS))
def test_each_plan_mutation_is_rejected_at_its_location(plan, kind):
    bad, loc = mutate_plan(plan, kind)
    with pytest.raises(PlanValidationError) as info:
        parse_plan(bad)
    assert {p.loc for p in info.value.problems} == {loc}, info.value


@SETTINGS
@given(data=st.data())
def test_generated_facts_are_accepted(data):
    plan = data.draw(plans())
    facts = data.draw(facts_for(plan))
    assert validate_facts(parse_plan(plan), facts_from_records(facts)) == []


@SETTINGS
@given(data=st.data(), kind=st.sampled_from((*FACT_MUTATIONS, "precision")))
def test_each_fact_mutation_is_rejected_at_its_row_and_column(data, kind):
    plan = data.draw(plans())
    facts = data.draw(facts_for(plan))
    row = data.draw(st.integers(0, len(facts) - 1))
    if kind == "precision":
        account = next(a for a in plan["accounts"] if a["id"] == facts[row]["account"])
        if UNITS[account["unit"]] >= 6:
            kind = "negative"  # nothing finer than 6 decimals can be stored at all
    bad, loc = mutate_facts(plan, facts, kind, row)
    problems = validate_facts(parse_plan(plan), facts_from_records(bad))
    assert {p.loc for p in problems} == {loc}, problems


def test_every_plan_problem_is_reported_at_once(demo):
    data = demo.plan.model_dump()
    data["teams"] = [*data["teams"], dict(data["teams"][0])]
    data["teams"][1] = dict(data["teams"][1], department="nope")
    data["goals"] = [dict(data["goals"][0], metric="vibes", due="2030-01")]
    with pytest.raises(PlanValidationError) as info:
        parse_plan(data)
    assert {p.loc for p in info.value.problems} == {
        ("teams", 12, "id"),
        ("teams", 1, "department"),
        ("goals", 0, "metric"),
        ("goals", 0, "due"),
    }
    assert "4 problems" in str(info.value)


def test_messages_say_what_was_found_and_expected(demo):
    data = demo.plan.model_dump()
    data["envelopes"] = [dict(data["envelopes"][0], team="sales-apac")]
    with pytest.raises(PlanValidationError) as info:
        parse_plan(data)
    (problem,) = info.value.problems
    assert problem.msg.startswith("envelope for unknown team 'sales-apac'; expected one of")
    assert str(problem).startswith("envelopes[0].team: ")


def test_fact_problems_name_row_column_found_and_expected(demo):
    records = [
        {
            "scenario": "base",
            "team": "sales-apac",
            "account": "travel",
            "line": "",
            "period": "2026-03",
            "amount": "10",
        },
        {
            "scenario": "base",
            "team": "sales-na",
            "account": "salary_inflation",
            "line": "",
            "period": "2026-03",
            "amount": "10",
        },
        {
            "scenario": "base",
            "team": "sales-na",
            "account": "new-customers",
            "line": "",
            "period": "2026-03",
            "amount": "2.5",
        },
        {
            "scenario": "base",
            "team": "sales-na",
            "account": "travel",
            "line": "",
            "period": "2028-03",
            "amount": "-4",
        },
    ]
    problems = validate_facts(demo.plan, facts_from_records(records), source="budget.csv")
    text = [str(p) for p in problems]
    assert text[0].startswith("budget.csv, row 1, team: unknown team 'sales-apac'; expected")
    assert text[1] == (
        "budget.csv, row 2, account: 'salary_inflation' is a company "
        "assumption; teams reference assumptions and cannot set them"
    )
    assert text[2] == (
        "budget.csv, row 3, amount: 2.5 is not a whole number of customers "
        "(account 'new-customers')"
    )
    assert "row 4, amount: -4 is negative" in text[3]
    assert text[4].startswith(
        "budget.csv, row 4, period: 2028-03 is outside the plan's calendar (2026-02 to 2027-01)"
    )


def test_check_facts_raises_with_every_problem(demo):
    records = [
        {
            "scenario": "x",
            "team": "y",
            "account": "z",
            "line": "",
            "period": "p",
            "amount": Decimal(1),
        }
    ]
    with pytest.raises(PlanValidationError) as info:
        check_facts(demo.plan, facts_from_records(records), source="f.csv")
    assert [p.loc[2] for p in info.value.problems] == ["account", "period", "scenario", "team"]


def test_demo_facts_are_valid(demo):
    assert validate_plan(demo.plan) == []
    assert validate_facts(demo.plan, demo.facts) == []


def test_problem_lists_are_bounded(demo):
    records = [
        {
            "scenario": "base",
            "team": f"ghost-{i}",
            "account": "travel",
            "line": "",
            "period": "2026-03",
            "amount": 1,
        }
        for i in range(1500)
    ]
    problems = validate_facts(demo.plan, facts_from_records(records))
    assert len(problems) == 1001
    assert problems[-1].msg == "... and 500 more problems"


def test_empty_amounts_are_named(demo):
    import pandas as pd

    facts = demo.facts.head(3).copy()
    facts.loc[1, "amount"] = pd.NA
    problems = validate_facts(demo.plan, facts, source="f.csv")
    assert [str(p) for p in problems] == [
        "f.csv, row 2, amount: the amount is empty; enter a number (0 for nothing planned)"
    ]
