"""``planbook scenario save``: a what-if pushed as a new version, from options or a YAML
file; bad input named with exit 1 and nothing pushed."""

from __future__ import annotations

import json

import pytest

from tests.planbook.cli.run import run


@pytest.fixture()
def db(tmp_path) -> str:
    db = str(tmp_path / "planbook.db")
    run("demo", "--db", db)
    return db


def _versions(db: str) -> int:
    return len([line for line in run("log", "--db", db).splitlines() if line.strip()])


def test_save_a_hiring_delay_and_compare_it(db):
    out = run(
        "scenario", "save", "late-hires", "--db", db, "--base", "aggressive",
        "--title", "Two sales hires two months late",
        "--hiring", "team=sales,months=2,count=2,line=Account Executive",
        "-m", "What if two AEs start late?",
    )  # fmt: skip
    assert "Saved what-if late-hires as version" in out
    listed = json.loads(run("scenario", "list", "--db", db, "--format", "json"))
    rows = {r["scenario"]: r for r in listed["rows"]}
    assert rows["late-hires"]["kind"] == "what-if on aggressive"
    assert "What if two AEs start late?" in run("log", "--db", db)
    kpis = json.loads(
        run("kpis", "--db", db, "--scenario", "aggressive,late-hires", "--metric", "arr",
            "--period", "year", "--format", "json")
    )["kpis"]  # fmt: skip
    arr = {r["scenario"]: r["value"] for r in kpis}
    assert arr["late-hires"] - arr["aggressive"] == pytest.approx(-90764.82, abs=0.005)


def test_save_from_a_yaml_file_with_options_added(db, tmp_path):
    path = tmp_path / "cut.yaml"
    path.write_text(
        "name: Programs and churn\n"
        "facts:\n  - {kind: percent, value: -0.2, account: Marketing programs}\n",
        encoding="utf-8",
    )
    run(
        "scenario", "save", "cut-and-churn", "--db", db, "--file", str(path),
        "--driver", "assumption=churn_rate,kind=add,value=0.01",
    )  # fmt: skip
    shown = json.loads(run("scenario", "show", "cut-and-churn", "--db", db, "--format", "json"))
    assert [r["applies to"] for r in shown["rows"]] == ["facts", "driver"]
    assert [r["what"] for r in shown["rows"]] == ["account=Marketing programs", "churn_rate"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["marketing-cut", "--fact", "kind=percent,value=-0.1"], "'marketing-cut'"),
        (["x", "--fact", "kind=percent,value=-0.1,team=nobody"], "'nobody'"),
        (["x", "--fact", "kind=percent,value=-0.1,account=no-such"], "'no-such'"),
        (["x", "--driver", "assumption=no_such_driver,kind=add,value=1"], "'no_such_driver'"),
        (["x", "--hiring", "team=ghosts,months=2"], "'ghosts'"),
        (["x", "--hiring", "team=sales,months=2,line=Juggler"], "no hire to delay"),
        (["x", "--fact", "kind=double,value=2"], "kind"),
        (["x", "--fact", "percent"], "--fact 'percent'"),
        (["x", "--base", "nope", "--fact", "kind=add,value=1"], "'nope'"),
        (["x"], "at least one"),
    ],
)
def test_bad_what_ifs_are_named_and_not_pushed(db, args, named):
    before = _versions(db)
    out = run("scenario", "save", *args, "--db", db, code=1)
    assert named in out
    assert _versions(db) == before
