"""Property-based fuzzing of every route of the OpenAPI document (the service and the
Office.js add-in's routes, as ``planbook serve`` runs them), on SQLite and PostgreSQL: no
input gets a 5xx, and every answer's status is one the document states for the route.

The gate runs a few valid and a few invalid examples per route
(``PLANBOOK_FUZZ_EXAMPLES``, default 3 of each); set it higher for a long run.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Ok
from schemathesis.schemas import APIOperation

from addin.session import close_current
from addin.settings import AddinSettings
from addin.web.app import with_addin
from server.app import create_app
from server.settings import Settings
from tests.server.store.helpers import seed

SECRET = "fuzz-secret-" + "y" * 24
EXAMPLES = int(os.environ.get("PLANBOOK_FUZZ_EXAMPLES", "3"))
BINARY = ("application/zip", "application/vnd.apache.parquet")
Operation = APIOperation[Any, Any, Any, Any]  # one route of the OpenAPI document
pytestmark = pytest.mark.slow


@schemathesis.serializer(*BINARY)
def _binary(ctx: object, value: object) -> bytes:
    """Zip and Parquet bodies as generated: bytes (or text) sent as they are."""
    return value if isinstance(value, bytes) else str(value).encode()


def _operation(result: Ok[Operation] | Err[InvalidSchema]) -> Operation:
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


def test_no_input_gets_a_server_error_or_an_undocumented_status(db_url, demo):
    app = create_app(Settings(db=db_url, secret=SECRET, max_body_bytes=64 * 1024))
    seed(app.state.store, demo)
    with_addin(app, AddinSettings(db=db_url, plan=demo.plan.id, version="latest"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [_operation(result) for result in schema.get_all_operations()]
    routes = {
        f"{method} {route.path}"
        for included in app.routes
        for route in getattr(getattr(included, "original_router", None), "routes", [])
        if isinstance(route, APIRoute) and route.include_in_schema  # not the console's pages
        for method in route.methods or ()
    }
    assert {op.label for op in operations} == routes  # every route, none left out
    assert "POST /addin/functions" in routes and "POST /xlwings/custom-functions-call" in routes
    failures: list[str] = []
    for operation in operations:
        inputs = len(operation.path_parameters) + len(operation.query) + len(operation.body)
        modes = [GenerationMode.POSITIVE] + [GenerationMode.NEGATIVE] * bool(inputs)
        for mode in modes:  # invalid examples need an input besides the token to break

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def fuzz(case: schemathesis.Case[Operation]) -> None:
                case.call_and_validate(
                    headers={"Authorization": f"Bearer {SECRET}"},
                    checks=[
                        not_a_server_error,
                        status_code_conformance,
                        response_schema_conformance,
                    ],
                )

            try:
                fuzz()
            except Unsatisfiable:  # every value is valid (a binary body): nothing invalid
                assert mode is GenerationMode.NEGATIVE
            except Exception as exc:  # collect every route's failure, then report them all
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    app.state.store.close()
    close_current()  # the add-in's session holds its own connection to the store
    assert not failures, "\n\n".join(failures)
