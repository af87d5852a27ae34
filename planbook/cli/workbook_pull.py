"""``planbook pull --out FILE.xlsx``: a version as a pre-filled workbook.

With one ``--team``, that team's budget template for one scenario, filled with the
version's facts (and with positions from ``--positions``: the store keeps facts, not the
positions behind the headcount lines); without ``--team``, the company AOP workbook. Either
way the workbook records the version it came from, so pushing it later has the right base.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from addin.templates import company_workbook, team_template
from addin.templates.files import save_workbook
from addin.templates.layout import headcount_driven
from planbook.cli.common import console
from planbook.errors import PlanbookError
from planbook.headcount import POSITION_COLUMNS, headcount_facts
from planbook.model import Plan
from server.store import FactFilter


@dataclass(frozen=True)
class WorkbookPull:
    """What to write: the version, the team (none: the company workbook) and scenario."""

    plan_id: str
    ref: str
    team: str | None
    scenario: str
    positions: Path | None


def pull_workbook(store: Any, out: Path, what: WorkbookPull) -> str:
    """Write the workbook; returns the sentence to print."""
    number = int(store.resolve(what.plan_id, what.ref))
    plan = store.plan(what.plan_id, number)
    if what.team is None:
        save_workbook(company_workbook(plan, version=str(number)), out)
        return f"Wrote the company AOP workbook of version {number} of plan {plan.id} to {out}."
    facts = store.facts(plan.id, number, FactFilter(teams=[what.team], scenarios=[what.scenario]))
    positions = read_positions(what.positions) if what.positions else None
    wb = team_template(
        plan,
        what.team,
        scenario=what.scenario,
        version=str(number),
        facts=facts,
        positions=positions,
    )
    _warn_about_headcount(plan, facts, positions, what)
    save_workbook(wb, out)
    return (
        f"Wrote {what.team}'s {what.scenario} budget ({len(facts):,} facts) of version "
        f"{number} of plan {plan.id} to {out}; push it back with planbook push {out.name}."
    )


def read_positions(path: Path) -> pd.DataFrame:
    """A positions CSV (as ``planbook demo --out`` writes it), every value as text."""
    if not path.is_file():
        raise PlanbookError(f"{path}: no such file")
    try:
        positions = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PlanbookError(f"{path}: not a positions CSV file ({exc})") from None
    missing = [c for c in POSITION_COLUMNS if c not in positions.columns]
    if missing:
        raise PlanbookError(
            f"{path}: the positions file has no column {', '.join(missing)}; expected the "
            f"columns {', '.join(POSITION_COLUMNS)} (as planbook demo --out writes)"
        )
    return positions


def _warn_about_headcount(
    plan: Plan, facts: pd.DataFrame, positions: pd.DataFrame | None, what: WorkbookPull
) -> None:
    """Say when the Headcount sheet cannot show the stored headcount lines exactly."""
    stored = facts[facts["account"].isin(headcount_driven())]
    if positions is None:
        if len(stored):
            console.print(
                f"[yellow]warning[/] {what.team} has {len(stored):,} headcount lines in this "
                "version, but the store keeps no positions: the Headcount sheet is empty. "
                "Give --positions FILE to fill it; pushing the workbook back as it is needs "
                "--headcount keep (or replace)",
                markup=True,
            )
        return
    mine = positions[(positions["team"] == what.team) & (positions["scenario"] == what.scenario)]
    computed = headcount_facts(plan, mine) if len(mine) else facts.iloc[:0]
    computed = computed[computed["amount"] != 0]
    if _key_amounts(computed) != _key_amounts(stored):
        console.print(
            f"[yellow]warning[/] the positions in {what.positions} do not give the headcount "
            f"lines {what.team} has in this version; the workbook shows the positions' numbers",
            markup=True,
        )


def _key_amounts(facts: pd.DataFrame) -> set[tuple[object, ...]]:
    """Each fact as (key text..., exact amount); equal decimals compare equal."""
    keys = ("scenario", "team", "account", "line", "period")
    rows = facts[[*keys, "amount"]].itertuples(index=False)
    return {(*(str(v) for v in row[:-1]), Decimal(str(row[-1]))) for row in rows}
