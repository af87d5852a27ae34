"""Decoded fact parts: a stored part's rows, decoded once a scenario and kept by blob hash.

Parts are immutable and content-addressed, so a decoded part is shared across requests and
versions (a version shares every part it did not change). A part of the current format
(:mod:`server.store.partformat`) decodes one scenario at a time, only those a read asks
for; a part of the earlier format (an Arrow IPC stream) is decoded whole and cut by
scenario. The cache is bounded by rows (a part weighs all its rows, decoded or not).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from server.lru import LruCache
from server.store.partformat import Header, Slice, is_plain, slice_of_table
from server.store.parts import decode_facts

__all__ = ["FACTS_CACHE", "Part", "clear_facts_cache", "decoded_parts"]

FACTS_CACHE_ROWS = 4_000_000
"""At most this many fact rows are kept (about 12 bytes a decoded row: 50 MB)."""


class Part:
    """A stored fact part: its scenarios, and each one's rows once asked for."""

    def __init__(self, data: bytes, known: dict[bytes, tuple[str, ...]] | None = None) -> None:
        if is_plain(data):
            self._header: Header | None = Header.read(data, known)
            self.scenarios = self._header.scenarios
            self.rows = self._header.rows
            self._done: dict[int, Slice] = {}
        else:
            self._header = None
            slices = slice_of_table(decode_facts(data))
            self.scenarios = tuple(s.scenario for s in slices)
            self.rows = sum(s.rows for s in slices)
            self._done = dict(enumerate(slices))

    def wanted(self, scenarios: Sequence[str]) -> list[int]:
        """The positions of ``scenarios`` (every one when empty) among the part's."""
        if not scenarios:
            return list(range(len(self.scenarios)))
        asked = set(scenarios)
        return [i for i, s in enumerate(self.scenarios) if s in asked]

    def slice(self, index: int) -> Slice:
        """The rows of the part's ``index``-th scenario (decoded the first time)."""
        found = self._done.get(index)
        if found is None and self._header is not None:
            found = self._done[index] = self._header.slice(index)
        assert found is not None  # an earlier-format part has every slice
        return found


FACTS_CACHE: LruCache[str, Part] = LruCache(FACTS_CACHE_ROWS, weigh=lambda p: p.rows)
"""Decoded fact parts by blob hash: immutable, so safe to share across requests and
versions (a version shares every part it did not change)."""


def decoded_parts(
    hashes: list[str],
    fetch: Callable[[list[str]], dict[str, bytes]],
    scenarios: Sequence[str] = (),
) -> list[Slice]:
    """The rows of ``scenarios`` (every one when empty) of these blobs' parts, part by part
    in order, each part's in scenario order: kept parts as they are, the others read and
    kept.

    Decoded on the calling thread: two decoding threads, each a run of parts, made the cold
    consolidation slower, not faster (1.66-1.86x DuckDB against 1.36-1.40x inline, timed
    beside DuckDB's group-by, whose own threads then want both cores)."""
    found = {h: part for h in hashes if (part := FACTS_CACHE.peek(h)) is not None}
    missing = [h for h in dict.fromkeys(hashes) if h not in found]
    if missing:
        data = fetch(missing)
        known: dict[bytes, tuple[str, ...]] = {}  # dictionaries met in this read, by bytes
        for h in missing:
            found[h] = FACTS_CACHE.get(h, lambda h=h: Part(data[h], known))  # type: ignore[misc]
    return [part.slice(i) for h in hashes for part in (found[h],) for i in part.wanted(scenarios)]


def clear_facts_cache() -> None:
    """Forget every decoded fact part (benchmarks measure cold reads with it)."""
    FACTS_CACHE.clear()
