"""The formulas a workbook holds, straight from its sheet XML (python-calamine reads values
only), and a comparison with the formulas the template put there.

Shared formulas (Excel writes one master and references to it) are expanded with openpyxl's
formula translator. Call :func:`~addin.reader.safety.check_workbook_file` first: these
parsers trust that the file has no DTD and sane sizes.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from xml.etree.ElementTree import iterparse

from openpyxl.formula.translate import Translator

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the zip."""
    targets = {}
    with zf.open("xl/_rels/workbook.xml.rels") as f:
        for _, el in iterparse(f):
            if el.tag == f"{PKG_REL_NS}Relationship":
                target = el.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                targets[el.get("Id", "")] = path
    out = {}
    with zf.open("xl/workbook.xml") as f:
        for _, el in iterparse(f):
            if el.tag == f"{NS}sheet":
                out[el.get("name", "")] = targets.get(el.get(f"{REL_NS}id", ""), "")
    return out


_FORMULA_CELL = re.compile(
    r'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*>\s*'
    r"<(?:\w+:)?f\b([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?f>)"
)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def sheet_formulas(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Cell reference (``G12``) -> formula (``=SUM(...)``) of every formula cell of a sheet.

    A regular expression over the part's text: ``<f>`` is always a cell's first child, and
    this is several times faster than an XML parser on sheets of thousands of formulas.
    """
    text = zf.read(part).decode("utf-8")
    formulas: dict[str, str] = {}
    masters: dict[str, tuple[str, str]] = {}
    for ref, attributes, body in _FORMULA_CELL.findall(text):
        formula = html.unescape(body)
        attrs = dict(_ATTRIBUTE.findall(attributes))
        if attrs.get("t") == "shared":
            si = attrs.get("si", "")
            if formula:
                masters[si] = (ref, formula)
            elif si in masters:
                origin, master = masters[si]
                formula = Translator("=" + master, origin).translate_formula(ref)[1:]
        formulas[ref] = "=" + formula
    return formulas


_SPACES = re.compile(r"\s+")
_QUOTED_SHEET = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)'!")


def normalize_formula(formula: str) -> str:
    """A formula as compared: no ``=``, no ``_xlfn.`` prefixes, unquoted simple sheet names,
    no spaces, upper case (Excel and LibreOffice rewrite these freely)."""
    text = formula.lstrip("=").replace("_xlfn.", "").replace("_xlws.", "")
    text = _QUOTED_SHEET.sub(r"\1!", text)
    return _SPACES.sub("", text).upper()
