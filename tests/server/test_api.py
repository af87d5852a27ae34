"""The service through FastAPI's TestClient: push, pull, conflicts, errors, limits."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest

from planbook.facts import facts_from_arrow, facts_to_arrow
from server.app import create_app
from server.formats import facts_to_columns
from server.settings import InsecureSettings, Settings
from tests.server.store.helpers import bump, same_facts, team_facts

V1 = "/api/v1/plans/cirrus"


def _columns(facts):
    return facts_to_columns(facts_to_arrow(facts))


def test_health_needs_no_token(api):
    client, _ = api
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200 and answer.json()["schema_current"] is True


def test_every_other_route_needs_a_token(api):
    client, _ = api
    answer = client.get(f"{V1}/versions")
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["loc"] == ["header", "authorization"]
    bad = client.get(f"{V1}/versions", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and "unknown or revoked" in bad.text


def test_push_then_pull_round_trips_in_every_format(api, demo):
    client, h = api
    sales = bump(team_facts(demo, "sales-na"))
    answer = client.post(
        f"{V1}/versions",
        json={"base": 2, "message": "more", "facts": _columns(sales)},
        headers=h["lead"],
    )
    assert answer.status_code == 201, answer.text
    version = answer.json()["version"]
    assert version["number"] == 3 and version["author"] == "lead-user"
    assert version["changed"] == ["team:sales-na"]
    base = {"team": "sales-na", "scenario": ["base", "conservative", "aggressive"]}
    parquet = client.get(
        f"{V1}/versions/3/facts", params=base | {"format": "parquet"}, headers=h["finance"]
    )
    pulled = facts_from_arrow(pq.read_table(io.BytesIO(parquet.content)))
    assert same_facts(pulled, sales)
    as_json = client.get(f"{V1}/versions/latest/facts", params=base, headers=h["finance"]).json()
    assert as_json["version"] == 3 and len(as_json["facts"]["amount"]) == len(sales)
    csv = client.get(
        f"{V1}/versions/3/facts", params=base | {"format": "csv"}, headers=h["finance"]
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.count("\n") == len(sales) + 1


def test_conditional_get_answers_304(api):
    client, h = api
    first = client.get(f"{V1}/versions/2/facts", params={"team": "finance"}, headers=h["viewer"])
    etag = first.headers["etag"]
    again = client.get(
        f"{V1}/versions/2/facts",
        params={"team": "finance"},
        headers=h["viewer"] | {"If-None-Match": etag},
    )
    assert again.status_code == 304 and again.headers["etag"] == etag
    other = client.get(f"{V1}/versions/2/facts", params={"team": "finance"}, headers=h["finance"])
    assert other.headers["etag"] != etag  # finance sees salaries: another representation


def test_stale_push_gets_409_saying_who_changed_what(api, demo):
    client, h = api
    sales = team_facts(demo, "sales-na")
    body = {"base": 2, "facts": _columns(bump(sales, 1))}
    assert client.post(f"{V1}/versions", json=body, headers=h["lead"]).status_code == 201
    body = {"base": 2, "facts": _columns(bump(sales, 2))}
    answer = client.post(f"{V1}/versions", json=body, headers=h["finance"])
    assert answer.status_code == 409
    data = answer.json()
    assert data["conflicts"][0] | {"at": None} == {
        "part": "team:sales-na",
        "version": 3,
        "author": "lead-user",
        "at": None,
        "reason": "changed",
    }
    assert "lead-user" in data["errors"][0]["msg"] and data["head"] == 3


def test_stale_push_equal_to_the_head_gets_409_not_nothing_changed(api, demo):
    client, h = api
    body = {"base": 2, "facts": _columns(bump(team_facts(demo, "sales-na"), 1))}
    assert client.post(f"{V1}/versions", json=body, headers=h["lead"]).status_code == 201
    answer = client.post(f"{V1}/versions", json=body, headers=h["finance"])
    assert answer.status_code == 409, answer.text
    assert answer.json()["conflicts"][0]["author"] == "lead-user"
    again = client.post(f"{V1}/versions", json=body | {"base": 3}, headers=h["finance"])
    assert again.status_code == 200, again.text
    assert again.json()["created"] is False and again.json()["version"]["number"] == 3


def test_invalid_facts_get_422_listing_every_problem(api, demo):
    client, h = api
    columns = _columns(team_facts(demo, "sales-na"))
    columns["team"][0] = "sales-apac"
    columns["period"][1] = "2031-01"
    answer = client.post(f"{V1}/versions", json={"base": 2, "facts": columns}, headers=h["finance"])
    assert answer.status_code == 422
    locs = [e["loc"] for e in answer.json()["errors"]]
    assert locs == [["facts", "row 1", "team"], ["facts", "row 2", "period"]]
    assert client.get(f"{V1}/versions/latest", headers=h["viewer"]).json()["number"] == 2


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'{"base": 2, "facts": ', "body"),
        (b'{"base": "two"}', "base"),
        (b'{"base": 2, "facts": {"amount": [1.5]}}', "facts"),
        (b'{"base": 2, "bogus": 1}', "bogus"),
        (b'{"base": 2, "company": {"id": "cirrus"}}', "company"),
        (b"[]", "body"),
    ],
)
def test_malformed_bodies_get_422_naming_where(api, body, where):
    client, h = api
    answer = client.post(
        f"{V1}/versions",
        content=body,
        headers=h["finance"] | {"Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert any(where in map(str, e["loc"]) for e in answer.json()["errors"]), answer.text


@pytest.mark.parametrize(
    "url", [f"{V1}/versions/99", f"{V1}/versions/nope/facts", "/api/v1/plans/x/versions"]
)
def test_unknown_ids_get_404(api, url):
    client, h = api
    answer = client.get(url, headers=h["viewer"])
    assert answer.status_code == 404 and answer.json()["errors"][0]["msg"]


def test_oversized_body_gets_413(api):
    client, h = api
    big = b'{"base": 2, "message": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    answer = client.post(
        f"{V1}/versions", content=big, headers=h["finance"] | {"Content-Type": "application/json"}
    )
    assert answer.status_code == 413 and "larger than" in answer.json()["errors"][0]["msg"]


@pytest.mark.parametrize("url", [f"{V1}/versions", f"{V1}/versions/facts?base=2"])
def test_oversized_chunked_body_gets_413(api, url):
    """Without a Content-Length the limit is counted as the body arrives: still a 413."""
    client, h = api

    def chunks():
        yield b'{"base": 2, "message": "'
        for _ in range(5):
            yield b"x" * (1024 * 1024)
        yield b'"}'

    headers = h["finance"] | {"Content-Type": "application/json"}
    answer = client.post(url, content=chunks(), headers=headers)
    assert answer.status_code == 413, answer.text
    assert "larger than" in answer.json()["errors"][0]["msg"]


def test_base_must_be_a_number_not_a_boolean(api):
    client, h = api
    answer = client.post(f"{V1}/versions", json={"base": False}, headers=h["finance"])
    assert answer.status_code == 422 and "base" in answer.text


def test_lead_may_not_push_another_team(api, demo):
    client, h = api
    body = {"base": 2, "facts": _columns(bump(team_facts(demo, "finance")))}
    answer = client.post(f"{V1}/versions", json=body, headers=h["lead"])
    assert answer.status_code == 403 and "finance" in answer.json()["errors"][0]["msg"]


def test_workflow_and_tags_through_the_service(api):
    client, h = api
    url = f"{V1}/teams/sales-na/status"
    assert (
        client.post(url, json={"action": "submit"}, headers=h["lead"]).json()["status"]
        == "submitted"
    )
    assert client.post(url, json={"action": "approve"}, headers=h["lead"]).status_code == 403
    answer = client.post(url, json={"action": "return"}, headers=h["finance"])
    assert answer.status_code == 422 and "comment" in answer.text
    done = client.post(url, json={"action": "approve"}, headers=h["finance"])
    assert done.json()["actor"] == "finance-user"
    history = client.get(f"{V1}/status/history", params={"team": "sales-na"}, headers=h["viewer"])
    assert [s["status"] for s in history.json()] == ["submitted", "approved"]
    tag = client.put(f"{V1}/tags/board-approved", json={"version": "2"}, headers=h["finance"])
    assert tag.json()["version"] == 2
    assert client.put(f"{V1}/tags/x", json={"version": "2"}, headers=h["lead"]).status_code == 403
    assert client.get(f"{V1}/versions/board-approved", headers=h["viewer"]).json()["number"] == 2


def test_export_then_import_into_an_empty_service(api, tmp_path):
    client, h = api
    backup = client.get("/api/v1/export", headers=h["admin"])
    assert backup.status_code == 200 and int(backup.headers["x-planbook-blobs"]) > 10
    other = create_app(Settings(db=str(tmp_path / "other.db"), secret="t" * 32))
    from fastapi.testclient import TestClient

    with TestClient(other) as fresh:
        secret = {"Authorization": "Bearer " + "t" * 32}
        answer = fresh.post(
            "/api/v1/import",
            content=backup.content,
            headers=secret | {"Content-Type": "application/zip"},
        )
        assert answer.status_code == 200, answer.text
        assert fresh.get("/api/v1/verify", headers=secret).json() == {"ok": True, "problems": []}
        again = fresh.post("/api/v1/import", content=backup.content, headers=secret)
        assert again.status_code == 409
    other.state.store.close()


@pytest.mark.parametrize("secret", ["", "change-me", "short"])
def test_refuses_to_start_with_a_weak_secret(tmp_path, secret):
    with pytest.raises(InsecureSettings, match="PLANBOOK_SECRET"):
        create_app(Settings(db=str(tmp_path / "s.db"), secret=secret))


def test_dev_mode_allows_the_default_secret(tmp_path):
    app = create_app(Settings(db=str(tmp_path / "s.db"), dev=True))
    app.state.store.close()


def test_settings_come_from_planbook_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANBOOK_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv("PLANBOOK_MAX_BODY_BYTES", "2048")
    settings = Settings()
    assert settings.db.endswith("env.db") and settings.max_body_bytes == 2048


def test_openapi_lists_every_route_with_examples(api):
    client, _ = api
    doc = client.get("/openapi.json").json()
    assert "/api/v1/plans/{plan}/versions/{ref}/facts" in doc["paths"]
    push = doc["paths"]["/api/v1/plans/{plan}/versions"]["post"]
    assert {"201", "409", "422"} <= set(push["responses"])
    assert "examples" in str(doc["components"]["schemas"]["PushIn"])


def test_import_of_a_file_that_is_not_an_export_gets_422(tmp_path):
    app = create_app(Settings(db=str(tmp_path / "empty.db"), secret="u" * 32))
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        answer = client.post(
            "/api/v1/import", content=b"not a zip", headers={"Authorization": "Bearer " + "u" * 32}
        )
    assert answer.status_code == 422 and "not a Planbook export" in answer.text
    app.state.store.close()


def test_push_facts_as_parquet(api, demo, tmp_path):
    from planbook.factfiles import write_facts

    client, h = api
    path = write_facts(bump(team_facts(demo, "sales-na")), tmp_path / "sales.parquet")
    answer = client.post(
        f"{V1}/versions/facts",
        params={"base": 2, "message": "parquet"},
        content=path.read_bytes(),
        headers=h["lead"] | {"Content-Type": "application/vnd.apache.parquet"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["version"]["changed"] == ["team:sales-na"]
    bad = client.post(
        f"{V1}/versions/facts", params={"base": 3}, content=b"nope", headers=h["finance"]
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body"]
    other = write_facts(bump(team_facts(demo, "finance")), tmp_path / "finance.parquet")
    denied = client.post(
        f"{V1}/versions/facts", params={"base": 3}, content=other.read_bytes(), headers=h["lead"]
    )
    assert denied.status_code == 403
