"""Without an xlwings licence key the service still serves the add-in's functions, task pane
and metadata, loads none of xlwings' PolyForm/PRO parts, and says why the buttons are off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from server.store import PushRequest
from server.store.store import Store

SCRIPT = """
import json, sys
from fastapi.testclient import TestClient
from addin.settings import AddinSettings
from addin.web.app import with_addin
from server.app import create_app
from server.settings import Settings
db = sys.argv[1]
app = create_app(Settings(db=db, secret="s" * 32))
token = app.state.store.create_token(name="v", role="viewer")[1]
with_addin(app, AddinSettings(db=db, plan="cirrus"))
client = TestClient(app)
auth = {"Authorization": f"Bearer {token}"}
calls = [["GET", [[["travel"]], [["sales-na"]], [["2026-03"]]]]]
print(json.dumps({
    "meta": client.get("/addin/functions.json").status_code,
    "pane": client.get("/addin/taskpane.html").status_code,
    "me": client.get("/addin/me", headers=auth).json(),
    "batch": client.post("/addin/functions", json={"calls": calls}, headers=auth).json(),
    "licensed": sorted(m for m in sys.modules if m.startswith(("xlwings.server", "xlwings.pro"))),
    "routes": [p for r in app.routes if (p := getattr(r, "path", "")).startswith("/xlwings")],
}))
"""


def test_the_functions_need_no_xlwings_licence(tmp_path, demo):
    db = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(db)  # the company part only: the functions answer 0, quickly
    store.acting_as("finance").push(PushRequest(demo.plan.id, base=None, company=demo.plan))
    store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    root = Path(__file__).parents[3]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, db], env=env, cwd=root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["meta"] == out["pane"] == 200
    assert out["batch"]["results"][0]["value"] >= 0
    # `import xlwings` itself loads its licence checker (xlwings.pro.utils); nothing else of
    # xlwings' server or PRO parts is loaded
    assert out["licensed"] in ([], ["xlwings.pro.utils"]) and out["routes"] == []
    assert not out["me"]["buttons"] and "XLWINGS_LICENSE_KEY" in out["me"]["buttons_reason"]
