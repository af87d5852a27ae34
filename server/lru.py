"""A bounded, thread-safe, least-recently-used cache of answers that never go stale.

What the service keeps here is immutable once computed (a version never changes), so an
entry is never invalidated, only dropped when the cache is full: the encoded facts pulls
(:class:`server.api.answers.AnswerCache`), the alignment reports
(:data:`server.alignment.FINDINGS`), the store's decoded fact parts
(:mod:`server.store.decoded`), its versions and plans (:mod:`server.store.read`) and versions'
parts (:mod:`server.store.manifests`).
The key must hold everything the answer depends on, the caller's visibility included.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["LruCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _one(_: object) -> int:
    return 1


class LruCache(Generic[K, V]):
    """At most ``capacity`` of kept weight (``weigh`` of each value: 1 by default, so the
    capacity counts entries; 0 keeps nothing). Least recently used entries are dropped
    first once the weight passes the capacity; a value heavier than a quarter of the
    capacity is never kept. Thread-safe: the routes run on a thread pool."""

    def __init__(self, capacity: int, weigh: Callable[[V], int] = _one) -> None:
        self.capacity = capacity
        self.size = 0
        """The kept weight."""
        self._weigh = weigh
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: K) -> V | None:
        """The kept value for ``key`` (now the most recently used), or None."""
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._entries.clear()
            self.size = 0

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value for ``key``: the kept one, or ``make()``'s (kept if it fits)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()  # outside the lock: other answers are served meanwhile
        self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` under ``key`` if it fits (made elsewhere, e.g. ahead of a request)."""
        weight = self._weigh(value)
        if weight * 4 > self.capacity:
            return
        with self._lock:
            if key not in self._entries:
                self._entries[key] = value
                self.size += weight
            while self.size > self.capacity:
                _, dropped = self._entries.popitem(last=False)
                self.size -= self._weigh(dropped)
