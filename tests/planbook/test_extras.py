"""A missing extra is named, with the command to install it; anything else shows as it is."""

from __future__ import annotations

import sys

import pytest

import planbook.cli.main
from planbook.extras import MissingExtra, extras_providing, missing_extra, require


def _not_installed(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)  # what import and find_spec see


def test_a_missing_module_of_an_extra_names_the_extra_and_the_install(monkeypatch):
    _not_installed(monkeypatch, "sqlalchemy")
    missing = missing_extra(ModuleNotFoundError("No module named 'sqlalchemy'", name="sqlalchemy"))
    assert isinstance(missing, MissingExtra) and isinstance(missing, ImportError)
    assert missing.name == "sqlalchemy" and missing.extras == ("service",)
    assert str(missing) == (
        "this needs the service extra (sqlalchemy is not installed): "
        "pip install 'planbook[service]'"
    )


def test_a_module_two_extras_install_names_both(monkeypatch):
    _not_installed(monkeypatch, "httpx")
    missing = missing_extra(ModuleNotFoundError(name="httpx._client"))
    assert missing is not None and missing.extras == ("excel", "service")
    assert "pip install 'planbook[excel]' or pip install 'planbook[service]'" in str(missing)


def test_other_missing_modules_and_broken_installs_are_left_alone(monkeypatch):
    assert missing_extra(ModuleNotFoundError(name="no_such_module")) is None
    assert missing_extra(ModuleNotFoundError(name="server.nowhere")) is None
    assert missing_extra(ModuleNotFoundError(name="openpyxl.gone")) is None  # it is installed
    assert missing_extra(ImportError("no name")) is None
    assert extras_providing("psycopg.pq") == ("postgres",)


def test_require_checks_before_any_work(monkeypatch):
    require("excel")
    _not_installed(monkeypatch, "xlwings")
    with pytest.raises(MissingExtra, match=r"xlwings is not installed.*planbook\[excel\]"):
        require("excel")


def test_the_command_says_which_extra_to_install_without_a_traceback(monkeypatch, capsys):
    def needs_service() -> None:
        import sqlalchemy  # noqa: F401

    _not_installed(monkeypatch, "sqlalchemy")
    monkeypatch.setattr(planbook.cli.main, "app", needs_service)
    with pytest.raises(SystemExit) as exit_:
        planbook.cli.main.main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "Error: this needs the service extra" in err
    assert "pip install 'planbook[service]'" in err  # the brackets are not taken as markup
    assert "Traceback" not in err


def test_the_command_shows_other_import_errors_as_they_are(monkeypatch):
    def broken() -> None:
        import no_such_module  # type: ignore[import-not-found]  # noqa: F401

    monkeypatch.setattr(planbook.cli.main, "app", broken)
    with pytest.raises(ModuleNotFoundError, match="no_such_module"):
        planbook.cli.main.main()
