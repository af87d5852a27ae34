"""Every route that answers a table (the engine's and the reports') writes it one way:
exact decimals as plain text in JSON and CSV alike, and the version it read in a header."""

from __future__ import annotations

import csv
import io
import json

import pytest

from planbook.facts import plain_decimal
from planbook.statements import pnl_statement

URL = "/api/v1/plans/cirrus/versions/latest/scenarios/compare"


@pytest.fixture(params=["sqlite"])
def db_url(request, tmp_path):  # one engine is enough for these reads
    return f"sqlite:///{tmp_path / 'store.db'}"


def test_decimals_are_plain_text_in_json_and_csv(api, demo):
    client, h = api
    params = {"scenario": "base", "period": "total"}
    core = pnl_statement(demo.plan, demo.facts, scenarios=["base"], period="total")
    want = [plain_decimal(a) for a in core["amount"]]
    assert any("." in a for a in want)  # cents: str() would write 6 decimal places
    answer = client.get(URL, params=params, headers=h["finance"])
    assert [r["amount"] for r in answer.json()["rows"]] == want
    text = client.get(URL, params=params | {"format": "csv"}, headers=h["finance"]).text
    assert [r["amount"] for r in csv.DictReader(io.StringIO(text))] == want


@pytest.mark.parametrize(
    "url",
    [
        URL,
        "/api/v1/plans/cirrus/variance?format=csv",
        "/api/v1/plans/cirrus/align?format=csv",
        "/api/v1/plans/cirrus/align",
        "/api/v1/plans/cirrus/variance",
    ],
)
def test_every_table_answer_names_its_version(api, url):
    client, h = api
    answer = client.get(url, headers=h["viewer"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-Planbook-Version"] == "2"


def test_the_cli_writes_a_table_as_the_service_does(api, demo, capsys):
    from planbook.cli.report import emit  # the CLI's --format json and csv

    client, h = api
    params = {"scenario": "base", "period": "total"}
    frame = pnl_statement(demo.plan, demo.facts, scenarios=["base"], period="total")
    emit(frame, output="json", out=None, title="P&L")
    printed = json.loads(capsys.readouterr().out)["rows"]
    answered = client.get(URL, params=params, headers=h["finance"]).json()["rows"]
    assert [r["amount"] for r in printed] == [r["amount"] for r in answered]
    emit(frame, output="csv", out=None, title="P&L")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["amount"] for r in rows] == [r["amount"] for r in answered]
