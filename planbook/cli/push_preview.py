"""What ``planbook push`` is about to replace, shown before it pushes (and all that
``--dry-run`` does): each (team, scenario) slice the push touches, with its lines before
(in the version the push is based on) and after. The rule is :mod:`planbook.slices`."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from planbook.cli.common import console
from planbook.facts import empty_facts
from planbook.slices import push_effect
from server.store import FactFilter, PushRequest, StoreAPI, is_team_part, team_of

__all__ = ["show_effect"]

SHOWN = 40
"""Slices listed one by one; more are summed up in one line."""


def show_effect(store: StoreAPI, request: PushRequest) -> pd.DataFrame:
    """Print which slices the push replaces, keeps or removes; returns them."""
    if request.base is None and request.company is None:
        return pd.DataFrame()  # the push itself says what is missing
    effect = _effect(store, request)
    if not len(effect):
        console.print("The push replaces no facts.")
        return effect
    table = Table(title=_title(request), title_justify="left")
    for name in ("team", "scenario", "lines before", "lines after", "what happens"):
        table.add_column(name, justify="right" if name.startswith("lines") else "left")
    for row in effect.head(SHOWN).itertuples(index=False):
        team, scenario, before, after, action = (str(v) for v in row)
        table.add_row(team, scenario, f"{int(before):,}", f"{int(after):,}", action)
    console.print(table)
    if len(effect) > SHOWN:
        console.print(f"... and {len(effect) - SHOWN:,} more slices.")
    changed = effect[effect["action"] != "kept"]
    console.print(
        f"Replaces {len(changed):,} slice{'s' if len(changed) != 1 else ''} of "
        f"{changed['team'].nunique():,} team{'s' if changed['team'].nunique() != 1 else ''}: "
        f"{int(changed['before'].sum()):,} lines before, {int(changed['after'].sum()):,} after."
    )
    return effect


def _title(request: PushRequest) -> str:
    base = f"version {request.base}" if request.base else "an empty plan"
    how = "(team, scenario) slices"
    if request.replace_team:
        workbook = request.source.lower().endswith(".xlsx")
        how = "its team's budget (other scenarios as in the base)" if workbook else "whole teams"
        how += "" if workbook else " (--replace-team)"
    return f"Push to plan {request.plan_id}, based on {base}: replaces {how}"


def _effect(store: StoreAPI, request: PushRequest) -> pd.DataFrame:
    plan = request.company or store.plan(request.plan_id, request.base or "latest")
    cleared = [team_of(p) if is_team_part(p) else p for p in request.clear]
    pushed = request.facts if request.facts is not None and len(request.facts) else None
    current = empty_facts()
    if request.base:
        teams = set(cleared) - {"actuals"}
        if pushed is not None:
            teams |= set(pushed["team"].astype(str))
        frames = [current]
        if teams:
            frames.append(
                store.facts(request.plan_id, request.base, FactFilter(teams=sorted(teams)))
            )
        if "actuals" in cleared:
            actual = [s.id for s in plan.scenarios if s.actuals]
            frames.append(store.facts(request.plan_id, request.base, FactFilter(scenarios=actual)))
        current = pd.concat([f.astype(str) for f in frames if len(f)] or [current])
        current = current.drop_duplicates()
    return push_effect(plan, current, pushed, replace_team=request.replace_team, cleared=cleared)
