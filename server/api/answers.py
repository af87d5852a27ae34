"""Encoded facts answers, kept by what they depend on (a bounded in-memory LRU cache).

A version never changes, so the bytes of ``GET .../versions/{ref}/facts`` depend only on the
plan, the version, the filter the caller may see (its role's hidden accounts and a lead's
own teams are part of it) and the format: that is the answer's ETag, and the cache's key.
The first pull of a version encodes it; the next ones send the same bytes. Entries are
dropped least recently used first once their bytes pass the cap; an answer larger than a
quarter of the cap is never kept.
"""

from __future__ import annotations

from server.lru import LruCache

__all__ = ["AnswerCache"]

Key = tuple[str, int, str]
"""(plan, version number, ETag)."""


class AnswerCache(LruCache[Key, bytes]):
    """At most ``max_bytes`` of encoded answers (0: keep none), weighed by their length."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max_bytes, weigh=len)
