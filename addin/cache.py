"""The per-version cache behind every worksheet function.

A :class:`VersionCache` answers for one store (a service URL or an embedded database) and
plan. The first question about a version fetches it once — its definition and facts, with a
conditional GET (``If-None-Match``) when a copy is already in the cache folder — and every
later question is an in-memory lookup. Numbered versions never change, so a snapshot stays
valid and is cached by its number; a tag or ``latest`` is resolved again when its resolution
is older than :data:`TAG_TTL_SECONDS` (a cheap question; the facts are fetched only when it
names another number) or after :meth:`VersionCache.refresh` (the Refresh button).
When the service cannot be reached, snapshots already in memory
or in the cache folder still answer, marked offline.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow.parquet as pq

from addin.acting import caller
from addin.index import FactIndex
from addin.settings import AddinSettings
from planbook.facts import facts_from_arrow
from planbook.model import Plan
from planbook.validation import parse_plan
from server.auth import ActingStore
from server.connect import open_store
from server.store import (
    ALL_FACTS,
    FactFilter,
    NotFound,
    StoreAPI,
    StoreUnavailable,
    VersionInfo,
    from_json,
    only_plan,
    to_json,
)

if TYPE_CHECKING:
    from server.client import Client

__all__ = ["Offline", "Snapshot", "VersionCache", "open_cache"]

MAX_SNAPSHOTS = 3
"""Versions kept in memory at once (a company-scale version is a few hundred MiB)."""
TAG_TTL_SECONDS = 30.0
"""How long what a tag or ``latest`` names is trusted before it is asked again."""


class Offline(StoreUnavailable):
    """The service cannot be reached and the cache holds no copy of the version asked for."""


@dataclass
class Snapshot:
    """One version in memory: its record, plan definition and facts."""

    info: VersionInfo
    plan: Plan
    facts: pd.DataFrame
    fetched_at: datetime
    offline: bool = False
    from_disk: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    hidden: FactFilter = ALL_FACTS
    """What the service left out of ``facts`` for the token (confidential accounts its role
    may not see): a function answers those amounts with an error, never 0."""

    @cached_property
    def index(self) -> FactIndex:
        """The lookup index (built on first use)."""
        return FactIndex.build(self.facts)


class VersionCache:
    """Snapshots of one plan's versions from one store (see the module docstring)."""

    def __init__(
        self, settings: AddinSettings, *, retries: int = 1, as_caller: bool = True
    ) -> None:
        self.settings = settings
        # read and push to an embedded store as the caller the add-in acts for (addin.acting);
        # the functions' shared cache holds whole versions instead and filters per call
        self.as_caller = as_caller
        self.folder = Path(settings.cache) if settings.cache else None
        self._door: StoreAPI | None = None
        self._retries = retries
        self._refs: dict[str, tuple[int, float]] = {}
        """What each ref named and when it was resolved (numbers never expire)."""
        self.clock: Callable[[], float] = time.monotonic
        self._snapshots: OrderedDict[int, Snapshot] = OrderedDict()
        self.offline = False
        self.fetches = 0
        self._lock = threading.RLock()

    # --- the store ---------------------------------------------------------------------

    def source(self) -> StoreAPI:
        """The store (or service client) itself, e.g. to push."""
        return self._source()

    def _source(self) -> StoreAPI:
        s = self.settings
        if self._door is None:
            self._door = open_store(
                s.location, actor=s.author, upgrade=False, retries=self._retries
            )
        who = caller() if self.as_caller else None  # a button run for an Office.js caller
        if who is not None and not s.location.remote:
            from server.store.store import Store  # the embedded store: SQLAlchemy is there

            assert isinstance(self._door, Store)
            return ActingStore(self._door, who)
        return self._door

    def plan_id(self) -> str:
        """The plan of the settings, or the store's only plan."""
        if not self.settings.plan:
            self.settings = AddinSettings(**{**self.settings.__dict__, "plan": self._plan()})
        return self.settings.plan

    def _plan(self) -> str:
        return only_plan(self._source(), hint="set PLANBOOK_PLAN in the workbook's settings")

    def close(self) -> None:
        """Close the connection to the store."""
        if self._door is not None:
            self._door.close()

    # --- snapshots -----------------------------------------------------------------------

    def snapshot(self, ref: str | int | None = None) -> Snapshot:
        """The version ``ref`` (default: the pin), fetched once."""
        ref = str(ref if ref not in (None, "") else self.settings.version or "latest")
        number = self._resolved(ref)
        if number is not None and number in self._snapshots:
            self._snapshots.move_to_end(number)
            return self._snapshots[number]
        with self._lock:  # one fetch of a version, however many cells ask at once
            number = self._resolved(ref)
            if number is not None and number in self._snapshots:
                return self._snapshots[number]
            snapshot = self._load(ref)
            self._refs[ref] = (snapshot.info.number, self.clock())
            if not snapshot.offline:
                self._remember(ref, snapshot.info.number)
            self._snapshots[snapshot.info.number] = snapshot
            while len(self._snapshots) > MAX_SNAPSHOTS:
                self._snapshots.popitem(last=False)
            return snapshot

    def _resolved(self, ref: str) -> int | None:
        """The number ``ref`` names, if known and still trusted (see the module docstring)."""
        known = self._refs.get(ref)
        if known is None:
            return None
        number, at = known
        if ref.isdigit() or self.clock() - at < TAG_TTL_SECONDS:
            return number
        return None

    def refresh(self) -> None:
        """Forget what tags and ``latest`` named: the next question resolves them again.
        Snapshots stay (a version never changes)."""
        with self._lock:
            self._refs = {k: v for k, v in self._refs.items() if k.isdigit()}

    def _load(self, ref: str) -> Snapshot:
        try:
            info = self._source().version(self.plan_id(), ref)
        except StoreUnavailable as exc:
            self.offline = True
            return self._offline_copy(ref, exc)
        self.offline = False
        if info.number in self._snapshots:
            return self._snapshots[info.number]
        self.fetches += 1
        source = self._source()
        if self.settings.location.remote:
            from server.client import Client

            assert isinstance(source, Client)
            return self._remote(source, info)
        return self._embedded(source, info)

    def _embedded(self, store: StoreAPI, info: VersionInfo) -> Snapshot:
        plan = store.plan(info.plan, info.number)
        facts = facts_from_arrow(store.facts_table(info.plan, info.number)[1])
        return Snapshot(info, plan, facts, datetime.now(UTC))

    def _remote(self, client: Client, info: VersionInfo) -> Snapshot:
        meta = self._read_meta(info.number)
        etag, content, hidden = client.facts_download(info.plan, info.number, meta.get("etag"))
        from_disk = not content
        if from_disk:
            content = self._path(info.number, "parquet").read_bytes()
            plan = parse_plan(meta["plan"])
        else:
            plan = client.plan(info.plan, info.number)
            self._write(info, plan, etag, content, hidden)
        facts = facts_from_arrow(pq.read_table(io.BytesIO(content)))
        snapshot = Snapshot(info, plan, facts, datetime.now(UTC), from_disk=from_disk)
        snapshot.hidden = hidden
        return snapshot

    def _offline_copy(self, ref: str, exc: StoreUnavailable) -> Snapshot:
        known = self._refs.get(ref)
        number = known[0] if known else self._disk_refs().get(ref)
        if number is None and ref.isdigit():
            number = int(ref)
        if number is not None and number in self._snapshots:
            self._snapshots[number].offline = True
            return self._snapshots[number]
        meta = self._read_meta(number) if number is not None else {}
        if not meta:
            raise Offline(f"offline, and version {ref} is not in the cache ({exc})") from None
        content = self._path(int(meta["number"]), "parquet").read_bytes()
        facts = facts_from_arrow(pq.read_table(io.BytesIO(content)))
        info = from_json(VersionInfo, meta["info"])
        snapshot = Snapshot(info, parse_plan(meta["plan"]), facts, datetime.now(UTC), True, True)
        hidden = meta.get("hidden") or {}
        if hidden.get("hidden_accounts"):
            snapshot.hidden = FactFilter(
                hidden_accounts=hidden["hidden_accounts"], own_teams=hidden["own_teams"]
            )
        return snapshot

    def check(self, snapshot: Snapshot, ref: str | None = None) -> dict[str, Any]:
        """Where the pin and the plan's latest version are now: ``latest`` (number),
        ``moved_to`` (what ``ref`` resolves to now), ``offline``."""
        source = self._source()
        ref = ref or self.settings.version or "latest"
        try:
            latest = source.version(snapshot.info.plan, "latest").number
            now = latest if ref == "latest" else source.version(snapshot.info.plan, ref).number
        except StoreUnavailable:
            self.offline = snapshot.offline = True
            return {"latest": None, "moved_to": None, "offline": True}
        except NotFound:
            now = None
        self.offline = snapshot.offline = False
        return {"latest": latest, "moved_to": now, "offline": False}

    # --- the cache folder ----------------------------------------------------------------

    def _path(self, number: int, suffix: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{self.settings.plan}.v{number}.{suffix}"

    def _read_meta(self, number: int) -> dict[str, Any]:
        if self.folder is None:
            return {}
        path = self._path(number, "json")
        if not path.is_file() or not self._path(number, "parquet").is_file():
            return {}
        meta: dict[str, Any] = json.loads(path.read_text())
        return meta if meta.get("source") == self.settings.source else {}

    def _disk_refs(self) -> dict[str, int]:
        if self.folder is None:
            return {}
        path = self.folder / f"{self.settings.plan}.refs.json"
        refs: dict[str, int] = json.loads(path.read_text()) if path.is_file() else {}
        return refs

    def _write(
        self, info: VersionInfo, plan: Plan, etag: str, content: bytes, hidden: FactFilter
    ) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._path(info.number, "parquet").write_bytes(content)
        meta = {
            "source": self.settings.source,
            "number": info.number,
            "etag": etag,
            "info": to_json(info),
            "plan": plan.model_dump(mode="json"),
            "hidden": {
                "hidden_accounts": list(hidden.hidden_accounts),
                "own_teams": list(hidden.own_teams),
            },
        }
        self._path(info.number, "json").write_text(json.dumps(meta))

    def _remember(self, ref: str, number: int) -> None:
        """Record on disk what ``ref`` named, for answers while offline."""
        if self.folder is None or not self._path(number, "json").is_file():
            return
        refs = self._disk_refs()
        if refs.get(ref) != number:
            refs |= {ref: number, str(number): number}
            (self.folder / f"{self.settings.plan}.refs.json").write_text(json.dumps(refs))


def open_cache(settings: AddinSettings) -> VersionCache:
    """A cache over the store in ``settings``."""
    return VersionCache(settings)
