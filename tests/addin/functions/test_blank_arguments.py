"""A blank required argument (``=PB.GET(,"sales-na","2026-03")``) is #VALUE! naming the
argument and what it takes, never "unexpected error": classic Excel (the decorated
definition, a blank as None) and the Office.js batch route (a blank left out) alike."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import addin.functions
from addin.functions.docs import decorators
from addin.session import current
from addin.web.batch import Batch, resolver, run_batch
from addin.web.gets import Gets
from addin.web.meta import definitions
from server.auth import Principal

REQUIRED = [(d, name) for d in definitions() for name, _, optional in d.params if not optional]
GOOD: dict[str, Any] = {
    "account": "travel",
    "team": "sales-na",
    "period": "2026-03",
    "metric": "arr",
    "overrides": [["percent", 0.1, "sales-na", "travel", "2026-03"]],
}


def test_the_functions_have_required_arguments_to_check():
    assert {(d.name, n) for d, n in REQUIRED} >= {("GET", "account"), ("KPI", "metric")}


@pytest.mark.parametrize(("definition", "name"), REQUIRED, ids=lambda x: getattr(x, "name", x))
@pytest.mark.parametrize("blank", [None, "", "  ", [[None]], [[""]]], ids=repr)
def test_classic_names_the_blank_argument_and_what_it_takes(session, definition, name, blank):
    args = {n: GOOD[n] for n, _, optional in definition.params if not optional}
    out = getattr(addin.functions, definition.python)(**{**args, name: blank})
    code = out[0][0] if definition.tabular else out
    assert code == "#VALUE!"
    message = current().errors[0].message
    expected = decorators(definition.function)[0][name].rstrip(".")
    assert message == f"the {name} argument is blank but required; expected: {expected}"


@pytest.mark.parametrize("who", ["finance", "viewer"])
def test_the_route_names_the_blank_argument_and_what_it_takes(session, who):
    principal = Principal(f"{who}-user", who)
    calls: list[Any] = [
        ["GET", [None, "sales-na", "2026-03"]],  # =PB.GET(,"sales-na","2026-03")
        ["GET", ["travel", [[""]], "2026-03"]],  # a blank cell
        ["GET", ["travel", "sales-na"]],  # left off
        ["KPI", [None, "2026-03"]],
        ["SCENARIO", [[[None]]]],
    ]
    results = run_batch(Batch("cirrus", "latest", calls), principal, resolver("cirrus"))["results"]
    names = ["account", "team", "period", "metric", "overrides"]
    for result, name in zip(results, names, strict=True):
        assert result["error"] == "#VALUE!", result
        assert result["message"].startswith(f"the {name} argument is blank but required; ")
        assert "unexpected" not in result["message"]


def test_compact_gets_with_a_blank_name_it(session):
    gets = Gets(["", "sales-na", "2026-03"], np.array([[0, 1, 2], [1, 0, 2]], dtype=np.int64))
    answer = run_batch(
        Batch("cirrus", "latest", [], gets=gets), Principal("f", "finance"), resolver("cirrus")
    )
    account, team = answer["gets"]
    assert account["error"] == "#VALUE!" and "the account argument is blank" in account["message"]
    assert team["error"] == "#VALUE!" and "the team argument is blank" in team["message"]
