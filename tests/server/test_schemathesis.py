"""Property-based fuzzing of the whole OpenAPI document: no input gets a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from server.app import create_app
from server.settings import Settings
from tests.server.store.helpers import seed

SECRET = "fuzz-secret-" + "y" * 24
pytestmark = pytest.mark.slow


def test_no_input_gets_a_server_error(tmp_path, demo):
    app = create_app(Settings(db=str(tmp_path / "fuzz.db"), secret=SECRET))
    seed(app.state.store, demo)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    # binary uploads (a zip, a Parquet file) have no generic serializer; test_api covers
    # both with real and with malformed files
    binary = {"/api/v1/import", "/api/v1/plans/{plan}/versions/facts"}
    operations = [op for op in operations if op.path not in binary]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {SECRET}"}, checks=[not_a_server_error]
            )

        fuzz()
    app.state.store.close()
