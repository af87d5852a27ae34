"""Opening a workbook for reading: the safety checks, python-calamine, and the metadata sheet.

The readers work on :class:`Sheets`: a saved file (:class:`OpenWorkbook`, values and the
formulas of its sheet XML) or an open book (:class:`addin.reader.book.BookSheets`, values only,
what a button sees in Excel). A workbook whose metadata is missing, edited, of another kind,
template version or plan is refused as a whole with one clear message: nothing else in it can
be trusted.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from openpyxl.utils.cell import column_index_from_string
from python_calamine import CalamineError, CalamineWorkbook

from addin.metadata import FIELDS, SHEET, TEMPLATE_VERSION, Metadata
from addin.reader.cells import Rows, address, cell, text
from addin.reader.formulas import sheet_formulas, sheet_paths
from addin.reader.safety import WorkbookFileError, check_workbook_file
from planbook.errors import PlanValidationError, Problem

_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)$")
KINDS = {"team-budget": "team budget template", "company-aop": "company AOP workbook"}


class Sheets(Protocol):
    """What the readers need of a workbook: its sheet names and each sheet's values from A1,
    and its formulas where they are known (a saved file; not an open book's values)."""

    @property
    def name(self) -> str:
        """The workbook's name, as messages quote it."""
        ...

    @property
    def sheet_names(self) -> list[str]: ...

    @property
    def formulas_known(self) -> bool:
        """Whether :meth:`formulas` says which cells hold formulas (else it is empty)."""
        ...

    def rows(self, sheet: str) -> Rows: ...

    def formulas(self, sheet: str) -> dict[str, str]: ...


@dataclass
class OpenWorkbook:
    """A checked workbook: its values (python-calamine) and, on demand, its formulas."""

    path: Path
    book: Any
    parts: dict[str, str]
    zf: zipfile.ZipFile
    _formulas: dict[str, dict[str, str]] = field(default_factory=dict)
    formulas_known: bool = True

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def sheet_names(self) -> list[str]:
        return list(self.parts)

    def rows(self, sheet: str) -> Rows:
        """Every value of a sheet from A1 (cached values for formula cells, or "")."""
        try:
            return list(self.book.get_sheet_by_name(sheet).to_python(skip_empty_area=False))
        except (CalamineError, ValueError) as exc:
            raise WorkbookFileError(
                f"{self.path.name}: the sheet {sheet!r} cannot be read ({exc}); save the "
                "workbook again from Excel or download a fresh template"
            ) from None

    def formulas(self, sheet: str) -> dict[str, str]:
        """Cell reference -> formula of every formula cell of a sheet."""
        if sheet not in self._formulas:
            self._formulas[sheet] = sheet_formulas(self.zf, self.parts[sheet])
        return self._formulas[sheet]

    def close(self) -> None:
        self.zf.close()
        self.book.close()


def open_workbook(path: str | Path) -> OpenWorkbook:
    """Check ``path`` (see :mod:`addin.reader.safety`) and open it for reading."""
    path = Path(path)
    check_workbook_file(path)
    try:
        zf = zipfile.ZipFile(path)
        parts = sheet_paths(zf)
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, zipfile.BadZipFile, KeyError, SyntaxError, ValueError) as exc:
        raise WorkbookFileError(
            f"{path.name}: the workbook cannot be read ({exc}); save it again from Excel or "
            "download a fresh template"
        ) from None
    return OpenWorkbook(path, book, parts, zf)


def read_metadata(wb: Sheets, *, kind: str, plan_id: str | None) -> Metadata:
    """The workbook's metadata, checked: present, unedited, this kind, version and plan."""
    name = wb.name
    if SHEET not in wb.sheet_names:
        raise _refuse(
            name,
            "the workbook has no Planbook metadata sheet; it is not a Planbook "
            f"{KINDS[kind]} (or the sheet was deleted); download a fresh template",
        )
    rows = wb.rows(SHEET)
    values = {text(cell(rows, r, 1)): text(cell(rows, r, 2)) for r in range(2, len(rows) + 1)}
    missing = [f for f in (*FIELDS, "checksum") if f not in values]
    if missing:
        raise _refuse(
            f"{SHEET}!A2",
            f"the metadata sheet has no {', '.join(missing)}; it was "
            "edited; download a fresh template",
        )
    meta = Metadata(**{f: values[f] for f in FIELDS})
    row_of = {text(cell(rows, r, 1)): r for r in range(2, len(rows) + 1)}
    if meta.checksum() != values["checksum"]:
        raise _refuse(
            address(SHEET, row_of["checksum"], 2),
            "the metadata sheet was edited "
            "(its checksum does not match); download a fresh template",
        )
    if meta.kind != kind:
        found = KINDS.get(meta.kind, repr(meta.kind))
        raise _refuse(address(SHEET, row_of["kind"], 2), f"this is a {found}, not a {KINDS[kind]}")
    if meta.template_version != TEMPLATE_VERSION:
        raise _refuse(
            address(SHEET, row_of["template_version"], 2),
            f"the workbook was made by template version {meta.template_version}; "
            f"this Planbook reads version {TEMPLATE_VERSION}; download a fresh template",
        )
    if plan_id is not None and meta.plan != plan_id:
        raise _refuse(
            address(SHEET, row_of["plan"], 2),
            f"the workbook belongs to plan {meta.plan!r} ({meta.plan_name}), not to "
            f"plan {plan_id!r}",
        )
    return meta


def workbook_kind(path: str | Path) -> str:
    """``team-budget`` or ``company-aop``: which reader a workbook needs (what ``planbook
    push FILE.xlsx`` dispatches on). Raises like the readers for a file that is neither."""
    wb = open_workbook(path)
    try:
        return sheets_kind(wb)
    finally:
        wb.close()


def sheets_kind(wb: Sheets) -> str:
    """:func:`workbook_kind` of a workbook already open."""
    if SHEET not in wb.sheet_names:
        raise _refuse(
            wb.name,
            "the workbook has no Planbook metadata sheet; it is not "
            "a Planbook template (or the sheet was deleted); download a fresh one",
        )
    rows = wb.rows(SHEET)
    kinds = [
        text(cell(rows, r, 2)) for r in range(2, len(rows) + 1) if text(cell(rows, r, 1)) == "kind"
    ]
    if not kinds or kinds[0] not in KINDS:
        raise _refuse(
            f"{SHEET}!B2",
            "the metadata does not say what the workbook is; it was "
            "edited; download a fresh template",
        )
    return kinds[0]


def sort_by_cell(problems: list[Problem], sheets: list[str]) -> list[Problem]:
    """Problems in sheet order, then row, then column (as a reader scans a workbook)."""

    def key(problem: Problem) -> tuple[int, int, int]:
        where = problem.where
        sheet, _, ref = where.partition("!")
        order = sheets.index(sheet) if sheet in sheets else len(sheets)
        match = _CELL_REF.match(ref)
        if not match:
            return order, 0, 0
        return order, int(match.group(2)), column_index_from_string(match.group(1))

    return sorted(problems, key=key)


def _refuse(where: str, msg: str) -> PlanValidationError:
    return PlanValidationError([Problem((where,), msg)], subject="workbook")
