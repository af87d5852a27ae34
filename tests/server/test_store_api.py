"""One suite, three doors: the embedded store, an acting store and the HTTP client all
satisfy :class:`server.store.StoreAPI` and answer the same way, each recording its changes
under its own actor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from planbook.demo import Demo
from planbook.errors import PlanValidationError
from server.auth import ActingStore, Principal
from server.client import Client
from server.store import (
    Conflict,
    FactFilter,
    NotFound,
    PushRequest,
    StoreAPI,
    StoreNotEmpty,
    only_plan,
)
from server.store.store import Store
from tests.server.live import SECRET, LiveServer
from tests.server.store.helpers import bump, same_facts, team_facts

ACTOR = "grace@cirrus"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("live")
    server = LiveServer(f"sqlite:///{folder / 'store.db'}").start()
    yield server
    server.stop()


@pytest.fixture(params=["store", "acting", "client"])
def door(request: pytest.FixtureRequest, tmp_path: Path, live: LiveServer) -> Iterator[StoreAPI]:
    """An empty store behind one of the three doors, acting as ``ACTOR`` (an admin)."""
    if request.param == "client":
        with Client(live.url, token=SECRET) as admin:
            for plan in admin.plans():  # the live store is shared: start from a fresh plan
                pytest.fail(f"the live store already holds {plan}")
            _, secret = admin.create_token(name=ACTOR, role="admin")
        client = Client(live.url, token=secret)
        yield client
        client.close()
        live.stop()  # the next client test gets an empty store
        Path(live.db_url.removeprefix("sqlite:///")).unlink()
        live.start()
        return
    store = Store.open(tmp_path / "store.db", actor=ACTOR)
    yield store if request.param == "store" else ActingStore(store, Principal(ACTOR, "admin"))
    store.close()


def test_every_door_is_a_store_api(door: StoreAPI) -> None:
    assert isinstance(door, StoreAPI)


def test_push_and_read_back(door: StoreAPI, demo: Demo) -> None:
    first, created = door.push(PushRequest("cirrus", base=None, company=demo.plan))
    assert created and first.number == 1 and first.author == ACTOR
    second, _ = door.push(PushRequest("cirrus", base=1, facts=demo.facts, message="budgets"))
    assert (second.number, second.parent, second.message) == (2, 1, "budgets")
    assert only_plan(door) == "cirrus" and door.plans() == ["cirrus"]
    assert door.resolve("cirrus", "latest") == 2
    assert door.version("cirrus", 2).hash == second.hash
    assert door.plan("cirrus", 2) == demo.plan
    assert same_facts(door.facts("cirrus", 2), demo.facts)
    number, table = door.facts_table("cirrus", "latest", FactFilter(teams=["sales-na"]))
    assert number == 2 and set(table.column("team").to_pylist()) == {"sales-na"}
    assert [v.number for v in door.log("cirrus")] == [2, 1]
    assert [v.number for v in door.part_history("cirrus", "company")] == [1]


def test_unchanged_push_and_stale_push(door: StoreAPI, demo: Demo) -> None:
    door.push(PushRequest("cirrus", base=None, company=demo.plan))
    door.push(PushRequest("cirrus", base=1, facts=demo.facts))
    head, created = door.push(PushRequest("cirrus", base=2, facts=demo.facts))
    assert not created and head.number == 2
    sales = bump(team_facts(demo, "sales-na"))
    door.push(PushRequest("cirrus", base=2, facts=sales))
    with pytest.raises(Conflict) as caught:
        door.push(PushRequest("cirrus", base=2, facts=bump(sales)))
    assert caught.value.details[0].author == ACTOR and caught.value.head == 3


def test_status_and_tags_are_recorded_under_the_doors_actor(door: StoreAPI, demo: Demo) -> None:
    door.push(PushRequest("cirrus", base=None, company=demo.plan))
    door.push(PushRequest("cirrus", base=1, facts=demo.facts))
    change = door.change_status(plan_id="cirrus", team="sales-na", action="submit")
    assert (change.status, change.actor, change.version) == ("submitted", ACTOR, 2)
    assert door.statuses("cirrus")["sales-na"] == change
    assert door.statuses("cirrus")["finance"] is None
    assert [c.status for c in door.status_history("cirrus", "team:sales-na")] == ["submitted"]
    tag = door.set_tag(plan_id="cirrus", name="board-approved", ref=1)
    assert (tag.version, tag.actor) == (1, ACTOR)
    assert door.resolve("cirrus", "board-approved") == 1
    assert {t.name for t in door.tags("cirrus")} == {"latest", "board-approved"}
    assert door.delete_tag(plan_id="cirrus", name="board-approved").version is None
    assert [(t.name, t.version, t.actor) for t in door.tag_history("cirrus")] == [
        ("board-approved", 1, ACTOR),
        ("board-approved", None, ACTOR),
    ]


def test_backup_verify_and_tokens(door: StoreAPI, demo: Demo, tmp_path: Path) -> None:
    door.push(PushRequest("cirrus", base=None, company=demo.plan))
    backup = tmp_path / "backup.zip"
    assert door.export(backup) >= 1 and backup.stat().st_size > 0
    assert backup.stat().st_mode & 0o777 == 0o600  # it holds every salary
    assert door.verify() == []
    with pytest.raises(StoreNotEmpty):
        door.import_(backup)
    info, secret = door.create_token(name="viewer", role="viewer")
    assert secret.startswith("pb_") and info.id in [t.id for t in door.tokens()]
    assert door.revoke_token(info.id).revoked_at is not None


def test_unknown_plan_is_not_found(door: StoreAPI) -> None:
    with pytest.raises(NotFound):
        door.version("nowhere", "latest")
    with pytest.raises(NotFound, match="say which"):
        only_plan(door, hint="say which")


def test_diff_versions_through_every_door(door: StoreAPI, demo: Demo) -> None:
    from server.store.compare import diff_versions

    door.push(PushRequest("cirrus", base=None, company=demo.plan))
    door.push(PushRequest("cirrus", base=1, facts=demo.facts, message="budgets"))
    door.push(PushRequest("cirrus", base=2, facts=bump(team_facts(demo, "finance"), 3)))
    door.set_tag(plan_id="cirrus", name="draft", ref=2)
    found = diff_versions(door, plan_id="cirrus", a="draft", b="latest")
    assert found.compared_parts == ("team:finance",)
    assert set(found.facts.changes["team"]) == {"finance"}
    assert set(found.facts.changes["delta"]) == {3}
    assert [(v.number, v.author) for v in found.history] == [(3, ACTOR)]


def test_positions_and_slices_through_every_door(door: StoreAPI, demo: Demo) -> None:
    door.push(PushRequest("cirrus", base=None, company=demo.plan))
    door.push(PushRequest("cirrus", base=1, facts=demo.facts))
    mine = demo.positions[demo.positions["team"] == "sales-na"].astype(str)
    sales = team_facts(demo, "sales-na")
    base = sales[sales["scenario"] == "base"]
    version, _ = door.push(PushRequest("cirrus", base=2, facts=bump(base), positions=mine))
    assert version.changed == ("positions:sales-na", "team:sales-na")
    stored = door.positions("cirrus", "latest", "sales-na")
    assert sorted(stored["position"]) == sorted(mine["position"])
    assert not len(door.positions("cirrus", 2, "sales-na"))
    after = door.facts("cirrus", 3, FactFilter(teams=["sales-na"], scenarios=["conservative"]))
    assert same_facts(after, sales[sales["scenario"] == "conservative"])  # its slice only


def test_findings_through_every_door(door: StoreAPI, demo: Demo) -> None:
    from planbook.align import AlignmentSettings, alignment_report

    door.push(PushRequest("cirrus", base=None, company=demo.plan))
    door.push(PushRequest("cirrus", base=1, facts=demo.facts))
    base = demo.facts[demo.facts["scenario"] == "base"]
    whole = alignment_report(demo.plan, base, AlignmentSettings())
    assert whole  # the demo breaks some rules: the report is not empty
    number, found = door.findings("cirrus", "latest")
    assert number == 2 and found == whole  # exact numbers, through JSON too
    keep = {"sales-emea", demo.plan.team("sales-emea").department}
    _, mine = door.findings("cirrus", 2, teams=["sales-emea"])
    assert mine == [f for f in whole if f.team in keep] and mine
    with pytest.raises(PlanValidationError, match="'nobody' is not a team"):
        door.findings("cirrus", teams=["nobody"])
    with pytest.raises(PlanValidationError, match="'nope' is not a scenario"):
        door.findings("cirrus", scenario="nope")


def test_a_team_workbook_pulled_through_the_service_reads_only_that_team(
    live: LiveServer, demo: Demo, tmp_path: Path
) -> None:
    from addin.workbook_pull import WorkbookPull, pull_workbook

    with Client(live.url, token=SECRET) as admin:
        admin.push(PushRequest("cirrus", base=None, company=demo.plan))
        admin.push(PushRequest("cirrus", base=1, facts=demo.facts))
        asked: list[httpx.URL] = []
        admin.http.event_hooks["request"].append(lambda request: asked.append(request.url))
        what = WorkbookPull("cirrus", "latest", "sales-emea", "base", None)
        pulled = pull_workbook(admin, tmp_path / "sales-emea.xlsx", what)
    live.stop()  # the next test gets an empty store
    Path(live.db_url.removeprefix("sqlite:///")).unlink()
    live.start()
    assert pulled.facts == len(team_facts(demo, "sales-emea").query("scenario == 'base'"))
    facts = [u for u in asked if u.path.endswith("/facts")]
    assert facts and all(u.params.get_list("team") == ["sales-emea"] for u in facts), asked
    assert any(u.path.endswith("/align") for u in asked)  # the report the service keeps
