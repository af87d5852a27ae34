"""Shared fixtures: the demo company (built once per session; frames are not mutated)."""

from __future__ import annotations

import pytest

from planbook.demo import Demo, build_demo


@pytest.fixture(scope="session")
def demo() -> Demo:
    return build_demo()
