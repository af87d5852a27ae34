"""The driver model on a small company, every figure computed by hand.

Ads 60,000 a month at 0.10 per pipeline dollar make pipeline 600,000 and, at a 25% win rate,
demand 150,000. Quota 1,200,000 a year is 100,000 a month per ramped rep; ramp 2 months.
Month 1: one rep, capacity 100,000 < demand: new ARR 100,000 (capacity-bound).
Month 2: a second rep hired (sells nothing in the month of hire): still 100,000.
Month 3: the new rep is half ramped: 1.5 reps, capacity 150,000 = demand: 150,000.
Month 4: two ramped reps, capacity 200,000 > demand: 150,000 (demand-bound).
ARR 1,200,000; churn 1%, expansion 2% of ARR at the month's start:
month 1 churn 12,000, expansion 24,000, ARR 1,312,000; month 2 churn 13,120, expansion
26,240, ARR 1,425,120; month 3 churn 14,251.20, expansion 28,502.40, ARR 1,589,371.20.
Revenue month 1: (1,200,000 + 1,312,000) / 24 = 104,666.67; services 10% = 10,466.67;
payment fees 1% of 115,133.34 = 1,151.33. Customers 100 + 10 new - 1 churned = 109;
hosting 109 x 50 = 5,450; commissions 10% of new ARR = 10,000.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from planbook.drivers import DRIVEN_ACCOUNTS, drive, driven_facts, has_drivers
from planbook.errors import PlanValidationError
from planbook.kpis import kpis
from tests.planbook.engine_plans import PERIODS, small_facts, small_plan


def test_drive_small_company_by_hand():
    model = drive(small_plan(), small_facts(), scenario="base")
    first = model.iloc[:4]
    assert first["pipeline"].tolist() == [600000] * 4
    assert first["demand"].tolist() == [150000] * 4
    assert first["ramped_reps"].tolist() == [1, 1, 1.5, 2]
    assert first["capacity"].tolist() == [100000, 100000, 150000, 200000]
    assert first["new_arr"].tolist() == [100000, 100000, 150000, 150000]
    assert model["churned_arr"].iloc[:3].tolist() == [12000, 13120, 14251.2]
    assert model["expansion_arr"].iloc[:3].tolist() == [24000, 26240, 28502.4]
    assert model["arr"].iloc[:3].tolist() == [1312000, 1425120, 1589371.2]
    m1 = model.iloc[0]
    assert (m1["subscription"], m1["services"], m1["payment_fees"]) == (
        104666.67,
        10466.67,
        1151.33,
    )
    assert (m1["new_customers"], m1["churned_customers"], m1["customers"]) == (10, 1, 109)
    assert (m1["hosting"], m1["commissions"]) == (5450, 10000)


def test_driven_facts_book_to_the_teams_and_reproduce_arr():
    plan, facts = small_plan(), small_facts()
    driven = driven_facts(plan, facts, scenario="base")
    assert set(driven["account"].astype(str)) <= set(DRIVEN_ACCOUNTS)
    first = driven[driven["period"] == PERIODS[0]]
    booked = {(str(r.team), str(r.account)): r.amount for r in first.itertuples()}
    assert booked[("ae", "new-arr")] == Decimal("100000")
    assert booked[("cs", "churned-arr")] == Decimal("12000")
    assert booked[("finance", "rev-subscription")] == Decimal("104666.67")
    assert booked[("platform-eng", "cogs-hosting")] == Decimal("5450")
    assert booked[("mkt", "pipeline-generated")] == Decimal("600000")
    table = kpis(plan, pd.concat([facts, driven]), metrics=["arr"], grain="month")
    model = drive(plan, facts, scenario="base")
    assert table["value"].round(2).tolist() == model["arr"].tolist()


def test_drive_names_missing_driver_assumptions():
    plan = small_plan()
    lean = plan.model_copy(
        update={"assumptions": tuple(a for a in plan.assumptions if a.id != "win_rate")}
    )
    assert not has_drivers(lean) and has_drivers(plan)
    with pytest.raises(PlanValidationError, match="win_rate"):
        drive(lean, small_facts(), scenario="base")
