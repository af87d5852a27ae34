"""Alignment findings: one record per thing that does not line up, and the settings that
say which accounts and assumptions the rules read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from planbook.facts import plain_decimal
from planbook.model import Plan

__all__ = [
    "BLOCKING",
    "FINDING_COLUMNS",
    "WARNING",
    "AlignmentSettings",
    "Finding",
    "findings_frame",
    "money",
]

BLOCKING = "blocking"
"""A finding that stops an approval unless it is forced."""
WARNING = "warning"
FINDING_COLUMNS = ("rule", "severity", "team", "period", "numbers", "sentence")


@dataclass(frozen=True)
class Finding:
    """One misalignment: the rule it breaks, its severity (``blocking`` or ``warning``), the
    team (or department, or None for the company), the period (a month, ``FY2027-Q2``,
    ``FY2027`` or ``""``), the numbers behind it and a sentence that says it all."""

    rule: str
    severity: str
    team: str | None
    period: str
    numbers: dict[str, Decimal]
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: numbers as exact decimal text."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "team": self.team,
            "period": self.period,
            "numbers": {k: plain_decimal(v) for k, v in self.numbers.items()},
            "sentence": self.sentence,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """A finding from :meth:`to_dict`'s shape (the service's ``/align`` answer)."""
        numbers = {str(k): Decimal(str(v)) for k, v in data["numbers"].items()}
        team = data["team"]
        return cls(
            rule=str(data["rule"]),
            severity=str(data["severity"]),
            team=None if team is None else str(team),
            period=str(data["period"]),
            numbers=numbers,
            sentence=str(data["sentence"]),
        )


@dataclass(frozen=True)
class AlignmentSettings:
    """Which scenario, accounts and assumptions the rules read (the defaults are the demo
    company's ids; see docs/alignment.md). A rule whose inputs the plan lacks is skipped."""

    scenario: str = "base"
    hires: str = "hires"
    heads: str = "headcount"
    recruiting: str = "recruiting"
    cost_per_hire: str = "recruiting_per_hire"
    recruiter_role: str = "Recruiter"
    hires_per_recruiter: str = "hires_per_recruiter"
    tools: str = "software-tools"
    tools_per_head: str = "tools_per_head"
    tools_tolerance: Decimal = Decimal("0.01")
    salaries: str = "salaries"
    payroll_taxes: str = "payroll-taxes"
    payroll_tax_rate: str = "payroll_tax_rate"
    salary_inflation: str = "salary_inflation"
    band_tolerance: Decimal = Decimal("0.25")
    arr_metric: str = "arr"
    target_metrics: tuple[str, ...] = field(
        default=(
            "opex_pct_revenue",
            "burn",
            "burn_multiple",
            "runway_months",
            "gross_margin",
            "cash",
            "rule_of_40",
        )
    )

    def has(
        self, plan: Plan, *, accounts: tuple[str, ...] = (), assumptions: tuple[str, ...] = ()
    ) -> bool:
        """Whether the plan has these accounts and assumptions (a rule's inputs)."""
        account_ids = {a.id for a in plan.accounts}
        assumption_ids = {a.id for a in plan.assumptions}
        return set(accounts) <= account_ids and set(assumptions) <= assumption_ids


def money(amount: Decimal) -> str:
    """``1,234,567`` for sentences (whole currency units)."""
    return f"{amount:,.0f}"


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """Findings as a table (``numbers`` as ``name=value`` text), in report order."""
    rows = [
        {
            "rule": f.rule,
            "severity": f.severity,
            "team": f.team or "",
            "period": f.period,
            "numbers": ", ".join(f"{k}={plain_decimal(v)}" for k, v in f.numbers.items()),
            "sentence": f.sentence,
        }
        for f in findings
    ]
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
