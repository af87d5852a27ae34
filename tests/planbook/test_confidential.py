"""The effective confidential set: marked accounts and, transitively, those derived from them;
a chart that derives from an unknown account is refused, naming it."""

from __future__ import annotations

from planbook import confidential_accounts, validate_plan


def _chart(demo, **derived):
    accounts = [
        a.model_copy(update={"derived_from": derived.get(a.id.replace("-", "_"), a.derived_from)})
        for a in demo.plan.accounts
    ]
    return demo.plan.model_copy(update={"accounts": tuple(accounts)})


def test_confidential_follows_derivation_transitively(demo):
    plan = _chart(demo, travel=("payroll-taxes",), meals_entertainment=("travel",))
    hidden = confidential_accounts(plan)
    assert {"salaries", "payroll-taxes", "travel", "meals-entertainment"} <= hidden
    assert "rent" not in hidden
    assert validate_plan(plan) == []


def test_derived_from_an_unknown_account_is_refused(demo):
    problems = validate_plan(_chart(demo, travel=("salary",)))
    (problem,) = problems
    assert problem.loc[:2] == ("accounts", [a.id for a in demo.plan.accounts].index("travel"))
    assert "'travel' is derived from 'salary'" in problem.msg
