"""``planbook validate``: check a plan definition file and facts files against it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planbook.cli.common import console, user_errors
from planbook.cli.workbooks import check_workbook
from planbook.errors import PlanValidationError
from planbook.factfiles import read_facts
from planbook.planfile import load_plan
from planbook.validation import validate_facts


@user_errors
def validate(
    plan_file: Annotated[Path, typer.Argument(help="The plan definition file (YAML).")],
    facts_files: Annotated[
        list[Path] | None,
        typer.Argument(help="Facts files (.csv, .parquet) or filled workbooks (.xlsx) to check."),
    ] = None,
) -> None:
    """Check a plan definition and facts; list every problem with its location.

    Exits 0 when everything is valid and 1 when anything is not.
    """
    plan = load_plan(plan_file)
    problems = []
    for path in facts_files or []:
        if path.suffix.lower() == ".xlsx":
            problems += check_workbook(plan, path)
            continue
        facts = read_facts(path)
        problems += validate_facts(plan, facts, source=path.name)
        console.print(f"{path}: {len(facts):,} facts read")
    if problems:
        raise PlanValidationError(problems, subject="facts")
    console.print(
        f"[green]OK[/]: {plan_file} and {len(facts_files or [])} facts file(s) are valid."
    )
