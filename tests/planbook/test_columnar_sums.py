"""Exact sums by integer keys (planbook.columnar) equal Decimal sums, whatever the amounts:
counted in numpy when that is exact, by Arrow's decimal group-by when it is not; and the
engine's one-pass reads (the driver model's inputs, booked sums) equal the plain ones."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.columnar import DenseSums, FactColumns, decimals, dense_sums, grouped_sums
from planbook.driver_booking import booked_columns
from planbook.drivers import DriverConfig, ModelInputs, bookings
from planbook.errors import PlanValidationError
from planbook.facts import AMOUNT_TYPE, facts_from_records
from planbook.kpi_formulas import Derived, Spans
from planbook.kpi_inputs import MonthlySums
from planbook.kpis import SALES_AND_MARKETING, kpis
from tests.planbook.engine_plans import PERIODS, small_facts, small_plan

MILLIONTH = Decimal("0.000001")

AMOUNTS = st.one_of(
    st.integers(-(10**6), 10**6),  # small, signed
    st.integers(0, 10**15),  # non-negative, up to beyond 2**52 millionths
    st.integers(-(10**26), 10**26),  # beyond an int64 of millionths
).map(lambda m: Decimal(m) * MILLIONTH)


def _reference(
    keys: list[list[int]], amounts: list[Decimal], mask: list[bool]
) -> dict[tuple[int, ...], Decimal]:
    sums: dict[tuple[int, ...], Decimal] = {}
    for i, amount in enumerate(amounts):
        key = tuple(k[i] for k in keys)
        if mask[i] and min(key, default=0) >= 0:
            sums[key] = sums.get(key, Decimal(0)) + amount
    return sums


@st.composite
def _groups(draw: st.DrawFn) -> tuple[list[list[int]], list[int], list[Decimal], list[bool]]:
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    rows = draw(st.integers(0, 40))
    keys = [draw(st.lists(st.integers(-1, s - 1), min_size=rows, max_size=rows)) for s in sizes]
    amounts = draw(st.lists(AMOUNTS, min_size=rows, max_size=rows))
    mask = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
    return keys, sizes, amounts, mask


@settings(max_examples=300, deadline=None)
@given(_groups(), st.booleans())
def test_grouped_sums_equal_decimal_sums(groups, sized):
    keys, sizes, amounts, mask = groups
    got = grouped_sums(
        [np.array(k, dtype=np.int64) for k in keys],
        pa.array(amounts, AMOUNT_TYPE),
        np.array(mask, dtype=bool),
        sizes=sizes if sized else None,
    )
    found = list(zip(*(got.column(f"key{i}").to_pylist() for i in range(len(keys))), strict=True))
    reference = _reference(keys, amounts, mask)
    assert dict(zip(found, decimals(got.column("amount_sum")), strict=True)) == reference
    assert found == sorted(reference)  # sorted by the keys


@settings(max_examples=300, deadline=None)
@given(_groups())
def test_dense_sums_are_exact_or_none(groups):
    keys, sizes, amounts, mask = groups
    dense = dense_sums(
        [np.array(k, dtype=np.int64) for k in keys],
        pa.array(amounts, AMOUNT_TYPE),
        np.array(mask, dtype=bool),
        sizes,
    )
    reference = _reference(keys, amounts, mask)
    if dense is None:  # only when a group's absolute sum may not be held exactly in a float
        absolute = _reference(keys, [abs(a) for a in amounts], mask)
        assert max(absolute.values()) >= Decimal(2**52) * MILLIONTH
        return
    present = {tuple(int(i) for i in k) for k in np.argwhere(dense.counts > 0)}
    assert present == set(reference)
    for key, total in reference.items():
        assert Decimal(int(dense.millionths[key])) * MILLIONTH == total


def test_dense_sums_decline_what_a_float_cannot_hold():
    def dense(*amounts: str) -> DenseSums | None:
        values = pa.array([Decimal(a) for a in amounts], AMOUNT_TYPE)
        return dense_sums(
            [np.zeros(len(amounts), np.int64)], values, np.ones(len(amounts), bool), [1]
        )

    assert dense("4000000000", "1000000000") is None  # 5e15 millionths: above 2**52
    assert dense("-4000000000", "4000000000", "1") is None  # signed: the bound is too
    assert dense("100000000000000") is None  # 1e20 millionths: beyond an int64
    assert dense("18446744073709.551621") is None  # 2**64 + 5 millionths: low word 5
    exact = dense("4000000000", "0.000001")
    assert exact is not None and int(exact.millionths[0]) == 4_000_000_000_000_001


def test_dense_floats_are_arrows_cast():
    """The engine turns whole millionths into floats as ``x * 1e-6``: what Arrow's cast of
    a decimal with six places gives, which the other paths use."""
    rng = np.random.default_rng(7)
    millionths = rng.integers(-(2**52), 2**52, size=100_000)
    words = np.empty(2 * len(millionths), dtype=np.int64)
    words[0::2], words[1::2] = millionths, millionths >> 63
    exact = pa.Array.from_buffers(AMOUNT_TYPE, len(millionths), [None, pa.py_buffer(words)])
    arrow = exact.cast(pa.float64()).to_numpy()
    assert np.array_equal(arrow, millionths.astype(np.float64) * 1e-6)


def _varied_facts() -> pd.DataFrame:
    """The small company in two scenarios, with a team that spends programs but books no
    heads, heads off the quota roles and a fact without a line."""
    base = small_facts("base")
    more = []
    for i, p in enumerate(PERIODS):
        more += [
            ("conservative", "mkt", "ads", "", p, Decimal("1234.56") * i),
            ("conservative", "ae", "headcount", "Account Executive", p, Decimal(3)),
            ("conservative", "ae", "headcount", "Sales Engineer", p, Decimal("0.5")),
            ("conservative", "ae", "hires", "Sales Engineer", p, Decimal(1)),
            ("conservative", "cs", "headcount", "", p, Decimal(2)),
            ("conservative", "finance", "ads", "", p, Decimal("10.01")),
        ]
    columns = ("scenario", "team", "account", "line", "period", "amount")
    extra = facts_from_records(dict(zip(columns, r, strict=True)) for r in more)
    return pd.concat([base, extra], ignore_index=True)


def test_model_inputs_in_one_pass_equal_those_of_each_scenario():
    plan, config = small_plan(), DriverConfig()
    columns = FactColumns.of(_varied_facts())
    every = ModelInputs.each(plan, columns, config)
    assert every is not None and set(every) == {"base", "conservative"}
    for scenario, inputs in every.items():
        alone = ModelInputs.of(plan, columns, columns.scenario.isin([scenario]), config)
        assert inputs.program_teams == alone.program_teams
        for name in ("programs", "program_spend", "quota_heads", "quota_hires", "retention_heads"):
            np.testing.assert_array_equal(getattr(inputs, name), getattr(alone, name))
    assert every["conservative"].program_teams == ["finance", "mkt"]
    assert every["conservative"].quota_heads.sum() == 3 * 12
    assert every["conservative"].retention_heads.sum() == 2 * 12


def test_booked_sums_equal_the_sums_of_the_booked_facts():
    plan, config = small_plan(), DriverConfig()
    columns = FactColumns.of(_varied_facts())
    for scenario in ("base", "conservative"):
        inputs = ModelInputs.of(plan, columns, columns.scenario.isin([scenario]), config)
        booked = bookings(plan, inputs, config)
        facts = booked_columns(scenario, list(plan.calendar.periods), booked)
        plain = MonthlySums.of(plan, facts, facts.rows(), SALES_AND_MARKETING)[scenario]
        direct = MonthlySums.booked(plan, booked, SALES_AND_MARKETING)
        rows = [plain.accounts.index(a) for a in direct.accounts]
        assert set(direct.accounts) == set(plain.accounts) - {""}
        for name in ("total", "present", "sm"):
            np.testing.assert_array_equal(getattr(direct, name), getattr(plain, name)[rows])
        assert direct.sm.any()  # commissions: opex of the sales team


def _with_salary(amount: str) -> pd.DataFrame:
    big = facts_from_records(
        [
            {
                "scenario": "base",
                "team": "finance",
                "account": "salaries",
                "line": "",
                "period": PERIODS[3],
                "amount": Decimal(amount),
            }
        ]
    )
    return pd.concat([small_facts(), big], ignore_index=True)


def test_kpis_sum_amounts_a_float_cannot_hold_exactly():
    """Beyond 2**52 millionths (4.5 billion) a month's sums are taken as exact decimals."""
    facts = FactColumns.of(_with_salary("7000000000.01"))
    sums = MonthlySums.of(small_plan(), facts, facts.rows(), SALES_AND_MARKETING)["base"]
    salaries = sums.accounts.index("salaries")
    assert sums.total[salaries, 3] == 7_000_020_000_010_000  # + two AEs' 10,000: exact
    burn = kpis(small_plan(), _with_salary("7000000000.01"), metrics=["burn"])
    small = kpis(small_plan(), _with_salary("0.01"), metrics=["burn"])
    month = burn["period"] == PERIODS[3]
    assert burn.loc[month, "value"].item() - small.loc[month, "value"].item() == pytest.approx(7e9)
    pd.testing.assert_frame_equal(burn[~month], small[~month])


