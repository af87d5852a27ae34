"""Finding 8's leftovers: an import naming an unknown column is refused and stores nothing;
the OpenAPI document states every error status the service answers, in the error shape."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings

V1 = "/api/v1/plans/cirrus"
BODY_ROUTES = [
    ("post", "/api/v1/plans/{plan}/versions"),
    ("post", "/api/v1/plans/{plan}/versions/facts"),
    ("post", "/api/v1/plans/{plan}/teams/{team}/status"),
    ("put", "/api/v1/plans/{plan}/tags/{name}"),
    ("post", "/api/v1/tokens"),
    ("post", "/api/v1/import"),
]


def test_import_with_an_unknown_column_gets_422_naming_it_and_stores_nothing(api, tmp_path):
    client, h = api
    backup = client.get("/api/v1/export", headers=h["admin"]).content
    with zipfile.ZipFile(io.BytesIO(backup)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(entries["store.json"])
    manifest["tables"]["plans"][0]["owner"] = "mallory"
    entries["store.json"] = json.dumps(manifest).encode()
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    empty = create_app(Settings(db=str(tmp_path / "empty.db"), secret="u" * 32))
    admin = {"Authorization": "Bearer " + "u" * 32}
    with TestClient(empty) as fresh:
        answer = fresh.post("/api/v1/import", content=sink.getvalue(), headers=admin)
        assert answer.status_code == 422, answer.text
        error = answer.json()["errors"][0]
        assert error["loc"] == ["store.json", "tables", "plans", 1, "owner"]
        assert "unknown column 'owner'" in error["msg"] and "id, head" in error["msg"]
        assert fresh.get("/api/v1/plans", headers=admin).json() == []
        assert fresh.get("/api/v1/tokens", headers=admin).json() == []
    empty.state.store.close()


def test_a_body_that_is_not_utf8_gets_422_not_400(api):
    client, h = api
    headers = h["finance"] | {"Content-Type": "application/json"}
    answer = client.post(f"{V1}/versions", content=b"\xff\xfe{", headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["loc"] == ["body"]


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The service's OpenAPI document."""
    app = create_app(Settings(db=str(tmp_path_factory.mktemp("doc") / "doc.db"), dev=True))
    document: dict[str, Any] = app.openapi()
    app.state.store.close()
    return document


def _error_model(response: dict[str, Any]) -> str:
    schema = response["content"]["application/json"]["schema"]
    return str(schema["$ref"]).rsplit("/", 1)[-1]


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_openapi_states_the_errors_of_a_route_with_a_body(doc, method, path):
    responses = doc["paths"][path][method]["responses"]
    for status in ("401", "403", "408", "409", "413", "422", "503"):
        assert status in responses, (path, status)
        assert _error_model(responses[status]) in ("ErrorOut", "ConflictOut"), (path, status)
    assert "Retry-After" in responses["503"]["headers"]


def test_openapi_states_the_errors_of_every_route_with_a_token(doc):
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if path == "/api/v1/health":
                continue
            for status in ("401", "403", "404", "422", "503"):
                response = operation["responses"].get(status)
                assert response, (method, path, status)
                assert _error_model(response) == "ErrorOut", (method, path, status)
    error = doc["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"errors"} and "kind" in error["properties"]
