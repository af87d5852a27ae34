"""The whole role x route matrix, and confidential accounts in every read."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest

from planbook.facts import facts_to_arrow
from server.formats import facts_to_columns
from tests.server.store.helpers import bump, team_facts

P = "/api/v1/plans/cirrus"
ALL = {"admin", "finance", "lead", "viewer"}
FINANCE = {"admin", "finance"}
ADMIN = {"admin"}

# (method, url, json body or None, roles allowed)
ROUTES = [
    ("GET", "/api/v1/plans", None, ALL),
    ("GET", f"{P}/versions", None, ALL),
    ("GET", f"{P}/versions/latest", None, ALL),
    ("GET", f"{P}/versions/2/plan", None, ALL),
    ("GET", f"{P}/versions/2/facts", None, ALL),
    ("POST", f"{P}/versions", "push", {"admin", "finance", "lead"}),
    ("POST", f"{P}/versions/facts", "parquet", {"admin", "finance", "lead"}),
    ("GET", f"{P}/status", None, ALL),
    ("GET", f"{P}/status/history", None, ALL),
    ("POST", f"{P}/teams/sales-na/status", {"action": "submit"}, {"admin", "finance", "lead"}),
    ("POST", f"{P}/teams/finance/status", {"action": "submit"}, FINANCE),
    ("POST", f"{P}/teams/sales-na/status", {"action": "approve"}, FINANCE),
    ("GET", f"{P}/tags", None, ALL),
    ("GET", f"{P}/tags/history", None, ALL),
    ("PUT", f"{P}/tags/board-approved", {"version": "2"}, FINANCE),
    ("DELETE", f"{P}/tags/board-approved", None, FINANCE),
    ("POST", "/api/v1/tokens", {"name": "x", "role": "viewer"}, ADMIN),
    ("GET", "/api/v1/tokens", None, ADMIN),
    ("DELETE", "/api/v1/tokens/999", None, ADMIN),
    ("GET", "/api/v1/export", None, ADMIN),
    ("POST", "/api/v1/import", None, ADMIN),
    ("GET", "/api/v1/verify", None, ADMIN),
]


def _call(client, demo, method, url, body, headers):
    if body == "push":
        latest = client.get(f"{P}/versions/latest", headers=headers).json()["number"]
        facts = bump(team_facts(demo, "sales-na"), latest)
        body = {"base": latest, "facts": facts_to_columns(facts_to_arrow(facts))}
    if body == "parquet":
        latest = client.get(f"{P}/versions/latest", headers=headers).json()["number"]
        sink = io.BytesIO()
        pq.write_table(facts_to_arrow(bump(team_facts(demo, "sales-na"), latest)), sink)
        return client.post(url, params={"base": latest}, content=sink.getvalue(), headers=headers)
    return client.request(method, url, json=body, headers=headers)


def test_role_route_matrix(api, demo):
    client, headers = api
    for method, url, body, allowed in ROUTES:
        anonymous = client.request(
            method, url, json=body if isinstance(body, dict) else None, params={"base": 2}
        )
        assert anonymous.status_code == 401, (method, url)
        for role in sorted(ALL):
            answer = _call(client, demo, method, url, body, headers[role])
            if role in allowed:
                assert answer.status_code not in (401, 403), (method, url, role, answer.text)
                assert answer.status_code < 500, (method, url, role, answer.text)
            else:
                assert answer.status_code == 403, (method, url, role, answer.text)
                assert answer.json()["errors"][0]["msg"]


def _accounts(client, headers, params=None):
    answer = client.get(
        f"{P}/versions/latest/facts", params={"format": "parquet"} | (params or {}), headers=headers
    )
    table = pq.read_table(io.BytesIO(answer.content))
    return set(
        zip(table.column("team").to_pylist(), table.column("account").to_pylist(), strict=True)
    )


@pytest.mark.parametrize("role", sorted(ALL))
def test_confidential_accounts_only_for_roles_that_may_see_them(api, demo, role):
    client, headers = api
    secret = {a.id for a in demo.plan.accounts if a.confidential}
    seen = _accounts(client, headers[role])
    salaries = {(team, account) for team, account in seen if account in secret}
    if role in FINANCE:
        assert {t for t, _ in salaries} == {t.id for t in demo.plan.teams}
    elif role == "lead":
        assert {t for t, _ in salaries} == {"sales-na"}
    else:
        assert salaries == set()
    # asking for a confidential account by name does not get around it
    named = _accounts(client, headers[role], {"account": sorted(secret)})
    assert bool(named) == (role in FINANCE or role == "lead")
