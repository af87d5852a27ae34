"""PB_KPI through xlwings Server: the core's KPIs of the pinned version, and its errors."""

from __future__ import annotations

import datetime as dt

import pytest

from addin.acting import acting_for
from planbook import kpis
from server.auth import Principal
from tests.addin.functions_helpers import (
    call,
    closed_session,  # noqa: F401 (autouse)
    error,
)


def _core(demo, metric: str, period: str, scenario: str, grain: str) -> float:
    result = kpis(demo.plan, demo.facts, scenarios=[scenario], grain=grain, metrics=[metric])
    (value,) = result.loc[result["period"] == period, "value"]
    return float(value)


@pytest.mark.parametrize(
    ("metric", "period", "scenario", "grain"),
    [
        ("arr", "FY2027-Q4", "base", "quarter"),
        ("logo_churn_rate", "2026-05", "conservative", "month"),
        ("ltv_to_cac", "FY2027", "aggressive", "year"),
        ("runway_months", "FY2027-H1", "base", "half"),
        ("customers", "2026-04", "actuals", "month"),
    ],
)
def test_pb_kpi_matches_the_core(session, demo, metric, period, scenario, grain):
    (row,) = call("pb_kpi", metric, period, scenario)
    assert row[0] == pytest.approx(_core(demo, metric, period, scenario, grain))


def test_pb_kpi_takes_a_date_and_defaults_to_base(session, demo):
    serial = (dt.date(2026, 5, 1) - dt.date(1899, 12, 30)).days
    assert call("pb_kpi", "cash", serial) == call("pb_kpi", "cash", "2026-05", "base")
    assert call("pb_kpi", "cash", serial)[0][0] == pytest.approx(
        _core(demo, "cash", "2026-05", "base", "month")
    )


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (("ebitda", "2026-05"), "Value"),
        (("arr", "2026-05", "upside"), "Value"),
        (("contraction_arr", "2026-05"), "Value"),
        (("arr", "2026-12", "actuals"), "Ref"),
        (("arr", "FY2031-Q1"), "Ref"),
        (("nrr", "FY2027-Q1"), "NotAvailable"),
    ],
)
def test_pb_kpi_errors(session, args, kind):
    assert call("pb_kpi", *args) == [[error(kind)]]
    assert call("pb_errors")[1][3]


def test_pb_kpi_on_costs_is_not_available_to_a_caller_who_may_not_see_salaries(session, demo):
    with acting_for(Principal(name="val", role="viewer")):
        assert call("pb_kpi", "burn", "FY2027-Q1") == [[error("NotAvailable")]]
        assert "confidential" in call("pb_errors")[1][3]
        (row,) = call("pb_kpi", "arr", "FY2027-Q1")
    assert row[0] == pytest.approx(_core(demo, "arr", "FY2027-Q1", "base", "quarter"))
    (row,) = call("pb_kpi", "burn", "FY2027-Q1")
    assert row[0] == pytest.approx(_core(demo, "burn", "FY2027-Q1", "base", "quarter"))
