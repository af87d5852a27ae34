"""``planbook demo``: build the demo SaaS company and show what it plans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.common import console, money, user_errors
from planbook.consolidate import request_vs_envelope
from planbook.demo import Demo, build_demo
from planbook.facts import write_facts
from planbook.planfile import dump_plan


@user_errors
def demo(
    out: Annotated[Path, typer.Option(help="Folder to write the plan and its facts to.")] = Path(
        "planbook-demo"
    ),
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
) -> None:
    """Build the demo SaaS company (Cirrus Analytics) and write it to a folder.

    Writes the plan definition (plan.yaml), every team's budget lines and six months of
    actuals (facts.parquet or facts.csv) and the headcount plan (positions.csv), then prints
    each department's budget request against its envelope.
    """
    if facts_format not in ("parquet", "csv"):
        raise ValueError(f"--format must be parquet or csv, not {facts_format!r}")
    with console.status("Building the demo company..."):
        company = build_demo(
            seed=seed,
            teams=teams,
            accounts=accounts,
            months=months,
            start=start,
            actual_months=actual_months,
        )
    out.mkdir(parents=True, exist_ok=True)
    with console.status(f"Writing {len(company.facts):,} facts to {out}..."):
        dump_plan(company.plan, out / "plan.yaml")
        write_facts(company.facts, out / f"facts.{facts_format}")
        company.positions.to_csv(out / "positions.csv", index=False)
    _summary(company, out, facts_format)


def _summary(company: Demo, out: Path, facts_format: str) -> None:
    plan, facts = company.plan, company.facts
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
    for row in rows.itertuples(index=False):
        remaining = money(row.remaining)
        style = "red" if row.remaining < 0 else "green"
        table.add_row(
            str(row.name),
            str(len(plan.teams_of(str(row.department)))),
            money(row.request),
            money(row.envelope),
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
    console.print(
        f"Wrote {out / 'plan.yaml'}, {out / f'facts.{facts_format}'} and "
        f"{out / 'positions.csv'}.\nNext: open plan.yaml to see the set-up, or check it with "
        f"[bold]planbook validate {out / 'plan.yaml'} {out / f'facts.{facts_format}'}[/]."
    )
