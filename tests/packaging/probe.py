"""Run inside a fresh virtualenv (not by pytest): try what an install promises, report as JSON.

``python probe.py CHECKS.json`` reads a list of checks and prints one result for each:

- ``{"run": ["planbook", ARG, ...]}``: the installed ``planbook`` script, run in this process
  (its code, as the installer wrote it) with those arguments;
- ``{"run": ["python", "-m", "planbook", ARG, ...]}``: the same as ``python -m planbook``;
- ``{"import": "MODULE"}``: import it (and say whether it came from this virtualenv); on a
  ModuleNotFoundError, which extras :func:`planbook.extras.missing_extra` names for it;
- ``{"every_help": true}``: ``planbook COMMAND --help`` for every command and subcommand
  (``codes``: command -> exit code).

A run reports its exit code and what it printed; an exception that escapes is reported as
``"traceback"``. ``{stub}`` in an argument becomes the URL of a stub service that refuses
every request with 401, so a command can go as far as talking to a service.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import runpy
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

STUB_REFUSAL = "the probe's stub service refuses every token"


class _Refuse(BaseHTTPRequestHandler):
    def _refuse(self) -> None:
        body = STUB_REFUSAL.encode()
        self.send_response(401)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _refuse

    def log_message(self, *args: Any) -> None:
        pass


def _stub() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def run(argv: list[str]) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    saved = sys.argv
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            if argv[:3] == ["python", "-m", "planbook"]:
                sys.argv = ["planbook", *argv[3:]]
                runpy.run_module("planbook", run_name="__main__", alter_sys=True)
            else:
                sys.argv = argv
                runpy.run_path(str(Path(sys.prefix, "bin", argv[0])), run_name="__main__")
    except SystemExit as exc:
        code = exc.code or 0
    except BaseException:
        code = "traceback"
        err.write(traceback.format_exc())
    finally:
        sys.argv = saved
    return {"code": code, "out": out.getvalue()[-3000:], "err": err.getvalue()[-3000:]}


def import_(module: str) -> dict[str, Any]:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        from planbook.extras import missing_extra

        missing = missing_extra(exc)
        return {"ok": False, "error": str(exc), "extras": missing.extras if missing else None}
    except BaseException as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}", "extras": None}
    where = str(sys.modules[module].__file__)
    return {"ok": True, "installed": where.startswith(sys.prefix), "file": where}


def every_help() -> dict[str, Any]:
    try:
        import typer.main

        from planbook.cli.main import app
    except BaseException:
        return {"codes": {}, "err": traceback.format_exc()}

    def paths(group: Any, prefix: list[str]) -> list[list[str]]:  # a click group
        found = []
        for name, command in group.commands.items():
            found.append([*prefix, name])
            if hasattr(command, "commands"):
                found += paths(command, [*prefix, name])
        return found

    commands = paths(typer.main.get_command(app), [])
    return {"codes": {" ".join(p): run(["planbook", *p, "--help"])["code"] for p in commands}}


def main() -> None:
    checks = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    stub = _stub() if any("{stub}" in a for c in checks for a in c.get("run", [])) else ""
    results = []
    for check in checks:
        start = time.perf_counter()
        if "run" in check:
            result = run([a.replace("{stub}", stub) for a in check["run"]])
        elif "import" in check:
            result = import_(check["import"])
        else:
            result = every_help()
        results.append(result | {"seconds": round(time.perf_counter() - start, 2)})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
