"""Helpers of the worksheet-function tests: a seeded embedded store, a session over it,
and Office.js-shaped custom-function calls through xlwings Server's real code path."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
import xlwings.server

import addin.functions
from addin import session
from addin.session import Session, configure
from addin.settings import AddinSettings
from planbook.demo import Demo
from server.store.store import Store
from tests.server.store.helpers import seed


def seeded_db(path: Path, demo: Demo) -> str:
    """A SQLite store with the demo: version 1 (company) and 2 (every budget)."""
    url = f"sqlite:///{path}"
    store = Store.open(url)
    seed(store, demo)
    store.close()
    return url


def session_on(db: str, *, version: str = "2", cache: Path | None = None) -> Session:
    """A fresh session over an embedded store, pinned to ``version``."""
    settings = AddinSettings(db=db, plan="cirrus", version=version, cache=str(cache or ""))
    return configure(settings)


def _cell(value: Any) -> list[list[Any]]:
    if isinstance(value, list):
        return value if value and isinstance(value[0], list) else [value]
    return [[value]]


def call(name: str, *args: Any, runtime: str = "1.4") -> Any:
    """What Excel (Office.js) gets back for ``=PB_NAME(args...)`` in Sheet1!A1."""
    body = {
        "client": "Office.js",
        "version": xw.__version__,
        "func_name": name,
        "args": [_cell(a) for a in args],
        "caller_address": "Sheet1!A1",
        "formula_name": name.upper(),
        "runtime": runtime,
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
    }
    return asyncio.run(xlwings.server.custom_functions_call(body, addin.functions))


def error(kind: str) -> dict[str, str]:
    """An Excel error value as xlwings Server sends it (runtime 1.4)."""
    return {"type": "Error", "errorType": kind}


@pytest.fixture(autouse=True)
def closed_session() -> Iterator[None]:
    """Close the add-in's session after each test (no connection left open)."""
    yield
    session.close_current()
