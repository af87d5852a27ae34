"""Hypothesis strategies: valid plans as plain data (what a plan file holds), valid facts for
them, and single mutations that each break exactly one rule at a known location."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from planbook.calendar import FiscalCalendar

IDS = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
UNITS = {"currency": 2, "heads": 2, "customers": 0, "count": 0, "percent": 6, "ratio": 6}


def _amount(decimals: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=0, max_value=10**7, places=decimals, allow_nan=False, allow_infinity=False
    )


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    start = f"{draw(st.integers(2020, 2030))}-{draw(st.integers(1, 12)):02d}"
    months = draw(st.integers(12, 36))
    periods = FiscalCalendar(start, months).periods
    ids = draw(st.lists(IDS, min_size=8, max_size=14, unique=True))
    departments = [{"id": d, "name": d.title()} for d in ids[:2]]
    teams = [
        {"id": t, "name": t.title(), "department": draw(st.sampled_from(ids[:2]))}
        for t in ids[2 : 4 + draw(st.integers(0, 2))]
    ]
    account_ids = ids[6:]
    accounts = []
    for a in account_ids:
        kind = draw(st.sampled_from(["opex", "cogs", "revenue", "metric", "headcount"]))
        unit = (
            "currency"
            if kind in ("opex", "cogs", "revenue")
            else draw(
                st.sampled_from(["heads", "customers", "count", "percent", "ratio", "currency"])
            )
        )
        accounts.append({"id": a, "name": a.title(), "type": kind, "unit": unit})
    unit = draw(st.sampled_from(sorted(UNITS)))
    assumptions = [
        {
            "id": "driver_x",
            "name": "Driver",
            "unit": unit,
            "values": {p: draw(_amount(UNITS[unit])) for p in periods},
        }
    ]
    envelopes = [
        {"team": t["id"], "amounts": {p: Decimal(1000) for p in periods}}
        for t in teams[: draw(st.integers(0, len(teams)))]
    ]
    goals = [
        {
            "id": "g1",
            "description": "Grow",
            "metric": draw(st.sampled_from(["arr", "logo_churn_rate", account_ids[0]])),
            "target": Decimal(5),
            "due": draw(st.sampled_from(periods)),
            "owner": "CEO",
            "team": draw(st.sampled_from([None, teams[0]["id"], departments[0]["id"]])),
        }
    ]
    return {
        "id": "p1",
        "name": "Plan",
        "start": start,
        "months": months,
        "departments": departments,
        "teams": teams,
        "accounts": accounts,
        "assumptions": assumptions,
        "goals": goals,
        "envelopes": envelopes,
    }


@st.composite
def facts_for(draw: st.DrawFn, plan: dict[str, Any]) -> list[dict[str, Any]]:
    periods = FiscalCalendar(plan["start"], plan["months"]).periods
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["base", "conservative", "aggressive", "actuals"]),
                st.sampled_from([t["id"] for t in plan["teams"]]),
                st.sampled_from(plan["accounts"]),
                st.sampled_from(["", "a", "b"]),
                st.sampled_from(periods),
            ),
            min_size=1,
            max_size=25,
            unique_by=lambda k: (k[0], k[1], k[2]["id"], k[3], k[4]),
        )
    )
    return [
        {
            "scenario": s,
            "team": t,
            "account": a["id"],
            "line": line,
            "period": p,
            "amount": draw(_amount(UNITS[a["unit"]])),
        }
        for s, t, a, line, p in keys
    ]


def mutate_plan(plan: dict[str, Any], kind: str) -> tuple[dict[str, Any], tuple[str | int, ...]]:
    """A copy of ``plan`` with one rule broken, and the location the problem must name."""
    bad = copy.deepcopy(plan)
    periods = FiscalCalendar(plan["start"], plan["months"]).periods
    after_end = FiscalCalendar(periods[-1], 12).periods[1]
    if kind == "team_department":
        bad["teams"][0]["department"] = "no-such-dept"
        return bad, ("teams", 0, "department")
    if kind == "duplicate_team":
        bad["teams"].append(dict(bad["teams"][0]))
        return bad, ("teams", len(bad["teams"]) - 1, "id")
    if kind == "duplicate_account":
        bad["accounts"].append(dict(bad["accounts"][0]))
        return bad, ("accounts", len(bad["accounts"]) - 1, "id")
    if kind == "envelope_team":
        bad["envelopes"].append({"team": "ghost-team", "amounts": {periods[0]: Decimal(1)}})
        return bad, ("envelopes", len(bad["envelopes"]) - 1, "team")
    if kind == "envelope_period":
        bad["envelopes"].append(
            {
                "team": bad["teams"][0]["id"],
                "scenario": "aggressive",
                "amounts": {after_end: Decimal(1)},
            }
        )
        return bad, ("envelopes", len(bad["envelopes"]) - 1, "amounts", after_end)
    if kind == "goal_due":
        bad["goals"][0]["due"] = after_end
        return bad, ("goals", 0, "due")
    if kind == "goal_metric":
        bad["goals"][0]["metric"] = "happiness"
        return bad, ("goals", 0, "metric")
    if kind == "goal_team":
        bad["goals"][0]["team"] = "ghost-team"
        return bad, ("goals", 0, "team")
    if kind == "assumption_gap":
        del bad["assumptions"][0]["values"][periods[-1]]
        return bad, ("assumptions", 0, "values")
    if kind == "assumption_precision":
        unit = bad["assumptions"][0]["unit"]
        bad["assumptions"][0]["values"][periods[0]] = Decimal(1).scaleb(-UNITS[unit] - 1)
        return bad, ("assumptions", 0, "values", periods[0])
    if kind == "assumption_is_account":
        bad["assumptions"][0]["id"] = bad["accounts"][0]["id"]
        return bad, ("assumptions", 0, "id")
    if kind == "account_unit":
        bad["accounts"][0]["unit"] = "bananas"
        return bad, ("accounts", 0, "unit")
    if kind == "cost_unit":
        bad["accounts"].append({"id": "zz-cost", "name": "Cost", "type": "opex", "unit": "heads"})
        return bad, ("accounts", len(bad["accounts"]) - 1, "unit")
    if kind == "months":
        bad["months"] = 40
        return bad, ("months",)
    if kind == "start":
        bad["start"] = plan["start"][:5] + "13"
        return bad, ("start",)
    if kind == "team_id":
        bad["teams"][0]["id"] = "Not valid!"
        return bad, ("teams", 0, "id")
    raise ValueError(kind)


PLAN_MUTATIONS = (
    "team_department",
    "duplicate_team",
    "duplicate_account",
    "envelope_team",
    "envelope_period",
    "goal_due",
    "goal_metric",
    "goal_team",
    "assumption_gap",
    "assumption_precision",
    "assumption_is_account",
    "account_unit",
    "cost_unit",
    "months",
    "start",
    "team_id",
)


def mutate_facts(
    plan: dict[str, Any], facts: list[dict[str, Any]], kind: str, row: int
) -> tuple[list[dict[str, Any]], tuple[str | int, ...]]:
    """A copy of ``facts`` with one fact broken, and the location the problem must name."""
    bad = copy.deepcopy(facts)
    periods = FiscalCalendar(plan["start"], plan["months"]).periods
    target = bad[row]
    where = ("facts", f"row {row + 1}")
    if kind == "team":
        target["team"] = "ghost-team"
        return bad, (*where, "team")
    if kind == "account":
        target["account"] = "ghost-account"
        return bad, (*where, "account")
    if kind == "assumption_as_account":
        target["account"] = plan["assumptions"][0]["id"]
        return bad, (*where, "account")
    if kind == "scenario":
        target["scenario"] = "dreamland"
        return bad, (*where, "scenario")
    if kind == "period":
        target["period"] = FiscalCalendar(periods[-1], 12).periods[1]
        return bad, (*where, "period")
    if kind == "period_format":
        target["period"] = "March"
        return bad, (*where, "period")
    if kind == "negative":
        target["amount"] = -target["amount"] - 1
        return bad, (*where, "amount")
    if kind == "precision":
        unit = next(a["unit"] for a in plan["accounts"] if a["id"] == target["account"])
        target["amount"] = target["amount"] + Decimal(1).scaleb(-UNITS[unit] - 1)
        return bad, (*where, "amount")
    if kind == "duplicate":
        bad.append(dict(target))
        return bad, ("facts", f"row {len(bad)}", "line")
    raise ValueError(kind)


FACT_MUTATIONS = (
    "team",
    "account",
    "assumption_as_account",
    "scenario",
    "period",
    "period_format",
    "negative",
    "duplicate",
)
