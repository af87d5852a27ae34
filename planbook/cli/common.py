"""What every command shares: the console, and turning domain errors into user errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from planbook.errors import PlanbookError, PlanValidationError

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

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
