"""A workbook's structure as plain data, to compare workbooks without comparing bytes."""

from __future__ import annotations

from typing import Any

from openpyxl.workbook.workbook import Workbook


def structure(wb: Workbook) -> dict[str, Any]:
    """Sheets (state, cells, formulas, number formats, validations, protection, panes) and
    defined names."""
    return {
        "sheets": [ws.title for ws in wb.worksheets],
        "names": {name: d.attr_text for name, d in wb.defined_names.items()},
        "structure_locked": bool(wb.security and wb.security.lockStructure),
        **{ws.title: _sheet(ws) for ws in wb.worksheets},
    }


def _sheet(ws: Any) -> dict[str, Any]:
    cells = {
        cell.coordinate: (
            str(cell.value),
            cell.number_format,
            cell.protection.locked,
            cell.fill.fgColor.rgb,
        )
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None or not cell.protection.locked
    }
    validations = sorted(
        (
            str(dv.sqref),
            dv.type,
            dv.formula1,
            dv.formula2,
            dv.allow_blank,
            dv.showErrorMessage,
            dv.errorTitle,
            dv.error,
        )
        for dv in ws.data_validations.dataValidation
    )
    return {
        "state": ws.sheet_state,
        "cells": cells,
        "validations": validations,
        "protected": ws.protection.sheet,
        "allowed": sorted(
            name
            for name in ("formatCells", "formatColumns", "formatRows", "sort", "autoFilter")
            if not getattr(ws.protection, name)
        ),
        "freeze": ws.freeze_panes,
        "tables": sorted((t.displayName, t.ref) for t in ws.tables.values()),
        "print_titles": ws.print_title_rows,
    }
