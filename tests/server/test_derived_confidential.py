"""Confidentiality follows derivation: payroll taxes, benefits and bonus are computed from
salaries, so a role that may not see salaries sees none of them either (the hostile review
recovered every salary as payroll taxes / 7.65%). Through the facts route and the diff
route, on SQLite and PostgreSQL; a lead still sees its own team's."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
import pyarrow.parquet as pq

from planbook.confidential import confidential_accounts
from planbook.facts import facts_to_arrow
from server.formats import facts_to_columns
from tests.server.store.helpers import bump, team_facts

P = "/api/v1/plans/cirrus"
DERIVED = {"payroll-taxes", "benefits", "bonus"}


def _pull(client, headers) -> pd.DataFrame:
    answer = client.get(f"{P}/versions/2/facts", params={"format": "parquet"}, headers=headers)
    assert answer.status_code == 200, answer.text
    facts: pd.DataFrame = pq.read_table(io.BytesIO(answer.content)).to_pandas()
    return facts


def _recovered_salaries(facts: pd.DataFrame) -> int:
    """How many salary lines payroll taxes / 7.65% gives back to within 0.20 (the attack)."""
    taxes = facts[facts["account"].astype(str) == "payroll-taxes"]
    keys = ["scenario", "team", "line", "period"]
    salaries = facts[facts["account"].astype(str) == "salaries"]
    both = taxes.astype({k: str for k in keys}).merge(
        salaries.astype({k: str for k in keys}), on=keys, suffixes=("_tax", "_salary")
    )
    guess = both["amount_tax"].map(lambda tax: Decimal(tax) / Decimal("0.0765"))
    return int(((guess - both["amount_salary"].map(Decimal)).abs() <= Decimal("0.2")).sum())


def test_demo_declares_payroll_costs_derived_from_salaries(demo):
    hidden = confidential_accounts(demo.plan)
    assert DERIVED | {"salaries", "commissions"} <= hidden
    assert "travel" not in hidden and "headcount" not in hidden


def test_viewer_cannot_see_accounts_derived_from_salaries(api, demo):
    client, headers = api
    viewer = _pull(client, headers["viewer"])
    assert not set(viewer["account"].astype(str)) & (DERIVED | {"salaries"})
    asked = client.get(
        f"{P}/versions/2/facts",
        params={"account": sorted(DERIVED)},
        headers=headers["viewer"],
    ).json()
    assert asked["facts"]["account"] == []
    finance = _pull(client, headers["finance"])
    assert _recovered_salaries(finance) > 100  # the attack works on what finance may see
    lead = _pull(client, headers["lead"])
    seen = lead[lead["account"].astype(str).isin(DERIVED)]
    assert set(seen["team"].astype(str)) == {"sales-na"}
    assert _recovered_salaries(lead) == _recovered_salaries(
        finance[finance["team"].astype(str) == "sales-na"]
    )


def test_diff_route_hides_derived_accounts_from_a_viewer(api, demo):
    client, headers = api
    facts = pd.concat(
        [bump(team_facts(demo, t), 10) for t in ("sales-na", "finance")], ignore_index=True
    )
    body = {"base": 2, "facts": facts_to_columns(facts_to_arrow(facts)), "replace_team": True}
    answer = client.post(f"{P}/versions", json=body, headers=headers["finance"])
    assert answer.status_code == 201, answer.text
    params = {"from": "2", "limit": 100000}
    for role, expected in (("viewer", set()), ("lead", {"sales-na"}), ("finance", None)):
        report = client.get(f"{P}/diff", params=params, headers=headers[role]).json()
        teams = {x["team"] for x in report["lines"] if x["account"] in DERIVED}
        assert teams == (expected if expected is not None else {"sales-na", "finance"})
        rolled = {r["account"] for r in report["rollups"]["account"]}
        assert bool(rolled & DERIVED) == (role != "viewer")
