"""Worksheet functions at company scale: PB_GET from the per-version cache against raw dict
lookups of the same keys, and one PB_TABLE of every team by month against pandas.

The functions are called as Python functions (the bodies Excel runs, with argument
conversion and error handling), from an embedded store holding the demo plan.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from addin.functions import pb_get, pb_table
from addin.session import configure
from addin.settings import AddinSettings
from benchmarks.runner import Case
from planbook.demo import build_demo
from server.store import PushRequest
from server.store.store import Store

LOOKUPS = 10_000


def _store(demo: object, folder: Path) -> str:
    url = f"sqlite:///{folder / 'planbook.db'}"
    store = Store.open(url)
    plan, facts = demo.plan, demo.facts  # type: ignore[attr-defined]
    first, _ = store.acting_as("bench").push(PushRequest(plan.id, base=None, company=plan))
    store.acting_as("bench").push(PushRequest(plan.id, base=first.number, facts=facts))
    store.close()
    return url


def cases(*, teams: int = 300, accounts: int = 200, months: int = 36) -> Iterator[Case]:
    """PB_GET x 10,000 and one PB_TABLE of teams x months on the demo plan of this size."""
    demo = build_demo(teams=teams, accounts=accounts, months=months)
    facts, rows = demo.facts, len(demo.facts)
    folder = Path(tempfile.mkdtemp(prefix="planbook-bench-"))
    settings = AddinSettings(db=_store(demo, folder), plan=demo.plan.id, version="2")
    session = configure(settings)
    columns = [facts[c].astype(str).to_numpy() for c in ("scenario", "team", "account", "period")]
    picks = np.random.default_rng(2).choice(rows, LOOKUPS, replace=False)
    keys = [tuple(c[i] for c in columns) for i in picks]
    raw = dict(zip(zip(*columns, strict=True), facts["amount"].to_numpy(), strict=True))
    first = keys[0]
    pb_get(first[2], first[1], first[3], first[0])  # fetch the version, build the index
    assert session.cache.fetches == 1

    def with_pb_get() -> list[object]:
        return [pb_get(a, t, p, s) for s, t, a, p in keys]

    def with_dict() -> list[object]:
        return [raw[k] for k in keys]

    values = with_pb_get()
    assert all(isinstance(v, float) for v in values), "a lookup returned an error"
    yield Case(
        "functions",
        f"PB_GET x {LOOKUPS:,} from the cached version ({rows:,} facts)",
        LOOKUPS,
        with_pb_get,
        "raw dict lookups, same keys",
        with_dict,
        goal="within 10x",
    )
    planned = facts[facts["scenario"] == "base"].groupby("account", observed=True)["team"]
    account = str(planned.nunique().idxmax())  # the account most teams plan
    base = facts[(facts["scenario"] == "base") & (facts["account"] == account)]
    table = pb_table("team", "month", account, None, "base")
    assert table[0][0] == "team" and len(table[0]) == months + 1, table[:1]
    assert len(table) == base["team"].nunique() + 1
    yield Case(
        "functions",
        f"PB_TABLE {base['team'].nunique()} teams x {months} months ({account})",
        len(base),
        lambda: pb_table("team", "month", account, None, "base"),
        "pandas pivot_table of the same slice",
        lambda: facts[(facts["scenario"] == "base") & (facts["account"] == account)].pivot_table(
            index="team", columns="period", values="amount", aggfunc="sum", observed=True
        ),
        goal="one formula, under a second",
    )

    yield Case(
        "functions",
        "first PB_GET: fetch the version, build the index",
        rows,
        lambda: _cold_get(settings, first),
        "read the facts, build a raw dict",
        lambda: _raw_index(settings),
        goal="once per version",
    )


def _cold_get(settings: AddinSettings, key: tuple[str, ...]) -> object:
    configure(settings)
    return pb_get(key[2], key[1], key[3], key[0])


def _raw_index(settings: AddinSettings) -> object:
    store = Store.open(settings.db, upgrade=False)
    facts = store.facts(settings.plan, 2)
    store.close()
    columns = [facts[c].astype(str).to_numpy() for c in ("scenario", "team", "account", "period")]
    return dict(zip(zip(*columns, strict=True), facts["amount"].to_numpy(), strict=True))
