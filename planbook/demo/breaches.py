"""The demo company's alignment breaches, planted on purpose (docs/alignment.md lists them).

The generated budgets agree with the company's assumptions, and every team's envelope
follows its monthly request with 1% headroom; then a handful of breaches of each kind are
planted, so that ``planbook align`` on the demo lists exactly these:

- envelopes: Platform Engineering's envelope is 12% below its request (the team, Research &
  Development and the company are over for the year); Demand Generation's is 3,000 short in
  2026-09 (one month over);
- goals: "Double ARR" has no owner team, and the plan's sales capacity cannot reach it;
  "a year of runway" is a target the plan misses;
- hiring: eight Product Engineering engineers hired in the fifth month with no recruiting
  budget (Recruiting's budget is short for the year, and the quarter's hires exceed the
  recruiters' capacity);
- loaded cost: Sales Development budgets software at 120 a head, not the company's 185;
  Support's payroll taxes use 6.2%, not 7.65%; one Product Management role misses the
  merit increase; Sales EMEA pays its Account Executives 40% above the others;
- dependencies: Product Marketing plans its launch events before Product Engineering's
  first hires that the launch waits for.

Only the base scenario's budgets carry the breaches; the actuals are left as they were.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

import pandas as pd

from planbook.facts import KEY_COLUMNS, facts_from_records, normalize
from planbook.headcount import headcount_facts
from planbook.model import Dependency, Envelope, Goal, Plan

__all__ = ["LOADED_COST_BREACHES", "PLANTED_TEAMS", "plant_breaches"]

D = Decimal
ENGINEER_HIRES = 8
TOOLS_PER_HEAD_USED = D("120")
OLD_TAX_RATE = D("0.062")
BAND_FACTOR = D("1.4")
TIGHT_ENVELOPE = D("0.88")
SHORT_MONTH = D("3000")
HEADROOM = D("1.01")


Cells = dict[tuple[str, str, str, str], Decimal]  # (team, account, line, period)
PLANTED_TEAMS = ("product-eng", "sales-dev", "cs-support", "sales-emea", "product-mgmt")
LOADED_COST_BREACHES = ("cs-support", "sales-emea", "product-mgmt")
"""Teams whose base payroll does not follow their positions on purpose (tax, band, merit)."""


def plant_breaches(
    plan: Plan, facts: pd.DataFrame, positions: pd.DataFrame
) -> tuple[Plan, pd.DataFrame, pd.DataFrame]:
    """The demo with its envelopes, goals and dependencies, and the breaches planted."""
    hit = ((facts["scenario"] == "base") & facts["team"].isin(PLANTED_TEAMS)).to_numpy()
    cells: Cells = {
        (str(r.team), str(r.account), str(r.line), str(r.period)): Decimal(str(r.amount))
        for r in facts[hit].itertuples()
    }
    extra = _unfunded_hires(plan, cells)
    _scale(cells, team="sales-dev", accounts=("software-tools",), by=TOOLS_PER_HEAD_USED / D(185))
    _scale(cells, team="cs-support", accounts=("payroll-taxes",), by=OLD_TAX_RATE / D("0.0765"))
    _scale(
        cells,
        team="sales-emea",
        accounts=("salaries", "payroll-taxes"),
        by=BAND_FACTOR,
        line="Account Executive",
    )
    _no_merit(plan, cells, team="product-mgmt")
    planted = facts_from_records(
        {"scenario": "base", "team": t, "account": a, "line": line, "period": p, "amount": v}
        for (t, a, line, p), v in cells.items()
    )
    kept = facts[~hit]
    facts = normalize(
        pd.concat(
            [f.astype({c: str for c in KEY_COLUMNS}) for f in (kept, planted)], ignore_index=True
        )
    )
    plan = plan.model_copy(
        update={
            "envelopes": _envelopes(plan, facts),
            "goals": (*plan.goals, *_goals(plan)),
            "dependencies": _dependencies(),
        }
    )
    return plan, facts, pd.concat([positions, extra], ignore_index=True)


def _unfunded_hires(plan: Plan, cells: Cells) -> pd.DataFrame:
    """Eight engineers hired in the fifth month with every cost but recruiting."""
    month = plan.calendar.periods[min(4, plan.months - 1)]
    extra = pd.DataFrame(
        {
            "scenario": "base",
            "team": "product-eng",
            "position": [f"product-eng-e{k:02d}" for k in range(1, ENGINEER_HIRES + 1)],
            "role": "Software Engineer",
            "level": "P2",
            "start": month,
            "annual_salary": D("148000"),
        }
    )
    for r in headcount_facts(plan, extra).itertuples():
        key = (str(r.team), str(r.account), str(r.line), str(r.period))
        cells[key] = cells.get(key, D(0)) + Decimal(str(r.amount))
    for account, assumption in (
        ("software-tools", "tools_per_head"),
        ("training", "training_per_head"),
    ):
        rate = plan.assumption(assumption).values
        for p in plan.calendar.periods:
            if p >= month:
                key = ("product-eng", account, "", p)
                cells[key] = cells.get(key, D(0)) + rate[p] * ENGINEER_HIRES
    return extra


def _scale(
    cells: Cells, *, team: str, accounts: tuple[str, ...], by: Decimal, line: str | None = None
) -> None:
    for key, amount in cells.items():
        if key[0] == team and key[1] in accounts and (line is None or key[2] == line):
            cells[key] = (amount * by).quantize(D("0.01"))


def _no_merit(plan: Plan, cells: Cells, *, team: str) -> None:
    """One role of ``team`` (its largest payroll) paid without the salary uplift."""
    payroll: dict[str, Decimal] = {}
    for (t, account, line, _), amount in cells.items():
        if t == team and account == "salaries":
            payroll[line] = payroll.get(line, D(0)) + amount
    role = max(sorted(payroll), key=lambda line: payroll[line])
    uplift = plan.assumption("salary_inflation").values
    for key, amount in cells.items():
        if key[0] == team and key[2] == role and key[1] in ("salaries", "payroll-taxes"):
            cells[key] = (amount / (1 + uplift[key[3]])).quantize(D("0.01"))


def _envelopes(plan: Plan, facts: pd.DataFrame) -> tuple[Envelope, ...]:
    costs = [a.id for a in plan.accounts if a.type.is_cost]
    base = facts[(facts["scenario"] == "base") & facts["account"].isin(costs)]
    request = base.groupby(["team", "period"], observed=True)["amount"].sum()
    short_month = plan.calendar.periods[min(7, plan.months - 1)]
    envelopes = []
    for team in plan.teams:
        amounts = {}
        for period in plan.calendar.periods:
            asked = D(request.get((team.id, period), D(0)))
            if team.id == "platform-eng":
                amounts[period] = (asked * TIGHT_ENVELOPE).quantize(D(1000), ROUND_CEILING)
            elif team.id == "demand-gen" and period == short_month:
                amounts[period] = asked.quantize(D("0.01")) - SHORT_MONTH
            else:
                amounts[period] = (asked * HEADROOM / 1000).quantize(D(1), ROUND_CEILING) * 1000
        envelopes.append(Envelope(team=team.id, scenario="base", amounts=amounts))
    return tuple(envelopes)


def _goals(plan: Plan) -> tuple[Goal, ...]:
    last = plan.calendar.end
    return (
        Goal(
            id="runway",
            description="Keep at least a year of runway",
            metric="runway_months",
            target=D("12"),
            due=last,
            owner="Grace Liu",
            team="finance",
        ),
        Goal(
            id="burn-multiple",
            description="Burn multiple at most 2.5",
            metric="burn_multiple",
            target=D("2.5"),
            direction="at_most",
            due=last,
            owner="Tom Becker",
            team="ga",
        ),
    )


def _dependencies() -> tuple[Dependency, ...]:
    return (
        Dependency(
            team="cs-onboarding",
            account="hires",
            on_team="sales-na",
            on_account="new-arr",
            description="onboarding specialists follow the first new customers",
        ),
        Dependency(
            team="product-marketing",
            account="events",
            on_team="product-eng",
            on_account="hires",
            description="the launch events need the engineers who build the launch",
        ),
    )
