"""Checks a workbook file before any parser sees it: quickly, in bounded memory.

Answers every file that is not a plain ``.xlsx`` with a clear :class:`WorkbookFileError`:
not a file, empty, a CSV or other text, an old ``.xls``, a password-protected (encrypted)
workbook, a ``.xlsb``, a damaged or truncated zip, a zip bomb (huge or highly compressed
members), an XML document type declaration (the way to an entity bomb: Excel never writes
one), or a sheet with more rows than any plan needs. Each member is decompressed at most once,
in chunks, and never more than the limits below.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from planbook.errors import PlanbookError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20


class WorkbookFileError(PlanbookError):
    """A file cannot be read as a workbook at all (wrong format, damaged, hostile)."""


@dataclass(frozen=True)
class Limits:
    """What a Planbook workbook may be: far above any real plan, far below harm."""

    file_bytes: int = 50 << 20
    members: int = 1000
    member_bytes: int = 64 << 20
    total_bytes: int = 160 << 20
    ratio: int = 100  # uncompressed / compressed, checked for members above 1 MiB
    sheet_rows: int = 100_000


LIMITS = Limits()


def check_workbook_file(path: Path, limits: Limits = LIMITS) -> None:
    """Raise :class:`WorkbookFileError` unless ``path`` looks like a sane ``.xlsx`` file."""
    name = path.name
    if not path.is_file():
        raise WorkbookFileError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise WorkbookFileError(f"{name}: the file is empty; expected an Excel workbook (.xlsx)")
    if size > limits.file_bytes:
        raise WorkbookFileError(
            f"{name}: {size / 2**20:.0f} MiB is larger than any plan workbook "
            f"({limits.file_bytes >> 20} MiB at most); expected a Planbook .xlsx template"
        )
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(OLE_MAGIC):
        raise WorkbookFileError(_ole_message(path))
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookFileError(_not_zip_message(name, head))
    try:
        with zipfile.ZipFile(path) as zf:
            _check_members(name, zf, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise WorkbookFileError(
            f"{name}: the workbook is damaged or truncated ({exc}); save it again from Excel "
            "or download a fresh template"
        ) from None


def _ole_message(path: Path) -> str:
    with path.open("rb") as f:
        data = f.read(1 << 20)
    if "EncryptedPackage".encode("utf-16-le") in data:
        return (
            f"{path.name}: the workbook is password-protected (encrypted); remove the password "
            "(File > Info > Protect Workbook > Encrypt with Password) and save it again as .xlsx"
        )
    return (
        f"{path.name}: this is an old Excel 97-2003 workbook (.xls); open it in Excel and save "
        "it as an Excel Workbook (.xlsx)"
    )


def _not_zip_message(name: str, head: bytes) -> str:
    if head.startswith(b"PK"):
        return f"{name}: the workbook is an empty or damaged zip file; expected an .xlsx file"
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    if text and ("," in text or ";" in text or "\t" in text) and "\n" in text:
        return (
            f"{name}: this is a text (CSV) file, not an Excel workbook; push it as a facts "
            "file, or open it in Excel and save it as .xlsx"
        )
    return f"{name}: this is not an Excel workbook (.xlsx is a zip file; this file is not one)"


def _check_members(name: str, zf: zipfile.ZipFile, limits: Limits) -> None:
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "xl/workbook.bin" in names:
        raise WorkbookFileError(
            f"{name}: this is an Excel binary workbook (.xlsb); save it as an Excel Workbook "
            "(.xlsx)"
        )
    if "xl/workbook.xml" not in names:
        raise WorkbookFileError(
            f"{name}: this zip file is not an Excel workbook (it has no xl/workbook.xml)"
        )
    if len(infos) > limits.members:
        raise WorkbookFileError(f"{name}: {len(infos)} parts is more than any workbook has")
    total = sum(i.file_size for i in infos)
    for info in infos:
        _check_size(name, info, limits)
    if total > limits.total_bytes:
        raise WorkbookFileError(_bomb(name, f"it unpacks to {total >> 20} MiB"))
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            _scan_xml(name, zf, info, limits)


def _check_size(name: str, info: zipfile.ZipInfo, limits: Limits) -> None:
    if info.file_size > limits.member_bytes:
        raise WorkbookFileError(
            _bomb(name, f"{info.filename} unpacks to {info.file_size >> 20} MiB")
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1 << 20 and ratio > limits.ratio:
        raise WorkbookFileError(_bomb(name, f"{info.filename} is compressed {ratio:.0f} to 1"))


def _bomb(name: str, detail: str) -> str:
    return (
        f"{name}: refusing to open the workbook: {detail}, far beyond any plan workbook "
        "(a zip bomb or a damaged file)"
    )


def _scan_xml(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Reject document type declarations; count rows of worksheets. One pass, in chunks."""
    is_sheet = info.filename.startswith("xl/worksheets/")
    rows, tail = 0, b""
    with zf.open(info) as member:
        while chunk := member.read(CHUNK):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise WorkbookFileError(
                    f"{name}: {info.filename} declares an XML document type (DTD), which Excel "
                    "never writes; refusing it (it can hide an entity bomb)"
                )
            if is_sheet:
                rows += chunk.count(b"<row ") + chunk.count(b"<row>")
                if rows > limits.sheet_rows:
                    raise WorkbookFileError(
                        f"{name}: {info.filename} has more than {limits.sheet_rows:,} rows, far "
                        "more than any plan workbook; delete the extra rows or use a facts file"
                    )
            tail = chunk[-16:]
