"""Small builders shared by the store tests."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pyarrow as pa

from planbook.demo import Demo
from planbook.facts import AMOUNT_TYPE, normalize
from server.store import PushRequest, VersionInfo
from server.store.store import Store


def team_facts(demo: Demo, team: str) -> pd.DataFrame:
    """One team's budget lines (no actuals) from the demo."""
    facts = demo.facts
    rows = facts[(facts["team"] == team) & (facts["scenario"] != "actuals")]
    return rows.reset_index(drop=True)


def bump(facts: pd.DataFrame, cents: int = 1) -> pd.DataFrame:
    """The same facts with every amount raised by a whole number (a new draft)."""
    out = facts.copy()
    step = Decimal(cents)
    amounts = pa.array([a + step for a in out["amount"]], AMOUNT_TYPE)
    out["amount"] = pd.arrays.ArrowExtensionArray(amounts)
    return out


def seed(store: Store, demo: Demo, *, author: str = "finance@cirrus") -> VersionInfo:
    """Version 1: the company part; version 2: every team's budget and the actuals."""
    first, _ = store.acting_as(author).push(
        PushRequest(demo.plan.id, base=None, message="set-up", company=demo.plan)
    )
    second, _ = store.acting_as(author).push(
        PushRequest(demo.plan.id, base=first.number, facts=demo.facts)
    )
    return second


def same_facts(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Equal as sets of facts (order and categories aside)."""
    return normalize(a).astype(str).equals(normalize(b).astype(str))
