"""``planbook demo``: build the demo SaaS company, load it into the store as a realistic
history of versions, and show what it plans."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from planbook.cli.common import console, money, user_errors
from planbook.cli.connect import DEFAULT_DB, DbOption, backend
from planbook.consolidate import request_vs_envelope
from planbook.demo import Demo, build_demo
from planbook.errors import UsageError
from planbook.extras import require
from planbook.factfiles import write_facts
from planbook.model import Plan
from planbook.planfile import dump_plan
from server.store import VersionInfo


@user_errors
def demo(
    out: Annotated[
        Path | None, typer.Option(help="Also write the plan and its facts to this folder.")
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same company.")
    ] = 7,
    teams: Annotated[
        int, typer.Option(min=12, help="Number of teams (12 named, more generated).")
    ] = 12,
    accounts: Annotated[
        int, typer.Option(min=40, help="Number of accounts (40 named, more generated).")
    ] = 40,
    months: Annotated[
        int, typer.Option(min=12, max=36, help="Months in the plan (12 to 36).")
    ] = 12,
    start: Annotated[
        str, typer.Option(help="First month of the fiscal year, YYYY-MM.")
    ] = "2026-02",
    actual_months: Annotated[int, typer.Option(min=0, help="Months with actuals.")] = 6,
    facts_format: Annotated[
        str, typer.Option("--format", help="Facts file format: parquet or csv.")
    ] = "parquet",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Build the demo SaaS company (Cirrus Analytics) and load it into the store.

    The store gets a realistic history: finance's set-up, each team's first draft and
    submission (tag ``first-drafts``), two budgets returned and revised, an envelope raised
    for a new position, approval, a ``board-approved`` tag and six months of actuals.
    Then prints each department's budget request against its envelope.
    With ``--out``, also writes plan.yaml, the facts and positions.csv to a folder.
    """
    require("service")  # the demo loads into the store: say so before building it
    if facts_format not in ("parquet", "csv"):
        raise UsageError(f"--format must be parquet or csv, not {facts_format!r}")
    with console.status("Building the demo company..."):
        company = build_demo(
            seed=seed,
            teams=teams,
            accounts=accounts,
            months=months,
            start=start,
            actual_months=actual_months,
        )
    loaded = _load(company, db)
    if loaded is None:
        return
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        with console.status(f"Writing {len(company.facts):,} facts to {out}..."):
            dump_plan(company.plan, out / "plan.yaml")
            write_facts(company.facts, out / f"facts.{facts_format}")
            company.positions.to_csv(out / "positions.csv", index=False)
            _write_books(company, out)
    _summary(company.plan, company.facts)
    _next_steps(company, db, loaded.number, out, facts_format)


def _load(company: Demo, db: str) -> VersionInfo | None:
    """Load the demo as a history of versions; if the store already holds it, show what it
    holds instead (running the README's first command twice is not an error)."""
    with backend(db=db, server=None, token=None, create=True) as store:
        plan_id = company.plan.id
        if plan_id in store.plans():
            head = store.log(plan_id, limit=1)[0]
            console.print(
                f"{db} already holds the demo company ({plan_id}, latest version "
                f"{head.number}); showing that version. For a fresh one, remove {db} or "
                "use --db with another file."
            )
            _summary(store.plan(plan_id), store.facts(plan_id))
            return None
        from server.demo import load_demo
        from server.store.store import Store

        assert isinstance(store, Store)  # --db only: the demo acts as many people
        with console.status("Loading the demo company into the store...") as spinner:
            return load_demo(
                store, company, lambda step: spinner.update(f"Loading the demo: {step}...")
            )


def _write_books(company: Demo, out: Path) -> None:
    """The sample GL export of the next month to close and its mapping (docs/actuals.md)."""
    from planbook.demo.actuals import sample_export, sample_mapping

    (out / "gl-mapping.yaml").write_text(sample_mapping(company.plan), encoding="utf-8")
    with contextlib.suppress(UsageError):  # every month has actuals: none left to close
        (out / "gl-export.csv").write_text(sample_export(company), encoding="utf-8")


def _summary(plan: Plan, facts: pd.DataFrame) -> None:
    console.print(
        f"[bold]{plan.name}[/]: {len(plan.departments)} departments, {len(plan.teams)} teams, "
        f"{len(plan.accounts)} accounts, {plan.months} months from {plan.start}, "
        f"{len(facts):,} facts in {facts['scenario'].nunique()} scenarios"
    )
    table = Table(title=f"Base plan: cost request vs envelope ({plan.currency}, whole plan)")
    table.add_column("Department")
    table.add_column("Teams", justify="right")
    table.add_column("Request", justify="right")
    table.add_column("Envelope", justify="right")
    table.add_column("Remaining", justify="right")
    rows = request_vs_envelope(plan, facts, scenario="base")
    for row in rows.to_dict("records"):
        remaining = money(row["remaining"])
        style = "red" if row["remaining"] < 0 else "green"
        table.add_row(
            str(row["name"]),
            str(len(plan.teams_of(str(row["department"])))),
            money(row["request"]),
            money(row["envelope"]),
            f"[{style}]{remaining}[/]",
        )
    total = rows[["request", "envelope", "remaining"]].sum()
    table.add_row(
        "[bold]Company[/]",
        str(len(plan.teams)),
        money(total["request"]),
        money(total["envelope"]),
        money(total["remaining"]),
        end_section=True,
    )
    console.print(table)


def _next_steps(company: Demo, db: str, last: int, out: Path | None, facts_format: str) -> None:
    console.print(
        f"Loaded plan {company.plan.id} into {db} as {last} versions "
        "(tag board-approved pins the approved budget)."
    )
    if out is not None:
        console.print(
            f"Wrote {out / 'plan.yaml'}, {out / f'facts.{facts_format}'}, "
            f"{out / 'positions.csv'} and a sample GL export of the next month to close with "
            f"its mapping: planbook actuals import {out / 'gl-export.csv'} --mapping "
            f"{out / 'gl-mapping.yaml'}"
        )
    console.print(
        "Next: [bold]planbook log[/], [bold]planbook status[/], [bold]planbook tag[/], or "
        "[bold]planbook pull budget.csv --team sales-na --version board-approved[/]."
    )
