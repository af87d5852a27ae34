"""The store commands on the embedded store: demo, push, pull, log, tag, status, backup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planbook.factfiles import read_facts
from tests.planbook.cli.run import run


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "planbook.db"
    out = run("demo", "--db", str(db), "--out", str(folder / "files"))
    assert "Loaded plan cirrus" in out and "Company" in out
    return db


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> str:
    """A private copy of the demo store (the file is small)."""
    copy = tmp_path / "planbook.db"
    copy.write_bytes(demo_db.read_bytes())
    return str(copy)


def test_demo_history_is_realistic(db):
    out = run("log", "--db", db, "-n", "50")
    assert "first draft" in out and "programs cut" in out and "Actuals" in out
    assert "board-approved" in run("tag", "--db", db)
    status = run("status", "--db", db)
    assert "approved" in status and "draft" not in status
    history = run("status", "sales-na", "--history", "--db", db)
    assert "returned" in history


def test_demo_again_shows_what_the_store_holds_and_adds_nothing(db):
    versions = run("log", "--db", db, "-n", "50")
    out = run("demo", "--db", db)
    assert "already holds the demo company" in out and "showing that version" in out
    assert "Research & Development" in out and "Company" in out
    assert run("log", "--db", db, "-n", "50") == versions


def test_pull_then_push_round_trip(db, tmp_path):
    path = tmp_path / "sales.csv"
    out = run("pull", str(path), "--team", "sales-na", "--version", "latest", "--db", db)
    assert "version 19" in out
    facts = read_facts(path)
    assert set(facts["team"].astype(str)) == {"sales-na"}
    run("status", "sales-na", "reopen", "--db", db, "--author", "cfo")
    assert "Nothing changed" in run("push", str(path), "--base", "19", "--db", db)


def test_pull_json_and_filters(db, tmp_path):
    path = tmp_path / "base.json"
    run("pull", str(path), "--scenario", "base", "--period", "2026-03", "--db", db)
    payload = json.loads(path.read_text())
    assert payload["version"] == 19
    assert set(payload["facts"]["scenario"]) == {"base"}
    assert set(payload["facts"]["period"]) == {"2026-03"}


def test_push_change_conflict_and_bad_facts(db, tmp_path):
    path = tmp_path / "fin.csv"
    run("pull", str(path), "--team", "finance", "--db", db)
    run("status", "finance", "reopen", "--db", db)
    text = path.read_text().replace('"finance","travel"', '"finance","nope"', 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    out = run("push", str(bad), "--base", "19", "--db", db, code=1)
    assert "bad.csv, row" in out and "unknown account 'nope'" in out
    lines = path.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ',"1"'
    path.write_text("\n".join(lines) + "\n")
    out = run("push", str(path), "--base", "19", "-m", "fix", "--author", "grace", "--db", db)
    assert "Pushed version 20" in out
    lines[1] = lines[1].rsplit(",", 1)[0] + ',"2"'
    path.write_text("\n".join(lines) + "\n")
    out = run("push", str(path), "--base", "18", "--db", db, code=1)
    assert "changed by grace" in out and "version 20" in out


def test_push_equal_to_the_head_from_a_stale_base_is_a_conflict(db, tmp_path):
    path = tmp_path / "fin.csv"
    run("pull", str(path), "--team", "finance", "--db", db)
    run("status", "finance", "reopen", "--db", db)
    lines = path.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ',"1"'
    path.write_text("\n".join(lines) + "\n")
    assert "Pushed version 20" in run("push", str(path), "--base", "19", "--db", db)
    out = run("push", str(path), "--base", "19", "--db", db, code=1)
    assert "version 20" in out and "Nothing changed" not in out
    assert "Nothing changed" in run("push", str(path), "--base", "20", "--db", db)


def test_tags_and_status_steps(db):
    run("tag", "investor-v1", "3", "--db", db, "--author", "cfo")
    run("tag", "investor-v1", "4", "--db", db, "--author", "cfo")
    assert "investor-v1" in run("tag", "--history", "--db", db)
    run("tag", "investor-v1", "--delete", "--db", db)
    assert "latest" in run("tag", "latest", "--db", db, code=1)
    assert "needs it to be" in run("status", "finance", "approve", "--db", db, code=1)
    run("status", "finance", "reopen", "--db", db)
    run("status", "finance", "submit", "--db", db)
    assert "comment is required" in run("status", "finance", "return", "--db", db, code=1)
    run("status", "finance", "return", "-c", "too high", "--db", db)
    assert "too high" in run("status", "finance", "--db", db)


def test_export_import_verify(db, tmp_path):
    backup = tmp_path / "backup.zip"
    run("export", str(backup), "--db", db)
    restored = str(tmp_path / "restored.db")
    run("import", str(backup), "--db", restored)
    assert "OK" in run("verify", "--db", restored)
    assert run("log", "--db", restored) == run("log", "--db", db)
    assert "empty store" in run("import", str(backup), "--db", restored, code=1)


def test_tokens(db):
    out = run("token", "create", "grace", "--role", "lead", "--team", "finance", "--db", db)
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("pb_")
    listing = run("token", "list", "--db", db)
    assert "grace" in listing and secret not in listing
    run("token", "revoke", "1", "--db", db)
    assert "no live token" in run("token", "revoke", "1", "--db", db, code=1)


def test_commands_without_a_store_say_so(tmp_path):
    out = run("log", "--db", str(tmp_path / "none.db"), code=1)
    assert "no store at" in out


def test_serve_refuses_a_default_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("PLANBOOK_SECRET", raising=False)
    monkeypatch.delenv("PLANBOOK_DEV", raising=False)
    out = run("serve", "--db", str(tmp_path / "s.db"), code=1)
    assert "refusing to start" in out and "PLANBOOK_SECRET" in out


def _conservative_csv(tmp_path: Path) -> Path:
    path = tmp_path / "conservative.csv"
    path.write_text(
        "scenario,team,account,line,period,amount\n"
        "conservative,finance,travel,,2026-02,100\n"
        "conservative,finance,travel,,2026-03,100\n"
    )
    return path


def _finance(db: str, tmp_path: Path, ref: str) -> dict[str, int]:
    out = tmp_path / f"finance-{ref}.csv"
    run("pull", str(out), "--team", "finance", "--version", ref, "--db", db)
    counts = read_facts(out)["scenario"].astype(str).value_counts()
    return {str(scenario): int(n) for scenario, n in counts.items()}


def test_push_replaces_only_its_slices_and_shows_them_first(db, tmp_path):
    run("status", "finance", "reopen", "--db", db)
    before = _finance(db, tmp_path, "latest")
    path = _conservative_csv(tmp_path)
    versions = run("log", "--db", db, "-n", "50")
    out = run("push", str(path), "--base", "latest", "--dry-run", "--db", db)
    assert "Dry run: nothing was stored" in out
    assert f"finance │ conservative │ {before['conservative']:>12,} │           2 │ replaced" in out
    assert f"finance │ base         │ {before['base']:>12,} │ {before['base']:>11,} │ kept" in out
    assert run("log", "--db", db, "-n", "50") == versions
    out = run("push", str(path), "--base", "latest", "--db", db)
    assert "Replaces 1 slice of 1 team" in out and "Pushed version" in out
    assert _finance(db, tmp_path, "latest") == before | {"conservative": 2}


def test_push_replace_team_replaces_the_whole_budget(db, tmp_path):
    run("status", "finance", "reopen", "--db", db)
    before = _finance(db, tmp_path, "latest")
    path = _conservative_csv(tmp_path)
    out = run("push", str(path), "--base", "latest", "--replace-team", "--db", db)
    assert "whole teams (--replace-team)" in out and "removed" in out
    assert _finance(db, tmp_path, "latest") == {"conservative": 2, "actuals": before["actuals"]}
