"""The fiscal calendar: which months a plan covers and how they group.

A plan covers 12 to 36 consecutive calendar months starting in any month. Periods are
calendar months written ``YYYY-MM``. A fiscal year is named after the calendar year in which
it ends (a year starting February 2026 ends January 2027 and is ``FY2027``), the usual
convention of US SaaS companies; a January start makes fiscal and calendar years equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

__all__ = ["MAX_MONTHS", "MIN_MONTHS", "FiscalCalendar", "is_period", "shift_period"]

MIN_MONTHS = 12
MAX_MONTHS = 36
_PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def is_period(text: object) -> bool:
    """True if ``text`` is a calendar month written ``YYYY-MM``."""
    return isinstance(text, str) and _PERIOD_RE.match(text) is not None


def shift_period(period: str, months: int) -> str:
    """The month ``months`` after ``period`` (before it when negative)."""
    year, month = int(period[:4]), int(period[5:7])
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class FiscalCalendar:
    """``months`` consecutive calendar months from ``start`` (``YYYY-MM``).

    The fiscal year starts in the month of ``start``; plans may also start mid-year only by
    choosing that month as the fiscal year's first.
    """

    start: str
    months: int = 12

    def __post_init__(self) -> None:
        if not is_period(self.start):
            raise ValueError(f"start {self.start!r} is not a month written YYYY-MM")
        if not MIN_MONTHS <= self.months <= MAX_MONTHS:
            raise ValueError(
                f"a plan covers {MIN_MONTHS} to {MAX_MONTHS} months, not {self.months}"
            )

    @cached_property
    def periods(self) -> tuple[str, ...]:
        """Every month of the plan, in order."""
        return tuple(shift_period(self.start, i) for i in range(self.months))

    @cached_property
    def _index(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.periods)}

    @property
    def end(self) -> str:
        """The plan's last month."""
        return self.periods[-1]

    def __contains__(self, period: object) -> bool:
        return isinstance(period, str) and period in self._index

    def index(self, period: str) -> int:
        """Position of ``period`` in the plan (0 for the first month)."""
        try:
            return self._index[period]
        except KeyError:
            raise ValueError(
                f"{period!r} is outside the plan's calendar {self.start} to {self.end}"
            ) from None

    def fiscal_year(self, period: str) -> str:
        """``FY2027``: the fiscal year that contains ``period``, named by the year it ends."""
        i = self.index(period)
        first_month_of_year = shift_period(self.start, (i // 12) * 12)
        last_month = shift_period(first_month_of_year, 11)
        return f"FY{last_month[:4]}"

    def quarter(self, period: str) -> str:
        """``FY2027-Q1``: fiscal quarter of ``period``."""
        q = (self.index(period) % 12) // 3 + 1
        return f"{self.fiscal_year(period)}-Q{q}"

    def half(self, period: str) -> str:
        """``FY2027-H1``: fiscal half of ``period``."""
        h = (self.index(period) % 12) // 6 + 1
        return f"{self.fiscal_year(period)}-H{h}"

    def month_label(self, period: str) -> str:
        """``FY2027-M01``: fiscal month of ``period`` (1 is the fiscal year's first month)."""
        return f"{self.fiscal_year(period)}-M{self.index(period) % 12 + 1:02d}"

    def label(self, period: str, grain: str) -> str:
        """Label of ``period`` at ``grain``: ``month``, ``quarter``, ``half`` or ``year``."""
        if grain == "month":
            return period
        if grain == "quarter":
            return self.quarter(period)
        if grain == "half":
            return self.half(period)
        if grain == "year":
            return self.fiscal_year(period)
        raise ValueError(f"grain {grain!r} is not one of month, quarter, half, year")

    def labels(self, grain: str) -> dict[str, str]:
        """Map every period of the plan to its label at ``grain``."""
        return {p: self.label(p, grain) for p in self.periods}
