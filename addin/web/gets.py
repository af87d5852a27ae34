"""The fast path of a batch's ``PB.GET`` calls: a recalculation of a sheet of thousands of
``PB.GET`` cells is mostly plain calls (text account and team, a month, the default scenario
and version), and those are answered here with what ``pb_get`` would answer, all at once:
each distinct argument of the batch is looked up once (its codes in the version's index,
whether the plan knows it, whether the caller may see it), then every call is a few array
operations over those codes (:meth:`addin.index.FactIndex.lookup`). The index is built once
per version number (versions never change: every worker builds the same one).

The client sends the plain calls compactly: the batch's distinct arguments once, and three
indices into them per call (:class:`Gets`). Calls with a scenario or version of their own
arrive one object each and are grouped here by (version, scenario).

Only the answers that ``pb_get`` gives as a number are given here: a visible amount, or 0
for a known key where nothing was planned. Every other call (an unknown key, a confidential
amount, a bad or error-valued argument, another function) is left to the batch's general
path, which runs the one definition (:func:`addin.functions.pull.pb_get`) and so answers it
with its error and reason. A test checks both paths answer alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from addin.functions.convert import VALUE, FunctionError
from addin.functions.convert import period as to_period
from addin.functions.pull import known_ids
from addin.functions.slices import hidden_rule
from addin.session import current

__all__ = ["Gets", "answer_gets", "plain_gets", "version_ref"]

_RANGE = object()
"""An argument of more than one cell: never plain."""


@dataclass
class Gets:
    """Plain ``PB.GET(account, team, month)`` calls of one batch, compactly: the distinct
    one-cell arguments (text or numbers) once, and per call three indices into them
    (``at[i] = (account, team, month)``). They read the workbook's pin and scenario base."""

    args: list[Any]
    at: np.ndarray
    """int64, shape (calls, 3)."""

    def call(self, i: int) -> list[Any]:
        """Call ``i`` as the general path takes it: ``["GET", [account, team, month]]``."""
        a, t, m = self.at[i].tolist()
        return ["GET", [self.args[a], self.args[t], self.args[m]]]


class _Group:
    """What the calls of one (version, scenario) share: the version's index and the plan's
    ids, with the caller's confidential rule."""

    def __init__(self, number: int, scenario: str) -> None:
        snapshot = current().snapshot(str(number))  # as pb_get asks for a version
        plan = snapshot.plan
        scenarios, self.teams, self.accounts = known_ids(plan)
        self.scenario = scenario
        self.known = scenario in scenarios
        self.months = set(plan.calendar.periods)
        self.index = snapshot.index
        hidden, own = hidden_rule(snapshot)
        self.hidden, self.own = frozenset(hidden), frozenset(own)

    def answer(self, args: list[Any], at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(answered, amounts)`` of the calls ``at`` (rows of account, team and month
        indices into ``args``): the amount ``pb_get`` answers where ``answered``."""
        codes = self.index.codes
        n = len(args)
        team, account, period = (np.full(n, -1, dtype=np.int64) for _ in range(3))
        team_ok, account_ok, month_ok = (np.zeros(n, dtype=bool) for _ in range(3))
        hidden, own = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        for i, value in enumerate(args):  # each distinct argument once
            if type(value) is str and value:
                team[i] = codes[1].get(value, -1)
                account[i] = codes[2].get(value, -1)
                team_ok[i], account_ok[i] = value in self.teams, value in self.accounts
                hidden[i], own[i] = value in self.hidden, value in self.own
            month = _period(value)
            if month is not None:
                period[i], month_ok[i] = codes[3].get(month, -1), month in self.months
        a, t, m = at[:, 0], at[:, 1], at[:, 2]
        found, amounts = self.index.lookup(self.scenario, team[t], account[a], period[m])
        seen = ~(hidden[a] & ~own[t])  # a confidential amount: the definition says why
        zero = ~found & account_ok[a] & team_ok[t] & month_ok[m] & self.known
        return seen & (found | zero), amounts


def _group(number: int, scenario: str) -> _Group | None:
    try:
        return _Group(number, scenario)
    except Exception:  # the general path answers each call with the reason
        return None


def answer_gets(gets: Gets, pinned: int) -> list[float | None]:
    """One amount per call of ``gets`` (the pinned version, scenario base), None for the
    calls the general path answers."""
    group = _group(pinned, "base")
    if group is None or not len(gets.at):
        return [None] * len(gets.at)
    answered, amounts = group.answer(gets.args, gets.at)
    out: list[float | None] = amounts.tolist()
    for i in np.flatnonzero(~answered).tolist():
        out[i] = None
    return out


def plain_gets(
    calls: list[Any], pinned: int, version_of: Callable[[str], int]
) -> list[dict[str, Any] | None]:
    """One answer per call: ``{"value": amount}`` for a plain ``GET``, None for the calls
    the general path answers."""
    out: list[dict[str, Any] | None] = [None] * len(calls)
    grouped: dict[tuple[int, str], tuple[dict[Any, int], list[list[int]], list[int]]] = {}
    versions: dict[Any, int | None] = {}
    for i, call in enumerate(calls):
        if type(call) is not list or len(call) != 2 or call[0] != "GET":
            continue
        parsed = _parsed(call[1], pinned, version_of, versions)
        if parsed is None:
            continue
        *key, scenario, number = parsed
        distinct, at, where = grouped.setdefault((number, scenario), ({}, [], []))
        at.append([distinct.setdefault((type(v), v), len(distinct)) for v in key])
        where.append(i)
    for (number, scenario), (distinct, at, where) in grouped.items():
        group = _group(number, scenario)
        if group is None:
            continue
        args = [v for _, v in distinct]
        answered, amounts = group.answer(args, np.array(at, dtype=np.int64))
        for i, ok, value in zip(where, answered.tolist(), amounts.tolist(), strict=True):
            if ok:
                out[i] = {"value": value}
    return out


def _plain(value: Any) -> Any:
    """One argument as the general path takes it: a 1x1 range is its value."""
    if type(value) is list:
        if len(value) != 1 or type(value[0]) is not list or len(value[0]) != 1:
            return _RANGE
        return value[0][0]
    return value


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


def _period(value: Any) -> str | None:
    """The month a one-cell argument names, or None."""
    if type(value) not in (str, int, float):
        return None
    try:
        return to_period(value)
    except FunctionError:
        return None


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
