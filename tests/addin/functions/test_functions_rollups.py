"""PB_CONSOLIDATE and PB_SCENARIO through xlwings Server: the same numbers as the core, over
the pinned version or a worksheet range."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planbook import Override, compare_scenario, consolidate, to_wide
from tests.addin.functions_helpers import (
    call,
    closed_session,  # noqa: F401 (autouse)
    error,
)


def _rows(frame):
    return [
        [float(v) if isinstance(v, Decimal) else v for v in row] for row in frame.values.tolist()
    ]


def test_pb_consolidate_matches_the_core(session, demo):
    out = call("pb_consolidate", "department", "quarter", "Revenue")
    expected = to_wide(
        consolidate(
            demo.plan,
            demo.facts,
            by=["department"],
            period="quarter",
            filters={"scenario": ["base"], "pnl_line": ["Revenue"]},
        )
    )
    assert out[0] == list(expected.columns)
    assert out[1:] == _rows(expected)


def test_pb_consolidate_signed_pnl_by_year(session, demo):
    out = call("pb_consolidate", "pnl_line", "year", None, None, "base", None, True)
    expected = to_wide(
        consolidate(
            demo.plan,
            demo.facts,
            by=["pnl_line"],
            period="year",
            filters={"scenario": ["base"]},
            signed=True,
        )
    )
    assert out[1:] == _rows(expected)
    assert any(row[1] < 0 for row in out[1:])


def test_pb_consolidate_over_a_worksheet_range(session):
    source = [
        ["scenario", "team", "account", "period", "amount"],
        ["base", "sales-na", "sw-subscriptions", 46054.0, 100.1],
        ["base", "sales-emea", "sw-subscriptions", "2026-03", 200.2],
        [None, None, None, None, None],
        ["base", "sales-na", "sw-subscriptions", "2026-05", "0.3"],
    ]
    out = call("pb_consolidate", "team", "quarter", None, None, "base", source)
    assert out[0] == ["team", "FY2027-Q1", "FY2027-Q2"]
    assert out[1:] == [["sales-emea", 200.2, 0.0], ["sales-na", 100.1, 0.3]]


def test_pb_consolidate_bad_range_names_the_row(session):
    source = [
        ["scenario", "team", "account", "period", "amount"],
        ["base", "x", "y", "2026-03", "12k"],
    ]
    out = call("pb_consolidate", "team", "quarter", None, None, "base", source)
    assert out[0][0] == error("Value") and "row 2" in out[0][1]
    out = call("pb_consolidate", "team", "weekly")
    assert out[0][0] == error("Value") and "weekly" in out[0][1]


def test_pb_scenario_beside_the_base(session, demo):
    overrides = [
        ["kind", "value", "team", "account", "period"],
        ["percent", 0.1, "sales", None, None],
        ["absolute", -500, None, "software-tools", "FY2027-Q2"],
    ]
    out = call("pb_scenario", overrides, "department", "quarter", "Tools & equipment")
    expected = compare_scenario(
        demo.plan,
        demo.facts,
        [
            Override("percent", Decimal("0.1"), team="sales"),
            Override("add", Decimal("-500"), account="software-tools", period="FY2027-Q2"),
        ],
        by=["department"],
        period="quarter",
        filters={"pnl_line": ["Tools & equipment"]},
    )
    assert out[0] == ["department", "period", "base", "what_if", "delta"]
    assert out[1:] == _rows(expected)
    assert any(row[4] != 0 for row in out[1:])


def test_pb_scenario_takes_percent_text_and_one_row(session):
    out = call("pb_scenario", ["percent", "10%"], "department", "year", "Revenue")
    sales = out[1]
    assert sales[3] == pytest.approx(sales[2] * 1.1, rel=1e-9)


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        (["double", 2], "not percent, add or set"),
        (["percent", "lots"], "not a number"),
        (["percent", 0.1, "no-team"], "'no-team' is not a team or department"),
        ([None], "the overrides argument is blank but required"),
    ],
)
def test_pb_scenario_errors(session, overrides, needle):
    out = call("pb_scenario", overrides)
    assert out[0][0] == error("Value") and needle in out[0][1]


def test_pb_consolidate_signed_takes_text_flags(session):
    signed = call("pb_consolidate", "pnl_line", "year", None, None, "base", None, "TRUE")
    unsigned = call("pb_consolidate", "pnl_line", "year", None, None, "base", None, "FALSE")
    assert signed != unsigned and any(row[1] < 0 for row in signed[1:])
    assert all(row[1] >= 0 for row in unsigned[1:] if row[0] != "Revenue")
