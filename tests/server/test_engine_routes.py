"""The engine's routes: KPIs, goals, scenarios, each from a version, in JSON, CSV and
Parquet; bad input named with a 422; confidential accounts filtered per role."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from planbook.engine import scenario_kpis

V1 = "/api/v1/plans/cirrus/versions/latest"


@pytest.fixture(params=["sqlite"])
def db_url(request, tmp_path):  # one engine is enough for these reads
    return f"sqlite:///{tmp_path / 'store.db'}"


def test_kpis_route_matches_the_core(api, demo):
    client, h = api
    answer = client.get(
        f"{V1}/kpis",
        params={"scenario": "base,marketing-cut", "metric": "arr", "grain": "year"},
        headers=h["finance"],
    )
    assert answer.status_code == 200, answer.text
    rows = answer.json()["rows"]
    core = scenario_kpis(
        demo.plan, demo.facts, scenarios=["base", "marketing-cut"], metrics=["arr"], grain="year"
    )
    assert [r["value"] for r in rows] == pytest.approx(core["value"].tolist())


def test_goals_route_csv_and_parquet(api):
    client, h = api
    params = {"scenario": ["base", "conservative"], "goal": "logo-churn"}
    csv = client.get(f"{V1}/goals", params=params | {"format": "csv"}, headers=h["viewer"])
    assert csv.status_code == 200 and csv.text.startswith("goal,scenario,checkpoint")
    parquet = client.get(f"{V1}/goals", params=params | {"format": "parquet"}, headers=h["viewer"])
    frame = pd.read_parquet(io.BytesIO(parquet.content))
    assert frame["status"].tolist() == ["met", "missed"]


def test_scenarios_routes(api):
    client, h = api
    listed = client.get(f"{V1}/scenarios", headers=h["viewer"]).json()
    assert {"id": "marketing-cut"}.items() <= listed[-1].items() and listed[-1]["base"] == "base"
    pnl = client.get(f"{V1}/scenarios/compare", headers=h["finance"]).json()["rows"]
    assert pnl[-1]["line"] == "Operating income" and pnl[-1]["scenario"] == "aggressive"


def test_engine_routes_name_bad_input(api):
    client, h = api
    answer = client.get(f"{V1}/kpis", params={"scenario": "nope"}, headers=h["finance"])
    assert answer.status_code == 422 and "'nope'" in answer.text
    answer = client.get(f"{V1}/goals", params={"goal": "nope"}, headers=h["finance"])
    assert answer.status_code == 422 and "'nope'" in answer.text


def test_engine_routes_leave_salaries_out_for_viewers(api):
    client, h = api
    params = {"scenario": "base", "period": "total"}
    rows = {
        role: {
            r["line"]: r["amount"]
            for r in client.get(f"{V1}/scenarios/compare", params=params, headers=h[role]).json()[
                "rows"
            ]
        }
        for role in ("finance", "viewer")
    }
    assert float(rows["viewer"]["Personnel"]) < float(rows["finance"]["Personnel"])
