"""What every command shares: the console, and turning domain errors into user errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from planbook.errors import PlanbookError, PlanValidationError

_UNBOUNDED = 100_000
_UNWRAPPED = 160
"""Off a terminal, a table up to this wide prints unwrapped; a wider one wraps its text to
this width (its figures are never cut)."""


class _Console(Console):
    """A console whose tables are never cut short when the output is not a terminal (a
    file, a pipe, a CI log): rich assumes 80 columns there and ends a figure that does not
    fit in an ellipsis. There a table prints unwrapped up to 160 columns, wider with its
    text wrapped, and never narrower than its longest words (every figure whole). In a
    terminal, rich fits it to the window."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        tables = [o for o in objects if isinstance(o, Table)]
        if not tables or self.is_terminal:
            super().print(*objects, **kwargs)
            return
        options = self.options.update_width(_UNBOUNDED)
        sizes = [self.measure(t, options=options) for t in tables]
        least = max(m.minimum for m in sizes)  # every word (every figure) whole
        natural = max(m.maximum for m in sizes)  # nothing wrapped
        before = self._width  # rich caps a print's width at the console's: widen it
        self.width = max(self.width, least, min(natural, _UNWRAPPED))
        try:
            super().print(*objects, **kwargs)
        finally:
            self._width = before


console = _Console(highlight=False, soft_wrap=True)
err_console = _Console(stderr=True, highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print a :class:`PlanbookError` (a :class:`~planbook.errors.UsageError` for bad options)
    as a message (every problem, no traceback) and exit 1. Anything else is a bug: it goes up
    with its traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except PlanValidationError as exc:
            count = len(exc.problems)
            err_console.print(
                f"[bold red]Error:[/] the {exc.subject} has {count} "
                f"problem{'s' if count != 1 else ''}:"
            )
            for problem in exc.problems:
                err_console.print(f"  - {problem}", markup=False)
            raise typer.Exit(1) from None
        except PlanbookError as exc:
            err_console.print(f"[bold red]Error:[/] {escape(str(exc))}", markup=True)
            raise typer.Exit(1) from None

    return wrapper


def money(amount: Decimal) -> str:
    """``1,234,567`` (whole currency units, for summaries)."""
    return f"{amount:,.0f}"
