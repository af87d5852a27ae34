"""Whole-store export and import (a zip of JSON tables and blobs), and verification.

The export holds every table row as JSON lines plus each blob as ``blobs/<hash>``; an import
into an empty store gives back an equal store (same versions, hashes, statuses, tags and
token hashes). :func:`verify` recomputes every blob's hash and checks every version's parts.
"""

from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.exc import DataError, IntegrityError, ProgrammingError

from planbook.errors import Problem
from server.store.contract import Progress, no_progress
from server.store.errors import InvalidRequest, StoreNotEmpty
from server.store.parts import hash_blob, version_hash
from server.store.schema import (
    BlobRow,
    PlanRow,
    StatusEvent,
    Tag,
    TagEvent,
    TokenRow,
    VersionPart,
    VersionRow,
)
from server.store.text import control_character

__all__ = ["EXPORT_FORMAT", "export_store", "import_store", "verify_store"]

EXPORT_FORMAT = "planbook-store/1"
_TABLES: tuple[Table, ...] = tuple(
    m.__table__  # type: ignore[misc]
    for m in (PlanRow, VersionRow, VersionPart, StatusEvent, Tag, TagEvent, TokenRow)
)
_TIME_COLUMNS = {"created_at", "at", "revoked_at"}


def export_store(conn: Connection, path: Path, progress: Progress = no_progress) -> int:
    """Write the whole store to a zip file; returns the number of blobs written."""
    hashes = conn.scalars(select(BlobRow.hash).order_by(BlobRow.hash)).all()
    private = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # new files: 0600
    with (
        os.fdopen(private, "wb") as file,
        zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive,
    ):
        manifest: dict[str, Any] = {"format": EXPORT_FORMAT, "tables": {}}
        for table in _TABLES:
            rows = [_json_row(r._mapping) for r in conn.execute(select(table))]
            manifest["tables"][table.name] = rows
        manifest["blobs"] = [
            dict(r._mapping)
            for r in conn.execute(select(BlobRow.hash, BlobRow.kind, BlobRow.rows, BlobRow.size))
        ]
        archive.writestr("store.json", json.dumps(manifest, indent=1))
        for done, blob in enumerate(hashes, start=1):
            data = conn.scalar(select(BlobRow.data).where(BlobRow.hash == blob))
            archive.writestr(f"blobs/{blob}", data or b"")
            progress(done, len(hashes))
    return len(hashes)


def _json_row(row: Any) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


def _db_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: datetime.fromisoformat(v) if k in _TIME_COLUMNS and isinstance(v, str) else v
        for k, v in row.items()
    }


def is_empty(conn: Connection) -> bool:
    """True when the store holds no plan, blob or token."""
    return not any(
        conn.scalar(select(func.count()).select_from(t)) for t in (PlanRow, BlobRow, TokenRow)
    )


def import_store(conn: Connection, path: Path, progress: Progress = no_progress) -> int:
    """Load an export into an empty store (inside one transaction); returns blobs loaded.

    Anything that is not an export as :func:`export_store` writes it is refused (422, naming
    the file but not its folder) and nothing is loaded."""
    if not is_empty(conn):
        raise StoreNotEmpty("the store already holds data; import only into an empty store")
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:  # an OSError's text may hold the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidRequest(f"{name}: not a Planbook export ({reason})") from None
    with archive:
        manifest = _manifest(archive, name)
        blobs = manifest["blobs"]
        for done, blob in enumerate(blobs, start=1):
            data = _entry(archive, f"blobs/{blob['hash']}", name)
            if hash_blob(blob["kind"], data) != blob["hash"]:
                raise InvalidRequest(f"{name}: blob {blob['hash']} does not match its hash")
            conn.execute(insert(BlobRow).values(**blob, data=data))
            progress(done, len(blobs))
        for table in _TABLES:
            _insert_rows(conn, table, manifest["tables"].get(table.name, []), name)
    _reset_sequences(conn)
    return len(blobs)


def _insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]], name: str) -> None:
    if not rows:
        return
    try:
        conn.execute(insert(table), [_db_row(r) for r in rows])
    except (ValueError, TypeError, DataError, IntegrityError, ProgrammingError) as exc:
        reason = type(exc).__name__
        raise _not_export(name, f"a row of table {table.name} does not fit ({reason})") from None


def _not_export(name: str, why: str, *, loc: tuple[str | int, ...] = ()) -> InvalidRequest:
    return InvalidRequest(f"{name}: not a Planbook export: {why}", loc=loc)


_BLOB_FIELDS = {"hash": str, "kind": str, "rows": int, "size": int}


