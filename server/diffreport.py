"""The diff of two versions as one JSON-ready report: what ``planbook diff`` prints and the
service's diff route answers.

Sections: the two versions, the scope, a summary (counts, and totals of the changed lines
by scenario and unit), roll-ups of the change, the bridge, a page of changed lines, the
definition changes and who changed what. Amounts are exact decimals written as text.
Roll-ups other than by account, and the bridge, show the change in operating income: P&L
accounts only, costs negative (heads and customers are never added to money); the
roll-up by account shows every account's own delta. Every roll-up keeps scenarios apart.
A threshold hides lines only: counts, totals, roll-ups and the bridge take every change.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.diff import PCT_COLUMNS, diff_rollup
from planbook.facts import AMOUNT_TYPE, plain_decimal
from server.store.compare import VersionDiff, bridge_of
from server.store.contract import StoreAPI
from server.store.records import to_json

__all__ = ["BRIDGE_BY", "ROLLUPS", "diff_report", "line_records"]

ROLLUPS = ("team", "department", "account", "pnl_line", "month", "quarter")
"""The roll-ups of the change a report holds."""
BRIDGE_BY = ("department", "team", "account", "pnl_line")
"""What a bridge can step by."""


def diff_report(
    store: StoreAPI,
    diff: VersionDiff,
    *,
    bridge_by: str | None = "department",
    scenario: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    largest_first: bool = False,
) -> dict[str, Any]:
    """The report of ``diff`` (from :func:`server.store.compare.diff_versions` on the same
    door). ``bridge_by`` None leaves the bridge out (it needs all of A's facts in scope);
    ``scenario`` is the bridge's (default: the scope's first, else ``base``); ``limit`` and
    ``offset`` page the changed lines, in key order or ``largest_first`` (by |delta|)."""
    changes = _largest_first(diff.facts.changes) if largest_first else diff.facts.changes
    scenario = scenario or (diff.scope.scenarios[0] if diff.scope.scenarios else "base")
    end = None if limit is None else offset + limit
    return {
        "plan": diff.plan_id,
        "from": _version(diff.a),
        "to": _version(diff.b),
        "scope": _scope(diff),
        "summary": _summary(diff),
        "totals": _totals(diff),
        "rollups": {name: _rollup(diff, name) for name in ROLLUPS},
        "bridge": _bridge(store, diff, bridge_by, scenario),
        "lines": line_records(changes.iloc[offset:end]),
        "lines_total": len(changes),
        "definitions": [asdict(d) for d in diff.definitions],
        "history": [
            {k: v for k, v in to_json(info).items() if k != "parts"} for info in diff.history
        ],
        "statuses": [to_json(s) for s in diff.statuses],
    }


def line_records(changes: pd.DataFrame) -> list[dict[str, Any]]:
    """Changed lines as JSON records: amounts as exact text, missing ones as null."""
    columns = {c: changes[c].tolist() for c in PCT_COLUMNS}
    return [{c: _value(columns[c][i]) for c in PCT_COLUMNS} for i in range(len(changes))]


def _largest_first(changes: pd.DataFrame) -> pd.DataFrame:
    size = pc.abs(pa.array(changes["delta"].array, AMOUNT_TYPE))
    order = pc.sort_indices(size, sort_keys=[("", "descending")]).to_numpy()
    return changes.take(order)


def _version(info: Any) -> dict[str, Any]:
    data = to_json(info)
    return {k: data[k] for k in ("number", "author", "created_at", "message", "hash")}


def _scope(diff: VersionDiff) -> dict[str, Any]:
    scope = diff.scope
    return {
        "scenarios": list(scope.scenarios),
        "teams": list(scope.teams),
        "departments": list(scope.departments),
        "accounts": list(scope.accounts),
        "periods": list(scope.periods),
        "threshold": plain_decimal(scope.threshold),
    }


def _summary(diff: VersionDiff) -> dict[str, Any]:
    counts = diff.facts.all_changes["change"].value_counts()
    return {
        "added": int(counts.get("added", 0)),
        "removed": int(counts.get("removed", 0)),
        "changed": int(counts.get("changed", 0)),
        "unchanged": diff.facts.unchanged,
        "below_threshold": diff.facts.below_threshold,
        "compared_parts": list(diff.compared_parts),
        "skipped_parts": list(diff.skipped_parts),
        "skipped_rows": diff.skipped_rows,
    }


def _totals(diff: VersionDiff) -> list[dict[str, Any]]:
    """Old, new and delta of the changed lines, by scenario and unit (summed in Arrow,
    exactly: a diff of millions of lines is not walked row by row)."""
    changes = diff.facts.all_changes
    if not len(changes):
        return []
    unit = {a.id: a.unit.value for a in diff.plan.accounts}
    accounts = changes["account"].astype("category")
    per_code = np.array([unit.get(str(a), "(unknown)") for a in accounts.cat.categories])
    zero = pa.scalar(Decimal(0), AMOUNT_TYPE)
    table = pa.table(
        {
            "scenario": pa.array(changes["scenario"].astype(str).to_numpy(), pa.string()),
            "unit": pa.array(per_code[accounts.cat.codes.to_numpy()], pa.string()),
            "old": pc.fill_null(pa.array(changes["old"].array, AMOUNT_TYPE), zero),
            "new": pc.fill_null(pa.array(changes["new"].array, AMOUNT_TYPE), zero),
        }
    )
    sums = table.group_by(["scenario", "unit"]).aggregate([("old", "sum"), ("new", "sum")])
    rows = sorted(
        zip(
            sums.column("scenario").to_pylist(),
            sums.column("unit").to_pylist(),
            sums.column("old_sum").to_pylist(),
            sums.column("new_sum").to_pylist(),
            strict=True,
        )
    )
    return [
        {
            "scenario": scenario,
            "unit": unit_name,
            "old": plain_decimal(old),
            "new": plain_decimal(new),
            "delta": plain_decimal(new - old),
        }
        for scenario, unit_name, old, new in rows
    ]


def _rollup(diff: VersionDiff, name: str) -> list[dict[str, Any]]:
    changes = diff.facts.all_changes
    if not len(changes):
        return []
    by = ["scenario"] if name in ("month", "quarter") else ["scenario", name]
    period = name if name in ("month", "quarter") else "total"
    signed = name != "account"
    rolled = diff_rollup(diff.plan, changes, by=by, period=period, signed=signed)
    if period == "total":
        rolled = rolled.drop(columns=["period"])
    rolled = rolled[rolled["delta"] != 0]
    return [{str(k): _value(v) for k, v in row.items()} for row in rolled.to_dict("records")]


def _bridge(
    store: StoreAPI, diff: VersionDiff, by: str | None, scenario: str
) -> dict[str, Any] | None:
    if by is None:
        return None
    steps = bridge_of(store, diff, by=by, scenario=scenario)
    return {
        "by": by,
        "scenario": scenario,
        "unit": diff.plan.currency,
        "steps": [
            {"step": step, "amount": plain_decimal(amount)}
            for step, amount in zip(steps["step"], steps["amount"], strict=True)
        ],
    }


def _value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, float):
        return value
    return str(value)
