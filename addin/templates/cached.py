"""Cached values for a template's formulas, so that a workbook opened without recalculation
(Protected View, a mail preview, a file viewer) shows its totals.

openpyxl writes every formula with an empty cached value. The generator computes what each
formula shows with the core (:func:`planbook.team_budget.team_budget`), keeps it with the
workbook (:func:`remember`), and :func:`write_cached_values` puts the values into the saved
file's sheet XML as the formulas' ``<v>`` elements. Excel still recalculates on opening
(openpyxl marks the workbook for a full calculation on load).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import weakref
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.workbook.workbook import Workbook

__all__ = ["SheetValues", "cached_values", "remember", "write_cached_values"]

SheetValues = dict[str, dict[str, object]]
"""Cached values by sheet title, then by cell (``"F10"``): numbers, text or booleans."""

_REMEMBERED: weakref.WeakKeyDictionary[Workbook, SheetValues] = weakref.WeakKeyDictionary()
_FORMULA_CELL = re.compile(
    r'<c r="(?P<ref>[A-Z]+[0-9]+)"(?P<attrs>[^>]*)>(?P<f><f>[^<]*</f>|<f[^>]*/>)'
    r"(?:<v\s*/>|<v></v>)?</c>"
)


def remember(wb: Workbook, values: SheetValues) -> None:
    """Keep ``values`` with ``wb`` until it is saved with :func:`write_cached_values`."""
    _REMEMBERED[wb] = values


def cached_values(wb: Workbook) -> SheetValues:
    """The values remembered for ``wb`` (empty for a workbook with none)."""
    return _REMEMBERED.get(wb, {})


def write_cached_values(path: Path, wb: Workbook) -> int:
    """Write the values remembered for ``wb`` into the file ``path`` that openpyxl saved from
    it, as its formulas' cached values; returns how many formula cells got one."""
    values = cached_values(wb)
    if not values:
        return 0
    parts = {
        f"xl/worksheets/sheet{i}.xml": values[ws.title]
        for i, ws in enumerate(wb.worksheets, start=1)
        if ws.title in values
    }
    written = 0
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".xlsx", delete=False) as out:
        tmp = Path(out.name)
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp, "w") as target:
            for item in source.infolist():
                data = source.read(item)
                if item.filename in parts:
                    text, count = _fill(data.decode("utf-8"), parts[item.filename])
                    data, written = text.encode("utf-8"), written + count
                target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
        shutil.move(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return written


def _fill(xml: str, values: Mapping[str, object]) -> tuple[str, int]:
    count = 0

    def cell(match: re.Match[str]) -> str:
        nonlocal count
        ref, attrs, formula = match["ref"], match["attrs"], match["f"]
        if ref not in values:
            return match[0]
        count += 1
        kind, text = _xml_value(values[ref])
        attrs = re.sub(r'\s+t="[^"]*"', "", attrs) + (f' t="{kind}"' if kind else "")
        return f'<c r="{ref}"{attrs}>{formula}<v>{text}</v></c>'

    return _FORMULA_CELL.sub(cell, xml), count


def _xml_value(value: object) -> tuple[str, str]:
    """(cell type, text) of a cached value: ``t="str"`` for text, ``t="b"`` for booleans."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return "", repr(float(value))
    return "str", escape("" if value is None else str(value))
