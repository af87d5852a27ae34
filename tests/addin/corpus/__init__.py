"""The malformed-file corpus: every way a file handed to the reader can be wrong or hostile.

``python -m tests.addin.corpus`` writes the small cases into this folder (they are
committed); :data:`REAL` are real files kept as they are (``encrypted-real.xlsx``: a
workbook encrypted with msoffcrypto-tool, password ``planbook``; ``legacy-real.xls``: saved
by LibreOffice as Excel 97-2003); the big ones (a zip bomb, a million-row sheet) are made
at test time by :func:`write_big_cases`, so the repository stays small.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

from addin.templates import team_template
from planbook.demo import build_demo

FOLDER = Path(__file__).parent
STAMP = (2026, 1, 1, 0, 0, 0)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)
REAL = ("encrypted-real.xlsx", "legacy-real.xls")
EXPECTED = {  # file -> words the error message must contain
    "empty.xlsx": "empty",
    "not-a-zip.xlsx": "not an Excel workbook",
    "truncated.xlsx": "damaged or truncated",
    "csv-renamed.xlsx": "CSV",
    "data.csv": "CSV",
    "legacy.xls": "97-2003",
    "encrypted.xlsx": "password-protected",
    "encrypted-real.xlsx": "password-protected",
    "legacy-real.xls": "97-2003",
    "binary.xlsb": ".xlsb",
    "zip-without-workbook.xlsx": "no xl/workbook.xml",
    "entity-bomb.xlsx": "document type",
    "not-planbook.xlsx": "no Planbook metadata sheet",
    "zip-bomb.xlsx": "zip bomb",
    "ratio-bomb.xlsx": "zip bomb",
    "million-rows.xlsx": "rows",
}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, STAMP), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _template_members() -> dict[str, bytes]:
    buffer = io.BytesIO()
    team_template(build_demo().plan, "sales-na").save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _plain_workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Budget 2027"
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        return _zip({name: zf.read(name) for name in zf.namelist()})


def small_cases() -> dict[str, bytes]:
    """The committed cases, by file name."""
    members = _template_members()
    whole = _zip(members)
    ole = OLE_MAGIC + bytes(504)
    return {
        "empty.xlsx": b"",
        "not-a-zip.xlsx": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "truncated.xlsx": whole[: len(whole) // 2],
        "csv-renamed.xlsx": b"scenario,team,account,line,period,amount\nbase,x,y,,2026-02,1\n",
        "data.csv": b"scenario,team,account,line,period,amount\nbase,x,y,,2026-02,1\n",
        "legacy.xls": ole + b"Workbook".decode().encode("utf-16-le") + bytes(400),
        "encrypted.xlsx": ole + "EncryptedPackage".encode("utf-16-le") + bytes(400),
        "binary.xlsb": _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}),
        "zip-without-workbook.xlsx": _zip({"hello.txt": b"hello"}),
        "entity-bomb.xlsx": _zip(members | {"xl/sharedStrings.xml": BILLION_LAUGHS}),
        "not-planbook.xlsx": _plain_workbook(),
    }


def write_big_cases(folder: Path) -> None:
    """A zip bomb, a highly compressed member, and a million-row sheet, made on the fly."""
    members = _template_members()
    for name, size in (("zip-bomb.xlsx", 200 << 20), ("ratio-bomb.xlsx", 20 << 20)):
        with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for member, data in members.items():
                zf.writestr(zipfile.ZipInfo(member, STAMP), data, zipfile.ZIP_DEFLATED)
            info = zipfile.ZipInfo("xl/media/padding.bin", STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w") as f:
                chunk = bytes(1 << 20)
                for _ in range(size >> 20):
                    f.write(chunk)
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 1_000_001)
    )
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>"
    )
    (folder / "million-rows.xlsx").write_bytes(_zip(members | {"xl/worksheets/sheet4.xml": sheet}))


def main() -> None:
    """Write the small cases into this folder."""
    for name, data in small_cases().items():
        (FOLDER / name).write_bytes(data)


if __name__ == "__main__":
    main()
