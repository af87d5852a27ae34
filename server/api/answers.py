"""Encoded facts answers: addressed by what their bytes depend on, kept in memory and in the
store, and encoded ahead of the first pull when a push lands.

The bytes of ``GET .../versions/{ref}/facts`` depend only on the format (and how it is
written), the filter the caller may see (its role's hidden accounts and a lead's own teams
are part of it) and the stored blobs of the parts the filter reads. :func:`answer_key` hashes
exactly those, so an answer is shared by every version that holds the same parts (a push that
changes one team leaves the other teams' answers valid) and never between callers who may
see different rows.

Three places keep answers, nearest first:

- :class:`AnswerCache`, per worker process: a bounded LRU of bytes in memory;
- the store's ``answers`` table (:mod:`server.store.answers`), shared by every worker and
  surviving restarts (Parquet answers only), bounded by ``PLANBOOK_PULL_STORE_BYTES``;
- nowhere: the answer is read from the parts and encoded.

:class:`Warmer` fills the store's table after a push commits, in one background thread of the
worker that took the push: for the new version, the whole version as finance sees it and as a
role without confidential access sees it, and each team the push changed (up to
:data:`WARM_TEAMS`) both ways. A warm never delays or fails the push; if it fails, the pull
encodes the answer itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from planbook.model import Plan
from server.auth import Principal, hidden_filter
from server.formats import PARQUET_OPTIONS, facts_to_bytes
from server.lru import LruCache
from server.store.contract import ALL_FACTS, FactFilter
from server.store.parts import is_team_part, team_of
from server.store.read import wanted_parts
from server.store.records import VersionInfo
from server.store.store import Store

__all__ = ["WARM_TEAMS", "AnswerCache", "Warmer", "answer_key", "reading_filter"]

_log = logging.getLogger(__name__)

WARM_TEAMS = 16
"""A push that changes more teams than this warms only the whole-version answers."""

_VIEWER = Principal("warm", "viewer")
"""Whom the non-confidential answers are made for: what every viewer's pull sees."""


def reading_filter(wanted: FactFilter) -> FactFilter:
    """``wanted`` in one canonical form (values sorted, once each), with no hiding rule when
    it cannot hide a row (every team it reads is one of the caller's own): the same rows
    give the same key whoever asks for them."""
    hidden, own = sorted(set(wanted.hidden_accounts)), sorted(set(wanted.own_teams))
    if wanted.teams and set(wanted.teams) <= set(own):
        hidden, own = [], []
    return FactFilter(
        scenarios=tuple(sorted(set(wanted.scenarios))),
        teams=tuple(sorted(set(wanted.teams))),
        accounts=tuple(sorted(set(wanted.accounts))),
        periods=tuple(sorted(set(wanted.periods))),
        hidden_accounts=tuple(hidden),
        own_teams=tuple(own) if hidden else (),
    )


def answer_key(plan: Plan, info: VersionInfo, wanted: FactFilter, fmt: str) -> str:
    """The address of an answer: SHA-256 over the format and its writer's options, the
    canonical filter (:func:`reading_filter`) and the blobs of the parts it reads. JSON
    answers name their version too, so theirs is part of the key."""
    parts = {p.part: p for p in info.parts}
    canonical = reading_filter(wanted)
    blobs = [parts[name].hash for name in wanted_parts(plan, parts, canonical)]
    named = [info.plan, info.number, info.hash] if fmt == "json" else []
    writer = PARQUET_OPTIONS if fmt == "parquet" else {}
    text = json.dumps(
        ["answer/1", fmt, writer, [list(v) for v in canonical.__dict__.values()], blobs, named],
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


class AnswerCache(LruCache[str, bytes]):
    """At most ``max_bytes`` of encoded answers by key (0: keep none), weighed by their
    length; an answer larger than a quarter of the cap is never kept."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max_bytes, weigh=len)


class Warmer:
    """Encodes the most pulled Parquet answers of each pushed version in the background and
    keeps them in the store (at most ``cap`` bytes there; 0: warm nothing). Give
    :meth:`schedule` to the store as its ``after_push``."""

    def __init__(self, store: Store, memory: AnswerCache, *, cap: int) -> None:
        self.store = store
        self.memory = memory
        self.cap = cap
        self._newest: dict[str, int] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planbook-warm")

    def schedule(self, version: VersionInfo) -> None:
        """Warm ``version``'s answers soon, in the background (skipped if a newer version
        of its plan is pushed before its turn comes)."""
        if self.cap <= 0:
            return
        with self._lock:
            self._newest[version.plan] = max(self._newest.get(version.plan, 0), version.number)
        self._pool.submit(self._run, version.plan, version.number)

    def _run(self, plan_id: str, number: int) -> None:
        with self._lock:
            if self._newest.get(plan_id, 0) > number:
                return  # a newer version came meanwhile: warm that one instead
        try:
            self.warm(plan_id, number)
        except Exception:  # the pull encodes what the warm could not
            _log.exception("warming the pull answers of %s v%s", plan_id, number)

    def warm(self, plan_id: str, number: int) -> list[str]:
        """Encode and keep the answers :func:`warm_views` names for a version that the store
        does not keep yet; the keys made."""
        info, plan = self.store.version_plan(plan_id, number)
        kept = self.store.kept_answers()
        made = []
        for wanted in warm_views(plan, info):
            key = answer_key(plan, info, wanted, "parquet")
            if key in kept:
                continue
            _, table = self.store.facts_table(plan_id, number, reading_filter(wanted))
            data = facts_to_bytes(table, "parquet")
            if self.store.keep_answer(key=key, plan_id=plan_id, data=data, cap=self.cap):
                made.append(key)
            self.memory.put(key, data)
            kept[key] = len(data)
        return made

    def wait(self) -> None:
        """Block until every scheduled warm has run (tests, benchmarks and shutdown)."""
        self._pool.submit(lambda: None).result()

    def close(self) -> None:
        """Finish the warms under way and stop the thread."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def warm_views(plan: Plan, info: VersionInfo) -> list[FactFilter]:
    """The filters worth encoding ahead, in order: each team the version changed (when it
    changed at most :data:`WARM_TEAMS`; small, and its lead pulls it right after pushing)
    as finance and as a viewer sees it, then the whole version both ways."""
    views = []
    teams = sorted(team_of(p) for p in info.changed if is_team_part(p))
    if len(teams) <= WARM_TEAMS:
        for team in teams:
            one = FactFilter(teams=(team,))
            views += [one, hidden_filter(_VIEWER, plan, one)]
    return [*views, ALL_FACTS, hidden_filter(_VIEWER, plan, ALL_FACTS)]
