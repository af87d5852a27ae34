"""Positions as a confidential per-team part: pushed with a team's budget, versioned (a part
of its own, listed by the diff), read only by finance, admin and the team's own lead; on
SQLite and PostgreSQL."""

from __future__ import annotations

P = "/api/v1/plans/cirrus"


def _positions(demo, team):
    rows = demo.positions[demo.positions["team"] == team].astype(str)
    return {c: rows[c].tolist() for c in rows.columns}


def test_positions_are_stored_versioned_and_confidential(api, demo):
    client, h = api
    body = {"base": 2, "positions": _positions(demo, "sales-na")}
    answer = client.post(f"{P}/versions", json=body, headers=h["lead"])
    assert answer.status_code == 201, answer.text
    assert answer.json()["version"]["changed"] == ["positions:sales-na"]
    again = client.post(f"{P}/versions", json=body | {"base": 3}, headers=h["lead"])
    assert again.status_code == 200 and not again.json()["created"]  # same content, same part
    url = f"{P}/versions/3/teams/sales-na/positions"
    for role in ("admin", "finance", "lead"):
        got = client.get(url, headers=h[role])
        assert got.status_code == 200, (role, got.text)
        assert sorted(got.json()["positions"]["position"]) == sorted(body["positions"]["position"])
    denied = client.get(url, headers=h["viewer"])
    assert denied.status_code == 403 and "confidential" in denied.text
    other = client.get(f"{P}/versions/3/teams/finance/positions", headers=h["lead"])
    assert other.status_code == 403
    assert client.get(f"{P}/versions/2/teams/sales-na/positions", headers=h["lead"]).json()[
        "positions"
    ] == {c: [] for c in body["positions"]}
    diff = client.get(f"{P}/diff", params={"from": "2"}, headers=h["finance"]).json()
    assert "positions:sales-na" in diff["summary"]["compared_parts"]


def test_positions_push_is_checked_and_a_lead_pushes_only_its_own(api, demo):
    client, h = api
    bad = _positions(demo, "sales-na")
    bad["start"][0] = "2031-01"
    bad["annual_salary"][1] = "lots"
    bad["role"][2] = "AE\x00"
    answer = client.post(f"{P}/versions", json={"base": 2, "positions": bad}, headers=h["lead"])
    assert answer.status_code == 422
    msgs = " ".join(e["msg"] for e in answer.json()["errors"])
    assert "'2031-01' is not a month" in msgs and "'lots' is not a non-negative amount" in msgs
    assert "control character" in msgs
    uneven = {"scenario": ["base"], "team": []}
    answer = client.post(f"{P}/versions", json={"base": 2, "positions": uneven}, headers=h["lead"])
    assert answer.status_code == 422
    theirs = {"base": 2, "positions": _positions(demo, "finance")}
    assert client.post(f"{P}/versions", json=theirs, headers=h["lead"]).status_code == 403
