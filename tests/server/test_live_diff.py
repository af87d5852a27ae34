"""``planbook diff --server``: the CLI through the client against a real ``planbook serve``,
each token seeing what its role may see."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from planbook.cli.main import app as cli_app
from server.store import PushRequest
from server.store.store import Store
from tests.server.live import LiveServer
from tests.server.store.helpers import bump, seed, team_facts

runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture(scope="module")
def live(tmp_path_factory, demo) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    """Versions 1-2 (the demo), 3 (sales-na and finance raised by 10), a token per role."""
    folder = tmp_path_factory.mktemp("live-diff")
    db_url = f"sqlite:///{folder / 'store.db'}"
    store = Store.open(db_url)
    seed(store, demo)
    for team in ("sales-na", "finance"):
        head = store.resolve("cirrus")
        raised = bump(team_facts(demo, team), 10)
        store.acting_as("finance@cirrus").push(PushRequest("cirrus", base=head, facts=raised))
    tokens = {
        role: store.create_token(name=f"{role}-user", role=role, teams=teams)[1]
        for role, teams in (("finance", ()), ("lead", ("sales-na",)), ("viewer", ()))
    }
    store.close()
    server = LiveServer(db_url, log=folder / "server.log").start()
    yield server, tokens
    server.stop()


@pytest.mark.parametrize(
    ("role", "salaries"),
    [("finance", {"sales-na", "finance"}), ("lead", {"sales-na"}), ("viewer", set())],
)
def test_cli_diff_through_the_service(live, demo, role, salaries):
    server, tokens = live
    args = ["diff", "2", "latest", "--format", "json", "--server", server.url]
    result = runner.invoke(cli_app, [*args, "--token", tokens[role]], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    secret = {a.id for a in demo.plan.accounts if a.confidential}
    shown = {(x["team"], x["account"]) for x in report["lines"]}
    assert {t for t, a in shown if a in secret} == salaries
    assert {t for t, _ in shown} == {"sales-na", "finance"}
    assert report["summary"]["compared_parts"] == ["team:finance", "team:sales-na"]
    assert [v["number"] for v in report["history"]] == [3, 4]
    steps = [Decimal(s["amount"]) for s in report["bridge"]["steps"]]
    assert sum(steps[1:-1], steps[0]) == steps[-1]


def test_cli_diff_through_the_service_names_an_unknown_tag(live):
    server, tokens = live
    args = ["diff", "2", "no-such-tag", "--server", server.url, "--token", tokens["viewer"]]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 1 and "no-such-tag" in result.output
