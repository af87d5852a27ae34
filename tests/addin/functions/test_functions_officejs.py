"""xlwings Server's routes mounted in our FastAPI app: metadata and calls as the Office.js
add-in makes them, behind Planbook tokens; a plain reason when they cannot be served."""

from __future__ import annotations

import xlwings as xw
from fastapi.testclient import TestClient

from addin.officejs import PREFIX, mount, unavailable_reason
from addin.settings import AddinSettings
from server.app import create_app
from server.settings import Settings
from tests.addin.functions_helpers import (
    closed_session,  # noqa: F401 (autouse)
    seeded_db,
)


def _app(tmp_path, demo):
    db = seeded_db(tmp_path / "store.db", demo)
    app = create_app(Settings(db=db, secret="s" * 32))
    tokens = {
        role: app.state.store.create_token(name=f"{role}-user", role=role)[1]
        for role in ("finance", "viewer")
    }
    tokens["lead"] = app.state.store.create_token(
        name="lead-user", role="lead", teams=("sales-na",)
    )[1]
    return app, db, tokens


def test_routes_serve_metadata_and_calls(tmp_path, demo):
    app, db, tokens = _app(tmp_path, demo)
    assert mount(app, settings=AddinSettings(db=db, plan="cirrus", version="2")) is None
    auth = {"Authorization": f"Bearer {tokens['finance']}"}
    with TestClient(app) as client:
        meta = client.get(f"{PREFIX}/custom-functions-meta", headers=auth)
        assert meta.status_code == 200
        assert "PB_GET" in {f["id"] for f in meta.json()["functions"]}
        body = {
            "client": "Office.js",
            "version": xw.__version__,
            "func_name": "pb_version",
            "args": [[[None]]],
            "caller_address": "Sheet1!A1",
            "formula_name": "PB_VERSION",
            "runtime": "1.4",
            "culture_info_name": "en-US",
            "date_format": "M/d/yyyy",
        }
        out = client.post(f"{PREFIX}/custom-functions-call", json=body, headers=auth)
        assert out.status_code == 200, out.text
        assert ["version", 2] in out.json()["result"]
        assert client.get(f"{PREFIX}/custom-functions-meta").status_code == 401
        scripts = client.get(f"{PREFIX}/custom-scripts-meta", headers=auth).json()
        names = [s["function_name"] for s in scripts]
        assert names == ["diff_versions", "pull_plan", "push_budget"]
        book = {
            "client": "Office.js",
            "version": xw.__version__,
            "book": {"name": "B.xlsx", "active_sheet_index": 0, "selection": "A1"},
            "names": [],
            "sheets": [{"name": "Sheet1", "values": [[""]], "pictures": [], "tables": []}],
        }
        ran = client.post(f"{PREFIX}/custom-scripts-call/diff_versions", json=book, headers=auth)
        assert ran.status_code == 200, ran.text
        actions = ran.json()["actions"]
        assert actions[0]["func"] == "addSheet" and actions[0]["args"][1] == "Diff v2-v2", actions
        for script in ("rm_rf", "diff_versions_classic", "push_budget_classic", "__all__"):
            nope = client.post(f"{PREFIX}/custom-scripts-call/{script}", json=book, headers=auth)
            assert nope.status_code == 404, (script, nope.text)
            assert script in nope.json()["errors"][0]["msg"]
    app.state.store.close()


def test_without_a_license_key_nothing_is_mounted_and_it_says_why(tmp_path, demo, monkeypatch):
    monkeypatch.delenv("XLWINGS_LICENSE_KEY")
    reason = unavailable_reason()
    assert reason is not None and "license key" in reason
    app, db, _ = _app(tmp_path, demo)
    reason = mount(app, settings=AddinSettings(db=db))
    assert reason and "XLWINGS_LICENSE_KEY" in reason
    assert not any(getattr(r, "path", "").startswith(PREFIX) for r in app.routes)
    app.state.store.close()


