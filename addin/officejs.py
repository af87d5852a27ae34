"""Office.js through xlwings Server: the worksheet functions served by our FastAPI app.

:func:`mount` adds xlwings Server's routes — custom-function metadata, code and calls, and
custom scripts — to an app made by :func:`server.app.create_app`, when xlwings' server parts
(``xlwings.server``) load and a license key is set (``XLWINGS_LICENSE_KEY``: free for
non-commercial use, an xlwings PRO key otherwise). Otherwise it adds nothing and says why.
``XLWINGS_ON_SERVER=true`` must be set before xlwings is first imported.

Run it with ``uvicorn --factory addin.officejs:app_from_env``. Every route needs a Planbook
token, and the functions and buttons run as its holder (:mod:`addin.acting`): what they read
leaves out the confidential accounts the token may not see (the functions share one cache of
whole versions and filter per call), and a team lead's Push budget may write only their own
teams and is recorded under their name.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, Body, FastAPI, Response
from starlette.concurrency import run_in_threadpool

from addin.acting import acting_for
from addin.session import configure
from addin.settings import AddinSettings
from server.api.deps import Ctx
from server.api.versions import BODY_ERRORS, ERRORS
from server.app import create_app
from server.settings import Settings
from server.store import NotFound
from server.store.errors import InvalidRequest

__all__ = ["app_from_env", "mount", "unavailable_reason"]

PREFIX = "/xlwings"
_log = logging.getLogger("planbook.officejs")


def unavailable_reason() -> str | None:
    """Why xlwings Server's routes cannot be served here, or None when they can."""
    if os.environ.get("XLWINGS_ON_SERVER") != "true":  # xlwings checks exactly this
        return "XLWINGS_ON_SERVER=true is not set (it must be set before xlwings is imported)"
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        return (
            "no xlwings license key: set XLWINGS_LICENSE_KEY (noncommercial for "
            "non-commercial use, an xlwings PRO key otherwise)"
        )
    try:
        importlib.import_module("xlwings.server")
    except Exception as exc:  # ImportError, xlwings.LicenseError
        return f"xlwings' server parts cannot be loaded ({exc})"
    import addin.functions  # imports xlwings: only once the license key is known to be set

    if not hasattr(addin.functions.pb_get, "__xlfunc__"):
        return (
            "xlwings was imported before XLWINGS_ON_SERVER was set; the functions are unregistered"
        )
    return None


def mount(app: FastAPI, *, settings: AddinSettings) -> str | None:
    """Add the xlwings Server routes to ``app``; returns None, or why nothing was added."""
    reason = unavailable_reason()
    if reason:
        _log.warning("Office.js routes not served: %s", reason)
        return reason
    configure(settings)
    app.include_router(_router())
    return None


def _router() -> APIRouter:
    import xlwings as xw
    import xlwings.server as xs

    import addin.buttons
    import addin.functions

    router = APIRouter(prefix=PREFIX, tags=["office.js"])
    module = addin.functions
    # the buttons Office.js may run: the xw.script ones, not the classic RunPython entries
    buttons = {m["function_name"] for m in xs.custom_scripts_meta(addin.buttons)}

    @router.get("/custom-functions-meta", responses=ERRORS)
    def meta(ctx: Ctx) -> dict[str, Any]:
        """The custom functions' metadata (names, help, parameters) that Excel loads."""
        result: dict[str, Any] = xs.custom_functions_meta(module)
        return result

    try:  # xlwings-server's template: without that package the route is not offered at all
        js: str | None = xs.custom_functions_code(module, f"{PREFIX}/custom-functions-call")
    except OSError:
        js = None
        _log.warning("custom-functions-code not served: it needs the xlwings-server package")
    if js is not None:
        script = js

        @router.get("/custom-functions-code", responses=ERRORS)
        def code(ctx: Ctx) -> Response:
            """The JavaScript that forwards each function call here (from xlwings-server)."""
            return Response(script, media_type="text/javascript")

    functions = {n for n in dir(module) if hasattr(getattr(module, n), "__xlfunc__")}

    @router.post("/custom-functions-call", responses=BODY_ERRORS)
    async def call(ctx: Ctx, body: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
        """One custom-function call from Office.js, answered as the caller may see it:
        ``{"result": [[...]]}``."""
        name = body.get("func_name")
        if not isinstance(name, str) or name not in functions:
            raise NotFound(
                f"there is no worksheet function {name!r:.60}", loc=("body", "func_name")
            )
        if not isinstance(body.get("args"), list):
            raise InvalidRequest(
                "args must be the list of the call's arguments", loc=("body", "args")
            )
        body = {"version": xw.__version__, "client": "Office.js"} | body
        # a first call may fetch a whole version: keep it off the event loop
        with acting_for(ctx.principal), _unreadable("call"):
            result = await run_in_threadpool(_run, xs.custom_functions_call(body, module))
        return {"result": result}

    @router.get("/custom-scripts-meta", responses=ERRORS)
    def scripts(ctx: Ctx) -> list[dict[str, Any]]:
        """The buttons' scripts (diff versions, pull plan, push budget)."""
        result: list[dict[str, Any]] = xs.custom_scripts_meta(addin.buttons)
        return result

    @router.post("/custom-scripts-call/{script_name}", responses=BODY_ERRORS)
    async def run_script(
        script_name: str,
        ctx: Ctx,
        body: dict[str, Any] = Body(...),  # noqa: B008
    ) -> dict[str, Any]:
        """Run a button on the workbook the add-in sent, as the caller; answers the actions
        to apply."""
        if script_name not in buttons:
            raise NotFound(f"there is no button {script_name!r}", loc=("script_name",))
        with _unreadable("workbook"):
            book = xw.Book(json=body) if body else None
        if book is None:
            raise InvalidRequest("the body is empty; send the workbook as the add-in does")
        with acting_for(ctx.principal):  # a push may take a while: off the event loop
            call = xs.custom_scripts_call(
                addin.buttons, script_name, typehint_to_value={xw.Book: book}
            )
            await run_in_threadpool(_run, call)
        result: dict[str, Any] = book.json()
        return result

    return router


@contextmanager
def _unreadable(what: str) -> Iterator[None]:
    """xlwings' own errors reading a malformed ``what`` (a missing key, a value of the wrong
    kind, a version mismatch) as the client's mistake: 422 saying so, not a 500."""
    from xlwings import XlwingsError

    try:
        yield
    except (KeyError, TypeError, ValueError, IndexError, XlwingsError) as exc:
        raise InvalidRequest(
            f"the {what} sent is not one xlwings can read ({type(exc).__name__}: {exc})",
            loc=("body",),
        ) from None


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coroutine)


def app_from_env() -> FastAPI:
    """The sync service with the Office.js routes (uvicorn ``--factory`` entry point); the
    functions read the service's own store, pinned to ``PLANBOOK_VERSION``."""
    settings = Settings()
    app = create_app(settings, migrate=False)
    pin = os.environ.get("PLANBOOK_VERSION", "latest")
    mount(
        app,
        settings=AddinSettings(
            db=settings.db, plan=os.environ.get("PLANBOOK_PLAN", ""), version=pin
        ),
    )
    return app
