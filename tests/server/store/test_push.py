"""Pushing versions: parts, sharing, conflicts, validation, atomicity."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from planbook.errors import PlanValidationError
from server.store import Conflict, InvalidRequest, NotFound, PushRequest
from server.store.db import transaction
from server.store.parts import facts_blob
from server.store.schema import BlobRow
from server.store.store import Store
from tests.server.store.helpers import bump, same_facts, seed, team_facts


def _blobs(store: Store) -> tuple[int, int]:
    with transaction(store.engine) as conn:
        row = conn.execute(select(func.count(), func.coalesce(func.sum(BlobRow.size), 0))).one()
    return int(row[0]), int(row[1])


def test_push_first_version_and_pull_round_trips(store, demo):
    version = seed(store, demo)
    assert version.number == 2
    assert version.parent == 1
    assert same_facts(store.facts(demo.plan.id, "latest"), demo.facts)
    assert store.plan(demo.plan.id, 1) == demo.plan
    assert "company" in {p.part for p in version.parts}
    assert len(version.hash) == 64


def test_push_first_version_needs_the_plan_definition(store, demo):
    with pytest.raises(InvalidRequest, match="plan definition"):
        store.acting_as("a").push(PushRequest("cirrus", base=None, facts=demo.facts))
    assert store.plans() == []


def test_push_one_team_stores_that_part_only(store, demo):
    seed(store, demo)
    count, size = _blobs(store)
    sales = team_facts(demo, "sales-na")
    version, created = store.acting_as("lead@cirrus").push(
        PushRequest(demo.plan.id, base=2, facts=bump(sales))
    )
    assert created
    assert version.changed == ("team:sales-na",)
    new_count, new_size = _blobs(store)
    assert new_count == count + 1
    assert new_size - size < size / 5


def test_store_grows_with_changes_not_with_versions(store, demo):
    seed(store, demo)
    count, size = _blobs(store)
    sales = team_facts(demo, "sales-na")
    base, added = 2, 0
    for i in range(1, 11):
        changed = bump(sales, i)
        version, _ = store.acting_as("lead").push(
            PushRequest(demo.plan.id, base=base, facts=changed)
        )
        added += len(facts_blob(changed).data)
        base = version.number
    assert base == 12
    # eleven versions of a 12-team company: one full copy plus the ten changed parts
    assert _blobs(store) == (count + 10, size + added)
    assert size + added < 2 * size


def test_push_unchanged_content_makes_no_version(store, demo):
    seed(store, demo)
    version, created = store.acting_as("lead").push(
        PushRequest(demo.plan.id, base=2, facts=team_facts(demo, "sales-na"))
    )
    assert not created
    assert version.number == 2


def test_push_same_team_from_stale_base_conflicts(store, demo):
    seed(store, demo)
    sales = team_facts(demo, "sales-na")
    store.acting_as("alice").push(PushRequest(demo.plan.id, base=2, facts=bump(sales, 1)))
    with pytest.raises(Conflict) as caught:
        store.acting_as("bob").push(PushRequest(demo.plan.id, base=2, facts=bump(sales, 2)))
    detail = caught.value.details[0]
    assert (detail.part, detail.version, detail.author) == ("team:sales-na", 3, "alice")
    assert "alice" in str(caught.value) and "version 3" in str(caught.value)
    assert caught.value.head == 3
    assert store.version(demo.plan.id).number == 3


def test_push_stale_base_conflicts_even_when_content_equals_head(store, demo):
    """A stale writer whose numbers happen to match the head hears of the change it did not
    see (409), not "nothing changed"; based on the head, the same push is a no-op."""
    seed(store, demo)
    sales = bump(team_facts(demo, "sales-na"), 1)
    store.acting_as("alice").push(PushRequest(demo.plan.id, base=2, facts=sales))
    with pytest.raises(Conflict) as caught:
        store.acting_as("bob").push(PushRequest(demo.plan.id, base=2, facts=sales))
    detail = caught.value.details[0]
    assert (detail.part, detail.version, detail.author, detail.reason) == (
        "team:sales-na",
        3,
        "alice",
        "changed",
    )
    version, created = store.acting_as("bob").push(PushRequest(demo.plan.id, base=3, facts=sales))
    assert (version.number, created) == (3, False)


def test_push_stale_base_of_an_unchanged_company_conflicts(store, demo):
    seed(store, demo)
    renamed = demo.plan.model_copy(update={"name": "Cirrus renamed"})
    store.acting_as("alice").push(PushRequest(demo.plan.id, base=2, company=renamed))
    with pytest.raises(Conflict):
        store.acting_as("bob").push(PushRequest(demo.plan.id, base=2, company=renamed))
    assert store.version(demo.plan.id).number == 3


def test_push_other_team_from_stale_base_lands(store, demo):
    seed(store, demo)
    store.acting_as("a").push(
        PushRequest(demo.plan.id, base=2, facts=bump(team_facts(demo, "sales-na")))
    )
    version, _ = store.acting_as("b").push(
        PushRequest(demo.plan.id, base=2, facts=bump(team_facts(demo, "finance")))
    )
    assert version.number == 4
    assert set(version.changed) == {"team:finance"}
    pulled = store.facts(demo.plan.id, 4, _only("sales-na"))
    assert same_facts(pulled, bump(team_facts(demo, "sales-na")))


def _only(team):
    from server.store import FactFilter

    return FactFilter(teams=[team], scenarios=["base", "conservative", "aggressive"])


def test_push_invalid_facts_lists_every_problem_and_stores_nothing(store, demo):
    seed(store, demo)
    count = _blobs(store)
    bad = team_facts(demo, "sales-na").copy()
    bad["period"] = bad["period"].astype(str)
    bad.loc[0, "period"] = "2031-01"
    bad["account"] = bad["account"].astype(str)
    bad.loc[1, "account"] = "nope"
    good = team_facts(demo, "finance")
    import pandas as pd

    with pytest.raises(PlanValidationError) as caught:
        store.acting_as("a").push(
            PushRequest(
                demo.plan.id,
                base=2,
                facts=pd.concat([bump(good), bad], ignore_index=True),
                source="budget.csv",
            )
        )
    locs = [p.loc for p in caught.value.problems]
    assert len(locs) == 2 and all(loc[0] == "budget.csv" for loc in locs)
    assert _blobs(store) == count
    assert store.version(demo.plan.id).number == 2


def test_push_unknown_plan_or_base(store, demo):
    seed(store, demo)
    with pytest.raises(NotFound):
        store.acting_as("a").push(PushRequest("other", base=3, facts=demo.facts))
    with pytest.raises(NotFound, match="base version 9"):
        store.acting_as("a").push(PushRequest(demo.plan.id, base=9, facts=demo.facts))
    with pytest.raises(InvalidRequest, match="based on"):
        store.acting_as("a").push(PushRequest(demo.plan.id, base=None, facts=demo.facts))


def test_push_company_that_drops_a_team_with_budget_is_refused(store, demo):
    seed(store, demo)
    smaller = demo.plan.model_copy(
        update={
            "teams": tuple(t for t in demo.plan.teams if t.id != "finance"),
            "envelopes": tuple(e for e in demo.plan.envelopes if e.team != "finance"),
        }
    )
    with pytest.raises(PlanValidationError) as caught:
        store.acting_as("cfo").push(PushRequest(demo.plan.id, base=2, company=smaller))
    # the team's budget and actuals, and the company part's goals that finance owns
    assert {p.loc[0] for p in caught.value.problems} == {"team:finance", "actuals", "company"}


def test_clear_a_team_part(store, demo):
    seed(store, demo)
    version, _ = store.acting_as("a").push(
        PushRequest(demo.plan.id, base=2, clear=("team:finance",))
    )
    assert next(p for p in version.parts if p.part == "team:finance").rows == 0
    assert store.facts(demo.plan.id, "latest", _only("finance")).empty


@pytest.mark.parametrize("part", ["team:nope", "company", "x" * 200])
def test_clear_only_team_parts_of_the_plan_or_actuals(store, demo, part):
    seed(store, demo)
    with pytest.raises(InvalidRequest, match="cannot clear"):
        store.acting_as("a").push(PushRequest(demo.plan.id, base=2, clear=(part,)))
