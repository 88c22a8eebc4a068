"""Parsers on the publisher's real workbooks, checked against cells located independently."""

from __future__ import annotations

import pytest
import python_calamine

from etl.sources import undesa_ims
from schemas.common import PUBLISHED_YEARS

DESTINATION = [d for d in undesa_ims.DATASETS if d.layout == "destination"]


def workbook_cell(path, sheet: str, label: str, year: int) -> float:
    """The value in the row whose name is `label` and the first column headed `year`,
    found by scanning the sheet (no parser code involved)."""
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    year_row = next(r for r in rows if sum(isinstance(c, float) and c == float(year) for c in r) >= 1 and 1990.0 in r)
    column = year_row.index(float(year))
    row = next(r for r in rows if any(isinstance(c, str) and c.strip().rstrip("*") == label for c in r))
    return row[column]


@pytest.fixture(scope="module", params=DESTINATION, ids=lambda d: d.key)
def parsed(request, upstream_dir):
    dataset = request.param
    return dataset, upstream_dir / dataset.filename, undesa_ims.parse_destination_workbook(upstream_dir / dataset.filename, dataset.revision)


def value(frame, code: int, year: int, sex: str = "total") -> float:
    column = "destination_code" if "destination_code" in frame else "area_code"
    rows = frame[(frame[column] == code) & (frame["year"] == year) & (frame["sex"] == sex)]
    assert len(rows) == 1
    return rows.iloc[0, -1]


def test_years_and_sexes_are_the_published_ones(parsed):
    dataset, _, tables = parsed
    assert tuple(sorted(tables.stock["year"].unique())) == PUBLISHED_YEARS[dataset.revision]
    assert set(tables.stock["sex"]) == {"total", "male", "female"}
    assert (tables.stock["origin_code"] == undesa_ims.WORLD).all()


def test_americas_equals_the_workbooks_own_rows(parsed):
    dataset, path, tables = parsed
    latest = PUBLISHED_YEARS[dataset.revision][-1]
    for year in (2000, latest):
        lac = workbook_cell(path, "Table 1", "LATIN AMERICA AND THE CARIBBEAN", year)
        northern = workbook_cell(path, "Table 1", "NORTHERN AMERICA", year)
        assert value(tables.stock, 904, year) + value(tables.stock, 905, year) == round(lac) + round(northern)


def test_world_population_and_share_are_parsed(parsed):
    dataset, path, tables = parsed
    label = "World" if dataset.revision == 2024 else "WORLD"
    assert value(tables.population, 900, 2000) == pytest.approx(workbook_cell(path, "Table 2", label, 2000))
    assert value(tables.share, 900, 2000) == pytest.approx(workbook_cell(path, "Table 3", label, 2000))


def test_area_names_are_clean_and_codes_unique(parsed):
    _, _, tables = parsed
    assert tables.areas["code"].is_unique
    assert not tables.areas["name"].str.contains(r"^\s|\*$", regex=True).any()


def test_refugees_only_where_published(parsed):
    dataset, _, tables = parsed
    assert tables.refugees.empty == (dataset.revision == 2024)


def test_2019_prints_northern_america_twice_with_equal_values(upstream_dir):
    dataset = next(d for d in DESTINATION if d.revision == 2019)
    stock = undesa_ims.parse_destination_workbook(upstream_dir / dataset.filename, 2019).stock
    for year in PUBLISHED_YEARS[2019]:
        assert value(stock, 905, year) == value(stock, 918, year)


def test_2024_population_rows_are_joined_by_row_index(upstream_dir):
    """Table 2 of the 2024 edition prints data-type letters under 'Location code'."""
    dataset = next(d for d in DESTINATION if d.revision == 2024)
    path = upstream_dir / dataset.filename
    tables = undesa_ims.parse_destination_workbook(path, 2024)
    assert value(tables.population, 840, 2024) == pytest.approx(workbook_cell(path, "Table 2", "United States of America", 2024))
