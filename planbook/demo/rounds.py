"""The demo's planning round: what the first drafts asked for, and why it changed.

The demo's budgets (:func:`planbook.demo.build_demo`) are the ones the board approves.
The first drafts differ from them the way a real round does, and each difference has its
reason:

- **Demand Generation** asked for about 11% more on its programs (paid search, events ...)
  than its envelope allows; finance returns the budget, the team cuts its programs by a
  tenth of that draft;
- **Sales North America** planned two Account Executive hires two months earlier than the
  pipeline supports; finance returns the budget, the team moves the two starts back two
  months (payroll, taxes, benefits and the per-head lines move with them);
- **Platform Engineering** asks for a site reliability engineer it had left out; finance
  first raises the team's envelope by the position's cost (a company change), then the
  team adds the position;
- **People Operations** drops a people-analytics suite from its tools on its own.

:func:`planning_round` gives the set-up plan finance starts from and each team's first
draft; every other team's draft is already its approved budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.demo.budgets import Demo, position_facts
from planbook.demo.company import DEPARTMENTS
from planbook.facts import AMOUNT_TYPE, KEY_COLUMNS, facts_from_arrow, facts_to_arrow, normalize
from planbook.model import Envelope, Plan

__all__ = [
    "DELAYED_HIRES_TEAM",
    "NEW_POSITION_TEAM",
    "PROGRAMS_TEAM",
    "PROGRAM_CUT",
    "TOOLS_LINE",
    "TOOLS_TEAM",
    "Draft",
    "PlanningRound",
    "planning_round",
]

D = Decimal
PROGRAMS_TEAM = "demand-gen"
PROGRAM_CUT = D("0.10")
"""The share of its drafted programs Demand Generation cuts."""
DELAYED_HIRES_TEAM = "sales-na"
DELAY_MONTHS = 2
NEW_POSITION_TEAM = "platform-eng"
TOOLS_TEAM = "people-ops"
TOOLS_LINE = "people analytics suite"
TOOLS_MONTHLY = D("3200")


@dataclass(frozen=True)
class Draft:
    """A team's first draft: its facts and positions, and what happens to it next: the
    finance comment when finance returns it (empty: the lead revises on their own),
    whether finance first changes the team's envelope (``funded``), the message of the
    revision."""

    team: str
    facts: pd.DataFrame
    positions: pd.DataFrame
    returned: str
    revision: str
    funded: bool = False


@dataclass(frozen=True)
class PlanningRound:
    """The plan finance sets up first (the final plan but for one envelope), the message
    of finance's envelope change, and the drafts that differ from the approved budgets."""

    setup: Plan
    envelope_change: str
    drafts: tuple[Draft, ...]

    def draft(self, team: str) -> Draft | None:
        """The first draft of ``team`` when it differs from its approved budget."""
        return next((d for d in self.drafts if d.team == team), None)


def planning_round(demo: Demo) -> PlanningRound:
    """The first drafts of the demo's planning round (see the module docstring). With
    another seed a team may have no hire to move or add: its part of the story is left
    out (its draft is its approved budget)."""
    plan, facts, positions = demo.plan, demo.facts, demo.positions
    budget = facts["scenario"] != "actuals"
    team_facts = {t: facts[budget & (facts["team"] == t)] for t in _story_teams()}
    team_positions = {t: positions[positions["team"] == t] for t in _story_teams()}
    drafts = [
        Draft(
            PROGRAMS_TEAM,
            _more_programs(plan, team_facts[PROGRAMS_TEAM]),
            team_positions[PROGRAMS_TEAM],
            returned="Your programs run about 10% over the envelope in most months; "
            "cut them to fit.",
            revision="programs cut by 10% to fit the envelope",
        )
    ]
    delayed, delayed_positions, moved = _earlier_hires(
        plan, team_facts[DELAYED_HIRES_TEAM], team_positions[DELAYED_HIRES_TEAM]
    )
    if moved:
        drafts.append(
            Draft(
                DELAYED_HIRES_TEAM,
                delayed,
                delayed_positions,
                returned="Hire as the pipeline lands: start "
                + (
                    "two of the new Account Executives"
                    if len(moved) == 2
                    else "the new Account Executive"
                )
                + " two months later.",
                revision=f"Account Executive starts moved to {' and '.join(moved)}",
            )
        )
    setup, change = plan, ""
    without, without_positions, added = _without_last_hire(
        plan, team_facts[NEW_POSITION_TEAM], team_positions[NEW_POSITION_TEAM]
    )
    if len(added):
        role, start = added["role"].iloc[0], added["start"].iloc[0]
        raise_by = _monthly_cost(plan, added)
        drafts.append(
            Draft(
                NEW_POSITION_TEAM,
                without,
                without_positions,
                returned="",
                revision=f"{role} added from {start}",
                funded=True,
            )
        )
        setup = plan.model_copy(
            update={
                "envelopes": tuple(
                    _lowered(e, raise_by)
                    if e.team == NEW_POSITION_TEAM and e.scenario == "base"
                    else e
                    for e in plan.envelopes
                )
            }
        )
        change = (
            f"Envelopes: {plan.team(NEW_POSITION_TEAM).name} raised by "
            f"{sum(raise_by.values(), D(0)):,.0f} for a {role} from {start}"
        )
    drafts.append(
        Draft(
            TOOLS_TEAM,
            _with_tools_line(plan, team_facts[TOOLS_TEAM]),
            team_positions[TOOLS_TEAM],
            returned="",
            revision=f"{TOOLS_LINE} dropped; tools trimmed to the seats in use",
        )
    )
    return PlanningRound(setup=setup, envelope_change=change, drafts=tuple(drafts))


