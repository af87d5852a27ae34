"""The web console's pages under ``/console``: sign in and out, the version timeline, the
diff of two versions with its drill-down, and the team status board.

Every page reads and writes through :class:`server.auth.ActingStore` as the signed-in
caller, so the role checks and the confidential-line filter are the API's own. Forms post
``application/x-www-form-urlencoded`` bodies and carry the session's CSRF token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from planbook.errors import PlanbookError, PlanValidationError
from server.auth import ActingStore
from server.console import PREFIX
from server.console import session as sessions
from server.console.chart import bridge_chart, money
from server.console.diffview import Level, diff_page
from server.console.kpiview import figure, kpi_page
from server.console.timeline import status_board, timeline
from server.settings import Settings
from server.store.errors import AccessDenied, NotAuthenticated, StoreError
from server.store.store import Store

__all__ = ["router", "templates"]

router = APIRouter(prefix=PREFIX, include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["money"] = money
templates.env.filters["figure"] = figure
templates.env.filters["q"] = lambda params: urlencode({k: v for k, v in params.items() if v})
Text = Annotated[str, Query(max_length=200)]


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's fields (the last value of each)."""
    parsed = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[-1] for name, values in parsed.items()}


Form = Annotated[dict[str, str], Depends(form_fields)]


def _store(request: Request) -> tuple[Store, str]:
    settings: Settings = request.app.state.settings
    return request.app.state.store, settings.secret


def _session(request: Request) -> sessions.Session | None:
    store, secret = _store(request)
    return sessions.read_session(request, store=store, secret=secret)


