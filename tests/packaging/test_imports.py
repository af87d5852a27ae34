"""Extras match imports: every third-party module the packages import is a core dependency or
an extra's (as :data:`planbook.extras.EXTRAS` says, and pyproject.toml lists), and the
``planbook`` command loads with the core alone."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from planbook.extras import EXTRAS

ROOT = Path(__file__).resolve().parents[2]

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OWN = {"planbook", "addin", "server"}


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def _distributions(extra: str) -> set[str]:
    """What ``planbook[extra]`` installs beyond the core, by normalised distribution name."""
    found = set()
    for requirement in PROJECT["optional-dependencies"][extra]:
        nested = re.fullmatch(r"planbook\[(.+)\]", requirement)
        if nested:
            found |= {d for e in nested.group(1).split(",") for d in _distributions(e.strip())}
        else:
            found.add(_name(requirement))
    return found


CORE = {_name(r) for r in PROJECT["dependencies"]}
INSTALLS = {extra: _distributions(extra) for extra in EXTRAS}
DISTRIBUTIONS = {m: {_name(d) for d in ds} for m, ds in packages_distributions().items()}


def _third_party_imports() -> dict[str, set[str]]:
    """Every top-level module imported (at any depth) by the packages: module -> files."""
    found: dict[str, set[str]] = {}
    for package in sorted(OWN):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.partition(".")[0]
                    if top not in sys.stdlib_module_names and top not in OWN:
                        found.setdefault(top, set()).add(path.relative_to(ROOT).as_posix())
    return found


def test_every_import_is_a_core_dependency_or_an_extras_module() -> None:
    undeclared = {}
    for module, files in _third_party_imports().items():
        distributions = DISTRIBUTIONS.get(module, {module})
        if distributions & CORE:
            continue
        if not any(distributions & INSTALLS[extra] for extra in EXTRAS if module in EXTRAS[extra]):
            undeclared[module] = sorted(files)
    assert not undeclared, "imported, but neither a core dependency nor an extra's (EXTRAS)"


def test_every_extras_module_is_installed_by_that_extra() -> None:
    for extra, modules in EXTRAS.items():
        for module in modules:
            assert DISTRIBUTIONS.get(module, {module}) & INSTALLS[extra], (extra, module)


def test_postgres_installs_the_service_too() -> None:
    assert INSTALLS["service"] < INSTALLS["postgres"]


def test_the_command_loads_with_the_core_alone() -> None:
    """``planbook --help`` must work after ``pip install planbook``: loading the app imports
    no extra's module (commands import theirs when they run)."""
    code = "import sys, planbook.cli.main; print(' '.join(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    extras_modules = {m for modules in EXTRAS.values() for m in modules}
    assert {m.partition(".")[0] for m in loaded} & extras_modules == set()
