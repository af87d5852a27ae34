"""``planbook push FILE.xlsx``: a filled team budget or company AOP workbook as a new version.

The reading and the request are :mod:`addin.workbook_push` (the Push button uses the same);
this module opens the file and says what it read. The base version is the workbook's own
(recorded when it was pulled), unless ``--base`` names another.
"""

from __future__ import annotations

from pathlib import Path

from addin.metadata import TEAM_KIND
from addin.reader.workbook import open_workbook, sheets_kind
from addin.workbook_push import WorkbookPush, company_request, team_request
from planbook.cli.common import console
from planbook.cli.workbooks import print_warnings
from planbook.facts import empty_facts
from planbook.positions import empty_positions
from server.store import COMPANY, Conflict, PushRequest, StoreAPI
from server.store.parts import (
    company_blob,
    facts_blob,
    is_positions_part,
    positions_blob,
    positions_part,
    split_facts,
)

__all__ = ["WorkbookPush", "already_pushed", "workbook_request"]


def workbook_request(store: StoreAPI, path: Path, how: WorkbookPush) -> PushRequest | None:
    """The push request a filled workbook makes (raises with every problem, storing nothing);
    None for a company workbook that holds its base version's plan unchanged."""
    wb = open_workbook(path)
    try:
        if sheets_kind(wb) == TEAM_KIND:
            request, book = team_request(store, wb, how)
            console.print(
                f"{book.team}'s {book.scenario} budget: {len(book.facts):,} facts, "
                f"{len(book.positions)} positions."
            )
            print_warnings(book.warnings)
            return request
        company, base = company_request(store, wb, how)
    finally:
        wb.close()
    if company is None:
        console.print(f"Nothing changed: {path.name} holds the plan of version {base}.")
    return company


def already_pushed(store: StoreAPI, request: PushRequest, conflict: Conflict) -> int | None:
    """The version that already holds exactly what a workbook push writes, when its 409
    says only that those parts changed since the workbook's base (the workbook's own earlier
    push: the file still records the version it was pulled from); None otherwise."""
    if any(d.reason != "changed" for d in conflict.details):
        return None
    empty = {True: positions_blob(empty_positions()).hash, False: facts_blob(empty_facts()).hash}
    written = {p: empty[is_positions_part(p)] for p in request.clear}
    if request.company is not None:
        written[COMPANY] = company_blob(request.company).hash
    if request.facts is not None and len(request.facts):
        plan = store.plan(request.plan_id, request.base or "latest")
        parts = split_facts(plan, request.facts)
        written |= {p: facts_blob(f).hash for p, f in parts.items()}
    if request.positions is not None:
        for team, rows in request.positions.groupby(request.positions["team"].astype(str)):
            written[positions_part(str(team))] = positions_blob(rows).hash
    head = store.version(request.plan_id, "latest")
    stored = {p.part: p.hash for p in head.parts}
    if all(stored.get(part) == digest for part, digest in written.items()):
        return max(d.version for d in conflict.details)
    return None
