"""The core's public surface is explicit and importable."""

import importlib
import pkgutil

import planbook


def test_all_lists_every_public_member_and_nothing_else():
    public = {name for name in dir(planbook) if not name.startswith("_")}
    modules = {m.name for m in pkgutil.iter_modules(planbook.__path__)}
    exported = set(planbook.__all__) - {"__version__"}
    assert exported == public - (modules - exported)


def test_all_members_exist():
    for name in planbook.__all__:
        assert hasattr(planbook, name), name


def test_core_imports_no_excel_http_or_database_package():
    forbidden = (
        "xlwings",
        "openpyxl",
        "fastapi",
        "httpx",
        "sqlalchemy",
        "uvicorn",
        "psycopg",
        "starlette",
        "addin",
        "server",
        "cli",
    )
    for module in pkgutil.walk_packages(planbook.__path__, "planbook."):
        source = importlib.util.find_spec(module.name).origin
        with open(source, encoding="utf-8") as f:
            text = f.read()
        for name in forbidden:
            assert f"import {name}" not in text and f"from {name}" not in text, (module.name, name)
