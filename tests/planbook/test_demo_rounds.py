"""The demo's planning round: each first draft differs from the approved budget only where
its story says, and the round ends on the approved budget."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planbook.demo import build_demo
from planbook.demo.rounds import (
    DELAYED_HIRES_TEAM,
    NEW_POSITION_TEAM,
    PROGRAMS_TEAM,
    TOOLS_LINE,
    TOOLS_TEAM,
    planning_round,
)
from planbook.diff import diff_facts
from planbook.facts import normalize


def _approved(demo, team):
    facts = demo.facts
    return normalize(facts[(facts["team"] == team) & (facts["scenario"] != "actuals")])


def test_each_draft_differs_where_its_story_says(demo):
    story = planning_round(demo)
    assert [d.team for d in story.drafts] == [
        PROGRAMS_TEAM,
        DELAYED_HIRES_TEAM,
        NEW_POSITION_TEAM,
        TOOLS_TEAM,
    ]
    changes = {d.team: diff_facts(d.facts, _approved(demo, d.team)) for d in story.drafts}
    for team, diff in changes.items():
        assert set(diff["team"].astype(str)) == {team}
        assert set(diff["scenario"].astype(str)) == {"base"}
    programs = changes[PROGRAMS_TEAM]
    ratio = [n / o for o, n in zip(programs["old"], programs["new"], strict=True)]
    assert all(Decimal("0.89") < r < Decimal("0.91") for r in ratio)
    tools = changes[TOOLS_TEAM]
    assert set(tools["line"].astype(str)) == {TOOLS_LINE} and set(tools["change"]) == {"removed"}
    hires = changes[DELAYED_HIRES_TEAM]
    heads = hires[hires["account"] == "headcount"]["delta"]
    assert sum(heads, Decimal(0)) == -4  # two people, two months later each
    added = changes[NEW_POSITION_TEAM]
    assert sum(added[added["account"] == "headcount"]["delta"], Decimal(0)) > 0
    # finance's set-up differs from the approved plan only in that team's envelope
    lowered = [e for e in story.setup.envelopes if e not in demo.plan.envelopes]
    assert [(e.team, e.scenario) for e in lowered] == [(NEW_POSITION_TEAM, "base")]
    assert story.setup.model_copy(update={"envelopes": demo.plan.envelopes}) == demo.plan
    assert story.envelope_change.startswith("Envelopes: Platform Engineering raised by")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_tell_a_story_too(seed):
    demo = build_demo(seed=seed)
    story = planning_round(demo)
    assert {PROGRAMS_TEAM, TOOLS_TEAM} <= {d.team for d in story.drafts}
    for draft in story.drafts:
        assert len(diff_facts(draft.facts, _approved(demo, draft.team))) > 0
