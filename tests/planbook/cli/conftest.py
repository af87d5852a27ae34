"""Fixtures for CLI tests."""

import pytest

from planbook.demo import Demo, build_demo


@pytest.fixture(scope="session")
def demo() -> Demo:
    return build_demo()
