"""The demo company's chart of accounts: forty named accounts, then generated programs."""

from __future__ import annotations

from planbook.errors import UsageError
from planbook.model import Account, AccountType, Unit

__all__ = ["NAMED_ACCOUNTS", "demo_accounts"]

# The chart of accounts: id | name | type | unit | P&L line | flags (c: confidential;
# last: a month-end balance, not added up over months).
_ACCOUNT_TABLE = """
rev-subscription       | Subscription revenue           | revenue   | currency  | Revenue
rev-services           | Professional services revenue  | revenue   | currency  | Revenue
cogs-hosting           | Production hosting             | cogs      | currency  | Cost of revenue
cogs-support-tools     | Support tooling                | cogs      | currency  | Cost of revenue
cogs-payment-fees      | Payment processing fees        | cogs      | currency  | Cost of revenue
cogs-third-party       | Third-party data and licences  | cogs      | currency  | Cost of revenue
headcount              | Heads on payroll               | headcount | heads     |           | last
hires                  | New hires                      | headcount | count
salaries               | Salaries                       | opex      | currency  | Personnel | c
payroll-taxes          | Payroll taxes                  | opex      | currency  | Personnel
benefits               | Benefits                       | opex      | currency  | Personnel
commissions            | Sales commissions              | opex      | currency  | Personnel | c
bonus                  | Bonus pool                     | opex      | currency  | Personnel | c
recruiting             | Recruiting fees                | opex      | currency  | Personnel
contractors            | Contractors                    | opex      | currency  | Personnel
travel                 | Travel                         | opex      | currency  | T&E
meals-entertainment    | Meals and entertainment        | opex      | currency  | T&E
software-tools         | Software per head              | opex      | currency  | Tools & equipment
equipment              | Laptops and equipment          | opex      | currency  | Tools & equipment
training               | Training and conferences       | opex      | currency  | Tools & equipment
paid-search            | Paid search                    | opex      | currency  | Marketing programs
paid-social            | Paid social                    | opex      | currency  | Marketing programs
events                 | Events and field marketing     | opex      | currency  | Marketing programs
content                | Content production             | opex      | currency  | Marketing programs
sponsorships           | Sponsorships                   | opex      | currency  | Marketing programs
agencies               | Agencies                       | opex      | currency  | Marketing programs
marketing-tools        | Marketing software             | opex      | currency  | Marketing programs
dev-tools              | Developer tooling              | opex      | currency  | R&D programs
cloud-dev-environments | Cloud for development and test | opex      | currency  | R&D programs
rent                   | Rent and facilities            | opex      | currency  | Facilities & admin
insurance              | Insurance                      | opex      | currency  | Facilities & admin
legal                  | Legal                          | opex      | currency  | Facilities & admin
audit-tax              | Audit and tax                  | opex      | currency  | Facilities & admin
bank-fees              | Bank fees                      | opex      | currency  | Facilities & admin
new-customers          | New customers                  | metric    | customers
churned-customers      | Churned customers              | metric    | customers
new-arr                | New ARR booked                 | metric    | currency
expansion-arr          | Expansion ARR                  | metric    | currency
churned-arr            | Churned ARR                    | metric    | currency
pipeline-generated     | Pipeline generated             | metric    | currency
"""

_DERIVED = {"payroll-taxes": ("salaries",), "benefits": ("salaries",), "bonus": ("salaries",)}
"""Accounts computed from others: from salaries, so as confidential as salaries are (a rate
of 7.65% would give every salary back from the payroll taxes)."""


def _named_accounts() -> tuple[Account, ...]:
    accounts = []
    for row in _ACCOUNT_TABLE.strip().splitlines():
        cells = [c.strip() for c in row.split("|")] + ["", ""]
        kind = AccountType(cells[2])
        accounts.append(
            Account(
                id=cells[0],
                name=cells[1],
                type=kind,
                unit=Unit(cells[3]),
                pnl_line=cells[4] or None,
                confidential="c" in cells[5].split(),
                period_rollup="last" if "last" in cells[5].split() else "sum",
                derived_from=_DERIVED.get(cells[0], ()),
                pnl_sign=-1 if kind.is_cost else 1,
            )
        )
    return tuple(accounts)


NAMED_ACCOUNTS = _named_accounts()


def demo_accounts(count: int) -> tuple[Account, ...]:
    """The forty named accounts, then generated program accounts up to ``count``."""
    if count < len(NAMED_ACCOUNTS):
        raise UsageError(f"the demo needs at least {len(NAMED_ACCOUNTS)} accounts, not {count}")
    accounts = list(NAMED_ACCOUNTS)
    for k in range(len(NAMED_ACCOUNTS) + 1, count + 1):
        accounts.append(
            Account(
                id=f"program-{k:03d}",
                name=f"Program {k}",
                type=AccountType.OPEX,
                pnl_line="Other programs",
                pnl_sign=-1,
            )
        )
    return tuple(accounts)
