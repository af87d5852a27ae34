"""The push routes replace only the (team, scenario) slices a push holds, unless its
``replace_team`` says to replace the team's whole budget (the hostile review: a 1-fact API
push replaced a whole team)."""

from __future__ import annotations

import io

import pyarrow.parquet as pq

from planbook.facts import facts_from_records, facts_to_arrow

V1 = "/api/v1/plans/cirrus"
ONE = {
    "scenario": ["base"],
    "team": ["sales-na"],
    "account": ["travel"],
    "line": [""],
    "period": ["2026-02"],
    "amount": ["4200"],
}


def _scenarios(client, headers, ref):
    answer = client.get(f"{V1}/versions/{ref}/facts", params={"team": "sales-na"}, headers=headers)
    scenarios = answer.json()["facts"]["scenario"]
    return {s: scenarios.count(s) for s in set(scenarios)}


def test_push_one_fact_replaces_only_its_slice(api):
    client, h = api
    before = _scenarios(client, h["lead"], 2)
    answer = client.post(f"{V1}/versions", json={"base": 2, "facts": ONE}, headers=h["lead"])
    assert answer.status_code == 201, answer.text
    assert _scenarios(client, h["lead"], 3) == before | {"base": 1}


def test_push_replace_team_replaces_the_team(api):
    client, h = api
    before = _scenarios(client, h["lead"], 2)
    body = {"base": 2, "facts": ONE, "replace_team": True}
    assert client.post(f"{V1}/versions", json=body, headers=h["lead"]).status_code == 201
    assert _scenarios(client, h["lead"], 3) == {"base": 1, "actuals": before["actuals"]}
    bad = client.post(f"{V1}/versions", json=body | {"replace_team": "yes"}, headers=h["lead"])
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][-1] == "replace_team"


def test_push_parquet_replaces_only_its_slice_unless_asked(api):
    client, h = api
    before = _scenarios(client, h["lead"], 2)
    sink = io.BytesIO()
    records = [dict(zip(ONE, values, strict=True)) for values in zip(*ONE.values(), strict=True)]
    pq.write_table(facts_to_arrow(facts_from_records(records)), sink)
    parquet = h["lead"] | {"Content-Type": "application/vnd.apache.parquet"}
    for base, replace, expected in (
        (2, "false", before | {"base": 1}),
        (3, "true", {"base": 1, "actuals": before["actuals"]}),
    ):
        answer = client.post(
            f"{V1}/versions/facts",
            params={"base": base, "replace_team": replace},
            content=sink.getvalue(),
            headers=parquet,
        )
        assert answer.status_code == 201, answer.text
        assert _scenarios(client, h["lead"], base + 1) == expected
