"""Workbook templates, generated with openpyxl from a plan and a version.

- :func:`team_template`: one team's budget workbook (headcount, spend lines, summary);
- :func:`company_workbook`: finance's company AOP workbook (the company part as tables).

Both carry a very hidden metadata sheet (see :mod:`addin.metadata`) that the reader checks.
"""

from addin.templates.company import company_workbook
from addin.templates.team import team_template

__all__ = ["company_workbook", "team_template"]
