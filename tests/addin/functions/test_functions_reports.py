"""PB_VARIANCE and PB_ALIGN through xlwings Server: the core's tables of the pinned version."""

from __future__ import annotations

import pytest

from planbook.variance import variance
from tests.addin.functions_helpers import (
    call,
    closed_session,  # noqa: F401 (autouse)
    error,
)
from tests.planbook.test_align import PLANTED


def test_pb_variance_matches_the_core(session, demo):
    out = call("pb_variance", "department", "qtd")
    want, _ = variance(demo.plan, demo.facts, by="department", period="qtd")
    assert out[0] == list(want.columns)
    assert [row[4] for row in out[1:]] == pytest.approx([float(v) for v in want["actual"]])
    assert {row[7] for row in out[1:]} <= {"favourable", "unfavourable", "on plan"}


def test_pb_variance_errors(session):
    assert call("pb_variance", "colour")[0][0] == error("Value")
    assert call("pb_variance", "team", "2027-01")[0][0] == error("Value")


def test_pb_align_lists_the_findings(session):
    out = call("pb_align")
    assert out[0] == ["rule", "severity", "team", "period", "numbers", "sentence"]
    assert [(r[0], r[1], r[2] or None, r[3]) for r in out[1:]] == PLANTED
    mine = call("pb_align", "cs-support")
    assert [r[0] for r in mine[1:]] == ["payroll-tax"]
    assert call("pb_align", "nobody")[0][0] == error("Value")
