"""Where a read command's plan and facts come from: a version or tag of the store (default
latest), or a plan file and a facts file."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from planbook.cli.connect import (
    DEFAULT_DB,
    DbOption,
    PlanOption,
    ServerOption,
    TokenOption,
    backend,
)
from planbook.errors import PlanValidationError, Problem, UsageError
from planbook.factfiles import read_facts
from planbook.model import Plan
from planbook.planfile import load_plan
from server.store import StoreAPI

PlanFileArgument = Annotated[
    Path | None, typer.Argument(help="The plan definition file (YAML); none: the store.")
]
FactsFileArgument = Annotated[Path | None, typer.Argument(help="Facts (.csv or .parquet).")]
OptionalVersion = Annotated[
    str | None,
    typer.Option("--version", "-v", help="Version number, tag or latest (default latest)."),
]


@dataclass(frozen=True)
class Sources:
    """Where a read command's plan and facts come from: a version or tag of the store
    (default latest), or a plan file and a facts file. :func:`with_sources` fills it from
    the command line."""

    plan_file: Path | None = None
    facts_file: Path | None = None
    version: str | None = None
    plan: str | None = None
    db: str = DEFAULT_DB
    server: str | None = None
    token: str | None = None

    @contextmanager
    def version_in_store(self) -> Iterator[tuple[StoreAPI, str, int]]:
        """The store these options name, the plan id (``--plan``, else the store's only
        plan) and the number of the version ``--version`` names (default latest)."""
        from server.store import only_plan  # the store: imported when used

        with backend(db=self.db, server=self.server, token=self.token) as store:
            plan_id = self.plan or only_plan(store, hint="name the plan with --plan")
            yield store, plan_id, store.version(plan_id, self.version or "latest").number

    def load(self) -> tuple[Plan, pd.DataFrame, str]:
        """The plan, its facts and a label of where they came from (``version 7``, a
        file name)."""
        if self.plan_file or self.facts_file:
            if not (self.plan_file and self.facts_file):
                raise UsageError("give both PLAN_FILE and FACTS_FILE, or neither to read the store")
            if self.version:
                raise UsageError(
                    "--version reads the store; give it without PLAN_FILE and FACTS_FILE"
                )
            return load_plan(self.plan_file), read_facts(self.facts_file), self.facts_file.name
        with self.version_in_store() as (store, plan_id, number):
            return store.plan(plan_id, number), store.facts(plan_id, number), f"version {number}"


_SOURCE_PARAMETERS = [
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
    for name, kind, default in (
        ("plan_file", PlanFileArgument, None),
        ("facts_file", FactsFileArgument, None),
        ("version", OptionalVersion, None),
        ("plan", PlanOption, None),
        ("db", DbOption, DEFAULT_DB),
        ("server", ServerOption, None),
        ("token", TokenOption, None),
    )
]


def with_sources(command: Callable[..., None]) -> Callable[..., None]:
    """A read command with the source options (PLAN_FILE, FACTS_FILE, ``--version``,
    ``--plan``, ``--db``, ``--server``, ``--token``, after its own) given to it as one
    ``sources`` parameter (a :class:`Sources`)."""
    return _with(command, _SOURCE_PARAMETERS)


def with_store_sources(command: Callable[..., None]) -> Callable[..., None]:
    """:func:`with_sources` for a command that reads only the store (no PLAN_FILE,
    FACTS_FILE)."""
    return _with(command, _SOURCE_PARAMETERS[2:])


def _with(command: Callable[..., None], added: list[inspect.Parameter]) -> Callable[..., None]:
    own = [
        p
        for p in inspect.signature(command, eval_str=True).parameters.values()
        if p.name != "sources"
    ]
    names = [p.name for p in added]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> None:
        chosen = {name: kwargs.pop(name) for name in names}
        command(**kwargs, sources=Sources(**chosen))

    parameters = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own]
    wrapper.__signature__ = inspect.Signature([*parameters, *added])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in [*parameters, *added]}
    return wrapper


def check_scenarios(plan: Plan, scenarios: Sequence[str], *, subject: str) -> None:
    """Each scenario is one of the plan's, or an error that names it and the choices."""
    known = [s.id for s in plan.scenarios]
    problems = [
        Problem(
            ("scenario",),
            f"scenario {s!r} is not in plan {plan.id!r}; expected one of {', '.join(known)}",
        )
        for s in scenarios
        if s not in known
    ]
    if not scenarios:
        problems.append(Problem(("scenario",), "name at least one scenario"))
    if problems:
        raise PlanValidationError(problems, subject=subject)


def scenario_list(values: list[str] | None, default: Sequence[str] = ("base",)) -> list[str]:
    """``--scenario a,b --scenario c`` as ``[a, b, c]`` (``default`` when none)."""
    names = [n.strip() for v in values or [] for n in v.split(",") if n.strip()]
    return list(dict.fromkeys(names)) or list(default)


def check_names(plan: Plan, filters: dict[str, list[str]], *, subject: str) -> None:
    """Every filter value is one the plan knows (a scenario, team, department, account, P&L
    line or month), or an error that names each unknown one: never an empty table."""
    calendar = plan.calendar
    known: dict[str, set[str]] = {
        "scenario": {s.id for s in plan.scenarios},
        "team": {t.id for t in plan.teams},
        "department": {d.id for d in plan.departments},
        "account": {a.id for a in plan.accounts},
        "pnl_line": {a.pnl_line for a in plan.accounts if a.pnl_line},
        "account_type": {a.type.value for a in plan.accounts},
        "period": set(calendar.periods),
    }
    problems = [
        Problem(
            (dimension,),
            f"{dimension} {value!r} is not in plan {plan.id!r}; expected one of "
            f"{', '.join(sorted(known[dimension])[:12])}"
            + (" ..." if len(known[dimension]) > 12 else ""),
        )
        for dimension, values in filters.items()
        if dimension in known
        for value in values
        if value not in known[dimension]
    ]
    if problems:
        raise PlanValidationError(problems, subject=subject)
