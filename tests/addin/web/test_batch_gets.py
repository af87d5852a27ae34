"""One definition: a batch's fast path for plain ``PB.GET`` calls (addin.web.gets) answers
every call exactly as running the definition call by call does, and as classic ``PB_GET``
does, over normal, zero, unknown-key, confidential, error-valued and malformed arguments, for
every role."""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import addin.functions
from addin.acting import acting_for
from addin.web.batch import Batch, _functions, _one, resolver, run_batch
from addin.web.gets import (
    Gets,
    decode_indices,
    encode_indices,
    index_width,
    plain_gets,
    version_ref,
)
from server.auth import Principal
from tests.addin.functions_helpers import (
    closed_session,  # noqa: F401 (autouse)
    seeded_db,
    session_on,
)

ERROR = {"error": "#N/A"}
ACCOUNTS = ["travel", "salaries", "nope", "", 12.0, ERROR, [["travel"], ["salaries"]]]
TEAMS = ["sales-na", "sales-emea", "nobody"]
MONTHS = ["2026-03", 46082.0, "2026-03-15", "March", "2019-01", ERROR]
SCENARIOS: list[Any] = ["-", None, "", "base", "nope", ERROR]
VERSIONS: list[Any] = ["-", None, 1, "1", 2.0, 99, "latest", "nope", [[1], [2]], ERROR]
ROLES = [
    Principal("finance-user", "finance"),
    Principal("viewer-user", "viewer"),
    Principal("lead-user", "lead", ("sales-na",)),
]


def _cell(value: Any) -> Any:
    """Arguments as Excel sends them (1x1 ranges), or as the client sends one cell."""
    return value if isinstance(value, list) else [[value]]


def _calls() -> list[list[Any]]:
    calls = []
    for i, (a, t, m, s, v) in enumerate(
        itertools.product(ACCOUNTS, TEAMS, MONTHS, SCENARIOS, VERSIONS)
    ):
        args = [a, t, m, *([] if s == "-" else [s]), *([] if s == "-" or v == "-" else [v])]
        calls.append(["GET", [_cell(x) if i % 2 else x for x in args]])
    return [*calls, ["GET", ["travel", "sales-na"]], ["GET", "travel"], ["get", ["travel"] * 3]]


@pytest.fixture(scope="module")
def db(tmp_path_factory, demo) -> str:
    return seeded_db(tmp_path_factory.mktemp("gets") / "store.db", demo)


@pytest.mark.parametrize("who", ROLES, ids=lambda p: p.role)
def test_the_fast_path_answers_as_the_definition_call_by_call(db, who):
    session_on(db, version="latest")
    calls = _calls()
    resolve = resolver("cirrus")
    batch = run_batch(Batch("cirrus", "latest", calls), who, resolve)
    pinned = batch["version"]
    functions = _functions()

    def version_of(ref: str) -> int:
        return int(ref) if ref.isdigit() else resolve(ref)

    with acting_for(who):
        one_by_one = [_one(functions, c, pinned, version_of) for c in calls]
        fast = plain_gets(calls, pinned, version_of)
    assert batch["results"] == one_by_one
    answered = [r for r in fast if r is not None]
    assert len(answered) > 100  # the fast path is taken (most calls here are wrong on purpose)
    kinds = {"value" if "value" in r else r["error"] for r in one_by_one}
    assert {"value", "#REF!", "#VALUE!"} <= kinds
    if who.role != "finance":  # a confidential line: #N/A with its reason, never a number
        hidden = one_by_one[calls.index(["GET", ["salaries", "sales-emea", "2026-03"]])]
        assert hidden["error"] == "#N/A" and "confidential" in hidden["message"]
    # and classic PB_GET (the decorated definition) gives the same numbers and error codes
    with acting_for(who):
        for call, answer in list(zip(calls, batch["results"], strict=True))[::7]:
            if call[0] != "GET" or not isinstance(call[1], list) or len(call[1]) < 3:
                continue
            if "'error'" in repr(call):  # classic Excel has no error-valued arguments here
                continue
            classic = addin.functions.pb_get(*[_classic(a) for a in call[1]])
            assert classic == answer.get("value", answer.get("error")), call


