"""``planbook push FILE.xlsx`` and ``planbook pull --out FILE.xlsx``, on the embedded store
and through a real ``planbook serve`` on 127.0.0.1: template -> fill -> push -> pull gives
the same facts exactly; a stale base gets the 409 words; a bad workbook stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from addin.reader import read_team_workbook
from addin.templates.layout import TeamLayout, headcount_driven
from planbook.demo import Demo
from planbook.facts import normalize
from planbook.planfile import dump_plan
from server.store import FactFilter, PushRequest
from server.store.store import Store
from tests.planbook.cli.run import run
from tests.server.live import SECRET, LiveServer

TEAM = "sales-na"
BUDGET_SCENARIOS = ["base", "conservative", "aggressive"]


@dataclass
class Where:
    """A store with the demo plan as version 1, and how each person reaches it."""

    db: Path
    server: LiveServer | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    def args(self, who: str) -> list[str]:
        """Options of a command that writes, as ``who``."""
        if self.server is None:
            return ["--db", str(self.db), "--author", who]
        return self.reads(who)

    def reads(self, who: str) -> list[str]:
        """Options of a command that reads, as ``who``."""
        if self.server is None:
            return ["--db", str(self.db)]
        return ["--server", self.server.url, "--token", self.tokens[who]]

    def store(self) -> Store:
        return Store.open(self.db)

    def versions(self) -> int:
        store = self.store()
        try:
            return len(store.log("cirrus"))
        finally:
            store.close()


@pytest.fixture(params=["embedded", "service"])
def where(request: pytest.FixtureRequest, tmp_path: Path, demo: Demo) -> Iterator[Where]:
    db = tmp_path / "store.db"
    store = Store.open(db)
    store.acting_as("finance").push(PushRequest("cirrus", base=None, company=demo.plan))
    tokens = {"finance": SECRET}
    for who in ("alice", "bob"):
        tokens[who] = store.create_token(name=who, role="lead", teams=(TEAM,))[1]
    store.close()
    if request.param == "embedded":
        yield Where(db)
        return
    server = LiveServer(f"sqlite:///{db}", log=tmp_path / "server.log").start()
    try:
        yield Where(db, server, tokens)
    finally:
        server.stop()


def _mine(demo: Demo, scenario: str = "base") -> tuple[pd.DataFrame, pd.DataFrame]:
    facts, positions = demo.facts, demo.positions
    facts = facts[(facts["team"] == TEAM) & (facts["scenario"] == scenario)]
    positions = positions[(positions["team"] == TEAM) & (positions["scenario"] == scenario)]
    return facts, positions


def fill(path: Path, demo: Demo) -> None:
    """Type sales-na's demo budget (spend lines and positions) into a blank template."""
    facts, positions = _mine(demo)
    layout = TeamLayout(demo.plan, demo.plan.team(TEAM))
    wb = openpyxl.load_workbook(path)
    people = wb["Headcount"]
    for r, person in enumerate(positions.itertuples(index=False), start=layout.headcount_first_row):
        for c, name in enumerate(("position", "role", "level", "start", "annual_salary"), 1):
            value = str(getattr(person, name))
            people.cell(row=r, column=c, value=Decimal(value) if c == 5 else value or None)
    spend = facts[~facts["account"].isin(headcount_driven())]
    months = {p: layout.budget_month_column(i) for i, p in enumerate(layout.periods)}
    budget = wb["Budget"]
    lines = spend.groupby(["account", "line"], observed=True, sort=True)
    for r, ((account, line), rows) in enumerate(lines, start=layout.budget_first_row):
        budget.cell(row=r, column=1, value=str(account))
        budget.cell(row=r, column=3, value=str(line) or None)
        for period, amount in zip(rows["period"], rows["amount"], strict=True):
            budget.cell(row=r, column=months[str(period)], value=Decimal(str(amount)))
    wb.save(path)


