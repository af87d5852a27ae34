"""Shared fixtures: the demo company (built once per session; frames are not mutated), and
one hypothesis profile for every property test."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from planbook.demo import Demo, build_demo

# Timing is not what property tests check: a loaded 2-core CI machine must not fail them.
settings.register_profile("planbook", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("planbook")

# The CLI's tables wrap to the terminal; tests read them whole, with or without a terminal.
os.environ["COLUMNS"] = "200"


@pytest.fixture(scope="session")
def demo() -> Demo:
    return build_demo()
