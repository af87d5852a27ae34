"""The client and the CLI against a real ``planbook serve`` on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from planbook.cli.main import app as cli_app
from planbook.factfiles import read_facts
from server.client import Client
from server.store import Conflict, NotAuthenticated, PushRequest, StoreUnavailable
from server.store.store import Store
from tests.server.live import SECRET, LiveServer, free_port
from tests.server.store.helpers import bump, same_facts, seed, team_facts

runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture
def live(db_url: str, demo, tmp_path) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    store = Store.open(db_url)
    seed(store, demo)
    tokens = {
        role: store.create_token(name=f"{role}-user", role=role, teams=teams)[1]
        for role, teams in (("admin", ()), ("lead", ("sales-na",)), ("viewer", ()))
    }
    store.close()
    server = LiveServer(db_url, log=tmp_path / "server.log").start()
    yield server, tokens
    server.stop()


def test_client_push_pull_and_conflict(live, demo):
    server, tokens = live
    with Client(server.url, token=tokens["lead"]) as lead:
        sales = bump(team_facts(demo, "sales-na"))
        version, created = lead.push(PushRequest("cirrus", base=2, facts=sales))
        assert created and version.author == "lead-user"
        pulled = lead.facts("cirrus", version.number, _teams("sales-na"))
        assert same_facts(pulled, sales)
        with pytest.raises(Conflict) as caught:
            lead.push(PushRequest("cirrus", base=2, facts=bump(sales)))
        assert caught.value.details[0].author == "lead-user"
        assert "version 3" in str(caught.value)


def _teams(*teams):
    from server.store import FactFilter

    return FactFilter(teams=list(teams), scenarios=["base", "conservative", "aggressive"])


def test_viewer_never_sees_salaries(live, demo):
    server, tokens = live
    secret = {a.id for a in demo.plan.accounts if a.confidential}
    with Client(server.url, token=tokens["viewer"]) as viewer:
        facts = viewer.facts("cirrus")
    assert not set(facts["account"].astype(str)) & secret
    with Client(server.url, token=tokens["admin"]) as admin:
        assert set(admin.facts("cirrus")["account"].astype(str)) & secret


def test_client_with_a_bad_token_gets_a_clear_error(live):
    server, _ = live
    with Client(server.url, token="pb_wrong") as client, pytest.raises(NotAuthenticated):
        client.plans()


def test_client_retries_then_says_the_service_is_unreachable():
    url = f"http://127.0.0.1:{free_port()}"
    with (
        Client(url, token="t", retries=2, backoff=0.01) as client,
        pytest.raises(StoreUnavailable, match="cannot reach"),
    ):
        client.plans()


def test_cli_gives_the_same_results_embedded_and_through_the_service(live, db_url, tmp_path):
    server, tokens = live
    remote = ["--server", server.url, "--token", tokens["admin"]]
    for args in (["log", "-n", "5"], ["tag"], ["status"], ["log", "--team", "finance"]):
        embedded = runner.invoke(cli_app, [*args, "--db", db_url])
        through = runner.invoke(cli_app, [*args, *remote])
        assert embedded.exit_code == through.exit_code == 0, through.output
        assert embedded.output == through.output
    runner.invoke(cli_app, ["pull", str(tmp_path / "a.parquet"), "--db", db_url])
    runner.invoke(cli_app, ["pull", str(tmp_path / "b.parquet"), *remote])
    assert same_facts(read_facts(tmp_path / "a.parquet"), read_facts(tmp_path / "b.parquet"))


def test_cli_push_pull_through_the_service(live, tmp_path):
    server, tokens = live
    remote = ["--server", server.url, "--token", tokens["lead"]]
    path = tmp_path / "sales.csv"
    budget = ["--scenario", "base", "--scenario", "conservative", "--scenario", "aggressive"]
    out = runner.invoke(cli_app, ["pull", str(path), "--team", "sales-na", *budget, *remote])
    assert out.exit_code == 0 and "version 2" in out.output, out.output
    lines = path.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ',"7"'
    path.write_text("\n".join(lines) + "\n")
    out = runner.invoke(cli_app, ["push", str(path), "--base", "2", *remote])
    assert out.exit_code == 0 and "Pushed version 3" in out.output, out.output
    lines[1] = lines[1].rsplit(",", 1)[0] + ',"8"'
    path.write_text("\n".join(lines) + "\n")
    out = runner.invoke(cli_app, ["push", str(path), "--base", "1", *remote])
    assert out.exit_code == 1 and "changed by lead-user" in out.output, out.output
    out = runner.invoke(cli_app, ["status", "finance", "submit", *remote])
    assert out.exit_code == 1 and "may submit only sales-na" in out.output


def test_cli_tokens_and_verify_through_the_service(live, tmp_path):
    server, _ = live
    remote = ["--server", server.url, "--token", SECRET]
    out = runner.invoke(cli_app, ["token", "create", "ci", "--role", "viewer", *remote])
    assert out.exit_code == 0 and "pb_" in out.output, out.output
    assert "ci" in runner.invoke(cli_app, ["token", "list", *remote]).output
    assert "OK" in runner.invoke(cli_app, ["verify", *remote]).output
    backup = tmp_path / "b.zip"
    assert runner.invoke(cli_app, ["export", str(backup), *remote]).exit_code == 0
    assert backup.stat().st_size > 1000
