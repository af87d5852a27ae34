"""Properties: push then pull round-trips exactly; the content hash depends only on content."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planbook.facts import AMOUNT_TYPE
from server.store import FactFilter, PushRequest
from server.store.parts import company_blob, decode_plan, facts_blob
from server.store.store import Store
from tests.server.store.helpers import same_facts, seed, team_facts

BUDGET = ["base", "conservative", "aggressive"]
cents = st.integers(min_value=0, max_value=10**12).map(lambda c: Decimal(c) / 100)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, demo):
    store = Store.open(tmp_path_factory.mktemp("prop") / "store.db")
    seed(store, demo)
    yield store
    store.close()


def _with_amounts(rows: pd.DataFrame, amounts: list[Decimal], plan) -> pd.DataFrame:
    currency = {a.id for a in plan.accounts if a.unit == "currency"}
    out = rows[rows["account"].isin(currency)].head(len(amounts)).copy()
    out["amount"] = pd.arrays.ArrowExtensionArray(pa.array(amounts[: len(out)], AMOUNT_TYPE))
    return out


@given(amounts=st.lists(cents, min_size=1, max_size=40), shuffle=st.randoms())
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_push_then_pull_round_trips_exactly(seeded, demo, amounts, shuffle):
    rows = _with_amounts(team_facts(demo, "finance"), amounts, demo.plan)
    head = seeded.version("cirrus").number
    version, _ = seeded.acting_as("p").push(
        PushRequest("cirrus", base=head, facts=rows, replace_team=True)
    )
    pulled = seeded.facts("cirrus", version.number, FactFilter(teams=["finance"], scenarios=BUDGET))
    assert same_facts(pulled, rows)
    order = list(range(len(rows)))
    shuffle.shuffle(order)
    assert facts_blob(rows.iloc[order]).hash == facts_blob(rows).hash


@given(
    value=st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False),
    zeros=st.integers(min_value=0, max_value=6),
)
def test_company_hash_ignores_how_a_decimal_is_written(demo, value, zeros):
    """0.04 and 0.040000 are one value: the company part hashes them equally, and a different
    value hashes differently."""

    def with_value(amount: Decimal):
        first = demo.plan.assumptions[0]
        values = dict.fromkeys(first.values, amount)
        changed = first.model_copy(update={"values": values})
        return demo.plan.model_copy(update={"assumptions": (changed, *demo.plan.assumptions[1:])})

    written = Decimal(f"{value.normalize():f}")
    exponent = written.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite number
    padded = written.quantize(Decimal(1).scaleb(-(max(-exponent, 0) + zeros)))
    a, b = company_blob(with_value(written)), company_blob(with_value(padded))
    assert a.hash == b.hash and decode_plan(a.data) == with_value(padded)
    assert company_blob(with_value(written + 1)).hash != a.hash


def test_fields_a_plan_does_not_use_leave_its_company_hash_as_it_was(demo):
    """Fields added after plans were first stored (derivations, dependencies, scenario
    overrides, milestones) are left out while empty: a plan not using them stores the same
    bytes as before they existed, so re-pushing it records no change."""
    plain = demo.plan.model_copy(
        update={
            "dependencies": (),
            "accounts": tuple(
                a.model_copy(update={"derived_from": ()}) for a in demo.plan.accounts
            ),
            "goals": tuple(g.model_copy(update={"milestones": ()}) for g in demo.plan.goals),
            "scenarios": tuple(
                s.model_copy(update={"base": None, "facts": (), "assumptions": ()})
                for s in demo.plan.scenarios
            ),
        }
    )
    stored = json.loads(company_blob(plain).data)
    assert "dependencies" not in stored
    assert not any("derived_from" in account for account in stored["accounts"])
    assert not any("milestones" in goal for goal in stored["goals"])
    for scenario in stored["scenarios"]:
        assert not {"base", "facts", "assumptions"} & set(scenario)
    assert decode_plan(company_blob(plain).data) == plain
    assert company_blob(demo.plan).hash != company_blob(plain).hash
