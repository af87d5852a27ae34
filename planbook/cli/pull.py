"""``planbook pull``: write a version's facts (filtered) to a file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from planbook.cli.common import console, user_errors
from planbook.cli.connect import (
    AccountFilter,
    DbOption,
    PeriodFilter,
    PlanOption,
    ScenarioFilter,
    ServerOption,
    TeamFilter,
    TokenOption,
    VersionOption,
    backend,
    listed,
    resolve_plan,
)
from planbook.cli.sources import check_names
from planbook.cli.workbooks import CLI_HINTS, print_warnings
from planbook.errors import UsageError
from planbook.factfiles import write_facts
from planbook.facts import facts_from_arrow
from planbook.planfile import dump_plan
from server.formats import facts_to_columns
from server.store import FactFilter

if TYPE_CHECKING:
    from addin.workbook_pull import WorkbookPull


@user_errors
def pull(
    out: Annotated[
        Path | None,
        typer.Argument(help="File to write: .csv, .parquet, .json or .xlsx (a workbook)."),
    ] = None,
    out_option: Annotated[Path | None, typer.Option("--out", "-o", help="The same as OUT.")] = None,
    version: VersionOption = "latest",
    scenario: ScenarioFilter = None,
    team: TeamFilter = None,
    account: AccountFilter = None,
    period: PeriodFilter = None,
    plan_file: Annotated[
        Path | None,
        typer.Option("--plan-file", help="Also write the version's plan definition (YAML)."),
    ] = None,
    positions: Annotated[
        Path | None,
        typer.Option(
            "--positions", help="Positions CSV to pre-fill a team workbook's Headcount sheet."
        ),
    ] = None,
    plan: PlanOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Write a version's facts to a file, filtered by scenario, team, account and month.

    Prints the version number: push your changes with ``--base`` set to it. To an .xlsx
    file it writes one team's budget workbook (--team, --scenario), pre-filled and
    recording the version, or without --team the company AOP workbook.
    """
    out = _target(out, out_option)
    suffix = out.suffix.lower().lstrip(".")
    if suffix == "xlsx":
        if plan_file:
            raise UsageError("--plan-file goes with a facts file; a workbook holds the plan")
        from addin.workbook_pull import pull_workbook  # the excel extra: imported when used

        what = _workbook_pull(version, listed(scenario), listed(team), account, period, positions)
        with backend(db=db, server=server, token=token) as store:
            what = replace(what, plan_id=resolve_plan(store, plan))
            with console.status(f"Pulling {version} of plan {what.plan_id}..."):
                pulled = pull_workbook(store, out, what)
        back = f" Push it back with planbook push {out.name}." if pulled.team else ""
        console.print(pulled.sentence + back)
        print_warnings(pulled.warnings)
        return
    if suffix not in ("csv", "parquet", "json"):
        raise UsageError(
            f"{out}: write facts as .csv, .parquet or .json, or a workbook as .xlsx, "
            f"not {out.suffix!r}"
        )
    if positions:
        raise UsageError("--positions pre-fills a workbook; write to a .xlsx file")
    wanted = FactFilter(
        scenarios=listed(scenario),
        teams=listed(team),
        accounts=listed(account),
        periods=listed(period),
    )
    with backend(db=db, server=server, token=token) as store:
        plan_id = resolve_plan(store, plan)
        with console.status(f"Pulling {version} of plan {plan_id}..."):
            definition = store.plan(plan_id, store.version(plan_id, version).number)
            names = {"scenario": wanted.scenarios, "team": wanted.teams}
            check_names(definition, {k: list(v) for k, v in names.items()}, subject="pull")
            number, table = store.facts_table(plan_id, version, wanted)
            info = store.version(plan_id, number)
            if plan_file:
                dump_plan(store.plan(plan_id, number), plan_file)
    if suffix == "json":
        import json

        payload = {"version": number, "hash": info.hash, "facts": facts_to_columns(table)}
        out.write_text(json.dumps(payload), encoding="utf-8")
    else:
        write_facts(facts_from_arrow(table), out)
    console.print(
        f"Wrote {table.num_rows:,} facts of version {number} of plan {plan_id} "
        f"(hash {info.hash[:12]}) to {out}."
    )


def _target(out: Path | None, out_option: Path | None) -> Path:
    if out and out_option and out != out_option:
        raise UsageError(f"give the file once: OUT is {out} but --out is {out_option}")
    target = out or out_option
    if target is None:
        raise UsageError("say where to write: planbook pull FILE or planbook pull --out FILE")
    return target


def _workbook_pull(
    version: str,
    scenario: list[str] | None,
    team: list[str] | None,
    account: list[str] | None,
    period: list[str] | None,
    positions: Path | None,
) -> WorkbookPull:
    """What a workbook pull writes; a workbook holds whole budgets, so no other filters."""
    if account or period:
        raise UsageError(
            "a workbook holds a team's whole budget; --account and --period apply only to "
            "facts files"
        )
    if len(team or []) > 1 or len(scenario or []) > 1:
        raise UsageError("a budget workbook is for one team and one scenario; give each once")
    if positions and not team:
        raise UsageError("--positions pre-fills a team's budget; name the team with --team")
    from addin.workbook_pull import WorkbookPull

    return WorkbookPull(
        plan_id="",
        ref=version,
        team=team[0] if team else None,
        scenario=scenario[0] if scenario else "base",
        positions=positions,
        hints=CLI_HINTS,
    )
