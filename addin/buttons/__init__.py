"""Planbook's workbook buttons, one Python body for classic Excel (``RunPython``) and
xlwings Server (custom scripts): ``diff_versions`` and ``push_budget`` (from a ``Facts``
sheet) and ``pull_plan``; the team template's own ranges join with issue 5."""

from addin.buttons.diff import diff_versions, diff_versions_classic
from addin.buttons.pull import pull_plan, pull_plan_classic
from addin.buttons.push import push_budget, push_budget_classic

__all__ = [
    "diff_versions",
    "diff_versions_classic",
    "pull_plan",
    "pull_plan_classic",
    "push_budget",
    "push_budget_classic",
]
