"""How a fact part's blob is laid out: columns of codes, one LZ4 block per scenario.

A facts blob of this format (written since December 2026; earlier blobs are LZ4 Arrow IPC
streams, still read: :func:`is_plain` tells them apart) is, after the 8-byte
:data:`MAGIC`, little-endian::

    u32 rows, u8 amount width (8: int64 millionths, 16: decimal128 words),
    u8 code width (1, 2 or 4), 2 pad bytes
    per key column (scenario, team, account, line, period): u32 dictionary entries,
    u32 dictionary bytes
    the dictionaries: each key column's sorted values, UTF-8, joined by NUL
    per scenario: u32 rows, u32 compressed bytes (the rows are sorted by scenario first)
    per scenario, from a multiple of 8 bytes: one LZ4 block holding the codes of team,
    account, line and period (a code width each a row), then its amounts, 8-aligned

Reading one scenario decompresses only its block (a part holds every scenario, so a
base-only read of the earlier format decompressed three to use one) and costs no Arrow IPC
machinery per part (opening 300 small IPC streams cost about 10 ms before any
decompression). Codes are a byte a row where the dictionaries allow, and an amount takes 8
bytes whenever every amount of the part is a whole number of millionths within int64.
A part whose keys cannot be written so (a missing key, a NUL in a key) is written in the
earlier format. The blob's hash is of its content
(:func:`server.store.parts.hash_facts`), not of these bytes, so one content has one hash
in either format.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from planbook.codes import KEY_TYPE
from planbook.facts import (
    AMOUNT_TYPE,
    FACT_COLUMNS,
    KEY_COLUMNS,
    amounts_from_words,
    decimal_words,
    widened,
)

__all__ = ["MAGIC", "Header", "Slice", "encode_plain", "is_plain", "slice_of_table"]

MAGIC = b"PBFACTS\x01"
_HEAD = struct.Struct("<IBB2x")
_COUNTS = struct.Struct(f"<{2 * len(KEY_COLUMNS)}I")
_CODEC = pa.Codec("lz4_raw")
_WIDTHS = {1: np.uint8, 2: np.uint16, 4: np.uint32}


def is_plain(data: bytes) -> bool:
    """Whether a facts blob is of this format (else an Arrow IPC stream)."""
    return data[: len(MAGIC)] == MAGIC


@dataclass(frozen=True)
class Slice:
    """One scenario's rows of a part: the dictionaries of team, account, line and period,
    their codes (``codes[k]`` a row, in that order) and the amounts (int64 millionths, or
    ``(rows, 2)`` int64 decimal128 words)."""

    scenario: str
    dictionaries: tuple[tuple[str, ...], ...]
    codes: np.ndarray
    amounts: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.amounts)

    def words(self) -> np.ndarray:
        """The amounts as ``(rows, 2)`` decimal128 words."""
        return self.amounts if self.amounts.ndim == 2 else widened(self.amounts)


@dataclass(frozen=True)
class Header:
    """A blob of this format, read as far as its dictionaries: its scenarios and each one's
    rows, decoded when asked for (:meth:`slice`)."""

    data: bytes
    dictionaries: tuple[tuple[str, ...], ...]
    blocks: tuple[tuple[int, int, int], ...]
    """Per scenario (dictionary order): its rows, its block's start and its block's end."""
    amount_width: int
    code_width: int

    @property
    def rows(self) -> int:
        return sum(rows for rows, _, _ in self.blocks)

    @classmethod
    def read(cls, data: bytes, known: dict[bytes, tuple[str, ...]] | None = None) -> Header:
        """The header of a blob of this format; ValueError when it is damaged. ``known``:
        dictionaries already decoded, by their bytes (parts of one read share most of
        theirs: the months, the accounts of teams alike), added to as they are met."""
        try:
            return cls._read(data, {} if known is None else known)
        except (struct.error, UnicodeDecodeError) as exc:
            raise ValueError(f"a facts blob is damaged ({exc})") from None

    @classmethod
    def _read(cls, data: bytes, known: dict[bytes, tuple[str, ...]]) -> Header:
        if not is_plain(data):
            raise ValueError("a facts blob does not start with its format's mark")
        at = len(MAGIC)
        rows, amount_width, code_width = _HEAD.unpack_from(data, at)
        counts = _COUNTS.unpack_from(data, at + _HEAD.size)
        at += _HEAD.size + _COUNTS.size
        dictionaries = []
        for entries, size in zip(counts[0::2], counts[1::2], strict=True):
            text = data[at : at + size]
            values = known.get(text)
            if values is None:
                values = known[text] = tuple(text.decode("utf-8").split("\0")) if entries else ()
            if len(values) != entries or len(text) != size:
                raise ValueError("a facts blob's dictionaries do not match their counts")
            dictionaries.append(values)
            at += size
        scenarios = counts[0]
        sizes = struct.unpack_from(f"<{2 * scenarios}I", data, at)
        at = _aligned(at + 8 * scenarios)
        blocks = []
        for n, length in zip(sizes[0::2], sizes[1::2], strict=True):
            blocks.append((n, at, at + length))
            at = _aligned(at + length)
        if amount_width not in (8, 16) or code_width not in _WIDTHS:
            raise ValueError("a facts blob's widths are not 8 or 16 and 1, 2 or 4")
        if sum(sizes[0::2]) != rows or (blocks and blocks[-1][2] != len(data)):
            raise ValueError("a facts blob's length does not match its rows")
        return cls(data, tuple(dictionaries), tuple(blocks), amount_width, code_width)

    @property
    def scenarios(self) -> tuple[str, ...]:
        return self.dictionaries[0]

    @property
    def _view(self) -> memoryview:
        return memoryview(self.data)  # slices of it are not copies

    def slice(self, index: int) -> Slice:
        """The rows of the ``index``-th scenario, decompressed (ValueError when damaged)."""
        rows, start, end = self.blocks[index]
        codes_size = _aligned(4 * self.code_width * rows)
        size = codes_size + self.amount_width * rows
        if rows:
            try:
                block = _CODEC.decompress(self._view[start:end], decompressed_size=size)
            except (pa.ArrowException, OSError) as exc:
                raise ValueError(f"a facts blob is damaged ({exc})") from None
        else:
            block = b""
        codes = np.frombuffer(block, _WIDTHS[self.code_width], 4 * rows).reshape(4, rows)
        _check_codes(codes, self.dictionaries[1:])
        amounts = np.frombuffer(block, np.int64, rows * self.amount_width // 8, codes_size)
        wide = amounts.reshape(rows, 2) if self.amount_width == 16 else amounts
        return Slice(self.scenarios[index], self.dictionaries[1:], codes, wide)

    def table(self) -> pa.Table:
        """The whole part as an Arrow facts table (dictionary keys, decimal amounts)."""
        slices = [self.slice(i) for i in range(len(self.blocks))]
        scenario = np.repeat(np.arange(len(slices), dtype=np.int32), [s.rows for s in slices])
        codes = (
            np.concatenate([s.codes for s in slices], axis=1)
            if slices
            else np.zeros((4, 0), np.int32)
        )
        try:
            columns = [
                pa.DictionaryArray.from_arrays(
                    pa.array(column.astype(np.int32)), pa.array(values, pa.string()), safe=True
                ).cast(KEY_TYPE)
                for column, values in zip((scenario, *codes), self.dictionaries, strict=True)
            ]
        except pa.ArrowException as exc:
            raise ValueError(f"a facts blob is damaged ({exc})") from None
        words = np.concatenate([s.words() for s in slices]) if slices else np.zeros((0, 2))
        amount = amounts_from_words(words)
        return pa.Table.from_arrays([*columns, amount], names=list(FACT_COLUMNS))


def slice_of_table(table: pa.Table) -> list[Slice]:
    """An Arrow facts table (a blob of the earlier format, decoded) cut into one slice a
    scenario, in scenario order (its rows keep their order within a scenario)."""
    table = table.select(list(FACT_COLUMNS)).combine_chunks()
    dictionaries, codes = [], []
    for column in KEY_COLUMNS:
        array = table.column(column)
        array = array.chunk(0) if array.num_chunks else pa.array([], KEY_TYPE)
        if not pa.types.is_dictionary(array.type):
            array = array.cast(pa.string()).dictionary_encode()
        if array.null_count:
            raise ValueError(f"a fact part has a missing {column}")
        dictionaries.append(tuple(array.dictionary.to_pylist()))
        codes.append(array.indices.to_numpy(zero_copy_only=False).astype(np.int32))
    words = _amount_words(table)
    order = np.argsort(codes[0], kind="stable")
    bounds = np.searchsorted(codes[0][order], np.arange(len(dictionaries[0]) + 1))
    keys = np.stack(codes[1:]) if len(codes[0]) else np.zeros((4, 0), np.int32)
    slices = []
    for i in sorted(range(len(dictionaries[0])), key=dictionaries[0].__getitem__):
        rows = order[bounds[i] : bounds[i + 1]]
        if len(rows):
            _check_codes(keys[:, rows], dictionaries[1:])
            slices.append(
                Slice(dictionaries[0][i], tuple(dictionaries[1:]), keys[:, rows], words[rows])
            )
    return slices


def _check_codes(codes: np.ndarray, dictionaries: Sequence[tuple[str, ...]]) -> None:
    """ValueError unless every code (a row a key column) is within its dictionary."""
    highest = codes.max(axis=1).tolist() if codes.shape[1] else []
    if any(h >= len(d) for h, d in zip(highest, dictionaries, strict=False)):
        raise ValueError("a facts blob is damaged (a code past its dictionary)")


def encode_plain(table: pa.Table) -> bytes | None:
    """A sorted, canonical facts table (sorted dictionaries) in this format; None when it
    cannot be (a missing key, a NUL in a key, rows not sorted by scenario): the caller
    then writes the earlier format."""
    table = table.combine_chunks()
    dictionaries, codes = [], []
    for column in KEY_COLUMNS:
        array = table.column(column)
        array = array.chunk(0) if array.num_chunks else pa.array([], KEY_TYPE)
        if not pa.types.is_dictionary(array.type) or array.null_count:
            return None
        values = array.dictionary.to_pylist()
        if values != sorted(values) or any(v is None or "\0" in v for v in values):
            return None
        dictionaries.append(values)
        codes.append(array.indices.to_numpy(zero_copy_only=False))
    scenario = codes[0]
    if (scenario[1:] < scenario[:-1]).any():
        return None
    words = _amount_words(table)
    narrow = bool(np.array_equal(words[:, 1], words[:, 0] >> 63))
    amounts = words[:, 0] if narrow else words
    width = max((_width(len(v)) for v in dictionaries[1:]), default=1)
    texts = ["\0".join(values).encode("utf-8") for values in dictionaries]
    out = bytearray(MAGIC + _HEAD.pack(table.num_rows, 8 if narrow else 16, width))
    out += _COUNTS.pack(
        *(n for v, t in zip(dictionaries, texts, strict=True) for n in (len(v), len(t)))
    )
    out += b"".join(texts)
    bounds = np.searchsorted(scenario, np.arange(len(dictionaries[0]) + 1))
    blocks = []
    for a, b in itertools.pairwise(bounds):
        keys = np.stack([c[a:b] for c in codes[1:]]).astype(f"<u{width}").tobytes()
        raw = keys + bytes(_aligned(len(keys)) - len(keys)) + amounts[a:b].astype("<i8").tobytes()
        blocks.append((int(b - a), _CODEC.compress(raw, asbytes=True) if b > a else b""))
    out += b"".join(struct.pack("<II", n, len(block)) for n, block in blocks)
    for _, block in blocks:
        out += bytes(_aligned(len(out)) - len(out)) + block
    return bytes(out)


def _amount_words(table: pa.Table) -> np.ndarray:
    """A facts table's amounts as ``(rows, 2)`` decimal128 words."""
    amounts = table.column("amount").cast(AMOUNT_TYPE).combine_chunks()
    if amounts.null_count:
        raise ValueError("a fact part has a missing amount")
    return decimal_words(amounts)


def _width(entries: int) -> int:
    return 1 if entries <= 1 << 8 else 2 if entries <= 1 << 16 else 4


def _aligned(at: int) -> int:
    return (at + 7) // 8 * 8
