"""GET /api/v1/plans/{plan}/diff: the report per role (no salaries for a viewer, only its
own team's for a lead), paging, and bad requests; on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from planbook.facts import facts_to_arrow
from server.formats import facts_to_columns
from tests.server.store.helpers import bump, team_facts

URL = "/api/v1/plans/cirrus/diff"
SECRET = {"salaries", "commissions", "bonus"}


@pytest.fixture
def changed(api, demo):
    """Version 3: finance raised sales-na's and finance's every line by 10."""
    client, headers = api
    facts = pd.concat(
        [bump(team_facts(demo, t), 10) for t in ("sales-na", "finance")], ignore_index=True
    )
    body = {"base": 2, "message": "raise", "facts": facts_to_columns(facts_to_arrow(facts))}
    answer = client.post("/api/v1/plans/cirrus/versions", json=body, headers=headers["finance"])
    assert answer.status_code == 201, answer.text
    return client, headers


def _seen(report):
    return {(x["team"], x["account"]) for x in report["lines"]}


@pytest.mark.parametrize("role", ["admin", "finance", "lead", "viewer"])
def test_diff_per_role_hides_what_the_role_may_not_see(changed, role):
    client, headers = changed
    answer = client.get(URL, params={"from": "2", "limit": 100000}, headers=headers[role])
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["from"]["number"], report["to"]["number"]) == (2, 3)
    assert report["summary"]["compared_parts"] == ["team:finance", "team:sales-na"]
    assert {x["delta"] for x in report["lines"]} == {"10"}
    salaries = {team for team, account in _seen(report) if account in SECRET}
    expected = {
        "admin": {"sales-na", "finance"},
        "finance": {"sales-na", "finance"},
        "lead": {"sales-na"},
        "viewer": set(),
    }[role]
    assert salaries == expected
    accounts = {r["account"] for r in report["rollups"]["account"]}
    assert bool(accounts & SECRET) == bool(expected)
    assert {t for t, _ in _seen(report)} == {"sales-na", "finance"}
    (who,) = report["history"]
    assert who["author"] == "finance-user" and who["message"] == "raise"
    steps = [Decimal(s["amount"]) for s in report["bridge"]["steps"]]
    assert sum(steps[1:-1], steps[0]) == steps[-1]


def test_viewer_bridge_leaves_salaries_out(changed):
    client, headers = changed

    def bridge(role):
        report = client.get(URL, params={"from": "2"}, headers=headers[role]).json()
        return {s["step"]: Decimal(s["amount"]) for s in report["bridge"]["steps"]}

    viewer, finance = bridge("viewer"), bridge("finance")
    assert viewer["start"] != finance["start"]  # the salaries are not in the viewer's total
    assert viewer["end"] - viewer["start"] > finance["end"] - finance["start"]


def test_diff_pages_filters_and_orders(changed):
    client, headers = changed
    h = headers["finance"]
    whole = client.get(URL, params={"from": "2", "limit": 100000}, headers=h).json()
    page = client.get(URL, params={"from": "2", "limit": 5, "offset": 5}, headers=h).json()
    assert page["lines"] == whole["lines"][5:10] and page["lines_total"] == whole["lines_total"]
    finance = client.get(
        URL, params={"from": "2", "to": "3", "team": "finance", "bridge_by": "none"}, headers=h
    ).json()
    assert {x["team"] for x in finance["lines"]} == {"finance"} and finance["bridge"] is None
    assert finance["summary"]["compared_parts"] == ["team:finance"]
    big = client.get(URL, params={"from": "2", "threshold": "11"}, headers=h).json()
    assert big["lines"] == [] and big["summary"]["below_threshold"] == whole["lines_total"]
    same = client.get(URL, params={"from": "latest", "to": "latest"}, headers=h).json()
    assert same["lines"] == [] and same["history"] == []


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"from": "99"}, 404, "no version 99"),
        ({"from": "nope"}, 404, "'nope'"),
        ({"from": "2", "team": "nobody"}, 422, "no team 'nobody'"),
        ({"from": "2", "department": "nowhere"}, 422, "no department 'nowhere'"),
        ({"from": "2", "threshold": "lots"}, 422, "'lots' is not an amount"),
        ({"from": "2", "threshold": "-1"}, 422, "'-1' is not an amount"),
        ({"from": "2", "bridge_by": "colour"}, 422, ""),
        ({}, 422, ""),
    ],
)
def test_diff_bad_requests_say_what_is_wrong(changed, params, status, message):
    client, headers = changed
    answer = client.get(URL, params=params, headers=headers["viewer"])
    assert answer.status_code == status, answer.text
    errors = answer.json()["errors"]
    assert errors and message in " ".join(e["msg"] for e in errors)


def test_diff_needs_a_token(changed):
    client, _ = changed
    assert client.get(URL, params={"from": "2"}).status_code == 401


def test_diff_is_described_in_openapi(changed):
    client, _ = changed
    schema = client.get("/openapi.json").json()
    answer = schema["paths"]["/api/v1/plans/{plan}/diff"]["get"]["responses"]["200"]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"from", "to", "summary", "bridge", "lines", "history"} <= set(body["properties"])
