"""Submission status of team parts, and tags."""

from __future__ import annotations

import pytest

from server.store import Conflict, InvalidRequest, NotFound, PushRequest
from tests.server.store.helpers import bump, seed, team_facts


def _act(store, team, action, comment=""):
    return store.acting_as("finance@cirrus").change_status(
        plan_id="cirrus", team=team, action=action, comment=comment
    )


def test_submit_approve_locks_until_reopened(store, demo):
    seed(store, demo)
    assert store.statuses("cirrus")["sales-na"] is None
    assert _act(store, "sales-na", "submit").status == "submitted"
    assert _act(store, "sales-na", "approve").status == "approved"
    sales = bump(team_facts(demo, "sales-na"))
    with pytest.raises(Conflict, match="approved and locked"):
        store.acting_as("lead").push(PushRequest("cirrus", base=2, facts=sales))
    assert _act(store, "sales-na", "reopen").status == "draft"
    version, created = store.acting_as("lead").push(PushRequest("cirrus", base=2, facts=sales))
    assert created and version.number == 3


def test_return_needs_a_comment_and_a_push_makes_a_draft(store, demo):
    seed(store, demo)
    _act(store, "finance", "submit")
    with pytest.raises(InvalidRequest, match="comment"):
        _act(store, "finance", "return")
    returned = _act(store, "finance", "return", "travel is 20% over the envelope")
    assert returned.status == "returned" and "travel" in returned.comment
    store.acting_as("lead").push(
        PushRequest("cirrus", base=2, facts=bump(team_facts(demo, "finance")))
    )
    assert store.statuses("cirrus")["finance"].status == "draft"
    history = store.status_history("cirrus", "team:finance")
    assert [c.status for c in history] == ["submitted", "returned", "draft"]
    assert all(c.actor and c.at for c in history)


@pytest.mark.parametrize(
    ("first", "action"), [(None, "approve"), (None, "reopen"), ("submit", "submit")]
)
def test_workflow_refuses_steps_out_of_order(store, demo, first, action):
    seed(store, demo)
    if first:
        _act(store, "sales-na", first)
    with pytest.raises(InvalidRequest, match="needs it to be"):
        _act(store, "sales-na", action)


def test_status_of_unknown_team_or_action(store, demo):
    seed(store, demo)
    with pytest.raises(NotFound):
        _act(store, "nope", "submit")
    with pytest.raises(InvalidRequest, match="unknown action"):
        _act(store, "sales-na", "bless")


def test_tags_move_and_every_move_is_recorded(store, demo):
    seed(store, demo)
    store.acting_as("cfo").set_tag(plan_id="cirrus", name="board-approved", ref=1)
    store.acting_as("cfo").set_tag(plan_id="cirrus", name="board-approved", ref="latest")
    store.acting_as("cfo").set_tag(plan_id="cirrus", name="investor-v1", ref=2)
    assert [(t.name, t.version) for t in store.tags("cirrus")] == [
        ("latest", 2),
        ("board-approved", 2),
        ("investor-v1", 2),
    ]
    store.acting_as("cfo").delete_tag(plan_id="cirrus", name="investor-v1")
    moves = [(t.name, t.version, t.actor) for t in store.tag_history("cirrus")]
    assert moves == [
        ("board-approved", 1, "cfo"),
        ("board-approved", 2, "cfo"),
        ("investor-v1", 2, "cfo"),
        ("investor-v1", None, "cfo"),
    ]


@pytest.mark.parametrize("name", ["latest", "12", "has space", ""])
def test_bad_tag_names(store, demo, name):
    seed(store, demo)
    with pytest.raises(InvalidRequest):
        store.acting_as("cfo").set_tag(plan_id="cirrus", name=name, ref=1)
