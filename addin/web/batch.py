"""Many custom-function calls answered in one request: the Office.js client collects the calls
of one recalculation and sends them together (Microsoft's batching pattern).

Each call runs the one Python definition of its function (:mod:`addin.functions`), as the
caller (:mod:`addin.acting`: a confidential amount the token may not see is an error value
with its reason). The workbook's own pin and every tag or ``latest`` a cell names are resolved
against the store once per batch, so a moved tag shows in the next recalculation on every
worker; numbered versions stay in the per-version cache (they never change). No state of the
batch outlives it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from addin.acting import acting_for
from addin.functions.convert import VALUE, FunctionError, check_required, table
from addin.functions.convert import _error as error_of
from addin.session import current
from addin.web.gets import Gets, answer_gets, plain_gets, version_ref
from addin.web.meta import Definition, definitions
from server.auth import Principal
from server.store import StoreError

__all__ = ["Batch", "run_batch"]

MAX_CALLS = 100_000
"""Calls one request may carry (a recalculation of a large sheet is split by the client)."""


@dataclass
class Batch:
    """One batch: the plan, the workbook's pin and the calls ``[name, [args...]]``."""

    plan: str
    pin: str
    calls: list[Any]
    refs: list[str] = field(default_factory=list)
    """Other tags or numbers the client has seen: answered with what they resolve to now."""
    errors: list[dict[str, Any]] = field(default_factory=list)
    """The client's recent errors (``at``, ``code``, ``message``): what ``PB.ERRORS`` lists.
    The client holds them, so every worker answers the same."""
    resolved: dict[str, int] = field(default_factory=dict)
    gets: Gets | None = None
    """Plain ``PB.GET`` calls sent compactly (:class:`addin.web.gets.Gets`), answered in
    ``gets`` of the answer: a number, or ``{"error": ..., "message": ...}``, per call."""


def _functions() -> dict[str, tuple[Definition, Callable[..., Any], list[str]]]:
    out = {}
    for d in definitions():
        inner = getattr(d.function, "__wrapped__", d.function)  # errors are answered here
        out[d.name] = (d, inner, [p[0] for p in d.params])
    return out


def run_batch(batch: Batch, principal: Principal, resolve: Callable[[str], int]) -> dict[str, Any]:
    """Answer every call of ``batch`` as ``principal``: ``{"version": N, "results": [...]}``
    with one ``{"value": ...}`` or ``{"error": "#N/A", "message": ...}`` per call, in order,
    and ``"gets"``: one number or error per compact ``GET`` call (:attr:`Batch.gets`).
    ``resolve`` turns a tag, ``latest`` or number into a version number."""
    functions = _functions()
    pin = batch.pin or "latest"

    def version_of(ref: str) -> int:
        if ref.isdigit():  # a number names one version for good: the cache checks it exists
            return int(ref)
        if ref not in batch.resolved:
            batch.resolved[ref] = resolve(ref)
        return batch.resolved[ref]

    pin_error: dict[str, Any] = {}
    try:
        pinned: int | None = version_of(pin)
    except (StoreError, ValueError) as exc:
        pinned, pin_error = None, _answer_error(exc)
    results: list[dict[str, Any] | None] = []
    gets: list[Any] = []
    with acting_for(principal):
        if batch.gets is not None:
            gets = _gets(functions, batch.gets, pinned, version_of, pin_error)
        if pinned is not None:  # plain PB.GET calls first, in bulk (addin.web.gets)
            results = plain_gets(batch.calls, pinned, version_of)
        for i, call in enumerate(batch.calls):
            if pinned is None:
                results.append(pin_error)
            elif results[i] is not None:
                continue
            elif isinstance(call, list) and call and str(call[0]).upper() == "ERRORS":
                results[i] = {"value": _errors(batch.errors)}
            else:
                results[i] = _one(functions, call, pinned, version_of)
    for ref in batch.refs:
        try:
            version_of(ref)
        except (StoreError, ValueError):
            batch.resolved.pop(ref, None)
    answer = {"version": pinned, "pin": pin, "results": results, "resolved": batch.resolved}
    return answer if batch.gets is None else {**answer, "gets": gets}


