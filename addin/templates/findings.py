"""The team's alignment findings on its Summary sheet, below the request and envelope (plain
text the reader ignores: the findings are the core's, :mod:`planbook.align`)."""

from __future__ import annotations

from openpyxl.workbook.workbook import Workbook

from addin.templates import style
from addin.templates.layout import SUMMARY
from planbook.align import Finding

__all__ = ["FINDINGS_TITLE", "summary_findings"]

FINDINGS_TITLE = "Alignment findings"


def summary_findings(wb: Workbook, findings: list[Finding], *, version: str) -> None:
    """Write ``findings`` (the team's and its department's) under the Summary's table:
    rule, severity and period, and the sentence; a line saying there are none otherwise."""
    ws = wb[SUMMARY]
    row = ws.max_row + 2
    ws.cell(
        row=row, column=1, value=f"{FINDINGS_TITLE} (version {version})"
    ).font = style.SECTION_FONT
    if not findings:
        style.readonly_cell(ws, row + 1, 1, "No findings: the plan lines up.")
        return
    style.header(ws, row + 1, ["Rule", "Severity, period", "Finding"])
    for i, finding in enumerate(findings, start=row + 2):
        where = ", ".join(x for x in (finding.severity, finding.team or "", finding.period) if x)
        style.readonly_cell(ws, i, 1, finding.rule)
        style.readonly_cell(ws, i, 2, where)
        style.readonly_cell(ws, i, 3, finding.sentence)
