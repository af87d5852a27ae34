"""A store version as a pre-filled workbook: the body of ``planbook pull --out FILE.xlsx``.

With a team, that team's budget template for one scenario, filled with the version's facts
and the team's stored positions (or those of a positions file, when one is given), its
Summary sheet listing the team's alignment findings (as the caller may see them); without
one, the company AOP workbook. Either way the workbook records
the version it came from, so pushing it later (:mod:`addin.workbook_push`) has the right
base. What happened comes back as data (:class:`PulledWorkbook`): a sentence and the
warnings; the caller presents them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from addin.hints import Hints
from addin.templates import company_workbook, team_template
from addin.templates.files import save_workbook
from addin.templates.findings import summary_findings
from addin.templates.layout import headcount_driven
from planbook.errors import PlanbookError
from planbook.headcount import POSITION_COLUMNS, headcount_facts
from planbook.model import Plan
from server.store import AccessDenied, FactFilter, StoreAPI

__all__ = ["PulledWorkbook", "WorkbookPull", "pull_workbook", "read_positions"]


@dataclass(frozen=True)
class WorkbookPull:
    """What to write: the version, the team (none: the company workbook) and scenario."""

    plan_id: str
    ref: str
    team: str | None
    scenario: str
    positions: Path | None
    hints: Hints = field(default_factory=Hints)
    """How the warnings name the reader's choices (the CLI passes its options)."""


@dataclass(frozen=True)
class PulledWorkbook:
    """What a pull wrote, and what the person who pulled it should know."""

    path: Path
    plan: str
    version: int
    team: str | None
    scenario: str
    facts: int
    """How many facts the team workbook was filled with (0 for the company workbook)."""
    warnings: tuple[str, ...] = ()
    """Full sentences: where the workbook cannot show the version exactly."""

    @property
    def sentence(self) -> str:
        """What was written, in one sentence."""
        of = f"of version {self.version} of plan {self.plan} to {self.path}"
        if self.team is None:
            return f"Wrote the company AOP workbook {of}."
        return f"Wrote {self.team}'s {self.scenario} budget ({self.facts:,} facts) {of}."


def pull_workbook(store: StoreAPI, out: Path, what: WorkbookPull) -> PulledWorkbook:
    """Write the workbook of ``what`` to ``out``; says what it wrote and any warnings."""
    info = store.version(what.plan_id, what.ref)
    number = info.number
    plan = store.plan(what.plan_id, number)
    if what.team is None:
        save_workbook(company_workbook(plan, version=str(number)), out)
        return PulledWorkbook(out, plan.id, number, None, what.scenario, 0)
    facts = store.facts(plan.id, number, FactFilter(teams=[what.team], scenarios=[what.scenario]))
    if what.positions:
        positions: pd.DataFrame | None = read_positions(what.positions)
    else:
        positions = _stored_positions(store, plan.id, number, what.team)
    wb = team_template(
        plan,
        what.team,
        scenario=what.scenario,
        version=str(number),
        facts=facts,
        positions=positions,
    )
    warnings = _headcount_warnings(plan, facts, positions, what)
    # the team's and its department's findings: the service answers from the report it keeps
    _, found = store.findings(plan.id, number, scenario=what.scenario, teams=[what.team])
    summary_findings(wb, found, version=str(number))
    save_workbook(wb, out)
    return PulledWorkbook(
        out, plan.id, number, what.team, what.scenario, len(facts), tuple(warnings)
    )


def _stored_positions(store: StoreAPI, plan_id: str, number: int, team: str) -> pd.DataFrame | None:
    """The team's positions the version stores; None when it stores none (or the caller
    may not read them: positions are confidential)."""
    try:
        positions = store.positions(plan_id, number, team)
    except AccessDenied:
        return None
    return positions if len(positions) else None


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


def _headcount_warnings(
    plan: Plan, facts: pd.DataFrame, positions: pd.DataFrame | None, what: WorkbookPull
) -> list[str]:
    """Where the Headcount sheet cannot show the stored headcount lines exactly."""
    stored = facts[facts["account"].isin(headcount_driven())]
    if positions is None:
        if not len(stored):
            return []
        return [
            f"{what.team} has {len(stored):,} headcount lines in this version, but it stores no "
            "positions for them that you may read: the Headcount sheet is empty. To fill it, "
            f"{what.hints.positions}; pushing the workbook back as it is needs keep (or "
            f"replace) for the headcount lines ({what.hints.headcount})"
        ]
    mine = positions[(positions["team"] == what.team) & (positions["scenario"] == what.scenario)]
    computed = headcount_facts(plan, mine) if len(mine) else facts.iloc[:0]
    computed = computed[computed["amount"] != 0]
    kept, given = _key_amounts(stored), _key_amounts(computed)
    differ = sorted(k for k in kept.keys() | given.keys() if kept.get(k) != given.get(k))
    if not differ:
        return []
    source = f"the positions in {what.positions}" if what.positions else "the stored positions"
    by_line: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for key in differ:
        by_line.setdefault((key[2], key[3]), []).append(key)
    shown = [
        f"{account}{f' ({line})' if line else ''}: {len(keys)} month"
        f"{'s' if len(keys) != 1 else ''}, stored {_total(kept, keys):,.2f}, from the "
        f"positions {_total(given, keys):,.2f}"
        for (account, line), keys in list(by_line.items())[:3]
    ]
    more = f"; and {len(by_line) - 3} more lines" if len(by_line) > 3 else ""
    return [
        f"{source} do not give the headcount lines {what.team} has in this version "
        f"({'; '.join(shown)}{more}); the workbook shows the positions' numbers, so pushing "
        "it back as it is replaces the stored ones"
    ]


def _key_amounts(facts: pd.DataFrame) -> dict[tuple[str, ...], Decimal]:
    """Each fact's key texts and its exact amount (equal decimals compare equal)."""
    keys = ("scenario", "team", "account", "line", "period")
    rows = facts[[*keys, "amount"]].itertuples(index=False)
    return {tuple(str(v) for v in row[:-1]): Decimal(str(row[-1])) for row in rows}


def _total(amounts: dict[tuple[str, ...], Decimal], keys: list[tuple[str, ...]]) -> Decimal:
    return sum((amounts.get(k, Decimal(0)) for k in keys), Decimal(0))
