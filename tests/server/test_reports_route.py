"""The variance and alignment routes, and forced approvals, through the service."""

from __future__ import annotations

import csv
import io

from planbook.facts import plain_decimal
from planbook.variance import variance
from tests.planbook.test_align import PLANTED


def test_variance_route_json_csv_and_confidential_filter(api, demo):
    client, h = api
    answer = client.get("/api/v1/plans/cirrus/variance?by=department", headers=h["finance"])
    assert answer.status_code == 200, answer.text
    table, _ = variance(demo.plan, demo.facts, by="department")
    assert [r["plan"] for r in answer.json()["rows"]] == [plain_decimal(v) for v in table["plan"]]
    viewer = client.get("/api/v1/plans/cirrus/variance?by=account", headers=h["viewer"])
    accounts = {r["account"] for r in viewer.json()["rows"]}
    assert "salaries" not in accounts and "travel" in accounts
    text = client.get(
        "/api/v1/plans/cirrus/variance?by=pnl&period=qtd&format=csv", headers=h["finance"]
    ).text
    assert next(csv.reader(io.StringIO(text)))[:3] == ["pnl_line", "side", "plan"]
    bad = client.get("/api/v1/plans/cirrus/variance?period=2027-01", headers=h["finance"])
    assert bad.status_code == 422 and "has no actuals yet" in bad.text


def test_align_route_lists_the_planted_breaches(api):
    client, h = api
    found = client.get("/api/v1/plans/cirrus/align", headers=h["finance"]).json()["findings"]
    assert [(f["rule"], f["severity"], f["team"], f["period"]) for f in found] == PLANTED
    one = client.get("/api/v1/plans/cirrus/align?team=cs-support&format=csv", headers=h["finance"])
    rows = list(csv.DictReader(io.StringIO(one.text)))
    assert [(r["rule"], r["team"]) for r in rows] == [("payroll-tax", "cs-support")]
    hidden = client.get("/api/v1/plans/cirrus/align", headers=h["viewer"]).json()["findings"]
    assert {"payroll-tax", "salary-band", "salary-inflation"} & {f["rule"] for f in hidden} == set()
    bad = client.get("/api/v1/plans/cirrus/align?team=nope", headers=h["finance"])
    assert bad.status_code == 422 and "'nope' is not a team" in bad.text


def test_approval_with_blocking_findings_needs_force(api):
    client, h = api
    url = "/api/v1/plans/cirrus/teams/cs-support/status"
    assert client.post(url, json={"action": "submit"}, headers=h["finance"]).status_code == 200
    refused = client.post(url, json={"action": "approve"}, headers=h["finance"])
    assert refused.status_code == 422 and "payroll taxes" in refused.text
    forced = client.post(url, json={"action": "approve", "force": True}, headers=h["finance"])
    assert forced.status_code == 200
    assert forced.json()["comment"] == "forced past blocking findings (payroll-tax FY2027)"
