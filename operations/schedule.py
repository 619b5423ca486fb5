"""Quarters: their dates, their labels, and which scheduled activities are late."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

QUARTERS = (1, 2, 3, 4)


def quarter_end(year: int, quarter: int) -> date:
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, 3 * quarter + 1, 1) - timedelta(days=1)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and the last day of a quarter."""
    return date(year, 3 * quarter - 2, 1), quarter_end(year, quarter)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def parse_quarter(text: str) -> tuple[int, int] | None:
    """ "2021-Q3" (or "2021 T3", "2021-3") → (2021, 3); None when it is not a quarter."""
    cleaned = text.strip().upper().replace(" ", "-").replace("T", "Q")
    year, _sep, quarter = cleaned.partition("-")
    quarter = quarter.removeprefix("Q")
    if not (year.isdigit() and len(year) == 4 and quarter.isdigit()):
        return None
    if int(quarter) not in QUARTERS:
        return None
    return int(year), int(quarter)


def plan_quarters(start_year: int, end_year: int) -> list[tuple[int, int]]:
    return [(year, q) for year in range(start_year, end_year + 1) for q in QUARTERS]


def is_late(quarters: Iterable[tuple[int, int]], status: str, today: date) -> bool:
    """Late: its last scheduled quarter has ended and it is not completed, or
    its first scheduled quarter has ended and it has not started. Completed
    and cancelled activities are never late."""
    scheduled = sorted(quarters)
    if not scheduled or status in ("completed", "cancelled"):
        return False
    if quarter_end(*scheduled[-1]) < today:
        return True
    return status in ("planned", "not_started") and quarter_end(*scheduled[0]) < today