def edit(path: Path, edits: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    for ref, value in edits.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = value
    wb.save(path)


def stored(where: Where, scenarios: list[str]) -> pd.DataFrame:
    store = where.store()
    try:
        return store.facts("cirrus", "latest", FactFilter(teams=[TEAM], scenarios=scenarios))
    finally:
        store.close()


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    a, b = normalize(a), normalize(b)
    return a.astype(str).equals(b.astype(str))


def test_template_fill_push_pull_round_trip(where, demo, tmp_path):
    plan_file = tmp_path / "plan.yaml"
    dump_plan(demo.plan, plan_file)
    blank = tmp_path / "team-sales-na.xlsx"
    run("template", "team", "--plan", plan_file, "--team", TEAM, "--version", "1", "--out", blank)
    fill(blank, demo)
    out = run("push", blank, *where.args("alice"))
    assert "Pushed version 2" in out and "team:sales-na" in out
    expected, positions = _mine(demo)
    assert same(stored(where, BUDGET_SCENARIOS), expected)
    positions_file = tmp_path / "positions.csv"
    positions.to_csv(positions_file, index=False)
    pulled = tmp_path / "pulled.xlsx"
    out = run(
        "pull",
        "--out",
        pulled,
        "--team",
        TEAM,
        "--positions",
        positions_file,
        *where.reads("alice"),
    )
    assert "version 2" in out and "warning" not in out
    book = read_team_workbook(pulled, demo.plan, team=TEAM)
    assert same(book.facts, expected) and book.base_version == 2
    assert list(book.positions["position"]) == list(positions["position"])
    assert [str(s) for s in book.positions["annual_salary"]] == [
        str(s) for s in positions["annual_salary"]
    ]
    assert "Nothing changed" in run("push", pulled, *where.args("alice"))


def test_push_workbook_keeps_the_other_scenarios_and_asks_about_headcount(where, demo, tmp_path):
    store = where.store()
    team = demo.facts[(demo.facts["team"] == TEAM) & (demo.facts["scenario"] != "actuals")]
    store.acting_as("finance").push(PushRequest("cirrus", base=1, facts=team))
    store.close()
    conservative, base = stored(where, ["conservative"]), stored(where, ["base"])
    people = base[base["account"].isin(headcount_driven())]
    path = tmp_path / "sales.xlsx"
    out = run("pull", path, "--team", TEAM, *where.reads("alice"))
    assert "but it stores no positions for them" in out  # headcount lines, no positions
    assert "pull it again with --positions FILE" in out and "--headcount keep" in out
    edit(path, {"Budget!E5": 4321})
    out = run("push", path, *where.args("alice"), code=1)
    assert "the Headcount sheet is empty, but version 2 holds" in out and "--headcount" in out
    assert where.versions() == 2
    out = run("push", path, "--headcount", "keep", *where.args("alice"))
    assert "Pushed version 3" in out
    assert same(stored(where, ["conservative"]), conservative)
    now = stored(where, ["base"])
    assert same(now[now["account"].isin(headcount_driven())], people)
    assert Decimal(4321) in {Decimal(str(a)) for a in now["amount"]}
    edit(path, {"Budget!E5": 4322})  # the file still records version 2: pushed on top of 3
    out = run("push", path, "--headcount", "replace", *where.args("alice"), code=1)
    assert "changed by alice" in out and "in version 3, after your base version 2" in out
    out = run("push", path, "--base", "3", "--headcount", "replace", *where.args("alice"))
    assert "Pushed version 4" in out
    assert not stored(where, ["base"])["account"].isin(headcount_driven()).any()
    assert same(stored(where, ["conservative"]), conservative)


def test_push_workbook_on_a_stale_base_says_who_changed_what(where, demo, tmp_path):
    alice, bob = tmp_path / "alice.xlsx", tmp_path / "bob.xlsx"
    for path, who in ((alice, "alice"), (bob, "bob")):
        assert "version 1" in run("pull", "--out", path, "--team", TEAM, *where.reads(who))
    edit(alice, {"Budget!A5": "travel", "Budget!D5": 100})
    assert "Pushed version 2" in run("push", alice, *where.args("alice"))
    # the same edited file again: its own first push is no conflict, and no new version
    out = run("push", alice, *where.args("alice"))
    assert "Nothing to push: version 2 already holds exactly what alice.xlsx pushes" in out
    edit(bob, {"Budget!A5": "travel", "Budget!D5": 200})
    out = run("push", bob, *where.args("bob"), code=1)
    assert "part 'team:sales-na' was changed by alice at " in out
    assert "in version 2, after your base version 1" in out
    assert where.versions() == 2


def test_push_bad_workbook_names_cells_and_stores_nothing(where, demo, tmp_path):
    path = tmp_path / "bad.xlsx"
    run("pull", path, "--team", TEAM, *where.reads("alice"))
    edit(
        path,
        {
            "Budget!A5": "travel",
            "Budget!E5": "12k",
            "Headcount!A10": "AE 1",
            "Headcount!E10": "lots",
        },
    )
    out = run("push", path, *where.args("alice"), code=1)
    assert "Budget!E5" in out and "Headcount!E10" in out and "Traceback" not in out
    assert where.versions() == 1


def test_push_and_pull_company_workbook(where, demo, tmp_path):
    path = tmp_path / "company.xlsx"
    out = run("pull", "--out", path, *where.reads("finance"))
    assert "company AOP workbook of version 1" in out
    assert "Nothing changed" in run("push", path, *where.args("finance"))
    edit(path, {"Plan!B6": "Cirrus Analytics FY27"})
    assert "Pushed version 2" in run("push", path, *where.args("finance"))
    assert "Nothing to push: version 2 already holds" in run("push", path, *where.args("finance"))
    store = where.store()
    assert store.plan("cirrus").name == "Cirrus Analytics FY27"
    store.close()
    edit(path, {"Plan!B6": "Cirrus Analytics FY27 (investor)"})
    out = run("push", path, "--base", "1", *where.args("finance"), code=1)
    assert "part 'company' was changed by" in out and "in version 2" in out


def test_workbook_options_are_checked(tmp_path, demo):
    db = str(tmp_path / "s.db")
    store = Store.open(db)
    store.acting_as("finance").push(PushRequest("cirrus", base=None, company=demo.plan))
    store.close()
    out = run(
        "pull", "--out", tmp_path / "a.xlsx", "--team", TEAM, "--account", "x", "--db", db, code=1
    )
    assert "--account and --period apply only" in out
    out = run("pull", tmp_path / "a.xlsx", "--out", tmp_path / "b.xlsx", "--db", db, code=1)
    assert "give the file once" in out
    (tmp_path / "p.csv").write_text("a,b\n1,2\n")
    out = run(
        "pull",
        "-o",
        tmp_path / "a.xlsx",
        "--team",
        TEAM,
        "--positions",
        tmp_path / "p.csv",
        "--db",
        db,
        code=1,
    )
    assert "the positions file has no column scenario" in out
    run("template", "team", "--demo", "--team", TEAM, "--out", tmp_path / "t.xlsx")
    out = run("push", tmp_path / "t.xlsx", "--db", db, code=1)
    assert "records no store version" in out and "--base" in out
    assert "Pushed version 2" in run("push", tmp_path / "t.xlsx", "--base", "1", "--db", db)


def test_company_template_pushed_to_an_empty_store_makes_the_plan(tmp_path):
    db = str(tmp_path / "new.db")
    path = tmp_path / "company.xlsx"
    run("template", "company", "--demo", "--out", path)
    out = run("push", path, "--db", db, "--author", "finance")
    assert "Pushed version 1 of plan cirrus (changed company" in out
    out = run("pull", path, "--plan-file", tmp_path / "p.yaml", "--db", db, code=1)
    assert "--plan-file goes with a facts file" in out


def test_push_workbook_made_before_a_chart_change_says_pull_a_fresh_one(tmp_path, demo):
    db = str(tmp_path / "s.db")
    store = Store.open(db)
    store.acting_as("finance").push(PushRequest("cirrus", base=None, company=demo.plan))
    path = tmp_path / "sales.xlsx"
    run("pull", path, "--team", TEAM, "--db", db)
    accounts = tuple(a for a in demo.plan.accounts if a.id != "travel")
    smaller = demo.plan.model_copy(update={"accounts": accounts})
    store.acting_as("finance").push(PushRequest("cirrus", base=1, company=smaller))
    store.close()
    edit(path, {"Budget!A5": "travel", "Budget!D5": 100})
    out = run("push", path, "--db", db, code=1)
    assert "unknown account 'travel'" in out and "pull a fresh workbook" in out


def test_pulled_workbook_without_positions_shows_the_stored_heads_and_totals(where, demo, tmp_path):
    """The store keeps the positions a team workbook pushes: pulled back without
    --positions, the workbook gives the same heads, costs and totals as the store."""
    blank = tmp_path / "team-sales-na.xlsx"
    run("pull", "--out", blank, "--team", TEAM, *where.reads("alice"))
    fill(blank, demo)
    assert "Pushed version 2" in run("push", blank, *where.args("alice"))
    assert "positions:sales-na" in run("log", *where.reads("alice"))
    pulled = tmp_path / "pulled.xlsx"
    out = run("pull", "--out", pulled, "--team", TEAM, *where.reads("alice"))
    assert "version 2" in out and "warning" not in out.lower()
    book = read_team_workbook(pulled, demo.plan, team=TEAM)
    expected = stored(where, ["base"])
    assert same(book.facts, expected)
    heads = expected[expected["account"] == "headcount"]
    assert len(heads) and len(book.positions) == len(_mine(demo)[1])
    total = sum(Decimal(str(a)) for a in expected["amount"])
    assert sum(Decimal(str(a)) for a in book.facts["amount"]) == total
    assert "Nothing changed" in run("push", pulled, *where.args("alice"))
