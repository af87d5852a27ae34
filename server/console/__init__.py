"""The web console for finance and the CFO, served by the service under ``/console``:
server-rendered pages (Jinja2), one vendored stylesheet, no scripts from elsewhere.
See docs/console.md."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["PREFIX", "install"]

PREFIX = "/console"
"""Where the console's pages live; their forms sign in with the console's own session."""


def install(app: FastAPI) -> None:
    """Add the console's pages, its static files, and ``GET /`` -> ``/console/``."""
    from server.console.pages import router

    app.include_router(router)
    static = StaticFiles(directory=Path(__file__).parent / "static")
    app.mount("/console/static", static, name="console-static")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=307)
