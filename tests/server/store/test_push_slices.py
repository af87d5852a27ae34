"""What a facts push replaces: only the (team, scenario) slices it holds, unless it says
``replace_team`` (the hostile review's finding: a 2-row conservative-only file wiped a
team's base budget)."""

from __future__ import annotations

import pandas as pd

from planbook.facts import facts_from_records
from server.store import PushRequest
from tests.server.store.helpers import seed


def _two_conservative_rows(team: str) -> pd.DataFrame:
    return facts_from_records(
        [
            {"scenario": "conservative", "team": team, "account": "travel", "line": "",
             "period": p, "amount": "100"}
            for p in ("2026-02", "2026-03")
        ]
    )  # fmt: skip


def _counts(store, plan: str, team: str) -> dict[str, int]:
    facts = store.facts(plan, "latest")
    mine = facts[facts["team"] == team]
    return {str(k): int(v) for k, v in mine["scenario"].astype(str).value_counts().items()}


def test_push_replaces_only_the_slices_it_holds(store, demo):
    seed(store, demo)
    before = _counts(store, demo.plan.id, "sales-na")
    assert before["base"] > 2 and before["conservative"] > 2
    version, created = store.acting_as("lead").push(
        PushRequest(demo.plan.id, base=2, facts=_two_conservative_rows("sales-na"))
    )
    assert created and version.changed == ("team:sales-na",)
    after = _counts(store, demo.plan.id, "sales-na")
    assert after == before | {"conservative": 2}
    old, new = (_others(store.facts(demo.plan.id, ref)) for ref in (2, "latest"))
    assert new.equals(old)


def _others(facts):
    """Every fact but the conservative ones, as text."""
    rows = facts[facts["scenario"] != "conservative"].astype(str)
    return rows.reset_index(drop=True)


def test_push_replace_team_replaces_the_whole_budget(store, demo):
    seed(store, demo)
    store.acting_as("finance").push(
        PushRequest(
            demo.plan.id, base=2, facts=_two_conservative_rows("sales-na"), replace_team=True
        )
    )
    after = _counts(store, demo.plan.id, "sales-na")
    assert after == {"conservative": 2, "actuals": after["actuals"]}


def test_push_actuals_replace_their_slice_only(store, demo):
    seed(store, demo)
    actuals = demo.facts[demo.facts["scenario"] == "actuals"]
    before = store.facts(demo.plan.id, "latest")
    one = facts_from_records(
        [{"scenario": "actuals", "team": "finance", "account": "travel", "line": "",
          "period": "2026-02", "amount": "7"}]
    )  # fmt: skip
    store.acting_as("finance").push(PushRequest(demo.plan.id, base=2, facts=one))
    after = store.facts(demo.plan.id, "latest")
    assert len(after) == len(before) - (actuals["team"] == "finance").sum() + 1
