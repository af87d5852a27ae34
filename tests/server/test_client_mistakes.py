"""A client's mistakes get a 4xx in the documented error shape on both backends, never a 500
(issue 15, finding 3): amounts beyond the storage precision name their row; NUL bytes and
control characters in ids, tags, token names, comments and messages are refused on SQLite
as on PostgreSQL; an export whose manifest is broken is refused."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal
from typing import Any, NoReturn
from urllib.parse import quote

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, create_engine

from tests.server.store.helpers import team_facts

V1 = "/api/v1/plans/cirrus"
PARQUET = {"Content-Type": "application/vnd.apache.parquet"}


def _sales_columns(demo, amount: object) -> dict[str, list[object]]:
    facts = team_facts(demo, "sales-na").head(3)
    columns: dict[str, list[object]] = {
        c: [str(v) for v in facts[c]] for c in ("scenario", "team", "account", "line")
    }
    columns["period"] = [str(v) for v in facts["period"]]
    columns["amount"] = ["1", amount, "2"]
    return columns


def _errors(answer, status=422) -> list[dict[str, Any]]:
    assert answer.status_code == status, answer.text
    errors: list[dict[str, Any]] = answer.json()["errors"]
    assert errors and all(e["msg"] for e in errors)
    return errors


@pytest.mark.parametrize("amount", ["1e33", "1" * 40, "-1" + "0" * 32, 10**40])
def test_amount_beyond_the_storage_precision_gets_422_naming_the_row(api, demo, amount):
    client, h = api
    body = {"base": 2, "facts": _sales_columns(demo, amount)}
    errors = _errors(client.post(f"{V1}/versions", json=body, headers=h["finance"]))
    assert errors[0]["loc"] == ["facts", "row 2", "amount"], errors
    assert "too large" in errors[0]["msg"]
    assert client.get(f"{V1}/versions/latest", headers=h["viewer"]).json()["number"] == 2


def _parquet(demo, amount: pa.Array) -> bytes:
    facts = team_facts(demo, "sales-na").head(len(amount))
    columns = {c: pa.array([str(v) for v in facts[c]]) for c in facts.columns if c != "amount"}
    sink = io.BytesIO()
    pq.write_table(pa.table(columns | {"amount": amount}), sink)
    return sink.getvalue()


@pytest.mark.parametrize(
    "amount",
    [
        pa.array([Decimal(1), Decimal(10) ** 39], pa.decimal256(40, 0)),
        pa.array([Decimal(1), Decimal(10) ** 35], pa.decimal128(38, 0)),
        pa.array([Decimal(1), Decimal("0.1234567")], pa.decimal128(10, 7)),
        pa.array(["1", "1" * 40], pa.string()),
    ],
    ids=["decimal256", "decimal128-large", "decimal-7-places", "text"],
)
def test_parquet_amount_beyond_the_storage_precision_gets_422_naming_the_row(api, demo, amount):
    client, h = api
    url = f"{V1}/versions/facts"
    content = _parquet(demo, amount)
    answer = client.post(url, params={"base": 2}, content=content, headers=h["lead"] | PARQUET)
    errors = _errors(answer)
    assert errors[0]["loc"][-2:] == ["row 2", "amount"], errors


def test_parquet_decimal256_amounts_that_fit_are_stored(api, demo):
    client, h = api
    amount = pa.array([Decimal("1.5"), Decimal("2")], pa.decimal256(40, 2))
    answer = client.post(
        f"{V1}/versions/facts",
        params={"base": 2},
        content=_parquet(demo, amount),
        headers=h["lead"] | PARQUET,
    )
    assert answer.status_code == 201, answer.text


BAD = ["a\x00b", "a\x01b", "tab\there", "a\x7fb", "line\nbreak"]


@pytest.mark.parametrize("text", BAD)
def test_control_characters_in_ids_get_a_4xx(api, text):
    client, h = api
    quoted = quote(text, safe="")
    for url in (
        f"/api/v1/plans/{quoted}/versions",
        f"{V1}/versions/{quoted}",
        f"{V1}/versions",
    ):
        params = {"part": text} if url.endswith(f"{V1}/versions") else None
        answer = client.get(url, params=params, headers=h["viewer"])
        assert 400 <= answer.status_code < 500, (url, answer.text)
    status = client.post(
        f"{V1}/teams/{quoted}/status", json={"action": "submit"}, headers=h["lead"]
    )
    assert 400 <= status.status_code < 500, status.text


@pytest.mark.parametrize("text", BAD)
def test_control_characters_in_tags_get_422(api, text):
    client, h = api
    url = f"{V1}/tags/{quote(text, safe='')}"
    answer = client.put(url, json={"version": "2"}, headers=h["finance"])
    _errors(answer)
    tags = client.get(f"{V1}/tags", headers=h["viewer"]).json()
    assert [t["name"] for t in tags] == ["latest"]


@pytest.mark.parametrize("text", ["a\x00b", "a\x01b", "a\x7fb", "a\x1bb"])
def test_control_characters_in_names_comments_and_messages_get_422(api, demo, text):
    client, h = api
    token = client.post("/api/v1/tokens", json={"name": text}, headers=h["admin"])
    _errors(token)
    url = f"{V1}/teams/sales-na/status"
    _errors(client.post(url, json={"action": "return", "comment": text}, headers=h["finance"]))
    body = {"base": 2, "message": text, "facts": _sales_columns(demo, "3")}
    _errors(client.post(f"{V1}/versions", json=body, headers=h["finance"]))
    parquet = _parquet(demo, pa.array([Decimal(1)], pa.decimal128(38, 6)))
    answer = client.post(
        f"{V1}/versions/facts",
        params={"base": 2, "message": text},
        content=parquet,
        headers=h["lead"] | PARQUET,
    )
    _errors(answer)
    assert client.get(f"{V1}/versions/latest", headers=h["viewer"]).json()["number"] == 2


@pytest.mark.parametrize("teams", [["sales-na,finance"], ["sales-na", "a\x00b"], [" "]])
def test_a_lead_token_with_a_team_that_is_not_an_id_gets_422(api, teams):
    client, h = api
    body = {"name": "two teams?", "role": "lead", "teams": teams}
    errors = _errors(client.post("/api/v1/tokens", json=body, headers=h["admin"]))
    assert errors[0]["loc"][0] == "teams", errors
    assert [t["name"] for t in client.get("/api/v1/tokens", headers=h["admin"]).json()].count(
        "two teams?"
    ) == 0


def test_a_message_may_span_lines(api, demo):
    client, h = api
    body = {"base": 2, "message": "two lines\n\tindented", "facts": _sales_columns(demo, "3")}
    answer = client.post(f"{V1}/versions", json=body, headers=h["finance"])
    assert answer.status_code == 201, answer.text


def _export(client, h) -> dict[str, bytes]:
    backup = client.get("/api/v1/export", headers=h["admin"])
    with zipfile.ZipFile(io.BytesIO(backup.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(entries: dict[str, bytes]) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return sink.getvalue()


@pytest.mark.parametrize("broken", ["hash", "kind", "blobs", "tables", "entry"])
def test_import_of_an_export_with_a_broken_manifest_gets_422(api, db_url, tmp_path, broken):
    from fastapi.testclient import TestClient

    from server.app import create_app
    from server.settings import Settings

    client, h = api
    entries = _export(client, h)
    manifest = json.loads(entries["store.json"])
    if broken in ("hash", "kind"):
        del manifest["blobs"][0][broken]
    elif broken == "entry":
        del entries[f"blobs/{manifest['blobs'][0]['hash']}"]
    else:
        manifest[broken] = "nope"
    entries["store.json"] = json.dumps(manifest).encode()
    empty = create_app(Settings(db=str(tmp_path / "empty.db"), secret="u" * 32))
    with TestClient(empty) as fresh:
        answer = fresh.post(
            "/api/v1/import",
            content=_zip(entries),
            headers={"Authorization": "Bearer " + "u" * 32},
        )
    errors = _errors(answer)
    assert "not a Planbook export" in errors[0]["msg"]
    assert str(tmp_path) not in answer.text and "/tmp" not in answer.text
    empty.state.store.close()


def test_import_of_what_is_not_a_zip_names_no_server_path(tmp_path):
    from fastapi.testclient import TestClient

    from server.app import create_app
    from server.settings import Settings

    empty = create_app(Settings(db=str(tmp_path / "empty.db"), secret="u" * 32))
    with TestClient(empty) as fresh:
        answer = fresh.post(
            "/api/v1/import",
            content=b"PK\x03\x04 not really",
            headers={"Authorization": "Bearer " + "u" * 32},
        )
    errors = _errors(answer)
    assert errors[0]["msg"].startswith("import.zip: not a Planbook export"), errors
    assert "/tmp" not in answer.text and "planbook-import" not in answer.text
    empty.state.store.close()


def test_503_says_database_unavailable_without_host_or_port(api, monkeypatch, caplog):
    """Finding 8: the reason, which names the database's host and port, is logged only."""
    from server.store.db import transaction

    client, h = api
    reason = 'connection to server at "10.9.8.7", port 6543 failed: Connection refused'

    def unreachable(*args, **kwargs):
        with transaction(_refusing(reason)):
            pass

    monkeypatch.setattr("server.store.store.Store.plans", unreachable)
    answer = client.get("/api/v1/plans", headers=h["viewer"])
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
    assert answer.json()["errors"][0]["msg"] == "database unavailable; try again shortly"
    assert "10.9.8.7" not in answer.text and "6543" not in answer.text
    assert "10.9.8.7" in caplog.text  # the reason is in the server log


def _refusing(reason: str) -> Engine:
    """An engine whose database cannot be reached (as psycopg reports it)."""

    def refuse() -> NoReturn:
        raise psycopg.OperationalError(reason)

    return create_engine("postgresql+psycopg://", creator=refuse)
