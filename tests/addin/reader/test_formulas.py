"""Formulas straight from sheet XML: plain, shared (as Excel writes them), escaped."""

from __future__ import annotations

import zipfile

from addin.reader.formulas import normalize_formula, sheet_formulas

SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="10"><c r="F10" s="3"><f t="shared" ref="F10:F12" si="0">ROUND($E10*2,2)</f>'
    "<v>4</v></c></row>"
    '<row r="11"><c r="F11" s="3"><f t="shared" si="0"/><v>6</v></c></row>'
    '<row r="12"><c r="F12" s="3"><f t="shared" si="0"/></c>'
    '<c r="G12" t="str"><f>IF(A1&lt;&gt;"",1,0)</f><v>1</v></c>'
    '<c r="H12"><v>5</v></c></row>'
    "</sheetData></worksheet>"
)


def test_sheet_formulas_expands_shared_formulas(tmp_path):
    path = tmp_path / "f.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", SHEET)
    with zipfile.ZipFile(path) as zf:
        formulas = sheet_formulas(zf, "xl/worksheets/sheet1.xml")
    assert formulas == {
        "F10": "=ROUND($E10*2,2)",
        "F11": "=ROUND($E11*2,2)",
        "F12": "=ROUND($E12*2,2)",
        "G12": '=IF(A1<>"",1,0)',
    }


def test_normalize_formula_ignores_what_spreadsheets_rewrite():
    assert normalize_formula("=_xlfn.IFERROR('Assumptions'!D5, 0)") == normalize_formula(
        "=IFERROR(Assumptions!D5,0)"
    )
