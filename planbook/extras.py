"""Which optional extra provides which import, and saying so when one is missing.

Planbook installs in parts (the README's "Install" lists them): ``pip install planbook`` gives
the core and the ``planbook`` command for files; the ``excel`` extra adds workbooks and the
worksheet functions, ``service`` the store and the sync service, ``postgres`` PostgreSQL. Code
that needs a part that is not installed says which extra to install instead of showing an
ImportError (as httpx does for its CLI extra): :func:`missing_extra` turns the
ModuleNotFoundError into a :class:`MissingExtra`, and :func:`require` checks before work
starts. No third-party imports here: this module must load with the core alone.
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["EXTRAS", "MissingExtra", "extras_providing", "missing_extra", "require"]

EXTRAS: dict[str, tuple[str, ...]] = {
    "excel": ("openpyxl", "python_calamine", "xlwings", "defusedxml", "httpx"),
    "service": (
        "fastapi",
        "starlette",
        "uvicorn",
        "sqlalchemy",
        "alembic",
        "pydantic_settings",
        "httpx",
        "jinja2",
        "orjson",
    ),
    "postgres": ("psycopg",),
}
"""The top-level modules each extra installs beyond the core's, by the name they are imported
under (pyproject.toml's ``[project.optional-dependencies]`` lists their distributions;
``postgres`` also installs ``service``)."""


class MissingExtra(ModuleNotFoundError):
    """A module that an extra provides is not installed; the message says what to install.

    A ModuleNotFoundError (code that catches ImportError still does), not a PlanbookError:
    nothing is wrong with the user's data, only with the install. The CLI's ``main`` prints it
    as an error, without a traceback, and exits 1.
    """

    def __init__(self, module: str, extras: tuple[str, ...]) -> None:
        self.extras = extras
        which = " or ".join(extras)
        installs = " or ".join(f"pip install 'planbook[{extra}]'" for extra in extras)
        super().__init__(
            f"this needs the {which} extra ({module} is not installed): {installs}", name=module
        )


def extras_providing(module: str) -> tuple[str, ...]:
    """The extras that install ``module`` (or the package it is in); () for any other."""
    top = module.partition(".")[0]
    return tuple(extra for extra, modules in EXTRAS.items() if top in modules)


def missing_extra(exc: ImportError) -> MissingExtra | None:
    """The kind error for ``exc`` when it is an extra's module that is not installed.

    None for anything else, including a module of an extra that *is* installed but fails to
    import (a broken install or a bug): that should show as it is.
    """
    if isinstance(exc, MissingExtra):
        return exc
    top = (exc.name or "").partition(".")[0]
    extras = extras_providing(top)
    if not extras or _installed(top):
        return None
    return MissingExtra(top, extras)


def require(extra: str) -> None:
    """Raise :class:`MissingExtra` unless every module ``extra`` provides is installed.

    For a command that always needs the extra, at its start, before any work is done.
    """
    for module in EXTRAS[extra]:
        if not _installed(module):
            raise MissingExtra(module, (extra,))


def _installed(module: str) -> bool:
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
