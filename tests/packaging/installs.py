"""What each documented install (README, "Install") promises, and trying it: each install in a
fresh virtualenv of its own, made with uv from the built wheel (its dependencies come from
uv's cache after the first run) and probed by one process that runs every check in turn
(probe.py). tests/packaging/conftest.py starts this in the background; test_installs.py
checks the results.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from uv import find_uv_bin

UV = find_uv_bin()
PROBE = Path(__file__).with_name("probe.py")


def ok(*argv: str) -> dict[str, Any]:
    """The command exits 0."""
    return {"run": list(argv), "expect": "ok"}


def needs(extra: str, *argv: str) -> dict[str, Any]:
    """The command exits 1 with the one-line error naming ``extra``, and no traceback."""
    return {"run": list(argv), "expect": extra}


def fails(text: str, *argv: str) -> dict[str, Any]:
    """The command got as far as it can without a service or database: an error with text."""
    return {"run": list(argv), "expect": "error", "text": text}


def imports(module: str, needs: str | None = None) -> dict[str, Any]:
    """The module imports, or (``needs``) fails naming that extra."""
    return {"import": module, "expect": needs or "ok"}


UNREACHABLE_PG = "postgresql://127.0.0.1:9/planbook"
PUSH = ("push", "facts.csv", "--plan-file", "plan.yaml", "--db", "store.db")
TEMPLATE = ("template", "team", "--plan", "plan.yaml", "--team", "{team}", "--out", "team.xlsx")

PROMISES: dict[str, list[dict[str, Any]]] = {
    "planbook": [
        ok("planbook", "--help"),
        ok("planbook", "--version"),
        ok("python", "-m", "planbook", "--help"),
        {"every_help": True, "expect": "ok"},
        ok("planbook", "validate", "plan.yaml", "facts.csv"),
        ok("planbook", "consolidate", "plan.yaml", "facts.csv", "--filter", "account_type=opex"),
        imports("planbook"),
        needs("excel", "planbook", "template", "team", "--demo", "--team", "sales-na"),  # README
        needs("excel", "planbook", "validate", "plan.yaml", "team.xlsx"),
        needs("service", "planbook", "demo"),
        needs("service", "planbook", "serve"),
        needs("service", "planbook", *PUSH),
        needs("excel/service", "planbook", "log", "--server", "{stub}"),
        imports("addin.templates", needs="excel"),
        imports("server.app", needs="service"),
    ],
    "planbook[excel]": [
        ok("planbook", "--help"),
        ok("planbook", *TEMPLATE),
        ok("planbook", "validate", "plan.yaml", "team.xlsx"),
        imports("addin.templates"),
        imports("addin.reader"),
        imports("addin.functions"),
        imports("addin.buttons"),
        imports("addin.classic"),
        imports("server.client"),
        fails("the probe's stub service refuses", "planbook", "log", "--server", "{stub}"),
        needs("service", "planbook", *PUSH),
        needs("service", "planbook", "demo"),
        imports("server.app", needs="service"),
    ],
    "planbook[service]": [
        ok("planbook", "--help"),
        ok("planbook", *PUSH),
        ok("planbook", "log", "--db", "store.db"),
        ok("planbook", "demo", "--db", "demo.db"),
        imports("server.app"),
        needs("postgres", "planbook", "log", "--db", UNREACHABLE_PG),
        needs("excel", "planbook", "template", "company", "--plan", "plan.yaml"),
        imports("addin.templates", needs="excel"),
    ],
    "planbook[postgres]": [
        ok("planbook", "--help"),
        imports("psycopg"),
        imports("server.app"),
        fails("unreachable", "planbook", "log", "--db", UNREACHABLE_PG),
    ],
}


CHAIN = ("planbook", "planbook[excel]", "planbook[service]", "planbook[postgres]")
"""The installs, probed one after another, each in a fresh virtualenv made at the same path as
the one before, so the bytecode Python compiled for one (kept under PYTHONPYCACHEPREFIX) is
valid for the next wherever the files are the same: pandas is compiled once, not four times.
"""

DEMO_FILES = """
import sys
from pathlib import Path
from planbook.demo import build_demo
from planbook.factfiles import write_facts
from planbook.planfile import dump_plan
demo, folder = build_demo(), Path(sys.argv[1])
team = demo.plan.teams[0].id
dump_plan(demo.plan, folder / "plan.yaml")
write_facts(demo.facts[demo.facts["team"] == team], folder / "facts.csv")
print(team)
"""
"""The demo's plan and one team's facts, for the commands that read files."""

Run = Callable[..., str]
"""``run(argv, cwd, env=None) -> stdout``: run a command to its end; raise if it fails."""


def environment(pycache: Path | None = None) -> dict[str, str]:
    """This process's environment without what would point a child at the work tree or the
    development virtualenv, writing bytecode (under ``pycache`` when given)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pycache is not None:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def probe_all(wheel: Path, folder: Path, run: Run) -> dict[str, list[Any] | str]:
    """Every install's checks: install -> one result per check, or why it could not be
    probed (a failed install, a probe that crashed)."""
    files = folder / "files"
    files.mkdir()
    team = run([sys.executable, "-c", DEMO_FILES, str(files)], files).strip()
    venv, python = folder / ".venv", str(folder / ".venv" / "bin" / "python")
    results: dict[str, list[Any] | str] = {}
    for install in CHAIN:
        work = folder / install.replace("[", "-").rstrip("]")
        shutil.copytree(files, work)
        checks = [
            {k: [a.replace("{team}", team) for a in v] if k == "run" else v for k, v in c.items()}
            for c in PROMISES[install]
        ]
        (work / "checks.json").write_text(json.dumps(checks), encoding="utf-8")
        if venv.exists():
            venv.rename(folder / f"old-{len(results)}.venv")  # all removed by clean()
        try:
            run([UV, "venv", "--quiet", "--python", sys.executable, str(venv)], work)
            pip = [UV, "pip", "install", "--quiet", "--python", python]
            wanted = f"{wheel}{install.removeprefix('planbook')}"
            try:  # from uv's cache alone when it holds everything: no network, faster
                run([*pip, "--offline", wanted], work)
            except subprocess.CalledProcessError:
                run([*pip, wanted], work)
            output = run([python, str(PROBE), "checks.json"], work, folder / "pycache")
            results[install] = json.loads(output)
        except subprocess.CalledProcessError as exc:
            results[install] = f"{exc.cmd}: exit {exc.returncode}\n{exc.stderr[-3000:]}"
    return results


def clean(folder: Path, run: Run) -> None:
    """Remove the virtualenvs and the bytecode (thousands of files: not in the tests' time)."""
    run(["rm", "-rf", *map(str, folder.glob("*.venv")), str(folder / "pycache")], folder)
