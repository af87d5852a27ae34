"""Reading a filled team budget template: facts plus the headcount detail, or every problem.

``read_team_workbook(path, plan)`` returns a :class:`TeamWorkbook` (facts in the format of
INTERFACES.md, the positions, and the metadata with the store version the workbook was based
on, for the store's optimistic-concurrency check) or raises one
:class:`~planbook.errors.PlanValidationError` listing every problem with its ``Sheet!Cell``.
Values come from python-calamine; formulas from the sheet XML, compared with the formulas
the template put there, so cached formula values are never needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from addin.metadata import TEAM_KIND, Metadata
from addin.reader.budget import read_budget_lines
from addin.reader.checks import (
    check_formulas,
    check_headings,
    check_outside,
    check_reference,
)
from addin.reader.positions import read_positions
from addin.reader.workbook import Sheets, open_workbook, read_metadata, sort_by_cell
from addin.templates.layout import (
    ASSUMPTIONS,
    BUDGET,
    HEADCOUNT,
    INSTRUCTIONS,
    SUMMARY,
    TeamLayout,
)
from planbook.errors import PlanValidationError, Problem
from planbook.facts import empty_facts, normalize
from planbook.headcount import POSITION_COLUMNS, headcount_facts
from planbook.model import Plan


@dataclass(frozen=True)
class TeamWorkbook:
    """What a team workbook holds: its metadata, facts and positions."""

    metadata: Metadata
    facts: pd.DataFrame
    positions: pd.DataFrame
    warnings: tuple[Problem, ...] = ()
    """Cells that differ from the plan but do not stop a push (edited or stale assumptions)."""

    @property
    def team(self) -> str:
        return self.metadata.team

    @property
    def scenario(self) -> str:
        return self.metadata.scenario

    @property
    def base_version(self) -> int | None:
        """The store version the workbook was based on (None: made from a plan file)."""
        return int(self.metadata.base_version) if self.metadata.base_version else None


def read_team_workbook(path: str | Path, plan: Plan, *, team: str | None = None) -> TeamWorkbook:
    """Read a team budget workbook file for ``plan`` (and ``team``, if given)."""
    wb = open_workbook(path)
    try:
        return read_team_sheets(wb, plan, team=team)
    finally:
        wb.close()


def read_team_sheets(wb: Sheets, plan: Plan, *, team: str | None = None) -> TeamWorkbook:
    """Read a team budget workbook already open (a file, or a book in Excel)."""
    meta = read_metadata(wb, kind=TEAM_KIND, plan_id=plan.id)
    layout = team_layout(meta, plan, expected_team=team, source=wb.name)
    return _read(wb, meta, layout)


def team_layout(
    meta: Metadata, plan: Plan, *, expected_team: str | None, source: str
) -> TeamLayout:
    """The layout the workbook was made with, if the plan still has it."""
    subject = f"workbook {source}"
    if expected_team is not None and meta.team != expected_team:
        raise PlanValidationError(
            [
                Problem(
                    (source,),
                    f"this is the budget of team {meta.team!r}, not of team {expected_team!r}",
                )
            ],
            subject=subject,
        )
    try:
        team = plan.team(meta.team)
        fingerprint, headcount_rows, budget_rows = meta.layout.split(";")
        layout = TeamLayout(plan, team, meta.scenario, int(headcount_rows), int(budget_rows))
    except (KeyError, ValueError):
        raise PlanValidationError(
            [
                Problem(
                    (source,),
                    f"team {meta.team!r} is not in plan {plan.id!r} (or the "
                    "metadata was edited); download a fresh template",
                )
            ],
            subject=subject,
        ) from None
    if layout.fingerprint() != fingerprint:
        based = f"version {meta.base_version}" if meta.base_version else "its plan file"
        raise PlanValidationError(
            [
                Problem(
                    (source,),
                    f"the workbook was made from {based}; since then the "
                    "plan's calendar, chart of accounts or assumptions changed; pull a fresh "
                    "workbook from the store and copy your numbers into it",
                )
            ],
            subject=subject,
        )
    return layout


REQUIRED_SHEETS = (INSTRUCTIONS, ASSUMPTIONS, HEADCOUNT, BUDGET, SUMMARY)


def _check_sheets(wb: Sheets) -> None:
    missing = [s for s in REQUIRED_SHEETS if s not in wb.sheet_names]
    if missing:
        raise PlanValidationError(
            [
                Problem(
                    (s,),
                    f"the sheet {s!r} is missing (deleted or renamed); rename it back "
                    "or download a fresh template",
                )
                for s in missing
            ],
            subject=f"workbook {wb.name}",
        )


def _read(wb: Sheets, meta: Metadata, layout: TeamLayout) -> TeamWorkbook:
    _check_sheets(wb)
    budget_rows, headcount_rows = wb.rows(BUDGET), wb.rows(HEADCOUNT)
    formulas = {sheet: wb.formulas(sheet) for sheet in (BUDGET, HEADCOUNT)}
    problems = check_formulas(wb, layout) if wb.formulas_known else []
    problems += check_headings(budget_rows, headcount_rows, layout)
    problems += check_outside(budget_rows, headcount_rows, layout)
    positions, found = read_positions(headcount_rows, formulas[HEADCOUNT], layout)
    problems += found
    spend, found = read_budget_lines(budget_rows, formulas[BUDGET], layout)
    problems += found
    if problems:
        problems = sort_by_cell(problems, wb.sheet_names)
        raise PlanValidationError(problems, subject=f"workbook {wb.name}")
    people = headcount_facts(layout.plan, positions) if len(positions) else empty_facts()
    people = people[people["amount"] != 0]
    facts = normalize(pd.concat([spend, people], ignore_index=True))
    warnings = tuple(check_reference(wb.rows(ASSUMPTIONS), layout))
    return TeamWorkbook(meta, facts, positions[list(POSITION_COLUMNS)], warnings)
