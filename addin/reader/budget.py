"""The Budget sheet's input rows as facts, with every problem at its cell."""

from __future__ import annotations

from decimal import Decimal
from difflib import get_close_matches
from typing import Any

import pandas as pd

from addin.reader.cells import Rows, address, cell, is_blank, number, shown, text
from addin.templates.layout import BUDGET, TeamLayout, col, headcount_driven
from planbook.errors import Problem
from planbook.facts import empty_facts, facts_from_records
from planbook.model import Unit
from planbook.validation import validate_facts

Cells = dict[str, str]  # fact column -> cell address


def read_budget_lines(
    rows: Rows, formulas: dict[str, str], layout: TeamLayout
) -> tuple[pd.DataFrame, list[Problem]]:
    """The team's spend facts, and every problem with the Budget rows."""
    records: list[dict[str, Any]] = []
    cells: list[Cells] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for r in range(layout.budget_first_row, layout.budget_last_row + 1):
        account, line = text(cell(rows, r, 1)), text(cell(rows, r, 3))
        amounts = _amounts(rows, formulas, r, layout, problems)
        if not account and not line and not amounts:
            continue
        problem = _line_problem(account, line, r, layout, seen)
        if problem:
            problems.append(problem)
            continue
        seen[(account, line)] = r
        unit = layout.plan.account(account).unit
        for period, (value, where) in amounts.items():
            amount = number(value, where, _expected(unit))
            if isinstance(amount, Problem):
                problems.append(amount)
            elif amount != 0:
                records.append(_fact(layout, account, line, period, amount))
                cells.append(
                    {
                        "account": address(BUDGET, r, 1),
                        "line": address(BUDGET, r, 3),
                        "amount": where,
                        "period": where,
                    }
                )
    if not records:
        return empty_facts(), problems
    facts = facts_from_records(records)
    for p in validate_facts(layout.plan, facts, source=BUDGET):
        row = int(str(p.loc[1]).removeprefix("row ")) - 1 if len(p.loc) > 2 else -1
        where = cells[row].get(str(p.loc[2]), BUDGET) if row >= 0 else BUDGET
        problems.append(Problem((where,), p.msg))
    return facts, problems


def _amounts(
    rows: Rows, formulas: dict[str, str], r: int, layout: TeamLayout, problems: list[Problem]
) -> dict[str, tuple[Any, str]]:
    """The row's non-blank month cells: period -> (value, address)."""
    out = {}
    for i, period in enumerate(layout.periods):
        c = layout.budget_month_column(i)
        value, where = cell(rows, r, c), address(BUDGET, r, c)
        ref = f"{col(c)}{r}"
        if ref in formulas and is_blank(value):
            problems.append(
                Problem(
                    (where,),
                    f"the formula {formulas[ref]} has no calculated "
                    "value; open and save the workbook in Excel or LibreOffice, "
                    "or type the amount",
                )
            )
        elif not is_blank(value):
            out[period] = (value, where)
    return out


def _line_problem(
    account: str, line: str, r: int, layout: TeamLayout, seen: dict[tuple[str, str], int]
) -> Problem | None:
    where = address(BUDGET, r, 1)
    known = {a.id for a in layout.plan.accounts}
    if not account:
        return Problem((where,), "this line has no account; pick one from the list")
    if account in headcount_driven():
        return Problem(
            (where,),
            f"account {account!r} is computed from the Headcount sheet; "
            "plan people there, not as a budget line",
        )
    if account not in known:
        budget = [x.id for x in layout.budget_accounts]
        close = get_close_matches(account.lower(), budget, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return Problem(
            (where,),
            f"unknown account {shown(account)}; pick one from the list (the Accounts sheet){hint}",
        )
    if (account, line) in seen:
        label = f"line {line!r}" if line else "the unnamed line"
        return Problem(
            (address(BUDGET, r, 3),),
            (
                f"{label} of account {account!r} is already on row {seen[(account, line)]}; "
                "each account and line may appear once: add them up or name the lines apart"
            ),
        )
    return None


def _expected(unit: Unit) -> str:
    return "an amount in plan currency" if unit is Unit.CURRENCY else unit.description


def _fact(
    layout: TeamLayout, account: str, line: str, period: str, amount: Decimal
) -> dict[str, Any]:
    return {
        "scenario": layout.scenario,
        "team": layout.team.id,
        "account": account,
        "line": line,
        "period": period,
        "amount": amount,
    }
