"""The add-in's routes under /addin in-process: public files without a token, the manifest
and every URL it names, the functions' metadata from the Python definitions, and batches of
calls answered as each caller may see them, with the workbook's pin resolved per batch."""

from __future__ import annotations

import inspect
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

import addin.functions
from addin.settings import AddinSettings
from addin.web.app import with_addin
from addin.web.manifest import BadUrl, manifest_urls, manifest_xml
from addin.web.meta import functions_json
from server.app import create_app
from server.settings import Settings
from tests.addin.functions_helpers import (
    closed_session,  # noqa: F401 (autouse)
    seeded_db,
)

URL = "https://plan.example.com"


@pytest.fixture
def app(tmp_path, demo) -> Iterator[tuple[TestClient, dict[str, str], Any]]:
    db = seeded_db(tmp_path / "store.db", demo)
    app = create_app(Settings(db=db, secret="s" * 32))
    store = app.state.store
    tokens = {r: store.create_token(name=f"{r}-user", role=r)[1] for r in ("finance", "viewer")}
    tokens["lead"] = store.create_token(name="lead-user", role="lead", teams=("sales-na",))[1]
    with_addin(app, AddinSettings(db=db, plan="cirrus"))
    with TestClient(app) as client:
        yield client, tokens, store
    store.close()


