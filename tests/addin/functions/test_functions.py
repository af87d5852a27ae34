"""The worksheet functions through xlwings Server's real code paths (Office.js-shaped
metadata and custom-function calls), over an embedded store seeded with the demo."""

from __future__ import annotations

import datetime as dt
import inspect
import logging
from decimal import Decimal

import pytest
import xlwings.server

import addin.functions
from planbook import consolidate, to_wide
from tests.addin.functions_helpers import (
    call,
    closed_session,  # noqa: F401 (autouse)
    error,
)

FUNCTIONS = sorted(n for n in addin.functions.__all__)


def _planned(demo, *, scenario="base", team="sales-na", account="rev-subscription", period):
    f = demo.facts
    rows = f[
        (f["scenario"] == scenario)
        & (f["team"] == team)
        & (f["account"] == account)
        & (f["period"] == period)
    ]
    return float(sum(rows["amount"], Decimal(0)))


def _some_key(demo):
    f = demo.facts
    row = f[(f["scenario"] == "base") & (f["amount"] != 0)].iloc[0]
    return str(row["team"]), str(row["account"]), str(row["period"])


def test_metadata_lists_every_function_with_help():
    meta = xlwings.server.custom_functions_meta(addin.functions)
    by_id = {f["id"]: f for f in meta["functions"]}
    assert sorted(by_id) == [n.upper() for n in FUNCTIONS]
    for name in FUNCTIONS:
        entry = by_id[name.upper()]
        assert entry["description"] == getattr(addin.functions, name).__doc__
        assert len(entry["description"]) > 40
        for param in entry["parameters"]:
            assert not param["description"].startswith("Positional argument"), param


def test_functions_keep_their_signatures():
    params = list(inspect.signature(addin.functions.pb_get).parameters)
    assert params == ["account", "team", "period", "scenario", "version"]


def test_pb_get_returns_the_planned_amount(session, demo):
    team, account, month = _some_key(demo)
    expected = _planned(demo, team=team, account=account, period=month)
    assert call("pb_get", account, team, month) == [[expected]]
    assert call("pb_get", account, team, month, "base", 2) == [[expected]]


def test_pb_get_takes_dates_serials_and_ranges(session, demo):
    team, account, month = _some_key(demo)
    expected = [[_planned(demo, team=team, account=account, period=month)]]
    first = dt.date(int(month[:4]), int(month[5:]), 1)
    serial = (first - dt.date(1899, 12, 30)).days
    assert call("pb_get", account, team, serial + 14) == expected
    assert call("pb_get", account, team, f"{month}-15") == expected
    assert (
        addin.functions.pb_get([[account]], [team], dt.datetime(first.year, first.month, 3))
        == (expected[0][0])
    )


def test_pb_get_sums_lines_and_answers_zero_where_nothing_is_planned(session, demo):
    f = demo.facts
    multi = f[(f["scenario"] == "base") & (f["line"] != "")].iloc[0]
    team, account, month = str(multi["team"]), str(multi["account"]), str(multi["period"])
    assert call("pb_get", account, team, month) == [
        [_planned(demo, team=team, account=account, period=month)]
    ]
    other = next(t.id for t in demo.plan.teams if t.id != team)
    expected = _planned(demo, team=other, account=account, period=month)
    assert call("pb_get", account, other, month) == [[expected]]


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (("no-such-account", "sales-na", "2026-03"), "Ref"),
        (("rev-subscription", "no-such-team", "2026-03"), "Ref"),
        (("rev-subscription", "sales-na", "2019-01"), "Ref"),
        (("rev-subscription", "sales-na", "March"), "Value"),
        (("rev-subscription", None, "2026-03"), "Value"),
        (("rev-subscription", "sales-na", "2026-03", "base", 99), "Ref"),
    ],
)
def test_pb_get_errors_are_excel_errors_with_a_message(session, args, kind):
    assert call("pb_get", *args) == [[error(kind)]]
    assert session.errors[0].function == "pb_get"
    assert "Traceback" not in session.errors[0].message
    errors = call("pb_errors")
    assert errors[0] == ["time", "function", "error", "message"]
    assert errors[1][1:3] == [
        "pb_get",
        {"#REF!": error("Ref"), "#VALUE!": error("Value")}[
            {"Ref": "#REF!", "Value": "#VALUE!"}[kind]
        ],
    ]


def test_old_runtimes_get_error_strings(session):
    assert call("pb_get", "nope", "sales-na", "2026-03", runtime="1.2") == [["#REF!"]]


def test_pb_table_teams_by_months(session, demo):
    out = call("pb_table", "team", "month", "rev-subscription")
    expected = to_wide(
        consolidate(
            demo.plan,
            demo.facts,
            by=["team"],
            period="month",
            filters={"scenario": ["base"], "account": ["rev-subscription"]},
        )
    )
    assert out[0] == ["team", *demo.plan.calendar.labels("month").values()][: len(out[0])]
    assert len(out) == len(expected) + 1
    assert out[1][0] == expected.iloc[0, 0]
    assert out[1][1:] == [float(v) for v in expected.iloc[0, 1:]]


def test_pb_table_accounts_by_quarters_for_a_department(session, demo):
    out = call("pb_table", "account", "quarter", None, "sales", "base")
    assert out[0][0] == "account" and out[0][1].endswith("Q1")
    accounts = {r[0] for r in out[1:]}
    assert "headcount" in accounts


def test_pb_table_columns_may_be_a_dimension(session, demo):
    lines = sorted({a.pnl_line for a in demo.plan.accounts if a.pnl_line})
    out = call("pb_table", "department", "pnl_line", [lines], None, "base")
    assert out[0] == ["department", *lines]
    assert len(out[0]) > 2 and all(isinstance(v, float) for v in out[1][1:])


def test_pb_table_errors_put_the_message_beside(session):
    out = call("pb_table", "team", "month", ["rev-subscription", "headcount"])
    assert out[0][0] == error("Value") and "units" in out[0][1]
    out = call("pb_table", "nonsense", "month")
    assert out[0][0] == error("Value") and "cannot group by 'nonsense'" in out[0][1]


def test_pb_table_months_filter_takes_text_lists_and_dates(session, demo):
    out = call("pb_table", "team", "month", "software-tools", "sales", "base", "2026-03, 2026-04")
    assert out[0] == ["team", "2026-03", "2026-04"]
    march = dt.datetime(2026, 3, 1)
    out = addin.functions.pb_table("team", "month", "software-tools", "sales", "base", [[march]])
    assert out[0] == ["team", "2026-03"]


def test_a_bug_in_a_function_is_value_with_no_internals_and_its_traceback_logged(
    session, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise KeyError("an internal detail")

    monkeypatch.setattr("addin.functions.pull.consolidate", broken)
    out = call("pb_table", "team", "month", "rev-subscription")
    assert out[0][0] == error("Value") and "unexpected error" in out[0][1]
    assert "internal detail" not in out[0][1]
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.name == "planbook.addin"
    assert record.exc_info is not None and record.exc_info[0] is KeyError
