"""Planbook's workbook buttons, one Python body for classic Excel (``RunPython``) and
xlwings Server (custom scripts): ``push_budget`` and ``pull_plan`` (a team budget template,
or a plain workbook's ``Facts`` sheet) and ``diff_versions``."""

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
