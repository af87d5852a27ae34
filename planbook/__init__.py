"""Planbook's domain core: the plan model, facts, validation, roll-ups and KPIs.

Pure Python over pandas and Arrow: no Excel, HTTP or database imports. The add-in
(``addin/``) and the service (``server/``) call into this package; neither does business
arithmetic of its own.
"""

from planbook.calendar import FiscalCalendar, is_period, shift_period
from planbook.confidential import confidential_accounts
from planbook.consolidate import (
    DIMENSIONS,
    PERIOD_GRAINS,
    consolidate,
    cost_by_team,
    request_vs_envelope,
    to_wide,
)
from planbook.diff import (
    CHANGE_COLUMNS,
    PCT_COLUMNS,
    DiffScope,
    FactDiff,
    apply_diff,
    bridge,
    bridge_steps,
    compare_facts,
    diff_facts,
    diff_rollup,
    diff_tables,
    with_percent,
)
from planbook.drivers import DRIVER_ASSUMPTIONS, DriverConfig, drive, driven_facts
from planbook.engine import ScenarioView, scenario_kpis, scenario_view
from planbook.errors import (
    FactsFileError,
    PlanbookError,
    PlanFileError,
    PlanValidationError,
    Problem,
    UsageError,
)
from planbook.factfiles import read_facts, write_facts
from planbook.facts import (
    AMOUNT_TYPE,
    FACT_COLUMNS,
    KEY_COLUMNS,
    canonical_dtypes,
    empty_facts,
    facts_from_arrow,
    facts_from_records,
    facts_to_arrow,
    normalize,
)
from planbook.goals import GOAL_COLUMNS, goal_attainment
from planbook.headcount import (
    POSITION_COLUMNS,
    HeadcountAccounts,
    headcount_facts,
    loaded_monthly_cost,
    team_staffing,
)
from planbook.kpis import KPI_GRAINS, KPI_METRICS, OPENING_ASSUMPTIONS, kpis
from planbook.model import (
    BUILTIN_SCENARIOS,
    KNOWN_METRICS,
    Account,
    AccountType,
    Assumption,
    AssumptionOverride,
    Department,
    Envelope,
    FactOverride,
    Goal,
    HiringDelay,
    Milestone,
    Plan,
    Scenario,
    Team,
    Unit,
)
from planbook.plandiff import DefinitionChange, FieldChange, diff_plans, union_plan
from planbook.planfile import dump_plan, load_plan, plan_from_yaml, plan_to_yaml
from planbook.scenarios import Override, apply_overrides, compare_scenario
from planbook.statements import pnl_statement
from planbook.validation import check_facts, parse_plan, validate_facts, validate_plan

__version__ = "0.1.0"

__all__ = [
    "AMOUNT_TYPE",
    "BUILTIN_SCENARIOS",
    "CHANGE_COLUMNS",
    "DIMENSIONS",
    "DRIVER_ASSUMPTIONS",
    "FACT_COLUMNS",
    "GOAL_COLUMNS",
    "KEY_COLUMNS",
    "KNOWN_METRICS",
    "KPI_GRAINS",
    "KPI_METRICS",
    "OPENING_ASSUMPTIONS",
    "PCT_COLUMNS",
    "PERIOD_GRAINS",
    "POSITION_COLUMNS",
    "Account",
    "AccountType",
    "Assumption",
    "AssumptionOverride",
    "DefinitionChange",
    "Department",
    "DiffScope",
    "DriverConfig",
    "Envelope",
    "FactDiff",
    "FactOverride",
    "FactsFileError",
    "FieldChange",
    "FiscalCalendar",
    "Goal",
    "HeadcountAccounts",
    "HiringDelay",
    "Milestone",
    "Override",
    "Plan",
    "PlanFileError",
    "PlanValidationError",
    "PlanbookError",
    "Problem",
    "Scenario",
    "ScenarioView",
    "Team",
    "Unit",
    "UsageError",
    "__version__",
    "apply_diff",
    "apply_overrides",
    "bridge",
    "bridge_steps",
    "canonical_dtypes",
    "check_facts",
    "compare_facts",
    "compare_scenario",
    "confidential_accounts",
    "consolidate",
    "cost_by_team",
    "diff_facts",
    "diff_plans",
    "diff_rollup",
    "diff_tables",
    "drive",
    "driven_facts",
    "dump_plan",
    "empty_facts",
    "facts_from_arrow",
    "facts_from_records",
    "facts_to_arrow",
    "goal_attainment",
    "headcount_facts",
    "is_period",
    "kpis",
    "load_plan",
    "loaded_monthly_cost",
    "normalize",
    "parse_plan",
    "plan_from_yaml",
    "plan_to_yaml",
    "pnl_statement",
    "read_facts",
    "request_vs_envelope",
    "scenario_kpis",
    "scenario_view",
    "shift_period",
    "team_staffing",
    "to_wide",
    "union_plan",
    "validate_facts",
    "validate_plan",
    "with_percent",
    "write_facts",
]
