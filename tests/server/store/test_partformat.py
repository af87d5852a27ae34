"""Fact parts as code columns with one LZ4 block a scenario, beside the earlier format
(LZ4 Arrow IPC streams): both decode, one content has one hash, and every read of a
store that holds either (or both) gives the same facts and the same exact roll-ups."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.consolidate import consolidate
from planbook.facts import AMOUNT_TYPE, facts_from_records, facts_to_arrow, sort_table
from server.store import FactFilter, PushRequest
from server.store import parts as parts_module
from server.store.decoded import clear_facts_cache
from server.store.partformat import MAGIC, Header, is_plain
from server.store.parts import decode_facts, facts_blob, hash_blob
from server.store.store import Store
from tests.server.store.helpers import bump, same_facts, seed, team_facts


def _earlier_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write fact parts as the code before this format did (LZ4 Arrow IPC streams)."""
    monkeypatch.setattr(parts_module, "encode_plain", lambda table: None)


def _facts(rows: list[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    keys = ("scenario", "team", "account", "line", "period", "amount")
    return facts_from_records([dict(zip(keys, r, strict=True)) for r in rows])


FACTS = [
    ("base", "finance", "travel", "", "2026-01", "12.5"),
    ("base", "finance", "travel", "", "2026-02", "-3.000001"),
    ("base", "finance", "salaries", "Accountant", "2026-01", "9000"),
    ("aggressive", "finance", "travel", "", "2026-01", "15"),
    ("conservative", "finance", "salaries", "Accountant", "2026-03", "0"),
]


def test_a_part_is_written_in_columns_and_reads_back_equal():
    facts = _facts(FACTS)
    blob = facts_blob(facts)
    assert is_plain(blob.data) and blob.data.startswith(MAGIC)
    assert decode_facts(blob.data).equals(sort_table(facts_to_arrow(facts)))
    assert hash_blob("facts", blob.data) == blob.hash


def test_one_content_has_one_hash_in_either_format(monkeypatch):
    facts = _facts(FACTS)
    new = facts_blob(facts)
    _earlier_format(monkeypatch)
    old = facts_blob(facts)
    assert not is_plain(old.data)
    assert old.hash == new.hash
    assert decode_facts(old.data).equals(decode_facts(new.data))


def test_amounts_beyond_int64_millionths_keep_every_digit():
    big = "12345678901234567890123.456789"
    facts = _facts([*FACTS, ("base", "finance", "travel", "", "2026-03", big)])
    header = Header.read(facts_blob(facts).data)
    assert header.amount_width == 16
    amounts = header.table().column("amount").to_pylist()
    assert Decimal(big) in amounts and Decimal("-3.000001") in amounts


def test_a_key_that_cannot_be_written_in_columns_falls_back_to_arrow_ipc():
    facts = _facts([*FACTS, ("base", "finance", "travel", "a\0b", "2026-01", "1")])
    blob = facts_blob(facts)
    assert not is_plain(blob.data)
    assert decode_facts(blob.data).num_rows == len(FACTS) + 1


@pytest.mark.parametrize("cut", [9, 40, -1])
def test_a_damaged_part_is_an_error_not_a_crash(cut):
    data = facts_blob(_facts(FACTS)).data
    with pytest.raises(ValueError, match="facts blob"):
        decode_facts(data[:cut])


def test_a_damaged_block_is_an_error_or_fails_its_hash():
    """LZ4 blocks carry no checksum (nor did the Arrow IPC parts): a damaged byte either
    fails to decode with a ValueError, decodes to content whose hash differs (which
    ``verify`` reports), or lies in padding and changes nothing; never another error."""
    blob = facts_blob(_facts(FACTS))
    outcomes = set()
    for at in range(len(blob.data) - 60, len(blob.data)):
        data = bytearray(blob.data)
        data[at] ^= 0xFF
        try:
            outcomes.add("same" if hash_blob("facts", bytes(data)) == blob.hash else "differs")
        except ValueError as exc:
            assert "facts blob" in str(exc)
            outcomes.add("error")
    assert {"differs", "error"} <= outcomes


_KEY = st.sampled_from(["a", "b", "é", "", "a b"])
_AMOUNT = st.decimals(
    min_value=Decimal("-1e25"), max_value=Decimal("1e25"), places=6, allow_nan=False
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["base", "x", "y"]), _KEY, _KEY, _KEY, _KEY, _AMOUNT),
        min_size=1,
        max_size=40,
        unique_by=lambda r: r[:5],
    )
)
def test_any_part_round_trips(rows):
    facts = _facts([(*r[:5], str(r[5])) for r in rows])
    blob = facts_blob(facts)
    table = sort_table(facts_to_arrow(facts))
    assert decode_facts(blob.data).equals(table)
    header = Header.read(blob.data)
    for i, scenario in enumerate(header.scenarios):
        expected = table.filter(
            pa.compute.equal(table.column("scenario").cast(pa.string()), scenario)
        )
        assert header.slice(i).rows == expected.num_rows


