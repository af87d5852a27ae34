"""The demo company's set-up: Cirrus Analytics, a B2B SaaS company of about 120 people.

Five departments, twelve teams, forty accounts, company assumptions, goals and per-team
envelopes. Larger sizes (for benchmarks) add generated teams and program accounts to the
same structure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from planbook.calendar import FiscalCalendar
from planbook.demo.accounts import demo_accounts
from planbook.errors import UsageError
from planbook.model import (
    BUILTIN_SCENARIOS,
    Assumption,
    AssumptionOverride,
    Department,
    Goal,
    Milestone,
    Plan,
    Scenario,
    Team,
    Unit,
)

__all__ = ["DEPARTMENTS", "ROLES", "demo_company", "demo_scenarios", "demo_teams"]

D = Decimal


@dataclass(frozen=True)
class DepartmentSpec:
    id: str
    name: str
    lead: str
    teams: tuple[tuple[str, str, str], ...]  # (id, name, lead)
    accounts: tuple[str, ...]  # program accounts every team of the department books
    travel: Decimal  # monthly travel per head


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "sales",
        "Sales",
        "Dana Whitfield",
        (
            ("sales-na", "Sales North America", "Marcus Hale"),
            ("sales-emea", "Sales EMEA", "Sofia Lindqvist"),
            ("sales-dev", "Sales Development", "Jamal Carter"),
        ),
        ("commissions", "meals-entertainment", "new-customers", "new-arr"),
        D("900"),
    ),
    DepartmentSpec(
        "marketing",
        "Marketing",
        "Priya Raman",
        (
            ("demand-gen", "Demand Generation", "Elena Park"),
            ("product-marketing", "Product Marketing", "Tobias Wren"),
        ),
        (
            "paid-search",
            "paid-social",
            "events",
            "content",
            "sponsorships",
            "agencies",
            "marketing-tools",
        ),
        D("400"),
    ),
    DepartmentSpec(
        "customer-success",
        "Customer Success",
        "Luis Ortega",
        (
            ("cs-onboarding", "Onboarding", "Hannah Moss"),
            ("cs-support", "Support", "Ravi Menon"),
        ),
        ("cogs-support-tools", "churned-customers", "churned-arr", "expansion-arr"),
        D("250"),
    ),
    DepartmentSpec(
        "rnd",
        "Research & Development",
        "Mei Chen",
        (
            ("platform-eng", "Platform Engineering", "Owen Fischer"),
            ("product-eng", "Product Engineering", "Aisha Bello"),
            ("product-mgmt", "Product Management", "Noah Kim"),
        ),
        ("cogs-hosting", "cogs-third-party", "dev-tools", "cloud-dev-environments", "contractors"),
        D("150"),
    ),
    DepartmentSpec(
        "ga",
        "General & Administrative",
        "Tom Becker",
        (
            ("finance", "Finance", "Grace Liu"),
            ("people-ops", "People Operations", "Sam Ortiz"),
        ),
        ("rent", "insurance", "legal", "audit-tax", "bank-fees", "bonus"),
        D("200"),
    ),
)

# Accounts only the first team of its department books (company-level lines).
COMPANY_LINES: dict[str, tuple[str, ...]] = {
    "finance": ("rev-subscription", "rev-services", "cogs-payment-fees"),
    "sales-dev": ("pipeline-generated",),
}

# (role, level, annual base salary) by department.
ROLES: dict[str, tuple[tuple[str, str, Decimal], ...]] = {
    "sales": (
        ("Account Executive", "P3", D("98000")),
        ("Sales Manager", "M1", D("152000")),
        ("Sales Development Rep", "P1", D("62000")),
        ("Sales Engineer", "P3", D("131000")),
    ),
    "marketing": (
        ("Growth Marketer", "P2", D("112000")),
        ("Content Marketer", "P2", D("91000")),
        ("Marketing Manager", "M1", D("124000")),
    ),
    "customer-success": (
        ("Customer Success Manager", "P2", D("86000")),
        ("Support Engineer", "P1", D("74000")),
        ("Onboarding Specialist", "P2", D("79000")),
    ),
    "rnd": (
        ("Software Engineer", "P2", D("148000")),
        ("Senior Software Engineer", "P3", D("184000")),
        ("Engineering Manager", "M1", D("212000")),
        ("Product Manager", "P3", D("171000")),
        ("Product Designer", "P2", D("139000")),
    ),
    "ga": (
        ("Accountant", "P2", D("94000")),
        ("FP&A Analyst", "P2", D("116000")),
        ("People Partner", "P2", D("104000")),
        ("Recruiter", "P2", D("96000")),
    ),
}

HEADCOUNT_DRIVEN = ("travel", "software-tools", "equipment", "recruiting", "training")


def demo_teams(count: int) -> tuple[tuple[Department, ...], tuple[Team, ...]]:
    """The twelve named teams, then generated ones spread over the departments."""
    named = sum(len(d.teams) for d in DEPARTMENTS)
    if count < named:
        raise UsageError(f"the demo needs at least {named} teams, not {count}")
    departments = tuple(Department(id=d.id, name=d.name, lead=d.lead) for d in DEPARTMENTS)
    teams = [
        Team(id=t, name=n, department=d.id, lead=lead)
        for d in DEPARTMENTS
        for t, n, lead in d.teams
    ]
    for k in range(named, count):
        d = DEPARTMENTS[k % len(DEPARTMENTS)]
        teams.append(
            Team(
                id=f"{d.id}-{k + 1:03d}",
                name=f"{d.name} team {k + 1}",
                department=d.id,
                lead=f"Lead {k + 1}",
            )
        )
    return departments, tuple(teams)


def demo_company(
    *, teams: int, accounts: int, months: int, start: str, opening_arr: Decimal
) -> Plan:
    """The demo plan definition without envelopes (those follow from the budgets)."""
    calendar = FiscalCalendar(start, months)
    departments, team_list = demo_teams(teams)
    last = calendar.end
    return Plan(
        id="cirrus",
        name="Cirrus Analytics operating plan",
        currency="USD",
        start=start,
        months=months,
        departments=departments,
        teams=team_list,
        accounts=demo_accounts(accounts),
        scenarios=demo_scenarios(),
        assumptions=_assumptions(calendar, opening_arr),
        goals=(
            Goal(
                id="double-arr",
                description="Double ARR by the end of the plan",
                metric="arr",
                target=opening_arr * 2,
                due=last,
                owner="Ava Sinclair (CEO)",
                milestones=_arr_milestones(calendar, opening_arr),
            ),
            Goal(
                id="logo-churn",
                description="Keep logo churn under 1% a month",
                metric="logo_churn_rate",
                target=D("0.01"),
                direction="at_most",
                due=last,
                owner="Luis Ortega",
                team="customer-success",
            ),
            Goal(
                id="acv",
                description="Raise average contract value of new logos to $32k",
                metric="acv",
                target=D("32000"),
                due=last,
                owner="Dana Whitfield",
                team="sales",
            ),
            Goal(
                id="ltv",
                description="Customer lifetime value above $150k",
                metric="ltv",
                target=D("150000"),
                due=last,
                owner="Grace Liu",
                team="ga",
            ),
            Goal(
                id="ltv-cac",
                description="LTV at least 3x CAC",
                metric="ltv_to_cac",
                target=D("3"),
                due=last,
                owner="Priya Raman",
                team="marketing",
            ),
        ),
    )


def demo_scenarios() -> tuple[Scenario, ...]:
    """The built-in scenarios; conservative and aggressive also override drivers."""

    def change(assumption: str, kind: str, value: str) -> AssumptionOverride:
        return AssumptionOverride.model_validate(
            {"assumption": assumption, "kind": kind, "value": value}
        )

    overrides = {
        "conservative": (
            change("churn_rate", "add", "0.003"),
            change("win_rate", "add", "-0.02"),
            change("new_logo_acv", "percent", "-0.04"),
        ),
        "aggressive": (
            change("churn_rate", "add", "-0.001"),
            change("win_rate", "add", "0.02"),
            change("price_index", "percent", "0.05"),
        ),
    }
    builtin = tuple(
        s.model_copy(update={"assumptions": overrides.get(s.id, ())}) for s in BUILTIN_SCENARIOS
    )
    marketing_cut = Scenario.model_validate(
        {
            "id": "marketing-cut",
            "name": "Marketing programs -10%",
            "description": "What if every marketing program is cut by a tenth? (docs/engine.md)",
            "base": "base",
            "facts": [{"kind": "percent", "value": "-0.1", "account": "Marketing programs"}],
        }
    )
    return (*builtin, marketing_cut)


def _arr_milestones(calendar: FiscalCalendar, opening_arr: Decimal) -> tuple[Milestone, ...]:
    """A straight line from opening ARR to double it, checked at each quarter's end but the
    last (the goal's own due month)."""
    periods = calendar.periods
    ends = [i for i, p in enumerate(periods) if i + 1 < len(periods)]
    ends = [i for i in ends if calendar.quarter(periods[i]) != calendar.quarter(periods[i + 1])]
    step = opening_arr / len(periods)
    return tuple(
        Milestone(due=periods[i], target=(opening_arr + step * (i + 1)).quantize(D(1)))
        for i in ends
    )


# Company assumptions that hold all plan long: id, name, unit, value.
_CONSTANT_ASSUMPTIONS = (
    ("payroll_tax_rate", "Employer payroll tax rate", "percent", "0.0765"),
    ("benefits_per_head", "Benefits per head per month", "currency", "1150"),
    ("tools_per_head", "Software per head per month", "currency", "185"),
    ("laptop_per_hire", "Laptop and equipment per hire", "currency", "2400"),
    ("recruiting_per_hire", "Recruiting cost per hire", "currency", "6500"),
    ("training_per_head", "Training per head per month", "currency", "75"),
    ("commission_rate", "Commission on new ARR", "percent", "0.1"),
    # The driver model (planbook.drivers, docs/engine.md).
    ("cost_per_pipeline_dollar", "Marketing programs per dollar of pipeline", "ratio", "0.125"),
    ("win_rate", "Share of pipeline won", "percent", "0.23"),
    ("quota_per_rep", "Annual new-ARR quota of a ramped rep", "currency", "1000000"),
    ("ramp_months", "Months a new rep takes to reach quota", "count", "3"),
    ("churn_rate", "ARR and customers lost a month", "percent", "0.0085"),
    ("expansion_rate", "Expansion ARR a month, of ARR", "percent", "0.009"),
    ("services_rate", "Services revenue per subscription dollar", "percent", "0.04"),
    ("payment_fee_rate", "Payment fees per revenue dollar", "percent", "0.012"),
    ("hosting_per_customer", "Production hosting per customer a month", "currency", "400"),
    ("hires_per_recruiter", "Hires one recruiter makes a month", "ratio", "5"),
)


def _assumptions(calendar: FiscalCalendar, opening_arr: Decimal) -> tuple[Assumption, ...]:
    periods = calendar.periods

    def constant(value: str) -> dict[str, Decimal]:
        return dict.fromkeys(periods, D(value))

    # Merit increases in the third month of every fiscal year, compounding.
    inflation, uplift = {}, D("0")
    for i, p in enumerate(periods):
        if i % 12 == 2:
            uplift = ((1 + uplift) * D("1.04") - 1).quantize(D("0.000001"))
        inflation[p] = uplift
    fx = {p: D("1.08") + D("0.005") * (i // 6) for i, p in enumerate(periods)}
    return (
        Assumption(
            id="salary_inflation",
            name="Salary uplift on plan base salaries",
            unit=Unit.PERCENT,
            values=inflation,
            description="4% merit increase in the third month of each fiscal year",
        ),
        *(
            Assumption(id=i, name=name, unit=Unit(unit), values=constant(value))
            for i, name, unit, value in _CONSTANT_ASSUMPTIONS
        ),
        Assumption(
            id="price_per_seat",
            name="List price per seat per month",
            unit=Unit.CURRENCY,
            values={p: D("45") if i < 12 else D("49") for i, p in enumerate(periods)},
        ),
        Assumption(id="fx_eur_usd", name="USD per EUR", unit=Unit.RATIO, values=fx),
        Assumption(
            id="price_index",
            name="Prices against plan start",
            unit=Unit.RATIO,
            values={p: D("1") if i < 12 else D("1.088889") for i, p in enumerate(periods)},
            description="Follows the list price per seat: $45, then $49 from the second year",
        ),
        Assumption(
            id="new_logo_acv",
            name="Contract value of a new customer",
            unit=Unit.CURRENCY,
            values={
                p: D(29500 + 3000 * i // max(1, len(periods) - 1)) for i, p in enumerate(periods)
            },
            description="Rises from $29,500 to $32,500 over the plan as the product moves upmarket",
        ),
        Assumption(
            id="opening_arr",
            name="ARR at plan start",
            unit=Unit.CURRENCY,
            values=dict.fromkeys(periods, opening_arr),
        ),
        Assumption(
            id="opening_customers",
            name="Customers at plan start",
            unit=Unit.CUSTOMERS,
            values=dict.fromkeys(periods, (opening_arr / 30000).quantize(D("1"))),
        ),
        Assumption(
            id="opening_cash",
            name="Cash at plan start",
            unit=Unit.CURRENCY,
            values=dict.fromkeys(periods, opening_arr * D("2.5")),
            description="Cash in the bank at the plan's start; runway counts down from it",
        ),
    )