def _gets(
    functions: dict[str, tuple[Definition, Callable[..., Any], list[str]]],
    gets: Gets,
    pinned: int | None,
    version_of: Callable[[str], int],
    pin_error: dict[str, Any],
) -> list[Any]:
    """The compact calls' answers: the amounts in bulk, the rest by the definition."""
    if pinned is None:
        return [pin_error] * len(gets.at)
    out, rest = answer_gets(gets, pinned)
    for i in rest:
        one = _one(functions, gets.call(i), pinned, version_of)
        out[i] = one["value"] if type(one.get("value")) is float else one
    return out


def _one(
    functions: dict[str, tuple[Definition, Callable[..., Any], list[str]]],
    call: Any,
    pinned: int,
    version_of: Callable[[str], int],
) -> dict[str, Any]:
    try:
        name, raw = call[0], call[1]
        definition, fn, names = functions[name if name in functions else str(name).upper()]
    except (KeyError, IndexError, TypeError):
        return {"error": VALUE, "message": f"there is no Planbook function {call!r:.60}"}
    try:
        if not isinstance(raw, list) or len(raw) > len(names):
            raise FunctionError(VALUE, f"PB.{definition.name} takes at most {len(names)} arguments")
        kwargs: dict[str, Any] = {}
        for n, a in zip(names, raw, strict=False):
            # the common case first: one cell of text or a number
            if type(a) is list and len(a) == 1 and type(a[0]) is list and len(a[0]) == 1:
                a = a[0][0]
                if type(a) is str and a:
                    kwargs[n] = a
                    continue
            value = _argument(definition, n, a)
            if value is not None:
                kwargs[n] = value
        check_required(fn, kwargs)  # a blank required argument: named, with what it takes
        if "version" in names:
            ref = kwargs.get("version")
            kwargs["version"] = pinned if ref is None else version_of(version_ref(ref))
        result = fn(**kwargs)
        fast = type(result) is float and math.isfinite(result)
        return {"value": result if fast else _json(result)}
    except Exception as exc:  # an error value with its reason, never a traceback
        return _answer_error(exc)


def _errors(records: list[dict[str, Any]]) -> Any:
    """``PB.ERRORS()``: the caller's recent errors, newest first, as ``PB_ERRORS`` shows them."""
    rows = [
        (str(r.get("at", ""))[:19].replace("T", " "), "", r.get("code", ""), r.get("message", ""))
        for r in records[:50]
    ]
    rows = rows or [("", "", "", "no errors")]
    return _json(table(["time", "function", "error", "message"], rows))


def _answer_error(exc: Exception) -> dict[str, Any]:
    code, message = error_of(exc)
    return {"error": code, "message": message}


def _argument(definition: Definition, name: str, value: Any) -> Any:
    """One argument as the definitions take it: a 1x1 blank is omitted, a range's blanks are
    None, an error value is refused (never read as a blank)."""
    one_cell = isinstance(value, list) and len(value) == 1 and isinstance(value[0], list)
    if one_cell and len(value[0]) == 1:
        value = value[0][0]
    if isinstance(value, list):
        rows = [[_cell(definition, name, c) for c in row] for row in value]
        return rows
    return _cell(definition, name, value)


def _cell(definition: Definition, name: str, value: Any) -> Any:
    if isinstance(value, dict):
        code = str(value.get("error", "an error"))
        raise FunctionError(
            VALUE,
            f"PB.{definition.name}: argument {name} is the error {code}; fix the cell it "
            "refers to (an error is never read as a blank)",
        )
    return None if value == "" else value


def _json(value: Any) -> Any:
    """A result as JSON: Decimals as numbers, dates as Excel serial numbers, None blank."""
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return {"error": "#NUM!"}
    if hasattr(value, "toordinal") and not isinstance(value, int | float | str):
        return _serial(value)
    return "" if value is None else value


def _serial(value: Any) -> float:
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return float((value - dt.date(1899, 12, 30)).days)


def resolver(plan: str) -> Callable[[str], int]:
    """Resolve refs of ``plan`` against the service's own store (the cache's source)."""
    cache = current().cache

    def resolve(ref: str) -> int:
        return cache.source().resolve(plan or cache.plan_id(), ref)

    return resolve
