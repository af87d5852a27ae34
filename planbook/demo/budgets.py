"""The demo company's numbers: bottom-up budgets built from drivers, and actuals.

Deterministic from a seed. Every team plans positions (people on the payroll and hires by
month); headcount drives salaries, payroll taxes and benefits (see
:mod:`planbook.headcount`) and the per-head lines (software, travel, training, equipment,
recruiting). Departments add their programs. Bookings, churn, expansion, revenue and cost
of revenue come from the driver model (:mod:`planbook.drivers`) over those programs and the
sales team's reps. The conservative and aggressive scenarios move hires and programs and
override drivers (see :mod:`planbook.demo.company`); actuals cover the first months only.
Envelopes follow from the base requests; a few alignment breaches are planted on
purpose (:mod:`planbook.demo.breaches`).

Everything is vectorized, so 300 teams x 200 accounts x 36 months build in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from planbook.calendar import is_period
from planbook.demo.accounts import NAMED_ACCOUNTS
from planbook.demo.breaches import plant_breaches
from planbook.demo.company import DEPARTMENTS, HEADCOUNT_DRIVEN, ROLES, demo_company
from planbook.drivers import DRIVEN_ACCOUNTS, driven_facts
from planbook.engine import scenario_view
from planbook.errors import UsageError
from planbook.facts import KEY_COLUMNS, facts_from_cents, normalize
from planbook.headcount import headcount_facts, team_staffing
from planbook.model import Plan

__all__ = ["Demo", "build_demo", "position_facts"]

SCENARIO_PROGRAMS = {  # marketing and other programs, against base
    "base": 1.0,
    "conservative": 0.9,
    "aggressive": 1.12,
}
# Typical monthly spend of one team on a program account, in dollars.
TYPICAL_MONTHLY = {
    "meals-entertainment": 3_000,
    "paid-search": 60_000,
    "paid-social": 35_000,
    "events": 25_000,
    "content": 12_000,
    "sponsorships": 8_000,
    "agencies": 15_000,
    "marketing-tools": 9_000,
    "cogs-support-tools": 7_000,
    "cogs-hosting": 80_000,
    "cogs-third-party": 18_000,
    "dev-tools": 9_000,
    "cloud-dev-environments": 14_000,
    "contractors": 22_000,
    "rent": 55_000,
    "insurance": 7_500,
    "legal": 12_000,
    "audit-tax": 9_000,
    "bank-fees": 1_200,
    "bonus": 40_000,
}
GENERATED_PROGRAM_MONTHLY = 4_000
METRIC_ACCOUNTS = DRIVEN_ACCOUNTS  # booked by the driver model, not as programs


@dataclass(frozen=True)
class Demo:
    """A generated company: its plan definition, facts and headcount detail."""

    plan: Plan
    facts: pd.DataFrame
    positions: pd.DataFrame


class _Rows:
    """Facts under construction: one run of months per key, amounts in integer cents."""

    def __init__(self, periods: list[str]) -> None:
        self.periods = periods
        self._month = {p: i for i, p in enumerate(periods)}
        self._vocab: dict[str, dict[str, int]] = {c: {} for c in KEY_COLUMNS if c != "period"}
        self._codes: dict[str, list[int]] = {c: [] for c in self._vocab}
        self._months: list[np.ndarray] = []
        self._cents: list[np.ndarray] = []

    def add(
        self,
        scenario: str,
        team: str,
        account: str,
        line: str,
        periods: list[str],
        cents: np.ndarray,
    ) -> None:
        for column, value in zip(self._vocab, (scenario, team, account, line), strict=True):
            self._codes[column].append(
                self._vocab[column].setdefault(value, len(self._vocab[column]))
            )
        self._months.append(np.array([self._month[p] for p in periods], dtype=np.int32))
        self._cents.append(np.asarray(cents, dtype=np.int64))

    def frame(self) -> pd.DataFrame:
        """The rows as key columns (categoricals) and integer ``cents``."""
        lengths = [len(m) for m in self._months]
        data: dict[str, object] = {
            column: pd.Categorical.from_codes(
                np.repeat(np.array(self._codes[column], dtype=np.int32), lengths),
                categories=pd.Index(list(self._vocab[column])),
            )
            for column in self._vocab
        }
        data["period"] = pd.Categorical.from_codes(
            np.concatenate(self._months), categories=pd.Index(self.periods)
        )
        data["cents"] = np.concatenate(self._cents)
        return pd.DataFrame(data)


def build_demo(
    *,
    seed: int = 7,
    teams: int = 12,
    accounts: int = 40,
    months: int = 12,
    start: str = "2026-02",
    actual_months: int = 6,
) -> Demo:
    """Build the demo company. The same arguments always give the same plan and facts."""
    if seed < 0:
        raise UsageError(f"the seed must be 0 or more, not {seed}")
    if not is_period(start):
        raise UsageError(f"start {start!r} is not a month written YYYY-MM")
    if not 0 <= actual_months <= months:
        raise UsageError(f"actual months must be between 0 and {months}, not {actual_months}")
    rng = np.random.default_rng(seed)
    opening_arr = Decimal(12_000_000 * max(1, round(teams / 12)))
    plan = demo_company(
        teams=teams, accounts=accounts, months=months, start=start, opening_arr=opening_arr
    )
    periods = list(plan.calendar.periods)
    positions = _positions(plan, rng, actual_months)
    rows = _Rows(periods)
    _per_head_lines(plan, positions, rows)
    _programs(plan, rng, rows, actual_months)
    generated = rows.frame()
    generated = generated[
        (generated["scenario"] != "actuals") | generated["period"].isin(periods[:actual_months])
    ]
    facts = pd.concat(
        [
            headcount_facts(plan, positions).pipe(_drop_late_actuals, periods[:actual_months]),
            facts_from_cents(generated),
        ],
        ignore_index=True,
    )
    facts = pd.concat([facts, *_driven(plan, facts, periods[:actual_months])], ignore_index=True)
    facts = normalize(facts[facts["amount"] != 0])
    plan, facts, positions = plant_breaches(plan, facts, positions)  # docs/alignment.md
    return Demo(plan=plan, facts=facts, positions=positions)


def position_facts(plan: Plan, positions: pd.DataFrame) -> pd.DataFrame:
    """The facts ``positions`` drive in the demo: payroll (see
    :func:`planbook.headcount.headcount_facts`) and the per-head lines (software, travel,
    training per head; laptops and recruiting per hire), as :func:`build_demo` books them."""
    rows = _Rows(list(plan.calendar.periods))
    _per_head_lines(plan, positions, rows)
    return normalize(
        pd.concat(
            [headcount_facts(plan, positions), facts_from_cents(rows.frame())], ignore_index=True
        ).pipe(lambda f: f[f["amount"] != 0])
    )


def _drop_late_actuals(facts: pd.DataFrame, actual_periods: list[str]) -> pd.DataFrame:
    keep = (facts["scenario"] != "actuals") | facts["period"].isin(actual_periods)
    return facts[keep]


def _positions(plan: Plan, rng: np.random.Generator, actual_months: int) -> pd.DataFrame:
    """People on the payroll and planned hires, for every scenario and the actuals."""
    periods = plan.calendar.periods
    years = len(periods) / 12
    records: list[dict[str, object]] = []
    for team in plan.teams:
        roles = ROLES[team.department]
        weights = np.array([0.5] + [0.5 / (len(roles) - 1)] * (len(roles) - 1))
        existing = int(rng.integers(4, 10)) + (4 if team.department == "rnd" else 0)
        n_hires = int(rng.integers(2, 6) * years)
        starts = [""] * existing + sorted(
            periods[i] for i in rng.integers(0, len(periods), n_hires)
        )
        for k, start in enumerate(starts, start=1):
            role, level, salary_base = roles[rng.choice(len(roles), p=weights)]
            salary = Decimal(int(salary_base * Decimal(rng.uniform(0.9, 1.15)) / 500) * 500)
            records.append(
                {
                    "team": team.id,
                    "position": f"{team.id}-{k:03d}",
                    "role": role,
                    "level": level,
                    "start": start,
                    "annual_salary": salary,
                }
            )
    base = pd.DataFrame(records)
    frames = [base.assign(scenario="base")]
    hires = base[base["start"] != ""]
    late = hires[hires["start"] >= periods[min(3, len(periods) - 1)]]
    frames.append(
        base.drop(late.sample(frac=0.3, random_state=rng).index).assign(scenario="conservative")
    )
    extra = hires.sample(frac=0.25, random_state=rng).copy()
    extra["position"] = extra["position"] + "-x"
    frames.append(pd.concat([base, extra]).assign(scenario="aggressive"))
    frames.append(_actual_positions(base, list(periods[:actual_months]), rng))
    columns = ["scenario", "team", "position", "role", "level", "start", "annual_salary"]
    positions: pd.DataFrame = pd.concat(frames, ignore_index=True)[columns]
    return positions


def _actual_positions(
    base: pd.DataFrame, actual_periods: list[str], rng: np.random.Generator
) -> pd.DataFrame:
    """Who really joined: hires in the actual months, some a month late."""
    actual = base[(base["start"] == "") | base["start"].isin(actual_periods)].copy()
    slips = rng.random(len(actual)) < 0.35
    index = {p: i for i, p in enumerate(actual_periods)}
    starts = []
    for start, slip in zip(actual["start"], slips, strict=True):
        if start and slip:
            i = index[start] + 1
            start = actual_periods[i] if i < len(actual_periods) else None
        starts.append(start)
    actual["start"] = starts
    return actual[actual["start"].notna()].assign(scenario="actuals")


def _per_head_lines(plan: Plan, positions: pd.DataFrame, rows: _Rows) -> None:
    """Software, training and travel per head; laptops and recruiting per hire."""
    staffing = team_staffing(plan, positions)
    periods = list(plan.calendar.periods)
    travel = {d.id: int(d.travel * 100) for d in DEPARTMENTS}
    rate = {
        a: np.array([int(plan.assumption(a).values[p] * 100) for p in periods])
        for a in ("tools_per_head", "training_per_head", "laptop_per_hire", "recruiting_per_hire")
    }
    department = {t.id: t.department for t in plan.teams}
    for (scenario, team), group in staffing.groupby(["scenario", "team"], sort=False):
        heads = group["heads"].to_numpy()
        hires = group["hires"].to_numpy()
        lines = dict(
            zip(
                HEADCOUNT_DRIVEN,
                (
                    heads * travel[department[str(team)]],
                    heads * rate["tools_per_head"],
                    hires * rate["laptop_per_hire"],
                    hires * rate["recruiting_per_hire"],
                    heads * rate["training_per_head"],
                ),
                strict=True,
            )
        )
        for account, cents in lines.items():
            rows.add(str(scenario), str(team), account, "", list(group["period"]), cents)


def _team_programs(plan: Plan) -> list[tuple[str, str]]:
    """(team, account) pairs of program spend."""
    department_accounts = {
        d.id: [a for a in d.accounts if a not in METRIC_ACCOUNTS] for d in DEPARTMENTS
    }
    generated = [a.id for a in plan.accounts[len(NAMED_ACCOUNTS) :]]
    pairs = []
    for t, team in enumerate(plan.teams):
        mine = [a for k, a in enumerate(generated) if (k + t) % 4 == 0]  # a quarter each
        pairs += [(team.id, a) for a in department_accounts[team.department] + mine]
    return pairs


def _programs(plan: Plan, rng: np.random.Generator, rows: _Rows, actual_months: int) -> None:
    pairs = _team_programs(plan)
    n, m = len(pairs), plan.months
    level = np.array([TYPICAL_MONTHLY.get(a, GENERATED_PROGRAM_MONTHLY) for _, a in pairs])
    level = level * rng.lognormal(0, 0.35, n)
    growth = (1.012 ** np.arange(m))[None, :]
    season = 1 + 0.12 * np.sin(2 * np.pi * (np.arange(m) + 1) / 12)[None, :]
    noise = rng.normal(1, 0.04, (n, m))
    base = level[:, None] * growth * season * noise
    periods = list(plan.calendar.periods)
    actual = base * rng.normal(1, 0.06, (n, m))
    for scenario, programs in SCENARIO_PROGRAMS.items():
        dollars = np.round(base * programs / 100) * 100
        for (team, account), row in zip(pairs, dollars, strict=True):
            rows.add(scenario, team, account, "", periods, row.astype(np.int64) * 100)
    for (team, account), row in zip(pairs, np.round(actual), strict=True):
        rows.add(
            "actuals",
            team,
            account,
            "",
            periods[:actual_months],
            row[:actual_months].astype(np.int64) * 100,
        )


def _driven(plan: Plan, facts: pd.DataFrame, actual_periods: list[str]) -> list[pd.DataFrame]:
    """Bookings, revenue and cost of revenue of every scenario, from the driver model
    (:mod:`planbook.drivers`): the built-in plans with their own drivers, the actuals with
    the plan's drivers over what was really spent and hired."""
    driven = list(DRIVEN_ACCOUNTS)
    out = [scenario_view(plan, facts, s).facts for s in SCENARIO_PROGRAMS]
    out = [f[f["account"].isin(driven)] for f in out]
    actual = driven_facts(plan, facts, scenario="actuals")
    out.append(actual[actual["period"].isin(actual_periods)])
    return out
