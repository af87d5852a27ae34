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

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from addin.cache import Snapshot
from addin.functions.convert import VALUE, FunctionError
from addin.functions.convert import period as to_period
from addin.functions.pull import known_ids
from addin.functions.slices import hidden_rule
from addin.session import current

__all__ = [
    "Gets",
    "answer_gets",
    "decode_indices",
    "encode_indices",
    "index_width",
    "plain_gets",
    "version_ref",
]

MAX_GROUPS = 32
"""(scenario, confidential rule) groups kept per version: roles and leads' own teams."""
MAX_ARGUMENTS = 100_000
"""Distinct arguments remembered per group before it starts again."""
_RANGE = object()
"""An argument of more than one cell: never plain."""
DIGITS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
"""The base64url alphabet (RFC 4648, section 5): the digits of the calls' indices, 0-63."""
_VALUE = np.full(256, -1, dtype=np.int64)
_VALUE[np.frombuffer(DIGITS, dtype=np.uint8)] = np.arange(64)
ROLES = ("account", "team", "month")


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


def index_width(count: int) -> int:
    """Digits an index into ``count`` arguments is written with: 1 up to 64, 2 up to 4,096,
    3 up to 262,144 (the client computes the same from the number of arguments it sends)."""
    width = 1
    while 64**width < count:
        width += 1
    return width


def encode_indices(at: np.ndarray, count: int) -> str:
    """The calls' indices (rows of account, team and month) as the client sends them."""
    width = index_width(count)
    flat = np.asarray(at, dtype=np.int64).reshape(-1, 1)
    digits = (flat // 64 ** np.arange(width - 1, -1, -1)) % 64
    text: bytes = np.frombuffer(DIGITS, dtype=np.uint8)[digits].tobytes()
    return text.decode("ascii")


def decode_indices(text: str, count: int) -> np.ndarray:
    """The indices ``encode_indices`` wrote for ``count`` arguments, shape (calls, 3).

    Raises ValueError naming the first bad digit, a length that is not whole calls, or
    the first index past the arguments."""
    # one byte a character: anything outside ASCII becomes "?", not a digit
    values = _VALUE[np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8)]
    bad = np.flatnonzero(values < 0)
    if len(bad):
        at = int(bad[0])
        raise ValueError(
            f"character {at} of gets.at is {text[at]!r}; base64url digits (A-Z, a-z, 0-9, "
            "- and _) were expected"
        )
    width = index_width(count)
    if len(values) % (3 * width):
        raise ValueError(
            f"gets.at holds three indices a call (account, team, month), {width} digit(s) "
            f"each for {count:,} arguments: {len(values):,} digits are not whole calls"
        )
    indices = values.reshape(-1, width) @ (64 ** np.arange(width - 1, -1, -1))
    outside = np.flatnonzero(indices >= count)
    if len(outside):
        i = int(outside[0])
        raise ValueError(
            f"call {i // 3}'s {ROLES[i % 3]} index is {int(indices[i])}; there are {count:,} "
            "arguments"
        )
    return indices.reshape(-1, 3)


class _Group:
    """What the calls of one (version, scenario) share for one confidential rule: the
    version's index, the plan's ids, and each argument seen so far as codes. Kept with the
    version's snapshot (:func:`_group`), so a recalculation looks up only new arguments."""

    def __init__(
        self, snapshot: Snapshot, scenario: str, hidden: frozenset[str], own: frozenset[str]
    ) -> None:
        plan = snapshot.plan
        scenarios, self.teams, self.accounts = known_ids(plan)
        self.scenario = scenario
        self.known = scenario in scenarios
        self.months = set(plan.calendar.periods)
        self.index = snapshot.index
        self.hidden, self.own = hidden, own
        self.memo: dict[tuple[type, Any], tuple[int, int, int, bool, bool, bool, bool, bool]] = {}

    def _codes(self, value: Any) -> tuple[int, int, int, bool, bool, bool, bool, bool]:
        """One argument as a team, an account and a month: codes and flags."""
        codes = self.index.codes
        team = account = period = -1
        team_ok = account_ok = month_ok = hidden = own = False
        if type(value) is str and value:
            team, account = codes[1].get(value, -1), codes[2].get(value, -1)
            team_ok, account_ok = value in self.teams, value in self.accounts
            hidden, own = value in self.hidden, value in self.own
        month = _period(value)
        if month is not None:
            period, month_ok = codes[3].get(month, -1), month in self.months
        return team, account, period, team_ok, account_ok, month_ok, hidden, own

    def answer(self, args: list[Any], at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(answered, amounts)`` of the calls ``at`` (rows of account, team and month
        indices into ``args``): the amount ``pb_get`` answers where ``answered``."""
        memo = self.memo
        rows = []
        for value in args:  # each distinct argument once, and once per version
            key = (type(value), value)
            row = memo.get(key)
            if row is None:
                row = memo[key] = self._codes(value)
            rows.append(row)
        if len(memo) > MAX_ARGUMENTS:
            memo.clear()
        codes = np.array(rows, dtype=np.int64).reshape(-1, 8).T
        team, account, period = codes[0], codes[1], codes[2]
        team_ok, account_ok, month_ok, hidden, own = codes[3:].astype(bool)
        a, t, m = at[:, 0], at[:, 1], at[:, 2]
        found, amounts = self.index.lookup(self.scenario, team[t], account[a], period[m])
        seen = ~(hidden[a] & ~own[t])  # a confidential amount: the definition says why
        zero = ~found & account_ok[a] & team_ok[t] & month_ok[m] & self.known
        return seen & (found | zero), amounts


def _group(number: int, scenario: str) -> _Group | None:
    """The group of a version's calls for the caller's confidential rule, or None when the
    version cannot be read (the general path answers each call with the reason)."""
    try:
        snapshot = current().snapshot(str(number))  # as pb_get asks for a version
        hidden, own = hidden_rule(snapshot)
    except Exception:
        return None
    rule = (scenario, frozenset(hidden), frozenset(own))
    groups: OrderedDict[Any, _Group] = snapshot.extra.setdefault("gets", OrderedDict())
    group = groups.get(rule)
    if group is None:
        group = groups[rule] = _Group(snapshot, *rule)
        while len(groups) > MAX_GROUPS:
            groups.popitem(last=False)
    return group


def answer_gets(gets: Gets, pinned: int) -> tuple[list[Any], list[int]]:
    """The amounts of the calls of ``gets`` (the pinned version, scenario base), and the
    indices of the calls the general path answers (their amount is a placeholder)."""
    group = _group(pinned, "base")
    if group is None or not len(gets.at):
        return [0.0] * len(gets.at), list(range(len(gets.at)))
    answered, amounts = group.answer(gets.args, gets.at)
    return amounts.tolist(), np.flatnonzero(~answered).tolist()


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
