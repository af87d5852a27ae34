"""PB_GOALS and PB_KPI of a saved what-if, through xlwings Server: the engine's numbers."""

from __future__ import annotations

import pytest

from addin.acting import acting_for
from planbook.engine import scenario_kpis
from planbook.goals import GOAL_COLUMNS, goal_attainment
from server.auth import Principal
from tests.addin.functions_helpers import (
    call,
    closed_session,  # noqa: F401 (autouse)
    error,
)


def test_pb_goals_matches_the_core(session, demo):
    rows = call("pb_goals", "base,conservative", None, False)
    assert rows[0] == list(GOAL_COLUMNS)
    core = goal_attainment(demo.plan, demo.facts, scenarios=["base", "conservative"])
    core = core[core["checkpoint"] == "goal"]
    assert [r[0] for r in rows[1:]] == core["goal"].tolist()
    assert [r[7] for r in rows[1:]] == pytest.approx(core["projected"].tolist())
    assert [r[9] for r in rows[1:]] == core["status"].tolist()


def test_pb_kpi_of_a_saved_what_if(session, demo):
    (row,) = call("pb_kpi", "arr", "FY2027-Q4", "marketing-cut")
    core = scenario_kpis(
        demo.plan, demo.facts, scenarios=["marketing-cut"], metrics=["arr"], grain="quarter"
    )
    assert row[0] == pytest.approx(core["value"].iloc[-1])


def test_pb_goals_errors(session):
    assert call("pb_goals", "nope")[0][0] == error("Value")
    with acting_for(Principal(name="val", role="viewer")):
        assert call("pb_goals")[0][0] == error("NotAvailable")
