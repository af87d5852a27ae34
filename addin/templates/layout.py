"""Where everything sits in a team budget template: shared by the generator and the reader.

Sheet names, header rows, first input rows and month columns are computed here once, from
the plan and the number of input rows, so that the writer and the reader cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from openpyxl.utils import get_column_letter

from addin.metadata import layout_hash
from planbook.headcount import HeadcountAccounts
from planbook.model import Account, AccountType, Plan, Team

INSTRUCTIONS = "Instructions"
ASSUMPTIONS = "Assumptions"
ACCOUNTS = "Accounts"
HEADCOUNT = "Headcount"
BUDGET = "Budget"
SUMMARY = "Summary"

HEADCOUNT_COLUMNS = ("Position", "Role", "Level", "Start month", "Annual salary")
BUDGET_COLUMNS = ("Account", "Account name", "Line")
DRIVERS = ("salary_inflation", "payroll_tax_rate", "benefits_per_head")
GOAL_COLUMNS = ("Goal", "Description", "Metric", "Target", "Direction", "Due", "Owner", "Team")
GOAL_ROWS = 20
"""Rows of the Assumptions sheet's goals block, below its heading: a pull rewrites them all
(clearing rows of removed goals); more goals than this end with a "... and N more" row."""


def col(n: int) -> str:
    """Column letter of column number ``n`` (1 is A)."""
    letter: str = get_column_letter(n)
    return letter


BLANK_PEOPLE = 150
"""Position rows of a template that holds no positions: room for a large team (the sheet is
protected, so a team cannot add rows; values typed below are refused with their cell)."""
BLANK_LINES = 200
"""Spend lines of a template that holds no lines (see :data:`BLANK_PEOPLE`)."""


def rows_with_room(used: int, minimum: int) -> int:
    """Input rows for ``used`` filled (or expected) rows with room to grow: half as many
    again and at least 20 more, rounded up to a multiple of 10, never fewer than ``minimum``."""
    wanted = used + max(20, used // 2)
    return max(minimum, -(-wanted // 10) * 10)


def headcount_driven(accounts: HeadcountAccounts | None = None) -> tuple[str, ...]:
    """The accounts the Headcount sheet computes; spend lines may not use them."""
    a = accounts or HeadcountAccounts()
    return (a.heads, a.hires, a.salaries, a.payroll_taxes, a.benefits)


@dataclass(frozen=True)
class TeamLayout:
    """The cell layout of one team's budget template."""

    plan: Plan
    team: Team
    scenario: str = "base"
    headcount_rows: int = BLANK_PEOPLE
    budget_rows: int = BLANK_LINES

    @cached_property
    def periods(self) -> tuple[str, ...]:
        return self.plan.calendar.periods

    @cached_property
    def budget_accounts(self) -> tuple[Account, ...]:
        """Accounts a spend line may use: everything the Headcount sheet does not compute."""
        driven = headcount_driven()
        return tuple(a for a in self.plan.accounts if a.id not in driven)

    @cached_property
    def summary_accounts(self) -> tuple[Account, ...]:
        """Budget accounts, costs first (they make the request), then the others."""
        costs = [a for a in self.budget_accounts if a.type.is_cost]
        others = [a for a in self.budget_accounts if not a.type.is_cost]
        return (*costs, *others)

    @property
    def cost_account_count(self) -> int:
        return sum(1 for a in self.budget_accounts if a.type.is_cost)

    # Budget sheet
    budget_header_row = 4
    budget_first_column = 4  # D: first month

    @property
    def budget_first_row(self) -> int:
        return self.budget_header_row + 1

    @property
    def budget_last_row(self) -> int:
        return self.budget_first_row + self.budget_rows - 1

    def budget_month_column(self, i: int) -> int:
        return self.budget_first_column + i

    # Headcount sheet
    headcount_period_row = 4
    headcount_driver_rows = (5, 6, 7)
    headcount_header_row = 9
    headcount_first_column = 6  # F: first month

    @property
    def headcount_first_row(self) -> int:
        return self.headcount_header_row + 1

    @property
    def headcount_last_row(self) -> int:
        return self.headcount_first_row + self.headcount_rows - 1

    @property
    def headcount_total_row(self) -> int:
        return self.headcount_last_row + 1

    @property
    def headcount_heads_row(self) -> int:
        return self.headcount_last_row + 2

    # Assumptions sheet
    assumptions_header_row = 4
    assumptions_first_column = 4  # D: first month

    def assumption_row(self, assumption_id: str) -> int:
        ids = [a.id for a in self.plan.assumptions]
        return self.assumptions_header_row + 1 + ids.index(assumption_id)

    @property
    def envelope_row(self) -> int:
        return self.assumptions_header_row + len(self.plan.assumptions) + 4

    @property
    def goals_header_row(self) -> int:
        return self.envelope_row + 3

    # Accounts sheet: budget accounts first (the data-validation list), then computed ones
    accounts_header_row = 4

    # Summary sheet
    summary_header_row = 4
    summary_first_column = 3  # C: first month

    def formula_key(self) -> str:
        """What decides the template's formulas: the same for every team and scenario of a
        plan with the same calendar, chart of accounts, assumptions and row counts."""
        return layout_hash(
            self.periods,
            [(a.id, a.type.value) for a in self.plan.accounts],
            [a.id for a in self.plan.assumptions],
            self.headcount_rows,
            self.budget_rows,
        )

    def fingerprint(self) -> str:
        """What decides this layout; a workbook with another fingerprint is another layout."""
        return layout_hash(
            self.plan.id,
            self.team.id,
            self.scenario,
            self.periods,
            [(a.id, a.type.value) for a in self.plan.accounts],
            [a.id for a in self.plan.assumptions],
            self.headcount_rows,
            self.budget_rows,
        )


def is_cost(account: Account) -> bool:
    """Costs count against the team's envelope."""
    return account.type.is_cost and account.type is not AccountType.HEADCOUNT
