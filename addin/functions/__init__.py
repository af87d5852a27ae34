"""Planbook's worksheet functions, defined once for classic Excel (xlwings add-in) and
Office.js (xlwings Server): ``PB_GET``, ``PB_TABLE``, ``PB_VERSION``, ``PB_CONSOLIDATE``,
``PB_SCENARIO``, ``PB_KPI``, ``PB_GOALS``, ``PB_VARIANCE``, ``PB_ALIGN`` and ``PB_ERRORS``.

Each is a thin wrapper over the core (:mod:`planbook`) and the per-version cache; its
docstring and ``@xw.arg`` docs are the help Excel shows. Later groups (alignment, KPIs,
variance) join as modules of their own, imported here.
"""

from addin.functions.goals import pb_goals
from addin.functions.kpis import pb_kpi
from addin.functions.pull import pb_errors, pb_get, pb_table, pb_version
from addin.functions.reports import pb_align, pb_variance
from addin.functions.rollups import pb_consolidate, pb_scenario

__all__ = [
    "pb_align",
    "pb_consolidate",
    "pb_errors",
    "pb_get",
    "pb_goals",
    "pb_kpi",
    "pb_scenario",
    "pb_table",
    "pb_variance",
    "pb_version",
]
