"""The alignment report behind the console's status board, the ``/align`` route and a pulled
team workbook's Summary is computed once per version content, scenario and what the caller
may see (:data:`server.alignment.FINDINGS`), and never served to a caller who sees less."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from addin.workbook_pull import WorkbookPull, pull_workbook
from planbook.align import AlignmentSettings, Finding, alignment_report
from planbook.confidential import confidential_accounts
from planbook.demo import Demo
from planbook.model import Plan
from server import alignment
from server.alignment import version_findings
from server.auth import ActingStore, Principal
from server.console.timeline import status_board
from server.lru import LruCache
from server.store.store import Store
from tests.server.store.helpers import seed

SALARY_RULES = {"payroll-tax", "salary-band", "salary-inflation"}
"""The rules that read salaries (confidential): a viewer never gets their findings."""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, demo: Demo) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path_factory.mktemp('findings') / 'store.db'}")
    seed(opened, demo)  # version 1: the company part; version 2: every budget
    yield opened
    opened.close()


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """Each alignment report computed (a spy on the core's rules, over an empty cache):
    the accounts of the facts it read."""
    monkeypatch.setattr(alignment, "FINDINGS", LruCache(alignment.FINDINGS_KEPT))
    calls: list[set[str]] = []
    real = alignment_report  # what server.alignment calls, until the spy replaces it

    def spy(
        plan: Plan, facts: pd.DataFrame, settings: AlignmentSettings | None = None
    ) -> list[Finding]:
        calls.append(set(facts["account"].astype(str)))
        return real(plan, facts, settings)

    monkeypatch.setattr(alignment, "alignment_report", spy)
    return calls


def _as(store: Store, role: str, *teams: str) -> ActingStore:
    return ActingStore(store, Principal(f"{role}@cirrus", role, teams))


def test_board_route_and_pull_share_one_report(store, computed, tmp_path: Path):
    finance = _as(store, "finance")
    board = status_board(finance, "cirrus")
    assert len(computed) == 1
    assert status_board(_as(store, "admin"), "cirrus") == board  # sees what finance sees
    _, _, found = version_findings(finance, "cirrus", 2, teams=["cs-support"])
    assert [(f.rule, f.team) for f in found] == [("payroll-tax", "cs-support")]
    what = WorkbookPull("cirrus", "latest", "cs-support", "base", None)
    pull_workbook(finance, tmp_path / "cs-support.xlsx", what)
    assert len(computed) == 1
    version_findings(finance, "cirrus", 1)  # another version, another scenario: new reports
    version_findings(finance, "cirrus", 2, scenario="conservative")
    assert len(computed) == 3


def test_a_caller_is_never_answered_from_a_report_of_one_who_sees_more(store, computed, demo):
    secret = confidential_accounts(demo.plan)
    finance = version_findings(_as(store, "finance"), "cirrus")[2]
    viewer = version_findings(_as(store, "viewer"), "cirrus")[2]
    lead = version_findings(_as(store, "lead", "cs-support"), "cirrus")[2]
    assert len(computed) == 3
    assert secret <= computed[0] and not secret & computed[1]
    assert {f.rule for f in finance} >= SALARY_RULES
    assert not SALARY_RULES & {f.rule for f in viewer}
    assert {(f.rule, f.team) for f in lead if f.rule in SALARY_RULES} <= {
        (f.rule, f.team) for f in finance if f.team == "cs-support"
    }
    # asked again, in another order: each caller's own kept report, nothing recomputed
    assert version_findings(_as(store, "viewer"), "cirrus")[2] == viewer
    assert version_findings(_as(store, "lead", "cs-support"), "cirrus")[2] == lead
    assert version_findings(_as(store, "finance"), "cirrus")[2] == finance
    assert len(computed) == 3
    board = status_board(_as(store, "viewer"), "cirrus")
    shown = [f for row in board.rows for f in row.findings] + board.wider
    assert not SALARY_RULES & {f.rule for f in shown} and len(computed) == 3


def test_the_cache_keeps_at_most_its_reports(store, computed, monkeypatch):
    monkeypatch.setattr(alignment, "FINDINGS", LruCache(4))
    callers = [_as(store, "finance"), _as(store, "viewer"), _as(store, "lead", "sales-na")]
    for caller in callers:
        for number in (1, 2):
            version_findings(caller, "cirrus", number)
    assert len(computed) == 6 and len(alignment.FINDINGS._entries) == 4
    version_findings(callers[-1], "cirrus", 2)  # the newest is kept
    assert len(computed) == 6
    version_findings(callers[0], "cirrus", 1)  # the oldest was dropped
    assert len(computed) == 7
