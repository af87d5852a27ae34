"""Which accounts are confidential: the one place that says so.

An account is confidential when the chart of accounts marks it (``confidential``: salaries)
or when it is derived from a confidential account (``derived_from``), directly or through
other derived accounts: payroll taxes at 7.65% of salaries would give every salary back to
anyone who may read them, so they are as confidential as the salaries. Every read that hides
confidential lines (facts, roll-ups, worksheet functions, diffs, KPIs, pulls) asks
:func:`confidential_accounts`; nothing else reads the ``confidential`` flag.
"""

from __future__ import annotations

from planbook.model import Plan

__all__ = ["confidential_accounts"]


def confidential_accounts(plan: Plan) -> frozenset[str]:
    """The ids of every account a role without confidential access may not see: those
    marked confidential and, transitively, every account derived from one of them."""
    derived: dict[str, list[str]] = {}
    for account in plan.accounts:
        for source in account.derived_from:
            derived.setdefault(source, []).append(account.id)
    hidden = {a.id for a in plan.accounts if a.confidential}
    todo = list(hidden)
    while todo:
        for child in derived.get(todo.pop(), ()):
            if child not in hidden:
                hidden.add(child)
                todo.append(child)
    return frozenset(hidden)
