import pytest

from planbook.calendar import FiscalCalendar, is_period, shift_period


def test_periods_cross_the_calendar_year():
    cal = FiscalCalendar("2026-02", 12)
    assert cal.periods[0] == "2026-02"
    assert cal.periods[-1] == "2027-01"
    assert len(cal.periods) == 12
    assert "2027-01" in cal
    assert "2027-02" not in cal


@pytest.mark.parametrize(
    ("start", "period", "year", "quarter", "half", "month"),
    [
        ("2026-02", "2026-02", "FY2027", "FY2027-Q1", "FY2027-H1", "FY2027-M01"),
        ("2026-02", "2026-05", "FY2027", "FY2027-Q2", "FY2027-H1", "FY2027-M04"),
        ("2026-02", "2026-08", "FY2027", "FY2027-Q3", "FY2027-H2", "FY2027-M07"),
        ("2026-02", "2027-01", "FY2027", "FY2027-Q4", "FY2027-H2", "FY2027-M12"),
        ("2026-01", "2026-12", "FY2026", "FY2026-Q4", "FY2026-H2", "FY2026-M12"),
        ("2025-07", "2027-06", "FY2027", "FY2027-Q4", "FY2027-H2", "FY2027-M12"),
    ],
)
def test_labels(start, period, year, quarter, half, month):
    cal = FiscalCalendar(start, 36 if start == "2025-07" else 12)
    assert cal.fiscal_year(period) == year
    assert cal.quarter(period) == quarter
    assert cal.half(period) == half
    assert cal.month_label(period) == month
    assert cal.label(period, "quarter") == quarter


def test_36_months_have_three_fiscal_years():
    cal = FiscalCalendar("2026-04", 36)
    assert sorted(set(cal.labels("year").values())) == ["FY2027", "FY2028", "FY2029"]
    assert len(set(cal.labels("quarter").values())) == 12


@pytest.mark.parametrize("months", [11, 37, 0])
def test_months_outside_12_to_36_are_refused(months):
    with pytest.raises(ValueError, match="12 to 36 months"):
        FiscalCalendar("2026-01", months)


@pytest.mark.parametrize("start", ["2026-13", "2026-1", "26-01", "", "2026/01"])
def test_bad_start_is_refused(start):
    with pytest.raises(ValueError, match="YYYY-MM"):
        FiscalCalendar(start, 12)


def test_period_outside_calendar_names_the_range():
    with pytest.raises(ValueError, match="outside the plan's calendar 2026-02 to 2027-01"):
        FiscalCalendar("2026-02").index("2028-01")


def test_unknown_grain():
    with pytest.raises(ValueError, match="grain"):
        FiscalCalendar("2026-02").label("2026-02", "week")


def test_shift_and_is_period():
    assert shift_period("2026-12", 1) == "2027-01"
    assert shift_period("2026-01", -1) == "2025-12"
    assert shift_period("2026-05", 24) == "2028-05"
    assert is_period("2026-09")
    assert not is_period("2026-9")
    assert not is_period(202609)


def test_a_plans_calendar_is_built_once_and_follows_copies(demo):
    plan = demo.plan
    assert plan.calendar is plan.calendar
    longer = plan.model_copy(update={"months": plan.months + 12})
    assert len(longer.calendar.periods) == plan.months + 12
    assert len(plan.calendar.periods) == plan.months
    assert plan.model_copy() == plan and "calendar" not in plan.model_dump()
