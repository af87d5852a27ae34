"""Where a read command's plan and facts come from: a version or tag of the store (default
latest), or a plan file and a facts file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from planbook.cli.connect import backend
from planbook.errors import PlanValidationError, Problem, UsageError
from planbook.facts import read_facts
from planbook.model import Plan
from planbook.planfile import load_plan

PlanFileArgument = Annotated[
    Path | None, typer.Argument(help="The plan definition file (YAML); none: the store.")
]
FactsFileArgument = Annotated[Path | None, typer.Argument(help="Facts (.csv or .parquet).")]
OptionalVersion = Annotated[
    str | None,
    typer.Option("--version", "-v", help="Version number, tag or latest (default latest)."),
]


def plan_and_facts(
    plan_file: Path | None,
    facts_file: Path | None,
    *,
    version: str | None,
    plan: str | None,
    db: str,
    server: str | None,
    token: str | None,
) -> tuple[Plan, pd.DataFrame, str]:
    """The plan, its facts and a label of where they came from (``version 7``, a file)."""
    if plan_file or facts_file:
        if not (plan_file and facts_file):
            raise UsageError("give both PLAN_FILE and FACTS_FILE, or neither to read the store")
        if version:
            raise UsageError("--version reads the store; give it without PLAN_FILE and FACTS_FILE")
        return load_plan(plan_file), read_facts(facts_file), facts_file.name
    from server.store import only_plan  # the store: imported when used

    with backend(db=db, server=server, token=token) as store:
        plan_id = plan or only_plan(store, hint="name the plan with --plan")
        number = store.version(plan_id, version or "latest").number
        return store.plan(plan_id, number), store.facts(plan_id, number), f"version {number}"


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
