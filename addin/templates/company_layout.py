"""The company AOP workbook's tables: one sheet and one Excel table per plan section.

Shared by the generator and the reader: each column names the plan field it holds, its
heading, and what it takes. Assumptions and envelopes add one column per month, headed
``YYYY-MM``.
"""

from __future__ import annotations

from dataclasses import dataclass

from planbook.model import AccountType, Unit

PLAN_SHEET = "Plan"
HEADER_ROW = 4


@dataclass(frozen=True)
class Column:
    """One column of a company table: plan ``field``, ``heading``, and what it takes."""

    field: str
    heading: str
    kind: str = "text"  # text, decimal, int, bool, ids (comma-separated), json (a list),
    # or a choice list "a|b|c"
    required: bool = True
    width: float = 16


@dataclass(frozen=True)
class Table:
    """One plan section as a table on its own sheet."""

    section: str
    sheet: str
    columns: tuple[Column, ...]
    by_month: str = ""  # the field the month columns fill ("values", "amounts") if any
    optional: bool = False  # a workbook made before the sheet existed may lack it

    @property
    def name(self) -> str:
        return f"tbl{self.sheet}"


TYPES = "|".join(t.value for t in AccountType)
UNITS = "|".join(u.value for u in Unit)

TABLES: tuple[Table, ...] = (
    Table(
        "departments",
        "Departments",
        (
            Column("id", "Id"),
            Column("name", "Name", width=30),
            Column("lead", "Lead", required=False, width=24),
        ),
    ),
    Table(
        "teams",
        "Teams",
        (
            Column("id", "Id", width=20),
            Column("name", "Name", width=30),
            Column("department", "Department", kind="ref:departments"),
            Column("lead", "Lead", required=False, width=24),
        ),
    ),
    Table(
        "accounts",
        "Accounts",
        (
            Column("id", "Id", width=24),
            Column("name", "Name", width=32),
            Column("type", "Type", kind=TYPES, width=12),
            Column("unit", "Unit", kind=UNITS, width=12),
            Column("pnl_line", "P&L line", required=False, width=24),
            Column("pnl_sign", "P&L sign", kind="1|-1", width=9),
            Column("confidential", "Confidential", kind="bool", width=12),
            Column("allow_negative", "Negative allowed", kind="bool", width=12),
            Column("period_rollup", "Period roll-up", kind="sum|last|average", width=13),
            Column("description", "Description", required=False, width=30),
            Column("derived_from", "Derived from", kind="ids", required=False, width=20),
        ),
    ),
    Table(
        "scenarios",
        "Scenarios",
        (
            Column("id", "Id"),
            Column("name", "Name", width=30),
            Column("description", "Description", required=False, width=44),
            Column("actuals", "Actuals", kind="bool", width=10),
            Column("base", "What-if on", required=False, width=14),
            Column("facts", "Fact overrides (JSON)", kind="json", required=False, width=30),
            Column("assumptions", "Driver overrides (JSON)", kind="json", required=False, width=30),
        ),
    ),
    Table(
        "assumptions",
        "Assumptions",
        (
            Column("id", "Id", width=20),
            Column("name", "Name", width=34),
            Column("unit", "Unit", kind=UNITS, width=11),
            Column("description", "Description", required=False, width=30),
        ),
        by_month="values",
    ),
    Table(
        "goals",
        "Goals",
        (
            Column("id", "Id"),
            Column("description", "Description", width=44),
            Column("metric", "Metric"),
            Column("target", "Target", kind="decimal", width=14),
            Column("direction", "Direction", kind="at_least|at_most", width=11),
            Column("due", "Due", width=10),
            Column("owner", "Owner", width=24),
            Column("team", "Team or department", required=False, width=18),
            Column("milestones", "Milestones (JSON)", kind="json", required=False, width=30),
        ),
    ),
    Table(
        "envelopes",
        "Envelopes",
        (
            Column("team", "Team", kind="ref:teams", width=20),
            Column("scenario", "Scenario", kind="ref:scenarios", width=14),
        ),
        by_month="amounts",
    ),
    Table(
        "dependencies",
        "Dependencies",
        (
            Column("team", "Team", kind="ref:teams", width=20),
            Column("account", "Plans account", kind="ref:accounts", width=22),
            Column("line", "Line", required=False, width=16),
            Column("on_team", "Waits for team", kind="ref:teams", width=20),
            Column("on_account", "Its account", kind="ref:accounts", width=22),
            Column("on_line", "Its line", required=False, width=16),
            Column("description", "Why", required=False, width=44),
        ),
        optional=True,
    ),
)

PLAN_FIELDS: tuple[Column, ...] = (
    Column("id", "Plan id"),
    Column("name", "Plan name"),
    Column("currency", "Currency (ISO code)"),
    Column("start", "First month (YYYY-MM)"),
    Column("months", "Months (12 to 36)", kind="int"),
)
