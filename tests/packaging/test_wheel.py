"""The built wheel holds exactly Planbook's three packages and the files they need."""

from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_wheel_installs_exactly_planbook_addin_and_server(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert top == {"planbook", "addin", "server", f"planbook-{PROJECT['version']}.dist-info"}


def test_the_wheel_carries_the_type_marker_and_the_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    store = ROOT / "server" / "store"
    migrations = {
        path.relative_to(ROOT).as_posix()
        for path in (store / "migrations").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert {"planbook/py.typed", "server/store/alembic.ini"} | migrations <= names
    assert "server/store/migrations/script.py.mako" in migrations


def test_the_wheel_carries_the_office_add_ins_pages_and_script(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    static = ROOT / "addin" / "web" / "static"
    files = {p.relative_to(ROOT).as_posix() for p in static.iterdir() if p.is_file()}
    assert "addin/web/static/planbook.js" in files and files <= names


def test_the_wheel_declares_the_command_and_the_extras(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        info = f"planbook-{PROJECT['version']}.dist-info"
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        metadata = archive.read(f"{info}/METADATA").decode()
    assert "planbook = planbook.cli.main:main" in entry_points
    for extra in ("excel", "service", "postgres"):
        assert f"Provides-Extra: {extra}" in metadata
    assert 'Requires-Dist: planbook[service]; extra == "postgres"' in metadata


def test_the_wheel_carries_the_consoles_templates_and_stylesheet(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    console = ROOT / "server" / "console"
    files = {
        path.relative_to(ROOT).as_posix()
        for folder in ("templates", "static")
        for path in (console / folder).iterdir()
    }
    assert "server/console/templates/diff.html" in files
    assert "server/console/static/console.css" in files
    assert files <= names
