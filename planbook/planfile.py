"""The plan definition file: a human-editable YAML file for the company set-up.

Numbers in the file are read as exact decimals (never floats). Amounts by month are written
compactly: ``value: 0.0765`` when every month has the same value, otherwise ``from:`` with the
month each new value takes effect (a value holds until the next one)::

    assumptions:
      - id: salary_inflation
        name: Annual salary increase, applied in the review month
        unit: percent
        value: 0.04
    envelopes:
      - team: sales-na
        from: {2026-02: 410000, 2026-08: 455000}

Reading then writing a plan gives back the same plan; writing then reading gives back the
same file content.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from planbook.calendar import FiscalCalendar
from planbook.errors import PlanFileError, PlanValidationError, Problem
from planbook.model import Plan
from planbook.validation import parse_plan

__all__ = [
    "dump_plan",
    "load_mapping",
    "load_plan",
    "plan_from_yaml",
    "plan_to_data",
    "plan_to_yaml",
]

_SECTION_ORDER = (
    "departments",
    "teams",
    "accounts",
    "scenarios",
    "assumptions",
    "goals",
    "envelopes",
    "dependencies",
)


class _Loader(yaml.SafeLoader):
    """Safe YAML loader that reads every number with a fraction as an exact Decimal."""


def _decimal_constructor(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a number", node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal_constructor)
# Months (2026-02) must stay text even when a YAML 1.1 reader would see a date or a number.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Dumper(yaml.SafeDumper):
    """YAML writer that keeps Decimals exact and months quoted."""


def _decimal_representer(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _decimal_representer)
_Dumper.add_multi_representer(StrEnum, lambda dumper, value: dumper.represent_str(value.value))


def plan_from_yaml(text: str, *, source: str = "plan file") -> Plan:
    """Parse and validate a plan from YAML text."""
    return parse_plan(_expand(_mapping(text, source=source, what="plan fields")))


def load_mapping(path: str | Path, *, what: str) -> Mapping[str, Any]:
    """A YAML file's top-level mapping (of ``what``, for the error), every number with a
    fraction an exact Decimal, months kept as text: how plan files are read."""
    return _mapping(_read(Path(path), "file"), source=str(path), what=what)


def _mapping(text: str, *, source: str, what: str) -> Mapping[str, Any]:
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise PlanFileError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, Mapping):
        raise PlanFileError(f"{source}: expected a mapping of {what} at the top level")
    return data


def _read(path: Path, kind: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(f"{path}: cannot read the {kind} ({exc})") from None


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan definition file."""
    path = Path(path)
    return plan_from_yaml(_read(path, "plan file"), source=str(path))


def plan_to_data(plan: Plan) -> dict[str, Any]:
    """The plan as plain data in the file's compact form (Decimals kept exact)."""
    data = plan.model_dump(mode="python", exclude_defaults=False)
    out: dict[str, Any] = {k: data[k] for k in ("id", "name", "currency", "start", "months")}
    for section in _SECTION_ORDER:
        items = []
        for item in data.get(section, ()):
            item = {k: v for k, v in item.items() if v not in ("", None, False)}
            for key in ("values", "amounts"):
                if key in item:
                    item.update(_compact(item.pop(key)))
            items.append(item)
        if items or section != "dependencies":  # an optional section, left out when empty
            out[section] = items
    return out


def plan_to_yaml(plan: Plan) -> str:
    """The plan as YAML text, in the compact form described above."""
    return yaml.dump(
        plan_to_data(plan), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def dump_plan(plan: Plan, path: str | Path) -> Path:
    """Write the plan definition file."""
    path = Path(path)
    path.write_text(plan_to_yaml(plan), encoding="utf-8")
    return path


def _compact(values: Mapping[str, Decimal]) -> dict[str, Any]:
    distinct = set(values.values())
    if len(distinct) == 1:
        return {"value": next(iter(distinct))}
    changes: dict[str, Decimal] = {}
    previous: Decimal | None = None
    for period in sorted(values):
        if previous is None or values[period] != previous:
            changes[period] = values[period]
        previous = values[period]
    return {"from": changes}


def _expand(data: Mapping[str, Any]) -> dict[str, Any]:
    """The file's compact ``value:``/``from:`` forms as the model's full by-month maps."""
    out = dict(data)
    try:
        periods: tuple[str, ...] | None = FiscalCalendar(
            str(data.get("start")), int(data.get("months", 12))
        ).periods
    except (TypeError, ValueError):
        periods = None  # the model reports the bad calendar
    problems: list[Problem] = []
    for section, key in (("assumptions", "values"), ("envelopes", "amounts")):
        items = data.get(section)
        if not isinstance(items, list):
            continue
        out[section] = [
            _expand_item(item, key, periods, (section, i), problems) for i, item in enumerate(items)
        ]
    if problems:
        raise PlanValidationError(problems)
    return out


def _expand_item(
    item: Any,
    key: str,
    periods: tuple[str, ...] | None,
    loc: tuple[str | int, ...],
    problems: list[Problem],
) -> Any:
    if not isinstance(item, Mapping):
        return item
    item = dict(item)
    if periods is None:  # the calendar itself is wrong: report that, not every amount
        item.pop("value", None)
        item.pop("from", None)
        item.setdefault(key, {})
        return item
    given = [k for k in ("value", "from") if k in item]
    if key in item:
        if given:
            problems.append(Problem(loc, f"give either {key!r} or {given[0]!r}, not both"))
        return item
    if len(given) != 1:
        problems.append(
            Problem(
                loc,
                "give the amounts as 'value: X' (every month) or 'from: {YYYY-MM: X, ...}' "
                "(from that month on)",
            )
        )
        return item
    if "value" in item:
        value = item.pop("value")
        item[key] = dict.fromkeys(periods, value)
        return item
    changes = item.pop("from")
    if not isinstance(changes, Mapping) or not changes:
        problems.append(Problem((*loc, "from"), "expected a mapping {YYYY-MM: amount, ...}"))
        return item
    changes = {str(k): v for k, v in changes.items()}
    unknown = [p for p in changes if p not in periods]
    if unknown:
        problems.append(
            Problem(
                (*loc, "from", unknown[0]),
                f"{unknown[0]} is outside the plan's calendar ({periods[0]} to {periods[-1]})",
            )
        )
        return item
    if periods[0] not in changes:
        problems.append(
            Problem(
                (*loc, "from"), f"the first change must be the plan's first month, {periods[0]}"
            )
        )
        return item
    expanded, current = {}, None
    for period in periods:
        current = changes.get(period, current)
        expanded[period] = current
    item[key] = expanded
    return item
