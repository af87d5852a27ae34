"""Shared fixtures: the demo company, and filled team workbooks to break."""

from __future__ import annotations

from pathlib import Path

import pytest

from addin.templates import team_template
from addin.templates.files import save_workbook
from planbook.demo import Demo, build_demo

_DEMO = build_demo()


@pytest.fixture(scope="session")
def demo() -> Demo:
    return _DEMO


@pytest.fixture
def filled(tmp_path: Path, demo: Demo) -> Path:
    """sales-na's budget for the base scenario, filled from the demo, based on version 3."""
    wb = team_template(
        demo.plan, "sales-na", facts=demo.facts, positions=demo.positions, version="3"
    )
    return save_workbook(wb, tmp_path / "team-sales-na.xlsx")
