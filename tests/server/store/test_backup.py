"""Export, import into an empty store, and verify."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from server.store import InvalidRequest, PushRequest, StoreNotEmpty
from server.store.db import transaction
from server.store.schema import BlobRow
from server.store.store import Store
from tests.server.store.helpers import bump, same_facts, seed, team_facts


def _history(store: Store) -> object:
    return (
        store.log("cirrus"),
        [v.parts for v in store.log("cirrus")],
        store.tags("cirrus"),
        store.tag_history("cirrus"),
        store.status_history("cirrus"),
    )


def test_export_import_round_trip_is_equal(store, demo, tmp_path):
    seed(store, demo)
    store.acting_as("a").push(
        PushRequest("cirrus", base=2, facts=bump(team_facts(demo, "finance")))
    )
    store.acting_as("lead").change_status(plan_id="cirrus", team="finance", action="submit")
    store.acting_as("cfo").set_tag(plan_id="cirrus", name="board-approved", ref=2)
    path = tmp_path / "backup.zip"
    seen = []
    assert store.export(path, lambda done, total: seen.append((done, total))) == seen[-1][1]
    other = Store.open(tmp_path / "restored.db")
    other.import_(path)
    assert _history(other) == _history(store)
    assert same_facts(other.facts("cirrus", 3), store.facts("cirrus", 3))
    assert other.verify() == []
    # the restored store keeps working: new ids do not collide (forced: the bumped budget's
    # payroll taxes no longer match its salaries, a blocking alignment finding)
    other.acting_as("cfo").change_status(
        plan_id="cirrus", team="finance", action="approve", force=True
    )
    other.close()


def test_import_into_a_store_with_data_is_refused(store, demo, tmp_path):
    seed(store, demo)
    path = tmp_path / "backup.zip"
    store.export(path)
    with pytest.raises(StoreNotEmpty):
        store.import_(path)


def test_import_of_a_file_that_is_not_an_export(store, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_text("hello")
    with pytest.raises(Exception, match="not a Planbook export"):
        store.import_(bad)


def test_verify_finds_a_corrupt_blob(store, demo):
    seed(store, demo)
    assert store.verify() == []
    blob = store.version("cirrus").parts[0].hash
    with transaction(store.engine, write=True) as conn:
        conn.execute(update(BlobRow).where(BlobRow.hash == blob).values(data=b"garbage"))
    problems = store.verify()
    assert [p.loc for p in problems] == [("blobs", blob)]


def test_a_new_sqlite_store_and_an_export_are_readable_by_their_owner_only(demo, tmp_path):
    """Issue 15, finding 8: files holding data are created 0600 (the WAL and shared-memory
    files too), whatever the umask lets others read."""
    import os

    old = os.umask(0o022)
    try:
        store = Store.open(tmp_path / "store.db")
        seed(store, demo)
        backup = tmp_path / "backup.zip"
        store.export(backup)
        files = [tmp_path / n for n in ("store.db", "store.db-wal", "store.db-shm", "backup.zip")]
        modes = {f.name: f.stat().st_mode & 0o777 for f in files}  # the WAL lives while open
        store.close()
    finally:
        os.umask(old)
    assert modes == {f.name: 0o600 for f in files}


@pytest.mark.parametrize("entry", ["store.json", "blob"])
def test_import_of_a_zip_bomb_is_refused_before_it_inflates(store, demo, tmp_path, entry):
    """An entry that inflates far past its compressed size is refused from the zip's own
    directory, before any of it is decompressed (an export is stored, never compressed)."""
    import zipfile

    seed(store, demo)
    good = tmp_path / "backup.zip"
    store.export(good)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as out:
        names = src.namelist()
        target = "store.json" if entry == "store.json" else next(n for n in names if "/" in n)
        for name in names:
            data = b"\0" * (64 * 1024 * 1024) if name == target else src.read(name)
            out.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 1024 * 1024
    empty = Store.open(tmp_path / "empty.db")
    with pytest.raises(InvalidRequest, match="inflates"):
        empty.import_(bomb)
    assert empty.plans() == []
    empty.close()
