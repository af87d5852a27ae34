"""Benchmark: reading workbooks with openpyxl vs python-calamine, in one run.

Cases: a filled team budget workbook (60 spend lines x 36 months, 40 positions) and the
company AOP workbook of a 300-team, 200-account, 36-month company. For each: the raw read
of every cell value with openpyxl (read-only) and with python-calamine, whether both read
the same values, and the full Planbook reader (python-calamine for values, the sheet XML for
formulas). Figures are medians; ratios are against openpyxl measured in the same run.

``python -m benchmarks.workbooks`` prints the table; :func:`run` returns the rows.
"""

from __future__ import annotations

import atexit
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from python_calamine import CalamineWorkbook

from addin.reader import read_company_workbook, read_team_workbook
from addin.templates import company_workbook, team_template
from addin.templates.files import save_workbook
from planbook.demo import build_demo
from planbook.facts import facts_from_records

TEAM = "sales-na"


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _openpyxl_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def _calamine_values(path: Path) -> dict[str, list[list[Any]]]:
    wb = CalamineWorkbook.from_path(str(path))
    try:
        return {
            name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in wb.sheet_names
        }
    finally:
        wb.close()


def _same(a: Any, b: Any) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return Decimal(repr(float(a))) == Decimal(repr(float(b)))
    return bool(a == b)


def _agree(path: Path, sheets: tuple[str, ...]) -> bool:
    """Both libraries read the same input values (formula cells aside: no cached values)."""
    left, right = _openpyxl_values(path), _calamine_values(path)
    for sheet in sheets:
        for r, row in enumerate(left[sheet]):
            for c, value in enumerate(row):
                other = (
                    right[sheet][r][c] if r < len(right[sheet]) and c < len(right[sheet][r]) else ""
                )
                if isinstance(value, str) and value.startswith("="):
                    continue
                if not _same(value, other):
                    return False
    return True


def _team_facts(demo_facts: pd.DataFrame, plan: Any, lines: int) -> pd.DataFrame:
    accounts = [
        a.id
        for a in plan.accounts
        if a.type.is_cost and a.id not in ("salaries", "payroll-taxes", "benefits")
    ]
    records = [
        {
            "scenario": "base",
            "team": TEAM,
            "account": accounts[k % len(accounts)],
            "line": f"line {k}",
            "period": period,
            "amount": Decimal(1000 + k * 37 + i) / 4,
        }
        for k in range(lines)
        for i, period in enumerate(plan.calendar.periods)
    ]
    return facts_from_records(records)


def _workbooks(folder: Path, *, teams: int, accounts: int, months: int) -> tuple[Any, Path, Path]:
    """The plan of the team workbook, the filled team workbook and the company workbook."""
    demo = build_demo(months=months)
    facts = _team_facts(demo.facts, demo.plan, 60)
    team = team_template(demo.plan, TEAM, facts=facts, positions=demo.positions)
    team_path = save_workbook(team, folder / "team.xlsx")
    big = build_demo(teams=teams, accounts=accounts, months=months)
    company_path = save_workbook(company_workbook(big.plan), folder / "company.xlsx")
    return demo.plan, team_path, company_path


def run(
    repeat: int = 3, *, teams: int = 300, accounts: int = 200, months: int = 36
) -> list[dict[str, Any]]:
    """Rows of (case, reader, seconds, ratio to openpyxl, same values)."""
    with tempfile.TemporaryDirectory() as tmp:
        plan, team_path, company_path = _workbooks(
            Path(tmp), teams=teams, accounts=accounts, months=months
        )
        rows = _case(
            f"team workbook, 60 lines x {months} months",
            team_path,
            ("Budget", "Headcount"),
            lambda: read_team_workbook(team_path, plan),
            repeat,
        )
        rows += _case(
            f"company workbook, {teams} teams x {accounts} accounts x {months} months",
            company_path,
            ("Teams", "Accounts", "Envelopes"),
            lambda: read_company_workbook(company_path),
            repeat,
        )
    return rows


def cases(*, teams: int = 300, accounts: int = 200, months: int = 36) -> list[Any]:
    """The same measurements as ``benchmarks.runner.Case`` objects, for ``python -m
    benchmarks`` (add ``"workbooks": workbooks.cases`` to its ``GROUPS``)."""
    from benchmarks.runner import Case  # the runner lives on the main branch

    folder = Path(tempfile.mkdtemp(prefix="planbook-bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    plan, team_path, company_path = _workbooks(
        folder, teams=teams, accounts=accounts, months=months
    )
    read_team_workbook(team_path, plan)  # warm the expected-formula cache
    baseline = "openpyxl read-only, all values"
    return [
        Case(
            "workbooks",
            f"team workbook 60 x {months}: python-calamine values",
            60 * months,
            lambda: _calamine_values(team_path),
            baseline,
            lambda: _openpyxl_values(team_path),
        ),
        Case(
            "workbooks",
            f"team workbook 60 x {months}: Planbook reader",
            60 * months,
            lambda: read_team_workbook(team_path, plan),
            baseline,
            lambda: _openpyxl_values(team_path),
        ),
        Case(
            "workbooks",
            f"company workbook {teams} teams: python-calamine values",
            teams * months,
            lambda: _calamine_values(company_path),
            baseline,
            lambda: _openpyxl_values(company_path),
        ),
        Case(
            "workbooks",
            f"company workbook {teams} teams: Planbook reader",
            teams * months,
            lambda: read_company_workbook(company_path),
            baseline,
            lambda: _openpyxl_values(company_path),
        ),
    ]


def _case(
    case: str, path: Path, sheets: tuple[str, ...], reader: Callable[[], object], repeat: int
) -> list[dict[str, Any]]:
    same = _agree(path, sheets)
    base = _median(lambda: _openpyxl_values(path), repeat)
    calamine = _median(lambda: _calamine_values(path), repeat)
    reader()  # warm the expected-formula cache, as a long-running service would be
    full = _median(reader, repeat)
    return [
        {
            "case": case,
            "reader": "openpyxl read-only, all values",
            "seconds": base,
            "ratio": 1.0,
            "same values": True,
        },
        {
            "case": case,
            "reader": "python-calamine, all values",
            "seconds": calamine,
            "ratio": calamine / base,
            "same values": same,
        },
        {
            "case": case,
            "reader": "Planbook reader (calamine + formulas + checks)",
            "seconds": full,
            "ratio": full / base,
            "same values": True,
        },
    ]


def main() -> None:
    """Print the figures as a Markdown table."""
    print("| case | reader | median | vs openpyxl | same values |")
    print("|---|---|---:|---:|---|")
    for row in run():
        print(
            f"| {row['case']} | {row['reader']} | {row['seconds'] * 1000:,.0f} ms | "
            f"{row['ratio']:.2f}x | {'yes' if row['same values'] else 'NO'} |"
        )


if __name__ == "__main__":
    main()
