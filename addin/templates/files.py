"""Saving templates, and the blank templates of the demo company kept in the repository."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from addin.templates.cached import write_cached_values
from addin.templates.company import company_workbook
from addin.templates.team import team_template
from planbook.model import Plan

COMPANY_FILE = "company-aop.xlsx"


def save_workbook(wb: Workbook, path: str | Path) -> Path:
    """Write ``wb`` to ``path`` atomically (a half-written workbook is never left behind)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".planbook-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        write_cached_values(Path(tmp), wb)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def team_file(team_id: str) -> str:
    """File name of a team's template: ``team-sales-na.xlsx``."""
    return f"team-{team_id}.xlsx"


def blank_templates(plan: Plan, *, version: str = "") -> dict[str, Workbook]:
    """Every blank template of ``plan``: the company workbook and one per team, by file name."""
    workbooks = {COMPANY_FILE: company_workbook(plan, version=version)}
    for team in plan.teams:
        workbooks[team_file(team.id)] = team_template(plan, team.id, version=version)
    return workbooks