def _call(client, token, name, *args):
    body = {
        "client": "Office.js",
        "version": xw.__version__,
        "func_name": name,
        "args": [[[a]] if not isinstance(a, list) else a for a in args],
        "caller_address": "Sheet1!A1",
        "formula_name": name.upper(),
        "runtime": "1.4",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
    }
    auth = {"Authorization": f"Bearer {token}"}
    out = client.post(f"{PREFIX}/custom-functions-call", json=body, headers=auth)
    assert out.status_code == 200, out.text
    return out.json()["result"]


def test_functions_answer_each_caller_what_their_token_may_see(tmp_path, demo):
    """Salaries are confidential: finance sees every team's, a lead only their own team's,
    a viewer none; the shared cache holds the whole version either way."""
    app, db, tokens = _app(tmp_path, demo)
    assert mount(app, settings=AddinSettings(db=db, plan="cirrus", version="2")) is None
    na = {"type": "Error", "errorType": "NotAvailable"}
    own = ("salaries", "sales-na", "2026-03")
    other = ("salaries", "sales-emea", "2026-03")
    with TestClient(app) as client:
        lead = tokens["lead"]
        assert _call(client, lead, "pb_get", *other) == [[na]]  # first: the version loads
        assert _call(client, lead, "pb_get", *own)[0][0] > 0
        finance = _call(client, tokens["finance"], "pb_get", *other)[0][0]
        assert finance > 0
        assert _call(client, tokens["viewer"], "pb_get", *own) == [[na]]
        # derived from salaries, so as confidential (payroll taxes / 7.65% = the salary)
        taxes = ("payroll-taxes", "sales-na", "2026-03")
        assert _call(client, tokens["viewer"], "pb_get", *taxes) == [[na]]
        assert _call(client, lead, "pb_get", *taxes)[0][0] > 0
        assert _call(client, lead, "pb_get", "payroll-taxes", "sales-emea", "2026-03") == [[na]]
        assert _call(client, lead, "pb_get", "travel", "sales-emea", "2026-03")[0][0] >= 0
        table = _call(client, lead, "pb_table", "team", "year", "salaries", None)
        assert [row[0] for row in table[1:]] == ["sales-na"]
        everyone = _call(client, tokens["finance"], "pb_table", "team", "year", "salaries", None)
        assert len(everyone) > 3
        rolled = _call(client, lead, "pb_consolidate", "team", "year", "salaries")
        assert [row[0] for row in rolled[1:]] == ["sales-na"]
        mine = _call(client, lead, "pb_errors")
        assert "confidential" in mine[1][3] and "lead-user" in mine[1][3]
        theirs = _call(client, tokens["finance"], "pb_errors")
        assert not any("lead-user" in str(row[3]) for row in theirs)  # each sees their own
    app.state.store.close()


def test_a_malformed_call_or_workbook_is_refused_saying_why(tmp_path, demo):
    app, db, tokens = _app(tmp_path, demo)
    assert mount(app, settings=AddinSettings(db=db, plan="cirrus", version="2")) is None
    auth = {"Authorization": f"Bearer {tokens['finance']}"}
    call = f"{PREFIX}/custom-functions-call"
    with TestClient(app) as client:
        for name in ("acting_for", "os", "__name__", 5):  # module attributes that are no function
            out = client.post(call, json={"func_name": name, "args": []}, headers=auth)
            assert out.status_code == 404, (name, out.text)
            assert out.json()["errors"][0]["loc"] == ["body", "func_name"]
        out = client.post(call, json={"func_name": "pb_version"}, headers=auth)
        assert out.status_code == 422 and out.json()["errors"][0]["loc"] == ["body", "args"]
        old = {"func_name": "pb_version", "args": [], "version": "0.1", "client": "Excel"}
        out = client.post(call, json=old, headers=auth)
        assert out.status_code == 422 and "version mismatch" in out.text, out.text
        for book in ({}, {"book": 1}):
            out = client.post(
                f"{PREFIX}/custom-scripts-call/diff_versions", json=book, headers=auth
            )
            assert out.status_code == 422, (book, out.text)
    app.state.store.close()