def test_kpis_refuse_a_month_beyond_their_limit():
    with pytest.raises(PlanValidationError) as caught:
        kpis(small_plan(), _with_salary("5000000000000"), metrics=["burn"])
    assert f"account 'salaries' in {PERIODS[3]}" in str(caught.value)
    assert "4.6 trillion" in str(caught.value)


def test_sums_added_beyond_their_limit_are_refused():
    periods = ("2026-01", "2026-02")

    def sums(account: str, millionths: int) -> MonthlySums:
        total = np.array([[0, millionths]], dtype=np.int64)
        return MonthlySums(periods, (account,), total, total != 0, np.zeros_like(total))

    both = sums("rent", 2**61).plus(sums("travel", 2**61))  # different accounts: fine
    assert both.accounts == ("rent", "travel") and both.months() == 2
    with pytest.raises(PlanValidationError, match="account 'rent' in 2026-02"):
        sums("rent", 2**61).plus(sums("rent", 2**61))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e12, 1e12), min_size=1, max_size=40),
    st.integers(1, 14),
    st.data(),
)
def test_kpi_windows_sum_as_numpy_sums_each_slice(values, length, data):
    """A KPI of a quarter (year, trailing twelve months) adds its months as numpy adds the
    slice, so every period's KPI is the same float however many periods are computed."""
    x = np.array(values)
    ends = np.array(data.draw(st.lists(st.integers(0, len(x) - 1), min_size=1, max_size=10)))
    starts = ends - length + 1
    flows = dict.fromkeys(("f",), x)
    spans = Spans(Derived(flows, x, x, x, x, x), starts, ends)
    got = spans.window("f", starts, ends)
    for value, a, b in zip(got, starts, ends, strict=True):
        want = float("nan") if a < 0 else float(x[a]) + 0.0 if a == b else float(x[a : b + 1].sum())
        assert value == want or (np.isnan(value) and np.isnan(want))


def test_scenario_kpis_read_the_model_a_scenario_at_a_time_past_float_exactness():
    """Marketing programs of 7 billion a month cannot be summed exactly as floats: the
    engine reads the driver model's inputs a scenario at a time, with the same KPIs as the
    resolved facts give."""
    from planbook.engine import scenario_kpis, scenario_view

    plan = small_plan()
    facts = small_facts()
    huge = facts["account"] == "ads"
    facts["amount"] = facts["amount"].where(~huge, Decimal("7000000000.01"))
    columns = FactColumns.of(facts)
    assert ModelInputs.each(plan, columns, DriverConfig()) is None
    got = scenario_kpis(plan, facts, scenarios=["base"], metrics=["arr", "burn"])
    view = scenario_view(plan, facts, "base")
    want = kpis(view.plan, view.facts, scenarios=["base"], metrics=["arr", "burn"])
    pd.testing.assert_frame_equal(got, want, check_exact=True)
