"""The diff of two stored versions: only the parts that differ are read, the result is the
core's diff of the whole versions, and it says who changed what."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planbook.consolidate import consolidate
from planbook.diff import DiffScope, compare_facts
from server.auth import ActingStore, Principal
from server.store import ALL_FACTS, FactFilter, NotFound, PushRequest
from server.store.compare import bridge_of, diff_versions
from server.store.store import Store
from tests.server.store.helpers import bump, seed, team_facts


class CountingDoor:
    """A door that records which teams each facts read asked for."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.reads: list[FactFilter] = []

    def __getattr__(self, name: str):
        return getattr(self.store, name)

    def facts_table(self, plan_id, ref="latest", wanted=ALL_FACTS):
        self.reads.append(wanted)
        return self.store.facts_table(plan_id, ref, wanted)


def _plain(changes: pd.DataFrame) -> pd.DataFrame:
    """A diff with its key columns as text (categories differ with what was read)."""
    return changes.astype({c: str for c in ("scenario", "team", "account", "line", "period")})


def _three_rounds(store: Store, demo) -> None:
    """v2: every budget; v3: sales-na raised by 5 per line and submitted; v4: an assumption
    changed by finance."""
    seed(store, demo)
    lead = store.acting_as("lead@cirrus")
    lead.push(
        PushRequest(
            "cirrus", base=2, facts=bump(team_facts(demo, "sales-na"), 5), message="more travel"
        )
    )
    lead.change_status(plan_id="cirrus", team="sales-na", action="submit", comment="ready")
    first = demo.plan.assumptions[0]
    month = sorted(first.values)[0]
    changed = first.model_copy(update={"values": {**first.values, month: first.values[month] + 1}})
    plan = demo.plan.model_copy(update={"assumptions": (changed, *demo.plan.assumptions[1:])})
    store.acting_as("cfo@cirrus").push(
        PushRequest("cirrus", base=3, company=plan, message="new driver")
    )


def test_store_diff_is_the_core_diff_of_the_whole_versions(store, demo):
    _three_rounds(store, demo)
    found = diff_versions(store, plan_id="cirrus", a=2, b="latest")
    plans = [store.plan("cirrus", 2), store.plan("cirrus", 4)]
    whole = compare_facts(store.facts("cirrus", 2), store.facts("cirrus", 4), plans=plans)
    pd.testing.assert_frame_equal(_plain(found.facts.changes), _plain(whole.changes))
    assert set(found.facts.changes["team"]) == {"sales-na"}
    assert set(found.facts.changes["delta"]) == {Decimal(5)}
    assert found.compared_parts == ("company", "team:sales-na")
    assert len(found.skipped_parts) == len(demo.plan.teams)  # 11 teams and actuals
    assert found.facts.unchanged + found.skipped_rows == whole.unchanged
    assert [(d.kind, d.change) for d in found.definitions] == [("assumption", "changed")]
    who = [(v.number, v.author, v.message, v.changed) for v in found.history]
    assert who == [
        (3, "lead@cirrus", "more travel", ("team:sales-na",)),
        (4, "cfo@cirrus", "new driver", ("company",)),
    ]
    assert [(s.part, s.status, s.actor) for s in found.statuses] == [
        ("team:sales-na", "submitted", "lead@cirrus")
    ]


def test_store_diff_reads_only_the_parts_that_changed(store, demo):
    _three_rounds(store, demo)
    door = CountingDoor(store)
    diff_versions(door, plan_id="cirrus", a=2, b=4)
    assert [tuple(r.teams) for r in door.reads] == [("sales-na",), ("sales-na",)]
    door.reads.clear()
    same = diff_versions(door, plan_id="cirrus", a=4, b=4)
    assert door.reads == [] and len(same.facts.changes) == 0 and same.compared_parts == ()


