"""``planbook diff A B``: what changed between two versions or tags, by how much, and who
changed it."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

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
    backend,
    listed,
    resolve_plan,
)
from planbook.diff import DiffScope
from planbook.errors import UsageError


def _threshold(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise UsageError(
            f"--threshold {text!r} is not a number; give an amount like 1000"
        ) from None
    if not value.is_finite() or value < 0:
        raise UsageError(f"--threshold {text!r} must be a number of 0 or more")
    return value


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise UsageError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


@user_errors
def diff(
    a: Annotated[str, typer.Argument(help="The old version: a number, a tag or latest.")],
    b: Annotated[str, typer.Argument(help="The new version: a number, a tag or latest.")],
    scenario: ScenarioFilter = None,
    team: TeamFilter = None,
    department: Annotated[
        list[str] | None, typer.Option("--department", help="Only these departments' teams.")
    ] = None,
    account: AccountFilter = None,
    period: PeriodFilter = None,
    threshold: Annotated[
        str, typer.Option(help="Hide changed lines whose delta is smaller than this.")
    ] = "0",
    by: Annotated[str, typer.Option(help="Roll the change up by team or department.")] = (
        "department"
    ),
    bridge_by: Annotated[
        str,
        typer.Option(help="Bridge steps: department, team, account, pnl_line, or none."),
    ] = "department",
    lines: Annotated[
        int, typer.Option(min=0, help="Changed lines shown in the table, largest first.")
    ] = 30,
    output: Annotated[str, typer.Option("--format", help="table, json, csv or xlsx.")] = "table",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="The workbook --format xlsx writes.")
    ] = None,
    plan: PlanOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Compare two versions or tags: changed, added and removed lines with old, new, delta
    and %; the change by team or department; a bridge from A's operating income to B's;
    plan definition changes; and who changed what in between.

    Only the parts whose content differs are read. `--format json` gives the whole report,
    `--format csv` every changed line, `--format xlsx --out FILE` the Excel report (summary
    with a bridge chart, changed lines, by team, definitions, who changed what).
    """
    from planbook.diff import PCT_COLUMNS
    from server.diffreport import BRIDGE_BY, diff_report, line_records
    from server.store.compare import diff_versions

    _choice("--format", output, ("table", "json", "csv", "xlsx"))
    if (output == "xlsx") != (out is not None):
        raise UsageError("--out FILE goes with --format xlsx (and --format xlsx needs --out)")
    _choice("--by", by, ("team", "department"))
    _choice("--bridge-by", bridge_by, (*BRIDGE_BY, "none"))
    scope = DiffScope(
        scenarios=tuple(listed(scenario)),
        teams=tuple(listed(team)),
        departments=tuple(listed(department)),
        accounts=tuple(listed(account)),
        periods=tuple(listed(period)),
        threshold=_threshold(threshold),
    )
    with backend(db=db, server=server, token=token) as store:
        plan_id = resolve_plan(store, plan)
        found = diff_versions(store, plan_id=plan_id, a=a, b=b, scope=scope)
        if out is not None:
            from addin.templates.diff_report import diff_workbook

            scenario_id = scope.scenarios[0] if scope.scenarios else "base"
            written = diff_workbook(store, found, out, scenario=scenario_id)
            console.print(f"Wrote the diff report to {written}")
            return
        if output == "csv":
            import pandas as pd

            records = line_records(found.facts.changes)
            table = pd.DataFrame(records, columns=list(PCT_COLUMNS))
            typer.echo(table.to_csv(index=False), nl=False)
            return
        report = diff_report(
            store,
            found,
            bridge_by=None if bridge_by == "none" else bridge_by,
            limit=None if output == "json" else lines,
            largest_first=output == "table",
        )
    if output == "json":
        typer.echo(json.dumps(report, indent=2))
        return
    from planbook.cli.diff_view import print_report

    print_report(console, report, by=by)
