"""The rules of the house, checked on the source: who may import whom, and how big a module
may grow. See docs/architecture.md for why.

- The core (``planbook/`` outside ``planbook/cli/``) imports no edge and no I/O framework.
- The CLI (``planbook/cli/``) uses the add-in's workbook code but never xlwings.
- ``server/`` never imports ``addin/`` or the CLI, and never xlwings.
- The store's contract (``server/store/contract.py``) and the service client import no
  SQLAlchemy, so the Excel edge can talk to a remote service without it.
- No module in any package is 400 lines or longer.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("planbook", "addin", "server", "benchmarks")
MAX_LINES = 400

EDGES_AND_FRAMEWORKS = (
    "addin",
    "server",
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "psycopg",
    "openpyxl",
    "python_calamine",
    "xlwings",
)
RULES: dict[str, tuple[str, ...]] = {
    "core": EDGES_AND_FRAMEWORKS,
    "cli": ("xlwings",),
    "server": ("addin", "planbook.cli", "xlwings"),
    "contract": ("sqlalchemy", "alembic", "fastapi", "starlette", "addin", "planbook.cli"),
}


def imported(path: Path) -> Iterator[str]:
    """Every module name an ``import`` or ``from ... import`` in the file names (at any
    depth: a function-level import counts as much as a top-level one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def breaks(module: str, banned: tuple[str, ...]) -> bool:
    return any(module == b or module.startswith(b + ".") for b in banned)


def rule_of(path: Path) -> str | None:
    relative = path.relative_to(ROOT).as_posix()
    if relative.startswith("planbook/cli/"):
        return "cli"
    if relative.startswith("planbook/"):
        return "core"
    if relative in ("server/store/contract.py", "server/client.py", "server/formats.py"):
        return "contract"
    if relative.startswith("server/"):
        return "server"
    return None


def sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def violations(path: Path) -> list[str]:
    rule = rule_of(path)
    if rule is None:
        return []
    found = [m for m in imported(path) if breaks(m, RULES[rule])]
    if rule == "contract":  # the contract is also a server module
        found += [m for m in imported(path) if breaks(m, RULES["server"])]
    return found


@pytest.mark.parametrize("path", sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_imports_follow_the_rules(path: Path) -> None:
    assert violations(path) == [], f"{path.relative_to(ROOT)} ({rule_of(path)}) imports these"


@pytest.mark.parametrize("path", sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it"


def test_a_forbidden_import_is_caught(tmp_path: Path) -> None:
    """The checker itself: an import inside a function in a core module is found."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from server.store import Store\n    import sqlalchemy\n")
    assert [m for m in imported(probe) if breaks(m, RULES["core"])] == [
        "server.store",
        "sqlalchemy",
    ]
    assert not breaks("serverless", RULES["core"])


SERVICE_ONLY = ("sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn", "pydantic_settings")


def test_the_excel_edge_talks_to_a_service_without_the_service_extra() -> None:
    """With the service's packages unimportable (``pip install 'planbook[excel]'``), the
    worksheet functions, the buttons and the cache load, and a remote store opens."""
    code = "\n".join(
        [
            "import sys",
            *(f"sys.modules[{name!r}] = None" for name in SERVICE_ONLY),
            "import addin.functions, addin.buttons, addin.cache, addin.workbook_push",
            "from server.connect import StoreLocation, open_store",
            "from server.store import StoreAPI",
            "door = open_store(StoreLocation(server='http://127.0.0.1:9', token='t'))",
            "assert isinstance(door, StoreAPI), type(door)",
            "door.close()",
        ]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
