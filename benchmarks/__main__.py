"""``python -m benchmarks``: every benchmark group, one table.

Options: ``--repeat N`` (default 3), ``--only GROUP`` (facts, roll-ups, workbooks,
functions, diff, engine, reports, store, pulls, service or addin), ``--small`` (a 60-team,
40-account, 12-month plan instead of company scale, to try the runner quickly) and
``--interleaved`` (each subject run followed by a baseline run; the ratio is the median of
the runs' ratios, shown with their range: steadier on a shared machine). The store
group prints its own table of pulls, pushes and storage growth (see docs/store-benchmarks.md);
pulls (over HTTP) and service (memory under large bodies) print theirs.
"""

from __future__ import annotations

import argparse
import itertools

from rich.console import Console

from benchmarks import (
    addin_web,
    diff,
    engine,
    facts,
    functions,
    pulls,
    reports,
    service,
    store,
    workbooks,
)
from benchmarks.runner import run

GROUPS = {
    "facts": facts.cases,
    "roll-ups": facts.rollup_cases,
    "workbooks": workbooks.cases,
    "functions": functions.cases,
    "diff": diff.cases,
    "engine": engine.cases,
    "reports": reports.cases,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=sorted([*GROUPS, "store", "pulls", "service", "addin"]))
    parser.add_argument("--small", action="store_true")
    parser.add_argument(
        "--interleaved",
        action="store_true",
        help="time each subject run and a baseline run back to back; ratio: their median",
    )
    args = parser.parse_args()
    size: dict[str, int] = dict(teams=60, accounts=40, months=12) if args.small else {}
    console = Console(width=200)
    if args.only == "addin":  # the Office.js add-in end to end (Chromium, HTTPS)
        console.print(addin_web.run(**size, repeat=args.repeat), markup=False)
        return
    if args.only not in ("store", "pulls", "service"):
        chosen = [GROUPS[args.only]] if args.only else list(GROUPS.values())
        cases = itertools.chain.from_iterable(group(**size) for group in chosen)
        run(cases, repeat=args.repeat, console=console, interleaved=args.interleaved)
    if args.only in (None, "store"):  # the store's own table: pulls, pushes, growth
        console.print("[dim]store: pull, push and growth ...[/]")
        rows = store.run(lambda row: None, **size)
        console.print(store.markdown(rows), markup=False)
    if args.only in (None, "pulls"):  # over HTTP from a real uvicorn vs a Parquet file
        console.print("[dim]pulls: over HTTP ...[/]")
        console.print(pulls.report(pulls.run(**size)), markup=False)
    if args.only in (None, "service"):  # a real uvicorn under floods of 100 MB bodies
        console.print("[dim]service: memory under large bodies ...[/]")
        console.print(service.markdown(service.run()), markup=False)


if __name__ == "__main__":
    main()