def _reads(store: Store, demo) -> list[pd.DataFrame]:
    secret = [a.id for a in demo.plan.accounts if a.confidential]
    costs = [a.id for a in demo.plan.accounts if a.type.is_cost]
    filters = [
        FactFilter(),
        FactFilter(scenarios=["base"], accounts=costs),
        FactFilter(scenarios=["conservative", "actuals"], teams=["finance", "sales-na"]),
        FactFilter(periods=["2026-02"], hidden_accounts=secret, own_teams=["finance"]),
    ]
    clear_facts_cache()
    return [store.facts("cirrus", "latest", w) for w in filters]


def test_a_store_of_the_earlier_format_reads_the_same(tmp_path, demo, monkeypatch):
    """Parts written before (Arrow IPC), after, and both in one version: every read gives
    the same facts, and the consolidation from the store is equal to the last decimal
    place to the consolidation of the same facts in memory."""
    new = Store.open(tmp_path / "new.db")
    seed(new, demo)
    with monkeypatch.context() as patch:
        _earlier_format(patch)
        old = Store.open(tmp_path / "old.db")
        seed(old, demo)
    for a, b in zip(_reads(old, demo), _reads(new, demo), strict=True):
        assert same_facts(a, b)
    changed = bump(team_facts(demo, "finance"))
    for store in (old, new):  # old: one part in the new format beside the others
        store.acting_as("a").push(PushRequest("cirrus", base=2, facts=changed))
    assert old.version("cirrus").hash == new.version("cirrus").hash
    costs = [a.id for a in demo.plan.accounts if a.type.is_cost]
    memory = new.facts("cirrus", "latest")
    expected = consolidate(
        demo.plan,
        memory,
        by=["department", "account"],
        period="quarter",
        filters={"scenario": ["base"], "account": costs},
    )
    for store in (old, new):
        clear_facts_cache()
        _, table = store.facts_table("cirrus", "latest", FactFilter(["base"], accounts=costs))
        got = consolidate(
            demo.plan,
            table,
            by=["department", "account"],
            period="quarter",
            filters={"scenario": ["base"], "account": costs},
        )
        assert got.equals(expected)
        assert [str(v) for v in got["amount"]] == [str(v) for v in expected["amount"]]
    assert old.verify() == [] and new.verify() == []


def test_a_roll_up_from_the_store_equals_the_one_from_the_facts(tmp_path, demo):
    store = Store.open(tmp_path / "store.db")
    seed(store, demo)
    clear_facts_cache()
    table = store.facts_table("cirrus", "latest", FactFilter(["base"]))[1]
    filters = {"scenario": ["base"]}
    for by, period, signed in (
        (["department", "account"], "quarter", False),
        (["team", "account"], "month", False),
        (["pnl_line"], "year", True),
    ):
        got = consolidate(demo.plan, table, by=by, period=period, filters=filters, signed=signed)
        want = consolidate(
            demo.plan, demo.facts, by=by, period=period, filters=filters, signed=signed
        )
        assert len(got) and got.equals(want)
    amounts = store.facts_table("cirrus", "latest")[1].column("amount")
    assert amounts.type == AMOUNT_TYPE
