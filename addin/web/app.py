"""The service with the Office.js add-in: ``planbook serve`` runs :func:`app_from_env`.

The sync service (:func:`server.app.create_app`) plus the add-in's routes under ``/addin``
(:mod:`addin.web.routes`: free of xlwings' licensed parts) and, when xlwings' server parts
and a license key are there, the buttons' routes under ``/xlwings`` (:mod:`addin.officejs`).
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from addin.session import configure
from addin.settings import AddinSettings
from addin.web.routes import mount_routes
from server.app import create_app
from server.settings import Settings

__all__ = ["app_from_env", "with_addin"]


def with_addin(app: FastAPI, settings: AddinSettings) -> FastAPI:
    """Add the add-in to ``app``: the functions read ``settings``' store (and plan)."""
    configure(settings)
    reason: str | None = "the buttons need xlwings' server parts; see docs/excel-addin.md"
    if os.environ.get("XLWINGS_LICENSE_KEY"):
        from addin.officejs import mount  # imports xlwings' licensed server parts

        reason = mount(app, settings=settings)
    else:
        reason = (
            "Push budget, Pull plan and Diff versions need an xlwings license key on the "
            "service (XLWINGS_LICENSE_KEY: noncommercial, or an xlwings PRO key)"
        )
    mount_routes(app, reason)
    return app


def app_from_env() -> FastAPI:
    """The service and the add-in from ``PLANBOOK_*`` settings (uvicorn ``--factory``)."""
    settings = Settings()
    app = create_app(settings, migrate=False)
    plan = os.environ.get("PLANBOOK_PLAN", "")
    return with_addin(app, AddinSettings(db=settings.db, plan=plan, version="latest"))