@pytest.mark.parametrize("who", ROLES, ids=lambda p: p.role)
def test_compact_gets_answer_as_the_definition_call_by_call(db, who):
    """The client's compact form (distinct arguments once, three indices a call) answers
    each call as the definition does: an amount, or its error with the reason."""
    session_on(db, version="latest")
    plain = list(dict.fromkeys(v for v in [*ACCOUNTS, *TEAMS, *MONTHS] if type(v) in (str, float)))
    args = [*plain, 46082, "", "2026-03"]  # an int month, a blank, a repeated value
    triples = list(itertools.product(range(len(args)), repeat=3))
    gets = Gets(args, np.array(triples, dtype=np.int64))
    resolve = resolver("cirrus")
    answer = run_batch(Batch("cirrus", "latest", [], gets=gets), who, resolve)
    pinned, functions = answer["version"], _functions()
    with acting_for(who):
        expected = [_one(functions, gets.call(i), pinned, resolve) for i in range(len(triples))]
    assert answer["gets"] == [e.get("value", e) for e in expected]
    amounts = [v for v in answer["gets"] if isinstance(v, float)]
    assert len(amounts) >= 8 and all(amounts)
    codes = {v["error"] for v in answer["gets"] if isinstance(v, dict)}
    assert {"#REF!", "#VALUE!"} <= codes
    if who.role != "finance":  # a confidential line: #N/A with its reason, never a number
        hidden = answer["gets"][triples.index((args.index("salaries"), args.index("sales-emea"),
                                               args.index("2026-03")))]  # fmt: skip
        assert hidden["error"] == "#N/A" and "confidential" in hidden["message"]


def test_compact_gets_of_an_unreadable_pin_answer_its_reason(db):
    session_on(db, version="latest")
    gets = Gets(["travel", "sales-na", "2026-03"], np.array([[0, 1, 2]], dtype=np.int64))
    answer = run_batch(Batch("cirrus", "nope", [], gets=gets), ROLES[0], resolver("cirrus"))
    assert answer["version"] is None
    assert answer["gets"][0]["error"] == "#REF!" and "nope" in answer["gets"][0]["message"]


def _classic(value: Any) -> Any:
    """What classic Excel passes: a 1x1 range as its value, a blank cell as None."""
    while isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        value = value[0][0] if len(value[0]) == 1 else value[0]
    return None if value == "" else value


def test_a_version_argument_is_the_text_the_resolver_takes():
    assert version_ref(3.0) == "3" and version_ref(" board ") == "board"


@given(
    count=st.integers(min_value=1, max_value=3 * 20_000),
    data=st.data(),
)
def test_indices_written_as_digits_read_back_exactly(count: int, data: st.DataObject) -> None:
    at = data.draw(st.lists(st.integers(0, count - 1), max_size=30).map(lambda v: v * 3))
    indices = np.array(at, dtype=np.int64).reshape(-1, 3)
    text = encode_indices(indices, count)
    assert len(text) == len(at) * index_width(count)
    assert decode_indices(text, count).tolist() == indices.tolist()


@pytest.mark.parametrize(
    ("text", "count", "message"),
    [
        ("AA!", 1, "character 2 of gets.at is '!'"),
        ("A\u00e9A", 1, "character 1 of gets.at is '\u00e9'"),
        ("AAAB", 1, "1 digit(s) each for 1 arguments: 4 digits are not whole calls"),
        ("AAAAAAABAABC", 65, "call 1's month index is 66; there are 65 arguments"),
    ],
)
def test_bad_index_digits_are_named(text: str, count: int, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        decode_indices(text, count)


def test_index_width_grows_with_the_arguments() -> None:
    assert [index_width(n) for n in (0, 1, 64, 65, 4096, 4097, 60_000)] == [1, 1, 1, 2, 2, 3, 3]