def _check_manifest(manifest: dict[str, Any], name: str) -> None:
    """The shape of ``store.json``: blob records, and known tables of rows of known columns
    whose text holds no control character."""
    blobs, tables = manifest.get("blobs"), manifest.get("tables")
    if not isinstance(blobs, list) or not isinstance(tables, dict):
        raise _not_export(name, "store.json needs a list of blobs and an object of tables")
    for i, blob in enumerate(blobs):
        if not isinstance(blob, dict) or set(blob) != set(_BLOB_FIELDS):
            raise _not_export(name, f"blob {i} needs exactly {', '.join(_BLOB_FIELDS)}")
        for key, kind in _BLOB_FIELDS.items():
            if not isinstance(blob[key], kind) or isinstance(blob[key], bool):
                raise _not_export(name, f"blob {i}: {key} is not of type {kind.__name__}")
    known = {t.name: t for t in _TABLES}
    for table_name, rows in tables.items():
        table = known.get(table_name)
        if table is None or not isinstance(rows, list):
            raise _not_export(name, f"{table_name!r} is not a table of rows")
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise _not_export(name, f"row {i + 1} of table {table_name} is not an object")
            unknown = sorted(set(row) - set(table.columns.keys()))
            if unknown:
                raise _not_export(
                    name,
                    f"row {i + 1} of table {table_name} has the unknown column "
                    f"{', '.join(map(repr, unknown))}; its columns are "
                    f"{', '.join(table.columns.keys())}",
                    loc=("store.json", "tables", table_name, i + 1, unknown[0]),
                )
            for column, value in row.items():
                prose = column in ("message", "comment")
                if isinstance(value, str) and control_character(value, prose=prose):
                    raise _not_export(name, f"{table_name}.{column} holds a control character")


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: move id sequences past the imported ids."""
    if conn.dialect.name != "postgresql":
        return
    for table in ("status_events", "tag_events", "tokens"):
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


MAX_INFLATION = 100
"""How many times its compressed size an entry may inflate to (an export is stored
uncompressed, so 1; a re-zipped export with deflate stays far below this)."""


def _entry(archive: zipfile.ZipFile, entry: str, name: str) -> bytes:
    """One entry of the zip, refused from the zip's own directory when it would inflate
    past :data:`MAX_INFLATION` times its compressed size (a zip bomb), and read no further
    than the size the directory declares."""
    try:
        info = archive.getinfo(entry)
    except KeyError:
        raise _not_export(name, f"{entry} is missing") from None
    if info.file_size > 1024 * 1024 and info.file_size > MAX_INFLATION * max(info.compress_size, 1):
        raise _not_export(
            name,
            f"{entry} inflates {info.file_size // max(info.compress_size, 1):,} times "
            f"({info.file_size:,} bytes from {info.compress_size:,})",
        )
    try:
        with archive.open(info) as f:
            return f.read(info.file_size)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise _not_export(name, f"{entry} cannot be read ({type(exc).__name__})") from None


def _manifest(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    try:
        manifest = json.loads(_entry(archive, "store.json", name))
    except ValueError as exc:
        raise InvalidRequest(f"{name}: not a Planbook export ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
        raise InvalidRequest(f"{name}: not a Planbook export of format {EXPORT_FORMAT}")
    _check_manifest(manifest, name)
    return manifest


def verify_store(conn: Connection, progress: Progress = no_progress) -> list[Problem]:
    """Every blob against its hash, every version's parts and content hash."""
    problems: list[Problem] = []
    hashes = conn.scalars(select(BlobRow.hash).order_by(BlobRow.hash)).all()
    for done, blob in enumerate(hashes, start=1):
        row = conn.execute(select(BlobRow.kind, BlobRow.data).where(BlobRow.hash == blob)).one()
        try:
            actual = hash_blob(row.kind, row.data)
        except Exception as exc:  # a corrupt blob may fail to decode in many ways
            actual = f"unreadable ({type(exc).__name__})"
        if actual != blob:
            problems.append(Problem(("blobs", blob), f"content does not match its hash: {actual}"))
        progress(done, len(hashes))
    problems += _verify_versions(conn, set(hashes))
    return problems


def _verify_versions(conn: Connection, blobs: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    changes: dict[tuple[str, int], dict[str, str]] = {}
    for r in conn.execute(select(VersionPart)):
        changes.setdefault((r.plan_id, r.number), {})[r.part] = r.blob
    manifest: dict[str, dict[str, str]] = {}
    versions = conn.execute(select(VersionRow).order_by(VersionRow.plan_id, VersionRow.number))
    for v in versions:
        parts = manifest.setdefault(v.plan_id, {})
        parts.update(changes.get((v.plan_id, v.number), {}))
        loc = ("plans", v.plan_id, "versions", v.number)
        missing = sorted(p for p, b in parts.items() if b not in blobs)
        if missing:
            problems.append(Problem(loc, f"parts without their blob: {', '.join(missing)}"))
        if "company" not in parts:
            problems.append(Problem(loc, "the version has no company part"))
        if version_hash(parts) != v.hash:
            problems.append(Problem(loc, "the version's parts do not match its content hash"))
    return problems
