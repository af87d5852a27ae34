"""The columnar roll-up (codes, Arrow decimal sums) equals a plain row-by-row sum."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planbook.consolidate import DIMENSIONS, NOT_IN_PNL, PERIOD_GRAINS, consolidate
from planbook.errors import PlanValidationError
from planbook.facts import facts_from_records

ACCOUNTS = ["travel", "rent", "new-arr", "headcount", "salaries", "no-such-account"]
SCENARIOS = ["base", "conservative"]


def _plain(plan, records, *, by, period, filters, signed):
    """The roll-up computed one record at a time with Decimal sums (the reference)."""
    department = {t.id: t.department for t in plan.teams}
    account = {a.id: a for a in plan.accounts}
    calendar = plan.calendar
    label = {
        p: "Total" if period == "total" else calendar.label(p, period) for p in calendar.periods
    }
    ends = {}
    for month in calendar.periods:
        ends[label[month]] = month
    sums: dict[tuple[str, ...], Decimal] = {}
    units = set()
    for r in records:
        known = account.get(r["account"])
        values = {
            "scenario": r["scenario"],
            "company": plan.id,
            "department": department.get(r["team"], "(unknown)"),
            "team": r["team"],
            "account_type": known.type.value if known else "(unknown)",
            "pnl_line": (known.pnl_line or NOT_IN_PNL) if known else NOT_IN_PNL,
            "account": r["account"],
            "line": r["line"],
            "period": r["period"],
        }
        if any(values[d] not in allowed for d, allowed in filters.items()):
            continue
        if known and known.period_rollup == "last" and ends[label[r["period"]]] != r["period"]:
            continue
        amount = r["amount"]
        if signed:
            if values["pnl_line"] == NOT_IN_PNL:
                continue
            amount = -amount if known and known.pnl_sign == -1 else amount
        if known:
            units.add(known.unit)
        key = (*(values[d] for d in by), label[r["period"]])
        sums[key] = sums.get(key, Decimal(0)) + amount
    return sorted(sums.items()), units


def test_columnar_roll_up_equals_the_plain_sum(demo):
    @settings(max_examples=40, deadline=None)
    @given(**CASES)
    def check(rows, by, period, signed, only):
        _check(demo.plan, rows, by, period, signed, only)

    check()


CASES = dict(
    rows=st.lists(
        st.tuples(
            st.sampled_from(SCENARIOS),
            st.integers(0, 12),  # 12: a team the plan does not have
            st.sampled_from(ACCOUNTS),
            st.sampled_from(["", "a", "b"]),
            st.integers(0, 11),
            st.decimals(min_value=-(10**9), max_value=10**9, places=6),
        ),
        max_size=60,
        unique_by=lambda r: r[:5],
    ),
    by=st.lists(
        st.sampled_from([d for d in DIMENSIONS if d != "company"]), max_size=3, unique=True
    ),
    period=st.sampled_from(PERIOD_GRAINS),
    signed=st.booleans(),
    only=st.sampled_from([{}, {"scenario": ["base"]}, {"account": ["travel", "headcount"]}]),
)


def _check(plan, rows, by, period, signed, only):
    teams = [*[t.id for t in plan.teams][:12], "ghost-team"]
    periods = plan.calendar.periods
    records = [
        {
            "scenario": s,
            "team": teams[t],
            "account": a,
            "line": ln,
            "period": periods[p],
            "amount": x,
        }
        for s, t, a, ln, p, x in rows
    ]
    expected, units = _plain(plan, records, by=by, period=period, filters=only, signed=signed)
    facts = facts_from_records(records)
    if len(units) > 1 and "account" not in by:
        with pytest.raises(PlanValidationError, match="mixes units"):
            consolidate(plan, facts, by=by, period=period, filters=only, signed=signed)
        return
    result = consolidate(plan, facts, by=by, period=period, filters=only, signed=signed)
    assert list(result.columns) == [*by, "period", "amount"]
    got = [(tuple(r[:-1]), r[-1]) for r in result.itertuples(index=False)]
    assert got == expected


def test_an_arrow_table_rolls_up_as_its_frame(demo):
    """A stored version read as Arrow (dictionaries unsorted, unused values) rolls up to
    exactly what its facts frame does: same rows, same Decimals."""
    import pyarrow as pa

    from planbook.facts import facts_to_arrow

    table = facts_to_arrow(demo.facts)
    reordered = pa.table(
        {
            c: pa.DictionaryArray.from_arrays(
                pa.array(
                    len(table.column(c).chunk(0).dictionary)
                    - 1
                    - table.column(c).chunk(0).indices.to_numpy(),
                    pa.int32(),
                ),
                table.column(c).chunk(0).dictionary[::-1],
            )
            if c != "amount"
            else table.column(c)
            for c in table.column_names
        }
    )
    for by, period, signed, only in [
        (["department", "account"], "quarter", False, {}),
        (["pnl_line"], "year", True, {}),
        (["team", "line"], "month", False, {"account_type": ["opex"]}),
    ]:
        filters = {"scenario": ["base", "conservative"], **only}
        expected = consolidate(
            demo.plan, demo.facts, by=by, period=period, filters=filters, signed=signed
        )
        for facts in (table, reordered):
            got = consolidate(
                demo.plan, facts, by=by, period=period, filters=filters, signed=signed
            )
            assert got.equals(expected)
            assert [a.as_tuple() for a in got["amount"]] == [
                a.as_tuple() for a in expected["amount"]
            ]
