"""The fast path of a batch's ``PB.GET`` calls: a recalculation of a sheet of thousands of
``PB.GET`` cells is mostly plain calls (text account and team, a month, the default scenario
and version), and those are answered here with what ``pb_get`` would answer, looked up in
the version's index with the version, the caller's confidential rule and the index's codes
found once per (version, scenario) instead of once per call.

Only the answers that ``pb_get`` gives as a number are given here: a visible amount, or 0
for a known key where nothing was planned. Every other call (an unknown key, a confidential
amount, a bad or error-valued argument, another function) is left to the batch's general
path, which runs the one definition (:func:`addin.functions.pull.pb_get`) and so answers it
with its error and reason. A test checks both paths answer alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from addin.functions.convert import VALUE, FunctionError
from addin.functions.convert import period as to_period
from addin.functions.pull import known_ids
from addin.functions.slices import hidden_rule
from addin.session import current

__all__ = ["plain_gets", "version_ref"]

_Lookup = Callable[[str, str, str], "float | None"]
_NO_PERIOD = ""
_RANGE = object()
"""An argument of more than one cell: never plain."""


class _Group:
    """What the calls of one (version, scenario) share."""

    ok = True

    def __init__(self, number: int, scenario: str) -> None:
        snapshot = current().snapshot(str(number))  # as pb_get asks for a version
        plan = snapshot.plan
        scenarios, self.teams, self.accounts = known_ids(plan)
        self.known = scenario in scenarios
        self.months = set(plan.calendar.periods)
        self.get: _Lookup = snapshot.index.in_scenario(scenario)
        hidden, own = hidden_rule(snapshot)
        self.hidden, self.own = frozenset(hidden), frozenset(own)


class _NoGroup(_Group):
    """A version that cannot be read: its calls are left to the general path."""

    ok = False

    def __init__(self) -> None:
        pass


def _group(number: int, scenario: str) -> _Group:
    try:
        return _Group(number, scenario)
    except Exception:  # the general path answers each call with the reason
        return _NoGroup()


def _plain(value: Any) -> Any:
    """One argument as the general path takes it: a 1x1 range is its value."""
    if type(value) is list:
        if len(value) != 1 or type(value[0]) is not list or len(value[0]) != 1:
            return _RANGE
        return value[0][0]
    return value


def plain_gets(
    calls: list[Any], pinned: int, version_of: Callable[[str], int]
) -> list[dict[str, Any] | None]:
    """One answer per call: ``{"value": amount}`` for a plain ``GET``, None for the calls
    the general path answers."""
    out: list[dict[str, Any] | None] = [None] * len(calls)
    groups: dict[tuple[int, str], _Group] = {}
    periods: dict[Any, str] = {}
    versions: dict[Any, int | None] = {}
    group, at = None, (0, "")
    for i, call in enumerate(calls):
        if type(call) is not list or len(call) != 2 or call[0] != "GET":
            continue
        args = call[1]
        if (
            type(args) is list
            and len(args) == 3
            and type(args[0]) is str
            and type(args[1]) is str
            and type(args[2]) is str
            and args[0]
            and args[1]
        ):  # the common case: three cells of text, the default scenario and version
            account, team, month = args
            number, scenario = pinned, "base"
        else:
            parsed = _parsed(args, pinned, version_of, versions)
            if parsed is None:
                continue
            account, team, month, scenario, number = parsed
        key = periods.get(month)
        if key is None:
            key = periods[month] = _period(month)
        if key is _NO_PERIOD:
            continue
        if group is None or at != (number, scenario):
            at = (number, scenario)
            group = groups.get(at)
            if group is None:
                group = groups[at] = _group(number, scenario)
        if not group.ok:
            continue  # no such version, or the store is away: the definition says so
        if account in group.hidden and team not in group.own:
            continue  # confidential: the definition says why
        value = group.get(team, account, key)
        if value is None:
            if not (group.known and team in group.teams and account in group.accounts):
                continue  # an unknown key: the definition names it
            if key not in group.months:
                continue
            value = 0.0
        out[i] = {"value": value}
    return out


def _parsed(
    args: Any, pinned: int, version_of: Callable[[str], int], versions: dict[Any, int | None]
) -> tuple[str, str, Any, str, int] | None:
    """Account, team, month, scenario and version number of a plain call, or None."""
    if type(args) is not list or not 3 <= len(args) <= 5:
        return None
    account, team, month = _plain(args[0]), _plain(args[1]), _plain(args[2])
    if type(account) is not str or type(team) is not str or not account or not team:
        return None
    if type(month) not in (str, int, float):
        return None
    scenario = _plain(args[3]) if len(args) > 3 else None
    if scenario is None or scenario == "":
        scenario = "base"
    elif type(scenario) is not str:
        return None
    if len(args) > 4:
        ref = _plain(args[4])
        if ref is not None and ref != "":
            if type(ref) not in (str, int, float):
                return None
            if ref not in versions:
                versions[ref] = _number(ref, version_of)
            number = versions[ref]
            return None if number is None else (account, team, month, scenario, number)
    return account, team, month, scenario, pinned


def _period(value: Any) -> str:
    try:
        return to_period(value)
    except FunctionError:
        return _NO_PERIOD


def version_ref(value: Any) -> str:
    """A version argument as the text the resolver takes (``3.0`` is version 3)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list):
        raise FunctionError(VALUE, "version: a range was given where one value is expected")
    return str(value).strip()


def _number(ref: Any, version_of: Callable[[str], int]) -> int | None:
    try:
        return version_of(version_ref(ref))
    except Exception:  # the general path answers it with its reason
        return None