def test_store_diff_scope_and_unknown_names(store, demo):
    _three_rounds(store, demo)
    finance = diff_versions(store, plan_id="cirrus", a=2, b=4, scope=DiffScope(teams=("finance",)))
    assert len(finance.facts.changes) == 0 and [v.number for v in finance.history] == [4]
    with pytest.raises(NotFound, match="no-such-tag"):
        diff_versions(store, plan_id="cirrus", a="no-such-tag", b=4)
    with pytest.raises(Exception, match="'nobody'"):
        diff_versions(store, plan_id="cirrus", a=2, b=4, scope=DiffScope(teams=("nobody",)))


def test_bridge_walks_from_a_total_to_b_total(store, demo):
    _three_rounds(store, demo)
    found = diff_versions(store, plan_id="cirrus", a=2, b=4)
    steps = bridge_of(store, found, by="department")
    totals = [
        sum(
            consolidate(
                demo.plan,
                store.facts("cirrus", n),
                by=["company"],
                period="total",
                filters={"scenario": ["base"]},
                signed=True,
            )["amount"],
            Decimal(0),
        )
        for n in (2, 4)
    ]
    assert steps["amount"].iloc[0] == totals[0] and steps["amount"].iloc[-1] == totals[1]
    assert list(steps["step"]) == ["start", "sales", "end"]
    assert steps["amount"].iloc[1] == totals[1] - totals[0] != 0


def test_a_viewer_diff_never_shows_salaries(store, demo):
    seed(store, demo)
    raised = bump(team_facts(demo, "sales-na"), 7)
    store.acting_as("lead@cirrus").push(PushRequest("cirrus", base=2, facts=raised))
    everyone = diff_versions(store, plan_id="cirrus", a=2, b=3)
    assert "salaries" in set(everyone.facts.changes["account"])
    for role, teams, sees in (
        ("viewer", (), False),
        ("lead", ("sales-na",), True),
        ("lead", ("finance",), False),
        ("finance", (), True),
    ):
        acting = ActingStore(store, Principal(f"{role}-user", role, teams))
        found = diff_versions(acting, plan_id="cirrus", a=2, b=3)
        assert ("salaries" in set(found.facts.changes["account"])) is sees, (role, teams)
        assert len(found.facts.changes)


@pytest.fixture(scope="module")
def everyone_changed(tmp_path_factory):
    """A store where version 3 raised every team's every line by 1."""
    from planbook.demo import build_demo

    demo = build_demo()
    store = Store.open(tmp_path_factory.mktemp("compare") / "store.db")
    seed(store, demo)
    budgets = demo.facts[demo.facts["scenario"] != "actuals"].reset_index(drop=True)
    store.acting_as("finance@cirrus").push(PushRequest("cirrus", base=2, facts=bump(budgets, 1)))
    yield store, demo
    store.close()


TEAMS = (
    "sales-na",
    "sales-emea",
    "finance",
    "people-ops",
    "platform-eng",
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    own=st.lists(st.sampled_from(TEAMS), min_size=1, max_size=3, unique=True),
    wanted=st.lists(st.sampled_from(TEAMS), max_size=3, unique=True),
    accounts=st.sampled_from([(), ("salaries",), ("salaries", "travel"), ("travel",)]),
)
def test_a_lead_diff_never_shows_another_team_confidential_lines(
    everyone_changed, own, wanted, accounts
):
    store, demo = everyone_changed
    secret = {a.id for a in demo.plan.accounts if a.confidential}
    acting = ActingStore(store, Principal("lead-user", "lead", tuple(own)))
    scope = DiffScope(teams=tuple(wanted), accounts=accounts)
    changes = diff_versions(acting, plan_id="cirrus", a=2, b=3, scope=scope).facts.changes
    shown = set(zip(changes["team"].astype(str), changes["account"].astype(str), strict=True))
    assert {team for team, account in shown if account in secret} <= set(own)
    expected_own = {t for t in own if not wanted or t in wanted}
    if not accounts or "salaries" in accounts:
        assert {t for t, a in shown if a == "salaries"} == expected_own
