"""``planbook pull``: write a version's facts (filtered) to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import console, user_errors
from cli.connect import DbOption, PlanOption, ServerOption, TokenOption, backend
from planbook.facts import facts_from_arrow, write_facts
from planbook.planfile import dump_plan
from server.formats import facts_to_columns
from server.store import FactFilter


@user_errors
def pull(
    out: Annotated[Path, typer.Argument(help="File to write: .csv, .parquet or .json.")],
    version: Annotated[
        str, typer.Option("--version", "-v", help="Version number, tag or latest.")
    ] = "latest",
    scenario: Annotated[
        list[str] | None, typer.Option("--scenario", help="Only this scenario (repeatable).")
    ] = None,
    team: Annotated[
        list[str] | None, typer.Option("--team", help="Only this team (repeatable).")
    ] = None,
    account: Annotated[
        list[str] | None, typer.Option("--account", help="Only this account (repeatable).")
    ] = None,
    period: Annotated[
        list[str] | None, typer.Option("--period", help="Only this month YYYY-MM (repeatable).")
    ] = None,
    plan_file: Annotated[
        Path | None,
        typer.Option("--plan-file", help="Also write the version's plan definition (YAML)."),
    ] = None,
    plan: PlanOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
) -> None:
    """Write a version's facts to a file, filtered by scenario, team, account and month.

    Prints the version number: push your changes with ``--base`` set to it.
    """
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in ("csv", "parquet", "json"):
        raise ValueError(f"{out}: write facts as .csv, .parquet or .json, not {out.suffix!r}")
    wanted = FactFilter(
        scenarios=scenario or [], teams=team or [], accounts=account or [], periods=period or []
    )
    with backend(db=db, server=server, token=token) as store:
        plan_id = plan or store.only_plan()
        with console.status(f"Pulling {version} of plan {plan_id}..."):
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
