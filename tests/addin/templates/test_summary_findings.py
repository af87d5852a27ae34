"""A pulled team workbook's Summary lists the team's alignment findings (and its
department's), and the reader still reads the workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from addin.reader import read_team_workbook
from addin.templates.findings import FINDINGS_TITLE
from addin.templates.layout import SUMMARY
from addin.workbook_pull import WorkbookPull, pull_workbook
from planbook.demo import Demo
from server.demo import FINANCE, load_demo
from server.store.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, demo: Demo):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('pull') / 'store.db'}")
    load_demo(store, demo)
    yield store.acting_as(FINANCE)
    store.close()


def _findings(path: Path) -> list[tuple[str, str, str]]:
    ws = openpyxl.load_workbook(path)[SUMMARY]
    rows = [tuple(c.value for c in row[:3]) for row in ws.iter_rows()]
    start = next(i for i, r in enumerate(rows) if str(r[0]).startswith(FINDINGS_TITLE))
    return [(str(a), str(b), str(c)) for a, b, c in rows[start + 1 :] if a is not None]


def _pull(store, tmp_path: Path, team: str) -> Path:
    out = tmp_path / f"{team}.xlsx"
    pull_workbook(store, out, WorkbookPull("cirrus", "latest", team, "base", None))
    return out


def test_summary_lists_the_teams_planted_findings(store, tmp_path, demo):
    out = _pull(store, tmp_path, "platform-eng")
    found = _findings(out)
    assert found[0] == ("Rule", "Severity, period", "Finding")
    assert [(r, w) for r, w, _ in found[1:]] == [
        ("team-envelope", "blocking, platform-eng, FY2027"),
        ("department-envelope", "warning, rnd, FY2027"),
    ]
    assert "over; cut the request or raise the envelope" in found[1][2]
    assert read_team_workbook(out, demo.plan, team="platform-eng").facts is not None


def test_summary_of_an_aligned_team_says_so(store, tmp_path):
    assert _findings(_pull(store, tmp_path, "sales-na")) == [
        ("No findings: the plan lines up.", "None", "None")
    ]
