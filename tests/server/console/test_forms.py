"""Forms that change something refuse a request without the session cookie, without the
CSRF token, with a wrong one, or posted from another site: nothing changes (plain httpx
against the live server)."""

from __future__ import annotations

import re
from contextlib import closing

import httpx
import pytest

from tests.server.console.conftest import SUBMITTED, Console

TEAM = SUBMITTED[1]


def _signed_in(console: Console, role: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=console.url)
    form = client.get("/console/signin")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf
    done = client.post("/console/signin", data={"csrf": csrf[1], "token": console.tokens[role]})
    assert done.status_code == 303 and "planbook_session" in client.cookies
    page = client.get("/console/plans/cirrus/status")
    session_csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert session_csrf
    return client, session_csrf[1]


def test_a_page_without_a_session_goes_to_sign_in(console: Console) -> None:
    answer = httpx.get(f"{console.url}/console/plans/cirrus/status")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/signin"


def test_approve_without_the_session_cookie_changes_nothing(console: Console) -> None:
    answer = httpx.post(
        f"{console.url}/console/plans/cirrus/status/{TEAM}", data={"action": "approve"}
    )
    assert answer.status_code == 401
    assert console.status(TEAM) == "submitted"


@pytest.mark.parametrize(
    ("csrf", "headers"),
    [(None, {}), ("wrong", {}), ("right", {"Origin": "https://evil.example"})],
    ids=["no-csrf", "wrong-csrf", "other-site"],
)
def test_approve_without_the_csrf_token_changes_nothing(
    console: Console, csrf: str | None, headers: dict[str, str]
) -> None:
    client, good = _signed_in(console, "finance")
    with closing(client):
        data = {"action": "approve"}
        if csrf:
            data["csrf"] = good if csrf == "right" else csrf
        answer = client.post(f"/console/plans/cirrus/status/{TEAM}", data=data, headers=headers)
    assert answer.status_code == 403, answer.text
    assert console.status(TEAM) == "submitted"


def test_sign_in_without_its_csrf_token_sets_no_session(console: Console) -> None:
    answer = httpx.post(f"{console.url}/console/signin", data={"token": console.tokens["finance"]})
    assert answer.status_code == 403 and "planbook_session" not in answer.cookies


def test_the_session_cookie_is_httponly_strict_and_signed(console: Console) -> None:
    client, _ = _signed_in(console, "viewer")
    with closing(client):
        signin = client.get("/console/signin")
        raw = client.post(
            "/console/signin",
            data={
                "csrf": re.findall(r'name="csrf" value="([^"]+)"', signin.text)[-1],
                "token": console.tokens["viewer"],
            },
        ).headers["set-cookie"]
        assert "HttpOnly" in raw and "SameSite=strict" in raw and "Path=/console" in raw
        cookie = client.cookies["planbook_session"]
        body, mac = cookie.split(".")
        client.cookies.set("planbook_session", f"{body}.{mac[::-1]}", path="/console")
        assert client.get("/console/plans/cirrus").status_code == 303


def test_a_viewer_may_not_approve(console: Console) -> None:
    client, csrf = _signed_in(console, "viewer")
    with closing(client):
        answer = client.post(
            f"/console/plans/cirrus/status/{TEAM}", data={"action": "approve", "csrf": csrf}
        )
    assert answer.status_code == 403 and "finance" in answer.text
    assert console.status(TEAM) == "submitted"


@pytest.mark.parametrize(
    ("role", "seen"),
    [("finance", {"sales-na", "sales-emea"}), ("lead", {"sales-emea"}), ("viewer", set())],
)
def test_the_diff_page_shows_salaries_only_as_the_role_allows(
    console: Console, role: str, seen: set[str]
) -> None:
    """Version 1 (set-up) to board-approved, in sales: every line is added; the salaries of
    the teams the caller may not see are left out of the page."""
    client, _ = _signed_in(console, role)
    with closing(client):
        page = client.get(
            "/console/plans/cirrus/diff",
            params={"from": "1", "to": "board-approved", "department": "sales"},
        )
    assert page.status_code == 200
    shown = set(re.findall(r"<td>(sales-[a-z]+)</td><td>salaries</td>", page.text))
    assert shown == seen  # the page's 50 largest lines: salaries of the teams it may see


def test_the_kpi_page_shows_goal_attainment_and_kpis_per_scenario(console: Console) -> None:
    client, _ = _signed_in(console, "viewer")
    with closing(client):
        page = client.get(
            "/console/plans/cirrus/kpis",
            params={"version": "board-approved", "scenario": ["base", "conservative"]},
        )
        wrong = client.get("/console/plans/cirrus/kpis", params={"scenario": "nope"})
    assert page.status_code == 200
    assert re.findall(r'data-scenario="([a-z-]+)"', page.text) == ["base", "conservative"]
    assert "<td>double-arr</td><td>conservative</td>" in page.text
    assert re.search(r"<td>arr</td>(<td class=\"num\">[0-9,]+</td>){4}</tr>", page.text)
    assert wrong.status_code == 422 and "nope" in wrong.text


def test_the_board_shows_findings_as_the_role_may_see_them(console: Console) -> None:
    finance, _ = _signed_in(console, "finance")
    viewer, _ = _signed_in(console, "viewer")
    try:
        seen = finance.get("/console/plans/cirrus/status").text
        hidden = viewer.get("/console/plans/cirrus/status").text
    finally:
        finance.close()
        viewer.close()
    tax = re.search(r'data-team="cs-support".*?</tr>', seen, re.S)
    assert tax and 'data-rule="payroll-tax"' in tax[0] and "blocking" in tax[0]
    assert 'data-rule="goal-drivers"' in seen  # the company's, below the board
    quiet = re.search(r'data-team="sales-na".*?</tr>', seen, re.S)
    assert quiet and "no findings" in quiet[0]
    assert 'data-rule="payroll-tax"' not in hidden and 'data-rule="salary-band"' not in hidden
    bearer = {"Authorization": f"Bearer {console.tokens['viewer']}"}
    route = httpx.get(f"{console.url}/api/v1/plans/cirrus/align", headers=bearer).json()
    assert {f["rule"] for f in route["findings"]} == set(re.findall(r'data-rule="([^"]+)"', hidden))
    assert route["findings"]  # the viewer still sees the findings of what it may read
