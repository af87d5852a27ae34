"""``planbook push``: send a facts file (and optionally a plan definition) to the store."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from planbook.cli.common import console, user_errors
from planbook.cli.connect import (
    AuthorOption,
    DbOption,
    PlanOption,
    ServerOption,
    TokenOption,
    backend,
    resolve_plan,
)
from planbook.cli.workbooks import CLI_HINTS
from planbook.errors import PlanValidationError, Problem, UsageError
from planbook.factfiles import read_facts
from planbook.planfile import load_plan
from server.store import Conflict, PushRequest, StoreAPI, team_part

if TYPE_CHECKING:
    from planbook.cli.workbook_push import WorkbookPush


class Headcount(StrEnum):
    """What happens to stored headcount lines when a workbook's Headcount sheet is empty."""

    KEEP = "keep"
    REPLACE = "replace"


@user_errors
def push(
    facts_file: Annotated[
        Path | None,
        typer.Argument(
            help="Facts to push (.csv or .parquet), or a filled team budget or company "
            "AOP workbook (.xlsx)."
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            help="The version your changes are based on (number, tag or latest); "
            "required once the plan exists. A workbook records its own.",
        ),
    ] = None,
    message: Annotated[str, typer.Option("--message", "-m", help="Why the change.")] = "",
    plan_file: Annotated[
        Path | None, typer.Option("--plan-file", help="Also push this plan definition (YAML).")
    ] = None,
    clear: Annotated[
        list[str] | None,
        typer.Option("--clear", help="Empty a team's budget (team id) or 'actuals'."),
    ] = None,
    headcount: Annotated[
        Headcount | None,
        typer.Option(
            "--headcount",
            help="For a team workbook with an empty Headcount sheet whose base version has "
            "headcount lines: keep those lines, or replace (remove) them.",
        ),
    ] = None,
    replace_team: Annotated[
        bool,
        typer.Option(
            "--replace-team",
            help="Each team in the file replaces that team's whole budget (or its actuals): "
            "scenarios the file leaves out are removed. Without it, the file replaces only "
            "the (team, scenario) slices it holds.",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what the push would replace; store nothing."),
    ] = False,
    plan: PlanOption = None,
    author: AuthorOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Push facts as a new version: the file's rows replace the (team, scenario) slices they
    hold; every other slice stays (--replace-team: each team's whole budget). Shows what it
    replaces (lines before and after) first; --dry-run stops there.

    A filled team workbook (.xlsx) replaces its scenario of that team's budget, based on the
    version it was pulled from; a company AOP workbook replaces the plan definition. A push
    based on a version older than a part's last change is refused with the name of who
    changed it, when and in which version; invalid facts or cells are refused with every
    problem; either way nothing is stored.
    """
    if facts_file is not None and facts_file.suffix.lower() == ".xlsx":
        if plan_file or clear or replace_team:
            raise UsageError(
                "push a workbook on its own, without --plan-file, --clear or --replace-team "
                "(a team workbook replaces its own scenario of its team)"
            )
        from planbook.cli.workbook_push import WorkbookPush  # the excel extra: when used

        how = WorkbookPush(
            plan=plan,
            base=base,
            message=message,
            headcount=headcount.value if headcount else None,
            hints=CLI_HINTS,
        )
        with backend(db=db, server=server, token=token, create=True, author=author) as store:
            _push_workbook(store, facts_file, how, dry_run=dry_run)
        return
    if headcount:
        raise UsageError("--headcount applies to a team workbook (.xlsx) only")
    company = load_plan(plan_file) if plan_file else None
    with console.status("Reading facts..."):
        facts = read_facts(facts_file) if facts_file else None
    if facts is None and company is None and not clear:
        raise UsageError("give a facts file, --plan-file or --clear; there is nothing to push")
    with backend(db=db, server=server, token=token, create=True, author=author) as store:
        plan_id = company.id if company else resolve_plan(store, plan)
        number = None if base is None else store.resolve(plan_id, base)
        request = PushRequest(
            plan_id,
            base=number,
            message=message,
            company=company,
            facts=facts,
            clear=tuple(c if c == "actuals" else team_part(c) for c in clear or []),
            source=facts_file.name if facts_file else "facts",
            replace_team=replace_team,
        )
        _send(store, request, dry_run=dry_run)


def _push_workbook(store: StoreAPI, path: Path, how: WorkbookPush, *, dry_run: bool) -> None:
    """Read a workbook (every problem names its cell) and push what it holds."""
    from planbook.cli.workbook_push import workbook_request

    with console.status(f"Reading {path.name}..."):
        request = workbook_request(store, path, how)
    if request is None:
        return
    try:
        _send(store, request, dry_run=dry_run)
    except Conflict as exc:
        from planbook.cli.workbook_push import already_pushed

        version = already_pushed(store, request, exc)
        if version is None:
            raise
        console.print(
            f"Nothing to push: version {version} already holds exactly what {path.name} "
            f"pushes (the file still records version {request.base}; push later edits with "
            f"--base {version})."
        )
    except PlanValidationError as exc:
        hint = Problem(
            (),
            f"{path.name} was read with the plan of version {request.base}, but the plan "
            "these lines land in no longer takes them (finance changed it since): pull a "
            "fresh workbook with planbook pull --out and copy your numbers into it",
        )
        raise PlanValidationError([*exc.problems, hint], subject=exc.subject) from None


def _send(store: StoreAPI, request: PushRequest, *, dry_run: bool) -> None:
    """Show what the push replaces, then push (unless a dry run) and say what happened."""
    from planbook.cli.push_preview import show_effect  # reads the store: the service extra

    show_effect(store, request)
    if dry_run:
        console.print("Dry run: nothing was stored.")
        return
    plan_id = request.plan_id
    with console.status(f"Pushing to plan {plan_id}..."):
        version, created = store.push(request)
    if not created:
        console.print(f"Nothing changed: plan {plan_id} stays at version {version.number}.")
        return
    console.print(
        f"[green]Pushed[/] version {version.number} of plan {plan_id} "
        f"(changed {', '.join(version.changed)}; hash {version.hash[:12]})."
    )
