"""A small company for the driver model, engine and goals tests: numbers chosen so every
figure can be computed by hand (see test_drivers.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from planbook.calendar import FiscalCalendar
from planbook.facts import facts_from_records
from planbook.model import Plan
from planbook.validation import parse_plan

START = "2026-01"
PERIODS = FiscalCalendar(START, 12).periods
DRIVERS = {
    "cost_per_pipeline_dollar": ("ratio", "0.1"),
    "win_rate": ("percent", "0.25"),
    "quota_per_rep": ("currency", "1200000"),
    "ramp_months": ("count", "2"),
    "new_logo_acv": ("currency", "10000"),
    "churn_rate": ("percent", "0.01"),
    "expansion_rate": ("percent", "0.02"),
    "services_rate": ("percent", "0.1"),
    "payment_fee_rate": ("percent", "0.01"),
    "hosting_per_customer": ("currency", "50"),
    "commission_rate": ("percent", "0.1"),
    "price_index": ("ratio", "1"),
    "opening_arr": ("currency", "1200000"),
    "opening_customers": ("customers", "100"),
    "opening_cash": ("currency", "5000000"),
    "salary_inflation": ("percent", "0"),
}
ACCOUNTS = [
    ("ads", "opex", "currency", "Marketing programs"),
    ("salaries", "opex", "currency", "Personnel"),
    ("commissions", "opex", "currency", "Personnel"),
    ("headcount", "headcount", "heads", None),
    ("hires", "headcount", "count", None),
    ("rev-subscription", "revenue", "currency", "Revenue"),
    ("rev-services", "revenue", "currency", "Revenue"),
    ("cogs-payment-fees", "cogs", "currency", "Cost of revenue"),
    ("cogs-hosting", "cogs", "currency", "Cost of revenue"),
    ("new-arr", "metric", "currency", None),
    ("expansion-arr", "metric", "currency", None),
    ("churned-arr", "metric", "currency", None),
    ("new-customers", "metric", "customers", None),
    ("churned-customers", "metric", "customers", None),
    ("pipeline-generated", "metric", "currency", None),
]


def small_plan(**changes: Any) -> Plan:
    data: dict[str, Any] = {
        "id": "small",
        "name": "Small SaaS",
        "start": START,
        "months": 12,
        "departments": [
            {"id": d, "name": d} for d in ("sales", "marketing", "customer-success", "ga", "rnd")
        ],
        "teams": [
            {"id": "ae", "name": "AEs", "department": "sales"},
            {"id": "mkt", "name": "Marketing", "department": "marketing"},
            {"id": "cs", "name": "Success", "department": "customer-success"},
            {"id": "finance", "name": "Finance", "department": "ga"},
            {"id": "platform-eng", "name": "Platform", "department": "rnd"},
        ],
        "accounts": [
            {
                "id": a,
                "name": a,
                "type": t,
                "unit": u,
                "pnl_line": line,
                "pnl_sign": -1 if t in ("opex", "cogs") else 1,
                "period_rollup": "last" if a == "headcount" else "sum",
            }
            for a, t, u, line in ACCOUNTS
        ],
        "assumptions": [
            {"id": k, "name": k, "unit": u, "values": dict.fromkeys(PERIODS, v)}
            for k, (u, v) in DRIVERS.items()
        ],
        "goals": [
            {
                "id": "arr",
                "description": "Reach ARR 1.5M by March",
                "metric": "arr",
                "target": "1500000",
                "due": PERIODS[2],
                "owner": "CEO",
                "milestones": [{"due": PERIODS[0], "target": "1300000"}],
            },
            {
                "id": "ads-spend",
                "description": "Keep ads under 130k in Q1",
                "metric": "ads",
                "target": "130000",
                "direction": "at_most",
                "due": PERIODS[2],
                "owner": "CMO",
                "team": "marketing",
            },
        ],
    }
    data.update(changes)
    return parse_plan(data)


def small_facts(scenario: str = "base") -> pd.DataFrame:
    """Ads 60,000 a month; one AE on the payroll, a second hired in the second month;
    salaries 10,000 a head."""
    records = []
    for i, p in enumerate(PERIODS):
        heads = 1 if i == 0 else 2
        records += [
            (scenario, "mkt", "ads", "", p, Decimal(60000)),
            (scenario, "ae", "headcount", "Account Executive", p, Decimal(heads)),
            (scenario, "ae", "salaries", "Account Executive", p, Decimal(10000 * heads)),
            (scenario, "cs", "headcount", "CSM", p, Decimal(1)),
        ]
        if i == 1:
            records.append((scenario, "ae", "hires", "Account Executive", p, Decimal(1)))
    columns = ("scenario", "team", "account", "line", "period", "amount")
    return facts_from_records(dict(zip(columns, r, strict=True)) for r in records)
