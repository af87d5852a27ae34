"""Decoded fact parts: a stored part's Arrow table, decoded once and kept by blob hash.

Parts are immutable and content-addressed, so a decoded part is shared across requests and
versions (a version shares every part it did not change). The cache is bounded by rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from server.lru import LruCache
from server.store.parts import decode_facts

__all__ = ["FACTS_CACHE", "Part", "clear_facts_cache", "decoded_parts"]

FACTS_CACHE_ROWS = 4_000_000
"""At most this many decoded fact rows are kept (about 36 bytes a row: 150 MB)."""
FACTS_CACHE: LruCache[str, Part] = LruCache(FACTS_CACHE_ROWS, weigh=lambda p: p.rows)
"""Decoded fact parts by blob hash: immutable, so safe to share across requests and
versions (a version shares every part it did not change)."""


@dataclass(frozen=True)
class Part:
    """A decoded fact part and, when it is sorted by scenario (stored parts are), the rows
    of each scenario as (start, stop)."""

    table: pa.Table
    scenarios: dict[str, tuple[int, int]] | None

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)

    @classmethod
    def of(cls, table: pa.Table) -> Part:
        column = table.column("scenario")
        if column.num_chunks != 1 or column.null_count or not pa.types.is_dictionary(column.type):
            return cls(table, None)
        chunk = column.chunk(0)
        names = chunk.dictionary.to_pylist()
        codes = chunk.indices.to_numpy()
        if names != sorted(names) or not (codes[1:] >= codes[:-1]).all():
            return cls(table, None)
        bounds = np.searchsorted(codes, np.arange(len(names) + 1))
        return cls(table, {n: (int(bounds[i]), int(bounds[i + 1])) for i, n in enumerate(names)})

    def rows_of(self, scenarios: Sequence[str]) -> list[pa.Table] | None:
        """The part's tables of ``scenarios`` (slices, no copy); None when not sorted."""
        if self.scenarios is None:
            return None
        spans = sorted(self.scenarios[s] for s in set(scenarios) if s in self.scenarios)
        return [self.table.slice(a, b - a) for a, b in spans if b > a]


# Part blobs decompress on two threads, each decoding a run of parts (pyarrow releases the
# GIL); inside a part, Arrow's own threads would cost more than they save on small buffers.
_DECODERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="planbook-decode")


def decoded_parts(hashes: list[str], fetch: Callable[[list[str]], dict[str, bytes]]) -> list[Part]:
    """The decoded fact parts of these blobs, in order: cached ones as they are, the others
    read and decoded (on two threads, each a run of parts) and kept."""
    found = {h: part for h in hashes if (part := FACTS_CACHE.peek(h)) is not None}
    missing = [h for h in dict.fromkeys(hashes) if h not in found]
    if missing:
        data = fetch(missing)
        runs = [missing[i::2] for i in range(2)] if len(missing) > 8 else [missing]
        decoded = _DECODERS.map(lambda run: [Part.of(decode_facts(data[h])) for h in run], runs)
        for run, parts in zip(runs, list(decoded), strict=True):
            for h, part in zip(run, parts, strict=True):
                found[h] = _kept(h, part)
    return [found[h] for h in hashes]


def _kept(key: str, part: Part) -> Part:
    """The cached part for ``key``: ``part`` kept, or the one another reader kept first."""
    return FACTS_CACHE.get(key, lambda: part)


def clear_facts_cache() -> None:
    """Forget every decoded fact part (benchmarks measure cold reads with it)."""
    FACTS_CACHE.clear()
