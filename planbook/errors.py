"""Planbook's domain errors.

Every error a user can cause is a :class:`PlanbookError`. The tree::

    PlanbookError
    ├── PlanValidationError      a plan definition or facts broke one or more rules;
    │                            carries every :class:`Problem` found, not just the first
    ├── PlanFileError            a plan definition file cannot be read at all
    │                            (missing, not YAML, not a mapping)
    ├── FactsFileError           a facts file cannot be read at all
    │                            (missing, wrong format, missing columns)
    └── UsageError               bad options or arguments: a command given what it cannot
                                 do (two files, a filter with no value, a missing file)

The edges add their own branches under :class:`PlanbookError`, each documented where it
lives: the store's refusals (``StoreError`` and its subclasses, in ``server.store.errors``),
the service's ``InsecureSettings`` (``server``), and the add-in's ``WorkbookFileError``,
``FunctionError`` and ``Offline`` (``addin``).

Validation collects: it returns (or raises with) the whole list of problems, each with the
place it was found (``loc``) and a full sentence saying what was found and what was expected.
Edges turn these into user errors: a CLI message and a non-zero exit, an HTTP 422 body, an
Excel alert. Anything that is not a :class:`PlanbookError` is a bug: the edges log it with
its traceback (the CLI shows it) and tell the user no more than that something went wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "FactsFileError",
    "PlanFileError",
    "PlanValidationError",
    "PlanbookError",
    "Problem",
    "UsageError",
]

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a plan or its facts.

    ``loc`` is the path to the offending value, outermost first, for example
    ``("accounts", 3, "unit")`` in a plan definition or ``("facts.csv", "row 17", "team")``
    for a facts file. ``msg`` is a full sentence that says what was found and what was
    expected.
    """

    loc: Loc
    msg: str

    @property
    def where(self) -> str:
        """The location as one string: ``accounts[3].unit``, ``facts.csv, row 17, amount``."""
        if any(isinstance(p, str) and p.startswith("row ") for p in self.loc):
            return ", ".join(str(p) for p in self.loc)
        out = ""
        for part in self.loc:
            if isinstance(part, int):
                out += f"[{part}]"
            else:
                out += f".{part}" if out else part
        return out

    def __str__(self) -> str:
        return f"{self.where}: {self.msg}" if self.loc else self.msg

    def to_dict(self) -> dict[str, object]:
        """The JSON shape used by the service: ``{"loc": [...], "msg": "..."}``."""
        return {"loc": list(self.loc), "msg": self.msg}


class PlanbookError(Exception):
    """Base class of every error Planbook raises on purpose."""


class PlanValidationError(PlanbookError):
    """A plan definition or a set of facts broke one or more rules.

    ``problems`` lists every problem found, in the order found.
    """

    def __init__(self, problems: Iterable[Problem], *, subject: str = "plan") -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        self.subject = subject
        count = len(self.problems)
        head = f"The {subject} has {count} problem{'s' if count != 1 else ''}"
        lines = [f"{head}:"] + [f"  - {p}" for p in self.problems[:20]]
        if count > 20:
            lines.append(f"  ... and {count - 20} more")
        super().__init__("\n".join(lines))


class PlanFileError(PlanbookError):
    """A plan definition file cannot be read at all."""


class FactsFileError(PlanbookError):
    """A facts file cannot be read at all."""


class UsageError(PlanbookError):
    """Bad options or arguments: what was asked for cannot be done as given."""
