"""Shared vocabulary of the table schemas."""

from __future__ import annotations

SEXES = ["total", "male", "female"]
BASE_YEARS = (1990, 1995, 2000, 2005, 2010, 2015)
# Years each UN DESA revision publishes: every five years from 1990, then its own mid-year.
PUBLISHED_YEARS: dict[int, tuple[int, ...]] = {
    2019: (*BASE_YEARS, 2019),
    2020: (*BASE_YEARS, 2020),
    2024: (*BASE_YEARS, 2020, 2024),
}
# male + female may differ from total by rounding in the publisher's tables.
SEX_SUM_TOLERANCE = 0.001  # relative
SEX_SUM_MIN_ABS = 10  # persons
