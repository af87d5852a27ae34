"""Encoded facts answers, kept by what they depend on (a bounded in-memory LRU cache).

A version never changes, so the bytes of ``GET .../versions/{ref}/facts`` depend only on the
plan, the version, the filter the caller may see (its role's hidden accounts and a lead's
own teams are part of it) and the format: that is the answer's ETag, and the cache's key.
The first pull of a version encodes it; the next ones send the same bytes. Entries are
dropped least recently used first once their bytes pass the cap; an answer larger than a
quarter of the cap is never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["AnswerCache"]

Key = tuple[str, int, str]
"""(plan, version number, ETag)."""


class AnswerCache:
    """At most ``max_bytes`` of encoded answers (0: keep none). Thread-safe: the routes run
    on a thread pool."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[Key, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key, encode: Callable[[], bytes]) -> bytes:
        """The answer for ``key``: the kept bytes, or ``encode()``'s (kept if they fit)."""
        with self._lock:
            data = self._entries.get(key)
            if data is not None:
                self._entries.move_to_end(key)
                return data
        data = encode()  # outside the lock: other answers are served meanwhile
        if len(data) * 4 > self.max_bytes:
            return data
        with self._lock:
            if key not in self._entries:
                self._entries[key] = data
                self.size += len(data)
            while self.size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self.size -= len(dropped)
        return data