def render(request: Request, name: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``templates/``; every page gets the session (None when signed out)."""
    context.setdefault("session", None)
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, exc: PlanbookError, session: sessions.Session | None) -> Response:
    """A refused request as a page: the status and every problem, never a traceback."""
    if isinstance(exc, PlanValidationError):
        status, problems = 422, [f"{'/'.join(map(str, p.loc))}: {p.msg}" for p in exc.problems]
    else:
        status = exc.status if isinstance(exc, StoreError) else 422
        problems = [exc.msg if isinstance(exc, StoreError) else str(exc)]
    return render(request, "error.html", status=status, session=session, problems=problems)


def _to_signin() -> RedirectResponse:
    return RedirectResponse("/console/signin", status_code=303)


@router.get("")
@router.get("/")
def home(request: Request) -> Response:
    """The plans the caller can open (straight to the plan when there is one)."""
    session = _session(request)
    if session is None:
        return _to_signin()
    plans = ActingStore(_store(request)[0], session.principal).plans()
    if len(plans) == 1:
        return RedirectResponse(f"/console/plans/{quote(plans[0])}", status_code=303)
    return render(request, "home.html", session=session, plans=plans)


@router.get("/signin")
def signin_form(request: Request) -> Response:
    return _signin_page(request)


def _signin_page(request: Request, *, error: str = "", status: int = 200) -> Response:
    csrf = sessions.new_signin_token()
    response = render(request, "signin.html", status=status, csrf=csrf, error=error)
    sessions.remember_signin(request, response, csrf, secret=_store(request)[1])
    return response


@router.post("/signin")
def signin(request: Request, form: Form) -> Response:
    store, secret = _store(request)
    try:
        sessions.check_csrf(
            request, form.get("csrf", ""), sessions.signin_csrf(request, secret=secret)
        )
    except AccessDenied as exc:
        return _signin_page(request, error=exc.msg, status=403)
    response = RedirectResponse("/console/", status_code=303)
    try:
        sessions.start_session(
            request, response, store=store, token=form.get("token", "").strip(), secret=secret
        )
    except NotAuthenticated:
        return _signin_page(
            request, error="That token is unknown or revoked; ask an admin for one.", status=401
        )
    return response


@router.post("/signout")
def signout(request: Request, form: Form) -> Response:
    session = _session(request)
    if session is None:
        return _to_signin()
    try:
        sessions.check_csrf(request, form.get("csrf", ""), session.csrf)
    except AccessDenied as exc:
        return error_page(request, exc, session)
    response = RedirectResponse("/console/signin", status_code=303)
    sessions.clear_session(response)
    return response


@router.get("/plans/{plan}")
def plan_timeline(request: Request, plan: str, page: Annotated[int, Query(ge=1)] = 1) -> Response:
    """Every version, newest first, with its tags; and the picker for a diff."""
    session = _session(request)
    if session is None:
        return _to_signin()
    try:
        view = timeline(ActingStore(_store(request)[0], session.principal), plan, page=page)
    except PlanbookError as exc:
        return error_page(request, exc, session)
    return render(request, "timeline.html", session=session, plan=plan, view=view)


@router.get("/plans/{plan}/diff")
def plan_diff(
    request: Request,
    plan: str,
    from_: Annotated[str, Query(alias="from", max_length=64)],
    to: Annotated[str, Query(max_length=64)] = "latest",
    scenario: Text = "base",
    department: Text = "",
    team: Text = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    """The diff of two versions at one level of the drill-down."""
    session = _session(request)
    if session is None:
        return _to_signin()
    level = Level(department=department, team=team)
    try:
        acting = ActingStore(_store(request)[0], session.principal)
        view = diff_page(
            acting, plan_id=plan, a=from_, b=to, scenario=scenario, level=level, page=page
        )
    except PlanbookError as exc:
        return error_page(request, exc, session)
    base = {"from": from_, "to": to, "scenario": scenario}
    return render(
        request,
        "diff.html",
        session=session,
        plan=plan,
        view=view,
        chart=bridge_chart(view.bars) if view.bars else None,
        base=base,
        here=base | {"department": department, "team": team},
    )


@router.get("/plans/{plan}/kpis")
def plan_kpis(
    request: Request,
    plan: str,
    version: Annotated[str, Query(max_length=64)] = "latest",
    scenario: Annotated[list[str] | None, Query()] = None,
) -> Response:
    """Goal attainment and headline KPIs by quarter, per scenario, of one version."""
    session = _session(request)
    if session is None:
        return _to_signin()
    try:
        acting = ActingStore(_store(request)[0], session.principal)
        view = kpi_page(acting, plan_id=plan, ref=version, scenarios=scenario)
    except PlanbookError as exc:
        return error_page(request, exc, session)
    return render(request, "kpis.html", session=session, plan=plan, view=view, ref=version)


@router.get("/plans/{plan}/status")
def plan_status(request: Request, plan: str, done: Text = "") -> Response:
    """Each team's submission status, with the steps the caller may take."""
    session = _session(request)
    if session is None:
        return _to_signin()
    return _board(request, session, plan, done=done)


def _board(
    request: Request,
    session: sessions.Session,
    plan: str,
    *,
    done: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    try:
        board = status_board(ActingStore(_store(request)[0], session.principal), plan)
    except PlanbookError as exc:
        return error_page(request, exc, session)
    return render(
        request,
        "status.html",
        status=status,
        session=session,
        plan=plan,
        rows=board.rows,
        wider=board.wider,
        done=done,
        error=error,
    )


@router.post("/plans/{plan}/status/{team}")
def change_status(request: Request, plan: str, team: str, form: Form) -> Response:
    """Approve, return (with a comment), reopen or submit a team's budget."""
    session = _session(request)
    if session is None:
        return render(
            request,
            "error.html",
            status=401,
            problems=["Sign in first; nothing was changed."],
        )
    try:
        sessions.check_csrf(request, form.get("csrf", ""), session.csrf)
        ActingStore(_store(request)[0], session.principal).change_status(
            plan_id=plan,
            team=team,
            action=form.get("action", ""),
            comment=form.get("comment", ""),
        )
    except StoreError as exc:
        return _board(request, session, plan, error=exc.msg, status=exc.status)
    except PlanbookError as exc:
        return error_page(request, exc, session)
    done = f"{team}: {form.get('action', '')} done"
    return RedirectResponse(
        f"/console/plans/{quote(plan)}/status?{urlencode({'done': done})}", status_code=303
    )
