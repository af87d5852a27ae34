"""The hidden metadata sheet every Planbook workbook carries.

It records what the workbook is (``kind``), the template version that made it, the plan, the
team and scenario, and the store version the numbers were based on, so the reader can tell a
stale, foreign or edited workbook from a good one. A checksum over the other fields catches
hand edits (it protects against accidents, not against someone set on forging a workbook).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, fields

from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.workbook import Workbook

from planbook.errors import PlanbookError

SHEET = "_planbook"
TEMPLATE_VERSION = "1"
TEAM_KIND = "team-budget"
COMPANY_KIND = "company-aop"
READONLY_FILL = PatternFill("solid", fgColor="EDEDED")
SECTION_FONT = Font(name="Calibri", size=11, bold=True, color="1F3864")


@dataclass(frozen=True)
class Metadata:
    """What the hidden sheet says; every field is text (``base_version`` may be empty)."""

    kind: str
    template_version: str
    plan: str
    plan_name: str
    layout: str
    base_version: str = ""
    team: str = ""
    scenario: str = ""

    def checksum(self) -> str:
        """A short hash of every field, in field order."""
        text = "\n".join(f"{k}={v}" for k, v in asdict(self).items())
        return hashlib.sha256(text.encode()).hexdigest()[:16]


FIELDS = tuple(f.name for f in fields(Metadata))


def check_version(version: str) -> str:
    """A store version number as text, or "" for none; anything else is a clear error."""
    if version and not version.isdigit():
        raise PlanbookError(f"version {version!r} is not a version number; give one such as 3")
    return version


def layout_hash(*parts: object) -> str:
    """A short hash of what decides a template's layout (calendar, accounts, rows, ...)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def write_metadata(wb: Workbook, meta: Metadata) -> None:
    """Add the very hidden metadata sheet: one ``key | value`` row a field, then the checksum."""
    ws = wb.create_sheet(SHEET)
    ws["A1"] = "Planbook metadata: do not edit. The reader checks every value below."
    ws["A1"].font = SECTION_FONT
    rows = [*asdict(meta).items(), ("checksum", meta.checksum())]
    for i, (key, value) in enumerate(rows, start=2):
        ws.cell(row=i, column=1, value=key).fill = READONLY_FILL
        cell = ws.cell(row=i, column=2, value=value)
        cell.number_format = "@"
        cell.fill = READONLY_FILL
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40
    ws.protection.sheet = True
    ws.sheet_state = "veryHidden"
