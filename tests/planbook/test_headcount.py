from decimal import Decimal

import pandas as pd
import pytest

from planbook.errors import PlanValidationError
from planbook.headcount import headcount_facts, loaded_monthly_cost, team_staffing


def _positions(rows):
    return pd.DataFrame(
        rows, columns=["scenario", "team", "position", "role", "level", "start", "annual_salary"]
    )


def test_one_position_costs_what_the_formulas_say(demo):
    plan = demo.plan
    positions = _positions([["base", "sales-na", "p1", "AE", "P3", "2026-04", Decimal("98500")]])
    facts = headcount_facts(plan, positions)
    by = {(r.account, r.period): r.amount for r in facts.itertuples()}
    assert ("salaries", "2026-03") not in by or by[("salaries", "2026-03")] == 0
    assert by[("hires", "2026-04")] == 1 and by[("hires", "2026-05")] == 0
    assert by[("headcount", "2026-04")] == 1 and by[("headcount", "2027-01")] == 1
    # 4% merit uplift from the third month (2026-04): ROUND(98500 * 1.04 / 12, 2)
    assert by[("salaries", "2026-04")] == Decimal("8536.67")
    assert by[("payroll-taxes", "2026-04")] == Decimal("653.06")  # ROUND(8536.67 * 0.0765, 2)
    assert by[("benefits", "2026-04")] == Decimal("1150")
    loaded = loaded_monthly_cost(plan, annual_salary=Decimal("98500"), period="2026-04")
    assert loaded == Decimal("8536.67") + Decimal("653.06") + Decimal("1150")


def test_positions_roll_up_by_role(demo):
    positions = _positions(
        [
            ["base", "sales-na", "p1", "AE", "P3", "", Decimal("90000")],
            ["base", "sales-na", "p2", "AE", "P3", "2026-06", Decimal("100000")],
            ["base", "sales-na", "p3", "SDR", "P1", "", Decimal("60000")],
        ]
    )
    facts = headcount_facts(demo.plan, positions)
    heads = facts[(facts["account"] == "headcount") & (facts["period"] == "2026-07")]
    assert {r.line: r.amount for r in heads.itertuples()} == {"AE": 2, "SDR": 1}
    staffing = team_staffing(demo.plan, positions)
    row = staffing[(staffing["period"] == "2026-06")].iloc[0]
    assert (row["heads"], row["hires"]) == (3, 1)


def test_start_outside_the_calendar_is_named(demo):
    positions = _positions(
        [
            ["base", "sales-na", "p1", "AE", "P3", "2031-01", Decimal(1)],
            ["base", "sales-na", "p2", "AE", "P3", "June", Decimal(1)],
        ]
    )
    with pytest.raises(PlanValidationError) as info:
        headcount_facts(demo.plan, positions)
    assert [p.loc for p in info.value.problems] == [
        ("positions", "row 1", "start"),
        ("positions", "row 2", "start"),
    ]


def test_missing_assumptions_are_named(demo):
    plan = demo.plan.model_copy(update={"assumptions": ()})
    positions = _positions([["base", "sales-na", "p1", "AE", "P3", "", Decimal(1)]])
    with pytest.raises(PlanValidationError, match="salary_inflation"):
        headcount_facts(plan, positions)
