"""What changed in a plan's definition between two versions: assumptions, envelopes, goals,
accounts, teams, departments, scenarios and the plan's own settings.

:func:`diff_plans` compares two :class:`~planbook.model.Plan` objects item by item (items
are matched on their id; envelopes on team and scenario) and lists every item added,
removed or changed, with each changed field's old and new value. Month-by-month values
(an assumption's ``values``, an envelope's ``amounts``) are compared month by month.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from planbook.model import Plan

__all__ = ["DEFINITION_KINDS", "DefinitionChange", "FieldChange", "diff_plans", "union_plan"]

DEFINITION_KINDS = (
    "plan",
    "scenario",
    "department",
    "team",
    "account",
    "assumption",
    "envelope",
    "goal",
)
"""What a definition change can be about, in the order they are listed."""
_SETTINGS = ("name", "currency", "start", "months")


@dataclass(frozen=True)
class FieldChange:
    """One field of an item: its old and new value as text (empty when absent)."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class DefinitionChange:
    """An item of the plan definition ``added``, ``removed`` or ``changed``."""

    kind: str
    id: str
    change: str
    fields: tuple[FieldChange, ...] = ()


def diff_plans(a: Plan, b: Plan) -> list[DefinitionChange]:
    """Every definition item that differs from ``a`` to ``b``, by kind, then id."""
    out: list[DefinitionChange] = []
    settings = _fields({k: getattr(a, k) for k in _SETTINGS}, {k: getattr(b, k) for k in _SETTINGS})
    if settings:
        out.append(DefinitionChange("plan", a.id, "changed", settings))
    for kind, old, new in (
        ("scenario", _by_id(a.scenarios), _by_id(b.scenarios)),
        ("department", _by_id(a.departments), _by_id(b.departments)),
        ("team", _by_id(a.teams), _by_id(b.teams)),
        ("account", _by_id(a.accounts), _by_id(b.accounts)),
        ("assumption", _by_id(a.assumptions), _by_id(b.assumptions)),
        ("envelope", _envelopes(a), _envelopes(b)),
        ("goal", _by_id(a.goals), _by_id(b.goals)),
    ):
        out.extend(_items(kind, old, new))
    return out


def union_plan(a: Plan, b: Plan) -> Plan:
    """``b`` with the teams, departments, accounts and scenarios only ``a`` has added, so
    that a diff can name the department and P&L line of a removed team or account."""
    update: dict[str, Any] = {}
    for name in ("departments", "teams", "accounts", "scenarios"):
        mine = getattr(b, name)
        ids = {item.id for item in mine}
        update[name] = (*mine, *(item for item in getattr(a, name) if item.id not in ids))
    return b.model_copy(update=update)


def _by_id(items: Iterable[Any]) -> dict[str, BaseModel]:
    return {item.id: item for item in items}


def _envelopes(plan: Plan) -> dict[str, BaseModel]:
    return {f"{e.team}/{e.scenario}": e for e in plan.envelopes}


def _items(
    kind: str, old: dict[str, BaseModel], new: dict[str, BaseModel]
) -> Iterable[DefinitionChange]:
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            yield DefinitionChange(kind, key, "removed", _fields(_dump(old[key]), {}))
        elif key not in old:
            yield DefinitionChange(kind, key, "added", _fields({}, _dump(new[key])))
        elif old[key] != new[key]:
            yield DefinitionChange(kind, key, "changed", _fields(_dump(old[key]), _dump(new[key])))


def _dump(item: BaseModel) -> dict[str, Any]:
    return item.model_dump(mode="python")


def _fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    out: list[FieldChange] = []
    for name in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(name), new.get(name)
        if isinstance(before, dict) or isinstance(after, dict):
            months = {**(before or {}), **(after or {})}
            out.extend(
                FieldChange(f"{name}[{m}]", _text(before, m), _text(after, m))
                for m in sorted(months)
                if not _same((before or {}).get(m), (after or {}).get(m))
            )
        elif not _same(before, after):
            out.append(FieldChange(name, _plain(before), _plain(after)))
    return tuple(out)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return a == b and type(a) is type(b)


def _text(values: dict[str, Any] | None, month: str) -> str:
    return _plain((values or {}).get(month))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if hasattr(value, "value"):  # an enum
        return str(value.value)
    return str(value)
