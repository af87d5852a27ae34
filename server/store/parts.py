"""Parts and their blobs: how a version's content is cut up, serialized and hashed.

A version is made of parts: ``company`` (the plan definition with its assumptions, goals and
envelopes), ``team:<id>`` (one team's budget lines, every non-actuals scenario),
``positions:<id>`` (the positions behind a team's headcount lines: confidential, like
salaries) and ``actuals``. Each part is stored once as a blob addressed by the SHA-256 of a
canonical serialization, so unchanged parts are shared between versions, not copied.

Fact parts are the normalized facts as columns of codes with one LZ4 block a scenario
(:mod:`server.store.partformat`; parts written before December 2026, or whose keys cannot
be written so, are LZ4 Arrow IPC streams, still read); their hash covers the sorted key
text and the exact decimal amounts, not the stored bytes, so either format of one content
has one hash. The company part is canonical JSON of the plan
definition; a positions part canonical JSON of its rows (sorted, salaries as exact decimal
text).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from planbook.errors import PlanValidationError, Problem
from planbook.facts import AMOUNT_TYPE, FACT_COLUMNS, KEY_COLUMNS, facts_to_arrow, sort_table
from planbook.headcount import POSITION_COLUMNS
from planbook.model import Plan
from planbook.validation import parse_plan
from server.store.partformat import Header, encode_plain, is_plain

__all__ = [
    "ACTUALS",
    "COMPANY",
    "Blob",
    "company_blob",
    "decode_facts",
    "decode_plan",
    "decode_positions",
    "facts_blob",
    "hash_blob",
    "is_positions_part",
    "is_team_part",
    "positions_blob",
    "positions_part",
    "split_facts",
    "team_of",
    "team_part",
    "version_hash",
]

COMPANY = "company"
ACTUALS = "actuals"
_TEAM_PREFIX = "team:"
_POSITIONS_PREFIX = "positions:"
_IPC_OPTIONS = ipc.IpcWriteOptions(compression="lz4")
_IPC_READ = ipc.IpcReadOptions(use_threads=False)


@dataclass(frozen=True)
class Blob:
    """A serialized part: its kind (``company`` or ``facts``), hash, bytes and row count."""

    kind: str
    hash: str
    data: bytes
    rows: int


def team_part(team: str) -> str:
    """The part name of one team's budget: ``team:sales-na``."""
    return f"{_TEAM_PREFIX}{team}"


def is_team_part(part: str) -> bool:
    """True for ``team:<id>`` parts."""
    return part.startswith(_TEAM_PREFIX)


def team_of(part: str) -> str:
    """The team id of a ``team:<id>`` (or ``positions:<id>``) part."""
    return part.removeprefix(_TEAM_PREFIX).removeprefix(_POSITIONS_PREFIX)


def positions_part(team: str) -> str:
    """The part name of one team's positions: ``positions:sales-na``."""
    return f"{_POSITIONS_PREFIX}{team}"


def is_positions_part(part: str) -> bool:
    """True for ``positions:<id>`` parts."""
    return part.startswith(_POSITIONS_PREFIX)


def positions_blob(positions: pd.DataFrame) -> Blob:
    """A positions part as canonical JSON: the position columns as text (salaries as exact
    decimals in their shortest form), rows sorted, so equal positions hash equally."""
    rows = sorted(
        [_canonical_cell(c, v) for c, v in zip(POSITION_COLUMNS, row, strict=True)]
        for row in positions[list(POSITION_COLUMNS)].itertuples(index=False)
    )
    data = json.dumps(
        {"columns": list(POSITION_COLUMNS), "rows": rows}, separators=(",", ":")
    ).encode("utf-8")
    return Blob("positions", _sha256(b"positions\n" + data), data, len(rows))


