"""``planbook align`` on a store holding the demo: exactly the planted breaches."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from server.store import PushRequest
from server.store.store import Store
from tests.planbook.cli.run import run
from tests.planbook.test_align import PLANTED


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, demo) -> str:
    path = str(tmp_path_factory.mktemp("align") / "planbook.db")
    store = Store.open(path, actor="finance")
    try:
        store.push(PushRequest("cirrus", base=None, company=demo.plan, facts=demo.facts))
    finally:
        store.close()
    return path


def test_align_json_lists_exactly_the_planted_breaches(db):
    payload = json.loads(run("align", "--db", db, "--format", "json"))
    found = [(f["rule"], f["severity"], f["team"], f["period"]) for f in payload["findings"]]
    assert found == PLANTED
    numbers = {k: Decimal(v) for k, v in payload["findings"][1]["numbers"].items()}
    assert numbers["over"] == numbers["request"] - numbers["envelope"] > 0


def test_align_table_and_csv(db):
    out = run("align", "--db", db)
    assert "14 findings, 5 blocking." in out
    rows = list(csv.DictReader(io.StringIO(run("align", "--db", db, "--format", "csv"))))
    assert [r["rule"] for r in rows] == [p[0] for p in PLANTED]


def test_align_for_one_team_includes_its_department(db):
    payload = json.loads(run("align", "--db", db, "--team", "platform-eng", "--format", "json"))
    assert [(f["rule"], f["team"]) for f in payload["findings"]] == [
        ("team-envelope", "platform-eng"),
        ("department-envelope", "rnd"),
    ]


def test_align_refuses_an_unknown_team(db):
    assert "--team nope: not a team of plan cirrus" in run(
        "align", "--db", db, "--team", "nope", code=1
    )


def test_approving_past_blocking_findings_needs_force(tmp_path, demo):
    path = str(tmp_path / "planbook.db")
    store = Store.open(path, actor="finance")
    try:
        store.push(PushRequest("cirrus", base=None, company=demo.plan, facts=demo.facts))
    finally:
        store.close()
    for team in ("cs-support", "sales-na"):
        run("status", team, "submit", "--db", path)
    refused = run("status", "cs-support", "approve", "--db", path, code=1)
    assert "team 'cs-support' has 1 blocking alignment finding: Team Support budgets" in refused
    assert "approve with --force" in refused
    run("status", "sales-na", "approve", "--db", path)  # no blocking findings: no force needed
    run("status", "cs-support", "approve", "--force", "-c", "tax fix in Q3", "--db", path)
    store = Store.open(path, actor="t")
    try:
        statuses = store.statuses("cirrus")
    finally:
        store.close()
    forced, unforced = statuses["cs-support"], statuses["sales-na"]
    assert forced is not None and unforced is not None
    assert forced.status == "approved"
    assert forced.comment == ("forced past blocking findings (payroll-tax FY2027): tax fix in Q3")
    assert unforced.comment == ""
