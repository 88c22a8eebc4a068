"""`readside.reporting.area_total`: the figure a quoted number is compared with (the paragraph
checker and the claims registry), by the same rules as the pages: an area's own cell, else the
sum of its members' real figures, and the members behind it. On small frames, then on the build:
the checker and the Remittances page say the same of every region and year."""

from __future__ import annotations

import pandas as pd
import pytest

from readside import regional, reporting, vintage_values
from readside.queries import Database

USD, GDP, PERSONS = "current US$", "% of GDP", "persons"
RECEIVED = "BX.TRF.PWKR.CD.DT"
AGGREGATE, REGION, PLACEHOLDER_COUNTRY, BLANK_COUNTRY = 9, 8, 5, 6


def frame(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area_code", "year", "value"])


@pytest.fixture
def members() -> pd.DataFrame:
    """Members 1 (100), 2 (10) and 3 (1) report 2020-2022; in 2023 member 2 (9 % of the sum) has
    not reported yet; the publisher prints its own aggregate (code 9) every year."""
    rows = [(c, y, v) for c, v in ((1, 100.0), (2, 10.0), (3, 1.0)) for y in (2020, 2021, 2022)]
    rows += [(1, 2023, 100.0), (3, 2023, 1.0)]
    rows += [(AGGREGATE, y, 111.0) for y in (2020, 2021, 2022, 2023)]
    rows += [(PLACEHOLDER_COUNTRY, 2022, 4.0), (PLACEHOLDER_COUNTRY, 2023, 0.0)]
    return frame(rows)


def test_a_publishers_aggregate_is_its_own_cell_and_says_how_many_members_it_counts(members):
    complete = reporting.area_total(members, {AGGREGATE: (1, 2, 3)}, 2022, "worldbank", unit=USD)
    assert (complete.value, complete.published, complete.complete) == (111.0, True, True)
    partial = reporting.area_total(members, {AGGREGATE: (1, 2, 3)}, 2023, "worldbank", unit=USD)
    assert (partial.value, partial.published, partial.complete) == (111.0, True, False)
    assert (partial.reporting, partial.expected, partial.missing) == (2, 3, (2,))
    cover = reporting.aggregate_coverage(members[members["area_code"].isin([1, 2, 3])], [2022, 2023], "worldbank",
                                         unit=USD).set_index("year")
    assert [bool(cover.loc[y, "complete"]) for y in (2022, 2023)] == [complete.complete, partial.complete]


def test_an_area_without_its_own_cell_is_the_sum_of_its_members(members):
    whole = reporting.area_total(members, {REGION: (1, 2, 3)}, 2022, "worldbank", unit=USD)
    assert (whole.value, whole.published, whole.complete, whole.summed_short) == (111.0, False, True, False)
    short = reporting.area_total(members, {REGION: (1, 2, 3)}, 2023, "worldbank", unit=USD)
    summed = reporting.sum_over_members(members, "worldbank", [1, 2, 3], unit=USD).set_index("year")
    assert short.value == summed.loc[2023, "value"] == 101.0
    assert short.complete is bool(summed.loc[2023, "complete"]) is False
    assert (short.reporting, short.expected) == (2, 3)


def test_a_placeholder_or_a_blank_is_no_figure_and_a_share_is_never_summed(members):
    zero = reporting.area_total(members, {PLACEHOLDER_COUNTRY: (PLACEHOLDER_COUNTRY,)}, 2023, "worldbank", unit=USD)
    assert (zero.value, zero.placeholder) == (None, True)
    blank = reporting.area_total(members, {BLANK_COUNTRY: (BLANK_COUNTRY,)}, 2023, "worldbank", unit=USD)
    assert (blank.value, blank.placeholder, blank.published) == (None, False, False)
    share = reporting.area_total(members, {REGION: (1, 2, 3)}, 2022, "worldbank", unit=GDP, sums=False)
    assert share.value is None
    country = reporting.area_total(members, {1: (1,)}, 2023, "worldbank", unit=USD)
    assert (country.value, country.published, country.complete) == (100.0, True, True)


def test_where_a_missing_row_is_none_a_sum_is_complete_and_says_whom_it_counts(members):
    """UNHCR, IDMC, IOM, OECD list only what happened: a member without a row adds nothing."""
    counted = reporting.area_total(members, {REGION: (1, 2, 3)}, 2023, "unhcr", unit=PERSONS)
    assert (counted.value, counted.complete, counted.reporting, counted.expected) == (101.0, True, 2, 3)
    assert counted.summed_short
    a_zero = reporting.area_total(members, {PLACEHOLDER_COUNTRY: (PLACEHOLDER_COUNTRY,)}, 2023, "unhcr", unit=PERSONS)
    assert (a_zero.value, a_zero.placeholder) == (0.0, False)  # a count of 0 people is a figure


def test_the_checker_and_the_remittances_page_say_the_same_of_every_region_and_year(built_db):
    """regional.regional_series (the page: aggregate_coverage and sum_over_members) against the
    checker's totals (vintage_values.Data, reporting.area_total), newest vintage, every year."""
    db = Database(built_db)
    series = regional.regional_series(db, RECEIVED)
    if series.empty:
        pytest.skip("no World Bank remittances in this build")
    figures = pd.DataFrame([{"metric": "remittances", "areas": str(code), "minus_areas": None, "origin_areas": None,
                             "year": int(year), "base_year": None}
                            for code, year in series[["area_code", "year"]].drop_duplicates().itertuples(index=False)])
    data = vintage_values.Data.load(db, figures)
    newest = data.vintages[RECEIVED][-1]
    for row in series.itertuples(index=False):
        total = data.total(RECEIVED, newest, [int(row.area_code)], int(row.year))
        where = (row.area_code, row.year)
        assert total.complete is bool(row.complete), where
        assert (total.reporting, total.expected) == (int(row.reporting), int(row.expected)), where
        assert total.value == pytest.approx(row.value), where
