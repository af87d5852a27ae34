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
from server.store import PushRequest, StoreAPI

__all__ = ["WorkbookPush", "workbook_request"]


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
