"""Where the worksheet functions get their numbers: the add-in's settings.

Sources, first match wins: values given in code by the caller (tests, buttons), the workbook's
xlwings settings sheet (``xlwings.conf``: key in column A, value in column B), the user's
xlwings config file (``~/.xlwings/xlwings.conf``, lines ``"KEY","VALUE"``), then ``PLANBOOK_*``
environment variables. Keys are ``PLANBOOK_SERVER``, ``PLANBOOK_TOKEN``, ``PLANBOOK_PLAN``,
``PLANBOOK_VERSION`` (the pin: a number, a tag or ``latest``), ``PLANBOOK_DB`` (an embedded
SQLite store, for use without a server) and ``PLANBOOK_CACHE`` (the cache folder).
Nothing is configured in code.

Inside Planbook's service (a button run for an Office.js caller, :mod:`addin.officejs`) a
workbook may choose only its plan and version (and, read by the buttons, its team): the
settings that say where I/O goes (:data:`SERVICE_ONLY`) come from the service's own
configuration alone, and a settings sheet that sets one is refused
(:func:`for_service`, :class:`SettingRefused`).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planbook.errors import PlanbookError
from server.connect import StoreLocation

__all__ = [
    "KEYS",
    "SERVICE_ONLY",
    "SETTINGS_SHEET",
    "AddinSettings",
    "SettingRefused",
    "for_service",
    "load_settings",
    "read_conf_file",
    "rows_to_mapping",
]

SETTINGS_SHEET = "xlwings.conf"
"""The workbook's settings sheet (the name xlwings itself reads)."""

KEYS = {
    "server": "PLANBOOK_SERVER",
    "token": "PLANBOOK_TOKEN",
    "plan": "PLANBOOK_PLAN",
    "version": "PLANBOOK_VERSION",
    "db": "PLANBOOK_DB",
    "cache": "PLANBOOK_CACHE",
    "author": "PLANBOOK_AUTHOR",
}
"""Setting name -> key in the settings sheet, the config file and the environment."""
SERVICE_ONLY = ("server", "token", "db", "cache", "author")
"""The settings that redirect I/O (which store, which service and token, which folder, whose
name): inside the service only its own configuration sets them, never a workbook."""
DEFAULT_CONF = Path.home() / ".xlwings" / "xlwings.conf"


@dataclass(frozen=True)
class AddinSettings:
    """What the functions read from: a service (``server`` + ``token``) or an embedded store
    (``db``), one ``plan``, and the pinned ``version`` (number, tag or latest)."""

    server: str = ""
    token: str = ""
    plan: str = ""
    version: str = "latest"
    db: str = ""
    cache: str = ""
    author: str = ""
    """Who changes to an embedded store are recorded under (default: the login name); the
    service records its token's holder instead."""

    @property
    def location(self) -> StoreLocation:
        """Where the store is, as :func:`server.connect.open_store` takes it."""
        return StoreLocation(db=self.db, server=self.server, token=self.token)

    @property
    def source(self) -> str:
        """The store's address: the service URL or the embedded database."""
        return self.location.address

    def pinned(self, version: str) -> AddinSettings:
        """The same settings with another pin."""
        return replace(self, version=version or "latest")


def rows_to_mapping(rows: Iterable[Iterable[Any]]) -> dict[str, str]:
    """Key/value rows of a settings sheet (blank keys and values skipped)."""
    out: dict[str, str] = {}
    for row in rows:
        cells = [*list(row), None, None]
        key, value = cells[0], cells[1]
        if key is None or str(key).strip() == "" or value is None or str(value).strip() == "":
            continue
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        out[str(key).strip().upper()] = text.strip()
    return out


def read_conf_file(path: Path = DEFAULT_CONF) -> dict[str, str]:
    """The ``"KEY","VALUE"`` lines of an xlwings config file (empty if there is none)."""
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as f:
        return rows_to_mapping(csv.reader(f))


def load_settings(
    *,
    given: Mapping[str, str] | None = None,
    sheet: Mapping[str, str] | None = None,
    conf: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> AddinSettings:
    """Settings from the sources in order (see the module docstring). ``conf`` defaults to
    the user's xlwings config file and ``env`` to the process environment."""
    sources = [
        {KEYS[k]: v for k, v in (given or {}).items()},
        dict(sheet or {}),
        dict(read_conf_file() if conf is None else conf),
        dict(os.environ if env is None else env),
    ]
    values: dict[str, str] = {}
    for name, key in KEYS.items():
        for source in sources:
            if source.get(key):
                values[name] = str(source[key])
                break
    return AddinSettings(**values)


class SettingRefused(PlanbookError):
    """A workbook's settings sheet sets what only the service's own configuration may set."""


def for_service(base: AddinSettings, sheet: Mapping[str, str]) -> AddinSettings:
    """The service's own settings ``base`` with the workbook's choice of plan and version.

    A sheet that sets any :data:`SERVICE_ONLY` key is refused whatever its value (even the
    service's own: the answer must not tell a caller where the service keeps its data)."""
    refused = [KEYS[name] for name in SERVICE_ONLY if sheet.get(KEYS[name])]
    if refused:
        keys = ", ".join(refused)
        raise SettingRefused(
            f"{SETTINGS_SHEET}: this workbook sets {keys}; Planbook's service reads and writes "
            "only its own store, with your token, so a workbook may set only PLANBOOK_PLAN, "
            f"PLANBOOK_VERSION and PLANBOOK_TEAM. Clear {keys} in the {SETTINGS_SHEET} sheet "
            "and try again."
        )
    plan = sheet.get(KEYS["plan"]) or base.plan
    return replace(base, plan=plan, version=sheet.get(KEYS["version"]) or base.version)