def _story_teams() -> tuple[str, ...]:
    return (PROGRAMS_TEAM, DELAYED_HIRES_TEAM, NEW_POSITION_TEAM, TOOLS_TEAM)


def _more_programs(plan: Plan, facts: pd.DataFrame) -> pd.DataFrame:
    """The base programs as drafted: the approved amount is 90% of the draft, which is
    rounded to the hundred."""
    marketing = next(d for d in DEPARTMENTS if d.id == plan.team(PROGRAMS_TEAM).department)
    programs = (
        facts["account"].isin(marketing.accounts) & (facts["scenario"] == "base")
    ).to_numpy()
    drafted = [
        (amount / (1 - PROGRAM_CUT) / 100).quantize(D(1), ROUND_HALF_UP) * 100
        if program
        else amount
        for amount, program in zip(facts["amount"], programs, strict=True)
    ]
    return normalize(facts.assign(amount=_amounts(drafted)))


def _amounts(values: list[Decimal]) -> pd.arrays.ArrowExtensionArray:
    return pd.arrays.ArrowExtensionArray(pa.array(values, AMOUNT_TYPE))


def _earlier_hires(
    plan: Plan, facts: pd.DataFrame, positions: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The team's budget with its first two base Account Executive hires (that can start
    two months earlier) starting two months earlier; the months they start in at last."""
    periods = list(plan.calendar.periods)
    base = positions["scenario"] == "base"
    hires = positions[
        base
        & (positions["role"] == "Account Executive")
        & positions["start"].isin(periods[DELAY_MONTHS:])
    ].sort_values(["start", "position"])
    picked = hires.index[:2]
    drafted = positions.copy()
    drafted.loc[picked, "start"] = [
        periods[periods.index(s) - DELAY_MONTHS] for s in positions.loc[picked, "start"]
    ]
    before, after = positions[base], drafted[base]
    return (
        _swap_positions(plan, facts, before, after),
        drafted,
        list(positions.loc[picked, "start"]),
    )


def _without_last_hire(
    plan: Plan, facts: pd.DataFrame, positions: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The team's budget without its last base hire, and that hire."""
    base = positions["scenario"] == "base"
    hires = positions[base & (positions["start"] != "")].sort_values(["start", "position"])
    last = hires.index[-1:]
    drafted = positions.drop(last)
    return (
        _swap_positions(plan, facts, positions[base], drafted[drafted["scenario"] == "base"]),
        drafted,
        positions.loc[last],
    )


def _swap_positions(
    plan: Plan, facts: pd.DataFrame, before: pd.DataFrame, after: pd.DataFrame
) -> pd.DataFrame:
    """``facts`` with what ``before`` drives (payroll, per-head lines) replaced by what
    ``after`` drives."""
    return _summed(facts, position_facts(plan, after), _negated(position_facts(plan, before)))


def _with_tools_line(plan: Plan, facts: pd.DataFrame) -> pd.DataFrame:
    """The team's budget with a people-analytics suite on its software, every month."""
    extra = pd.DataFrame(
        {
            "scenario": "base",
            "team": TOOLS_TEAM,
            "account": "software-tools",
            "line": TOOLS_LINE,
            "period": list(plan.calendar.periods),
            "amount": _amounts([TOOLS_MONTHLY] * plan.months),
        }
    )
    return _summed(facts, extra)


def _monthly_cost(plan: Plan, positions: pd.DataFrame) -> dict[str, Decimal]:
    """What ``positions`` cost a month (payroll and per-head lines), rounded up to the
    thousand, in the months they cost anything."""
    driven = position_facts(plan, positions)
    costs = {a.id for a in plan.accounts if a.type.is_cost}
    driven = driven[driven["account"].isin(costs)]
    by_month = driven.groupby("period", observed=True)["amount"].sum()
    return {
        str(p): (D(v) / 1000).quantize(D(1), ROUND_CEILING) * 1000 for p, v in by_month.items() if v
    }


def _lowered(envelope: Envelope, by: dict[str, Decimal]) -> Envelope:
    amounts = {p: v - by.get(p, D(0)) for p, v in envelope.amounts.items()}
    return envelope.model_copy(update={"amounts": amounts})


def _negated(facts: pd.DataFrame) -> pd.DataFrame:
    table = facts_to_arrow(facts)
    amount = pc.negate(table.column("amount"))
    return facts_from_arrow(table.set_column(len(KEY_COLUMNS), "amount", amount))


def _summed(*frames: pd.DataFrame) -> pd.DataFrame:
    """The facts of ``frames`` added up key by key, without the keys that come to 0."""
    tables = [facts_to_arrow(f).cast(_TEXT_SCHEMA) for f in frames if len(f)]
    grouped = pa.concat_tables(tables).group_by(list(KEY_COLUMNS)).aggregate([("amount", "sum")])
    summed = grouped.select([*KEY_COLUMNS, "amount_sum"]).rename_columns(list(_TEXT_SCHEMA.names))
    amount = summed.column("amount").cast(AMOUNT_TYPE)
    kept = summed.set_column(len(KEY_COLUMNS), "amount", amount).filter(
        pc.not_equal(amount, pa.scalar(D(0), AMOUNT_TYPE))
    )
    return normalize(facts_from_arrow(kept))


_TEXT_SCHEMA = pa.schema(
    [pa.field(c, pa.string()) for c in KEY_COLUMNS] + [pa.field("amount", AMOUNT_TYPE)]
)