def _canonical_cell(column: str, value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    if column == "annual_salary" and text:
        return str(_canonical(Decimal(text)))
    return text.strip()


def decode_positions(data: bytes) -> pd.DataFrame:
    """The positions stored in a positions blob, every value as text."""
    content = json.loads(data.decode("utf-8"))
    return pd.DataFrame(content["rows"], columns=content["columns"], dtype=str)


def company_blob(plan: Plan) -> Blob:
    """The company part of a plan as canonical JSON: sorted keys, and every decimal in its
    shortest exact form, so equal plans hash equally (``0.04`` and ``0.040000`` are one
    value, whichever a workbook cell or a YAML file wrote)."""
    data = json.dumps(
        _canonical(plan.model_dump(mode="python")),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    return Blob("company", _sha256(b"company\n" + data), data, 0)


def _canonical(value: Any) -> Any:
    """Python-mode model data as JSON data, decimals normalised (``1E+2`` -> ``"100"``)."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def decode_plan(data: bytes) -> Plan:
    """The plan definition stored in a company blob."""
    return parse_plan(json.loads(data.decode("utf-8")))


def actual_rows(plan: Plan, facts: pd.DataFrame) -> np.ndarray:
    """Which facts belong to the ``actuals`` part (an actuals scenario); the others go to
    their team's part."""
    actual_ids = [s.id for s in plan.scenarios if s.actuals]
    mask: np.ndarray = facts["scenario"].astype(str).isin(actual_ids).to_numpy()
    return mask


def split_facts(plan: Plan, facts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Facts cut into parts: one per team present (plan scenarios) and ``actuals``.

    Raises :class:`PlanValidationError` for facts with an empty amount (the core's checks
    cover ids, months, duplicates and units).
    """
    _check_amounts(facts)
    is_actual = actual_rows(plan, facts)
    parts: dict[str, pd.DataFrame] = {}
    if is_actual.any():
        parts[ACTUALS] = facts[is_actual]
    budget = facts[~is_actual]
    for team, rows in budget.groupby(budget["team"].astype(str), sort=True, observed=True):
        parts[team_part(str(team))] = rows
    return parts


def _check_amounts(facts: pd.DataFrame) -> None:
    missing = facts["amount"].isna().to_numpy()
    if missing.any():
        rows = [int(i) + 1 for i in missing.nonzero()[0][:1000]]
        raise PlanValidationError(
            [Problem(("facts", f"row {r}", "amount"), "the amount is empty") for r in rows],
            subject="facts",
        )


def facts_blob(facts: pd.DataFrame) -> Blob:
    """A facts part, normalized and sorted, with its hash: in columns of codes, one LZ4
    block a scenario (:mod:`server.store.partformat`), or as an LZ4 Arrow IPC stream when
    its keys cannot be written so."""
    table = sort_table(facts_to_arrow(facts[list(FACT_COLUMNS)]))
    plain = encode_plain(table)
    if plain is not None:
        return Blob("facts", hash_facts(table), plain, table.num_rows)
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema, options=_IPC_OPTIONS) as writer:
        writer.write_table(table)
    return Blob("facts", hash_facts(table), sink.getvalue().to_pybytes(), table.num_rows)


def hash_facts(table: pa.Table) -> str:
    """SHA-256 over the key text and exact amounts of a sorted facts table."""
    digest = hashlib.sha256(b"facts\n")
    digest.update(str(table.num_rows).encode())
    for column in KEY_COLUMNS:
        text = pc.fill_null(table.column(column).cast(pa.string()), "")
        digest.update(b"\n" + column.encode())
        for chunk in text.chunks:
            lengths = pc.binary_length(chunk).to_numpy(zero_copy_only=False)
            digest.update(lengths.astype("<i4").tobytes())
            offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)
            start, end = offsets[chunk.offset], offsets[chunk.offset + len(chunk)]
            data = chunk.buffers()[2]
            if data is not None and end > start:
                digest.update(memoryview(data)[start:end])
    digest.update(b"\namount")
    for chunk in table.column("amount").cast(AMOUNT_TYPE).chunks:
        width = 16
        data = memoryview(chunk.buffers()[1])
        digest.update(data[chunk.offset * width : (chunk.offset + len(chunk)) * width])
    return digest.hexdigest()


def decode_facts(data: bytes) -> pa.Table:
    """The Arrow facts table stored in a facts blob, of either format.

    An Arrow IPC stream is decoded on the calling thread: a part is small, and readers
    decode many parts at once in their own threads, where handing each buffer to Arrow's
    pool costs more than it saves (2-3x slower when 300 parts are read)."""
    if is_plain(data):
        return Header.read(data).table()
    with ipc.open_stream(pa.py_buffer(data), options=_IPC_READ) as reader:
        return reader.read_all()


def hash_blob(kind: str, data: bytes) -> str:
    """Recompute the hash of stored blob bytes (for verify and import)."""
    if kind == "company":
        return _sha256(b"company\n" + data)
    if kind == "positions":
        return _sha256(b"positions\n" + data)
    return hash_facts(decode_facts(data))


def version_hash(parts: dict[str, str]) -> str:
    """A version's content hash: SHA-256 over its sorted ``part=blob`` lines."""
    return _sha256("".join(f"{p}={h}\n" for p, h in sorted(parts.items())).encode())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
