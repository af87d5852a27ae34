"""``planbook actuals import``: a general-ledger export into the actuals, through a mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from planbook.actuals import LedgerImport, map_ledger, merge_actuals
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
from planbook.errors import PlanFileError, UsageError
from planbook.ledger import LedgerColumns, LedgerRow, file_sha256, load_mapping, rows_from_cells
from planbook.ledger import read_ledger_csv as _read_csv

app = typer.Typer(
    name="actuals",
    help="Actuals from the books: import a general-ledger export through a mapping.",
    no_args_is_help=True,
)


@app.command("import")
@user_errors
def import_ledger(
    file: Annotated[Path, typer.Argument(help="The GL export: .csv or .xlsx.")],
    mapping: Annotated[
        Path, typer.Option("--mapping", help="The GL mapping file (YAML, docs/actuals.md).")
    ],
    allow_unmapped: Annotated[
        bool,
        typer.Option(
            "--allow-unmapped",
            help="Book postings with unmapped codes to the mapping's suspense account.",
        ),
    ] = False,
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="Version message (default: file).")
    ] = None,
    plan: PlanOption = None,
    db: DbOption = "planbook.db",
    server: ServerOption = None,
    token: TokenOption = None,
    author: AuthorOption = None,
) -> None:
    """Import a general-ledger export (CSV or XLSX: date or period, GL account, cost
    centre, amount, memo) into the actuals through a mapping of GL codes to accounts and
    cost centres to teams.

    The months in the file replace those months of the mapped accounts, and nothing else:
    importing the same file twice changes nothing. Codes the mapping does not know are
    listed with their rows and totals, and nothing is stored, unless --allow-unmapped books
    them to the suspense account. Every import is a version whose message names the file
    and its SHA-256.
    """
    rules = load_mapping(mapping)
    rows = read_ledger(file, rules.columns)
    if not rows:
        raise UsageError(f"{file.name} has no postings; nothing to import")
    digest = file_sha256(file)
    from server.store import FactFilter  # the store: imported when used

    with backend(db=db, server=server, token=token, author=author) as store:
        plan_id = resolve_plan(store, plan)
        head = store.version(plan_id)
        definition = store.plan(plan_id, head.number)
        found = map_ledger(definition, rows, rules, source=file.name, allow_unmapped=allow_unmapped)
        current = store.facts(plan_id, head.number, FactFilter(scenarios=[found.scenario]))
        merged = merge_actuals(current, found)
        from server.store import PushRequest

        text = message or f"Actuals import {file.name} ({', '.join(found.months)})"
        version, changed = store.push(
            PushRequest(
                plan_id,
                base=head.number,
                message=f"{text}; sha256 {digest}",
                facts=merged,
                company=found.plan if found.plan != definition else None,
            )
        )
    _report(found, file, suspense=rules.suspense.account if rules.suspense else "")
    if changed:
        console.print(f"Stored version {version.number}: {version.message}")
    else:
        console.print(
            f"Nothing changed: version {version.number} already holds these actuals "
            f"(sha256 {digest[:12]})."
        )


def read_ledger(path: Path, columns: LedgerColumns) -> list[LedgerRow]:
    """The postings of a .csv or .xlsx export (the first sheet of a workbook)."""
    if not path.is_file():
        raise PlanFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, columns)
    if suffix in (".xlsx", ".xlsm"):
        from addin.reader.workbook import open_workbook  # the excel extra: imported when used

        book = open_workbook(path)
        try:
            sheet = book.sheet_names[0]
            cells = book.rows(sheet)
        finally:
            book.close()
        return rows_from_cells(f"{path.name}!{sheet}", cells, columns)
    raise UsageError(f"{path.name}: a GL export must be a .csv or .xlsx file, not {suffix!r}")


def _report(found: LedgerImport, file: Path, *, suspense: str) -> None:
    console.print(
        f"{file.name}: {found.rows:,} postings, total {found.total:,.2f}, into "
        f"{len(found.facts):,} actuals for {', '.join(found.months)}."
    )
    if found.suspense:
        table = Table(title=f"Booked to the suspense account {suspense}")
        for column in ("kind", "code", "rows", "total"):
            table.add_column(column, justify="right" if column in ("rows", "total") else "left")
        for u in found.suspense:
            table.add_row(u.kind, u.code, str(len(u.rows)), f"{u.total:,.2f}")
        console.print(table)
