"""Fixtures of the add-in tests: the demo company, and filled team workbooks to break.

xlwings reads ``XLWINGS_ON_SERVER`` when it is first imported (without it, ``@xw.func``
registers nothing on Linux), so it is set here, at import time, before any test module
imports xlwings; the non-commercial key covers xlwings Server's code paths in tests."""

from __future__ import annotations

import os
import sys

if "xlwings" in sys.modules and not os.environ.get("XLWINGS_ON_SERVER"):
    raise RuntimeError("xlwings was imported before tests/addin/conftest.py set XLWINGS_ON_SERVER")
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

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