def _batch(client: TestClient, token: str, calls: list[Any], **body: Any) -> dict[str, Any]:
    out = client.post(
        "/addin/functions",
        json={"calls": calls, **body},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert out.status_code == 200, out.text
    result: dict[str, Any] = out.json()
    return result


def _get(account: str, team: str, month: str, *rest: Any) -> list[Any]:
    return ["GET", [[[account]], [[team]], [[month]], *rest]]


def test_metadata_comes_from_the_python_definitions():
    assert functions_json()["allowErrorForDataTypeAny"] is True
    meta = functions_json()["functions"]
    names = [n.removeprefix("pb_").upper() for n in addin.functions.__all__]
    assert [f["id"] for f in meta] == names
    get = next(f for f in meta if f["id"] == "GET")
    params = inspect.signature(addin.functions.pb_get).parameters
    assert [p["name"] for p in get["parameters"]] == list(params)
    assert get["parameters"][0]["description"].startswith("Account id")
    assert [p["optional"] for p in get["parameters"]] == [False, False, False, True, True]
    assert get["result"]["dimensionality"] == "scalar"
    table = next(f for f in meta if f["id"] == "TABLE")
    assert table["result"]["dimensionality"] == "matrix"
    assert all(len(f["description"]) <= 255 for f in meta)


def test_manifest_names_only_https_urls_that_answer_without_a_token(app):
    client, _, _ = app
    xml = manifest_xml(URL)
    root = ET.fromstring(xml)
    assert root.tag.endswith("OfficeApp")
    values = {e.get("DefaultValue") or "" for e in root.iter()}
    named = {v for v in values if v.startswith("https")}
    assert named == set(manifest_urls(URL).values())
    for url in sorted(named):
        answer = client.get(url.removeprefix(URL))  # no Authorization header, as Excel fetches
        assert answer.status_code == 200, url
    assert 'DefaultValue="PB"' in xml
    assert manifest_xml(URL) == xml  # the id is stable for one address
    for bad in ("http://plan.example.com", "plan.example.com", "https://x/?q=1"):
        with pytest.raises(BadUrl, match="HTTPS"):
            manifest_xml(bad)
    served = client.get("/addin/manifest.xml", headers={"host": "plan.example.com"})
    assert served.status_code == 422  # the request came over http: no manifest for it
    assert client.get("/addin/static/../app.py").status_code == 404
    assert client.get("/addin/static/nope.js").status_code == 404


def test_calls_need_a_token_and_say_who_it_is(app):
    client, tokens, _ = app
    assert client.post("/addin/functions", json={"calls": []}).status_code == 401
    assert client.get("/addin/me").status_code == 401
    me = client.get("/addin/me", headers={"Authorization": f"Bearer {tokens['lead']}"}).json()
    assert (me["name"], me["role"], me["teams"], me["plan"], me["latest"]) == (
        "lead-user",
        "lead",
        ["sales-na"],
        "cirrus",
        2,
    )


def test_a_batch_answers_each_call_as_the_caller_may_see_it(app):
    client, tokens, _ = app
    calls = [
        _get("salaries", "sales-na", "2026-03"),
        _get("salaries", "sales-emea", "2026-03"),
        _get("travel", "sales-na", "2026-03"),
        _get("nope", "sales-na", "2026-03"),
        _get("travel", "sales-na", "2026-03", [[None]], [[{"error": "#N/A"}]]),
        ["TABLE", [[["team"]], [["year"]], [["salaries"]]]],
        ["NOPE", []],
        ["ERRORS", []],
    ]
    recent = [{"at": "2026-11-30T10:00:00", "code": "#REF!", "message": "m"}]
    lead = _batch(client, tokens["lead"], calls, errors=recent)
    finance = _batch(client, tokens["finance"], calls)
    viewer = _batch(client, tokens["viewer"], calls)
    assert lead["version"] == finance["version"] == 2
    own, other, travel, unknown, refused, table, nope, errors = lead["results"]
    assert own["value"] > 0 and travel["value"] >= 0
    assert other["error"] == "#N/A" and "confidential" in other["message"].lower()
    assert finance["results"][1]["value"] > 0
    for hidden in viewer["results"][:2]:
        assert hidden["error"] == "#N/A" and "confidential" in hidden["message"].lower()
    assert unknown["error"] == "#REF!" and "nope" in unknown["message"]
    assert refused["error"] == "#VALUE!" and "version is the error #N/A" in refused["message"]
    # a table never shows a number the caller may not see: the hidden teams are left out
    teams = [row[0] for row in table["value"][1:]]
    assert "sales-emea" not in teams and "sales-na" in teams
    viewer_table = viewer["results"][5]
    assert "error" in viewer_table or all(r[0] != "sales-na" for r in viewer_table["value"][1:])
    assert nope["error"] == "#VALUE!"
    assert errors["value"][1][2:] == ["#REF!", "m"]


def test_the_workbooks_pin_and_tags_are_resolved_per_batch(app):
    client, tokens, store = app
    finance = tokens["finance"]
    store.set_tag(plan_id="cirrus", name="board-approved", ref=1)
    key = _get("salaries", "sales-na", "2026-03")
    first = _batch(client, finance, [key], pin="board-approved", refs=["latest"])
    assert first["version"] == 1 and first["results"][0]["value"] == 0
    assert first["resolved"] == {"board-approved": 1, "latest": 2}
    store.set_tag(plan_id="cirrus", name="board-approved", ref=2)
    pinned_1 = [key[0], [*key[1], [[None]], [[1]]]]
    moved = _batch(client, finance, [key, pinned_1], pin="board-approved")
    assert moved["version"] == 2 and moved["results"][0]["value"] > 0
    assert moved["results"][1]["value"] == 0  # an explicit version 1 in the cell
    gone = _batch(client, finance, [key], pin="no-such-tag")
    assert gone["version"] is None and gone["results"][0]["error"] == "#REF!"
    other = client.post(
        "/addin/functions",
        json={"calls": [], "plan": "other"},
        headers={"Authorization": f"Bearer {finance}"},
    )
    assert other.status_code == 404 and "cirrus" in other.text


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b"not json", []),
        (b"[]", []),
        (b'{"calls": "GET"}', ["calls"]),
        (b'{"calls": [], "pin": 5}', ["pin"]),
        (b'{"calls": [], "refs": "latest"}', ["refs"]),
        (b'{"gets": [1, 2, 3]}', ["gets"]),
        (b'{"gets": {"args": ["a", null], "at": "AAA"}}', ["gets", "args", "1"]),
        (b'{"gets": {"args": ["a"], "at": [0, 0, 0]}}', ["gets"]),
        (b'{"gets": {"args": ["a"], "at": "AA!"}}', ["gets", "at"]),
        ('{"gets": {"args": ["a"], "at": "A\u00e9A"}}'.encode(), ["gets", "at"]),
        (b'{"gets": {"args": ["a"], "at": "AA"}}', ["gets", "at"]),
        (b'{"gets": {"args": ["a", "b"], "at": "ABAAAC"}}', ["gets", "at"]),
    ],
)
def test_a_malformed_batch_is_refused_saying_where(app, body, where):
    client, tokens, _ = app
    auth = {"Authorization": f"Bearer {tokens['finance']}", "Content-Type": "application/json"}
    out = client.post("/addin/functions", content=body, headers=auth)
    assert out.status_code == 422, out.text
    assert out.json()["errors"][0]["loc"] == ["body", *where]
