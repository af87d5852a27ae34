"""What a facts push replaces: (team, scenario) slices, or a team's whole budget.

A push names facts; the rows it holds for one team and one scenario replace that **slice**
of the version it lands on, and every other slice stays as it was. A 2-row conservative
file leaves the team's base budget alone. Only when the pusher says so (``replace_team``)
do a team's rows replace everything that team has of the same kind (its budget scenarios,
or its actuals), so that scenarios the push leaves out are removed.

:func:`replace_slices` applies the rule to one stored part; :func:`push_effect` says, before
anything is stored, which slices a push replaces and how many lines each holds before and
after (the CLI shows it, ``--dry-run`` stops there).
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planbook.facts import facts_from_arrow
from planbook.model import Plan

__all__ = ["EFFECT_COLUMNS", "push_effect", "replace_slices"]

EFFECT_COLUMNS = ("team", "scenario", "before", "after", "action")
"""The columns of :func:`push_effect`: lines before and after, and ``replaced``, ``removed``
(a slice the push empties) or ``kept``."""


def replace_slices(current: pa.Table, pushed: pd.DataFrame, *, replace_team: bool) -> pd.DataFrame:
    """One stored part (``current``) with the pushed rows in place of what they replace:
    the (team, scenario) slices they hold, or with ``replace_team`` every row of each team
    they hold. ``pushed`` holds rows of this part only."""
    teams = sorted(set(pushed["team"].astype(str)))
    team_col = current.column("team").cast(pa.string())
    replaced = pc.is_in(team_col, pa.array(teams, pa.string()))
    if not replace_team:
        slices = pa.array(sorted(_slice_keys(pushed)), pa.string())
        scenario_col = current.column("scenario").cast(pa.string())
        keys = pc.binary_join_element_wise(team_col, scenario_col, "\x1f")
        replaced = pc.is_in(keys, slices)
    kept = current.filter(pc.invert(replaced))
    if not kept.num_rows:
        return pushed
    return pd.concat([facts_from_arrow(kept), pushed], ignore_index=True)


def _slice_keys(facts: pd.DataFrame) -> set[str]:
    teams = facts["team"].astype(str).to_numpy()
    scenarios = facts["scenario"].astype(str).to_numpy()
    return {f"{t}\x1f{s}" for t, s in set(zip(teams, scenarios, strict=True))}


def push_effect(
    plan: Plan,
    current: pd.DataFrame,
    pushed: pd.DataFrame | None,
    *,
    replace_team: bool = False,
    cleared: Collection[str] = (),
) -> pd.DataFrame:
    """Each slice a push touches, with its lines before and after (:data:`EFFECT_COLUMNS`).

    ``current`` holds the facts the push lands on (at least those of the teams it names);
    ``cleared`` names the teams whose budget the push empties outright, and ``actuals``
    when it empties the actuals.
    """
    actual_ids = {s.id for s in plan.scenarios if s.actuals}
    before = _counts(current)
    after = _counts(pushed) if pushed is not None else {}
    wholly = set(cleared)
    if replace_team:
        wholly |= {_group(t, s, actual_ids) for t, s in after}
    rows = []
    for team, scenario in sorted(set(before) | set(after)):
        group = _group(team, scenario, actual_ids)
        emptied = group in wholly or (scenario in actual_ids and "actuals" in wholly)
        if (team, scenario) in after:
            new, action = after[(team, scenario)], "replaced"
        elif emptied:
            new, action = 0, "removed"
        else:
            continue
        rows.append((team, scenario, before.get((team, scenario), 0), new, action))
    for team, scenario in sorted(set(before) - {(r[0], r[1]) for r in rows}):
        group = _group(team, scenario, actual_ids)
        if any(_group(t, s, actual_ids) == group for t, s, *_ in rows):
            count = before[(team, scenario)]
            rows.append((team, scenario, count, count, "kept"))
    frame = pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))
    return frame.sort_values(["team", "scenario"], ignore_index=True)


def _group(team: str, scenario: str, actual_ids: set[str]) -> str:
    """What ``replace_team`` replaces as one: a team's budget, or its actuals."""
    return f"{team}\x1factuals" if scenario in actual_ids else team


def _counts(facts: pd.DataFrame | None) -> dict[tuple[str, str], int]:
    if facts is None or not len(facts):
        return {}
    keys = pd.DataFrame(
        {"team": facts["team"].astype(str), "scenario": facts["scenario"].astype(str)}
    )
    sizes = keys.groupby(["team", "scenario"], sort=True).size()
    teams = sizes.index.get_level_values(0).astype(str)
    scenarios = sizes.index.get_level_values(1).astype(str)
    return {
        (str(t), str(s)): int(n) for t, s, n in zip(teams, scenarios, sizes.to_numpy(), strict=True)
    }
