"""The 'by destination' parser on the publisher's three real workbooks.

Every expected figure is read from the workbook itself by tests/helpers.py (python_calamine,
rows located by their printed label, columns by their year under the right sex block).
"""

from __future__ import annotations

import pytest

from etl.sources import undesa_ims
from schemas.common import PUBLISHED_YEARS
from tests.helpers import (
    code_column,
    publisher_value,
    rows_with_code,
    sheet_rows,
    sheet_titled,
    year_column,
)

DESTINATION = [d for d in undesa_ims.DATASETS if d.layout == "destination"]
BY_REVISION = {d.revision: d for d in DESTINATION}
STOCK_TITLE = r"international migrant stock at mid-year by sex"
POPULATION_TITLE = r"total population at mid-year by sex"
SHARE_TITLE = r"international migrant stock as a percentage of the total population"
REFUGEE_TITLE = r"refugee stock"
# Areas checked cell by cell in every revision (labels as printed, case and '*' aside).
LABELS = {
    900: "World",
    904: "Latin America and the Caribbean",
    915: "Caribbean",
    332: "Haiti",
    76: "Brazil",
    840: "United States of America",
}


def test_the_three_destination_revisions_are_declared():
    assert sorted(BY_REVISION) == [2019, 2020, 2024]
    assert all(d.required for d in DESTINATION)


@pytest.fixture(scope="module", params=DESTINATION, ids=lambda d: d.key)
def parsed(request, upstream_dir):
    dataset = request.param
    path = upstream_dir / dataset.filename
    return dataset, path, undesa_ims.parse_destination_workbook(path, dataset.revision)


def one(frame, code: int, year: int, sex: str = "total"):
    column = "destination_code" if "destination_code" in frame else "area_code"
    mask = (frame[column] == code) & (frame["year"] == year)
    if "sex" in frame:
        mask &= frame["sex"] == sex
    rows = frame[mask]
    assert len(rows) == 1, f"{len(rows)} rows for {code} {year} {sex}"
    return rows.iloc[0, -1]


def test_stock_years_sexes_and_origin(parsed):
    dataset, _, tables = parsed
    stock = tables.stock
    assert tuple(sorted(stock["year"].unique())) == PUBLISHED_YEARS[dataset.revision]
    assert set(stock["sex"]) == {"total", "male", "female"}
    assert (stock["origin_code"] == undesa_ims.WORLD).all()
    assert set(stock["revision"]) == {dataset.revision}
    assert list(stock.columns) == ["revision", "year", "destination_code", "origin_code", "sex", "migrants"]
    assert not stock.duplicated(["year", "destination_code", "sex"]).any()


def test_stock_sheet_is_found_by_its_title(parsed):
    _, path, tables = parsed
    assert tables.sheets["stock"] == sheet_titled(path, STOCK_TITLE)


def test_americas_equals_the_workbooks_own_region_rows(parsed):
    """904 + 905 = LATIN AMERICA AND THE CARIBBEAN + NORTHERN AMERICA as printed, 2000 and latest."""
    dataset, path, tables = parsed
    sheet = sheet_titled(path, STOCK_TITLE)
    for year in (2000, PUBLISHED_YEARS[dataset.revision][-1]):
        expected = publisher_value(path, sheet, "LATIN AMERICA AND THE CARIBBEAN", year) + publisher_value(
            path, sheet, "NORTHERN AMERICA", year
        )
        got = one(tables.stock, 904, year) + one(tables.stock, 905, year)
        assert got == round(expected), (dataset.key, year)


@pytest.mark.parametrize("sex", ["total", "male", "female"])
def test_stock_cells_equal_the_publishers_for_every_year(parsed, sex):
    dataset, path, tables = parsed
    sheet = sheet_titled(path, STOCK_TITLE)
    for code, label in LABELS.items():
        for year in PUBLISHED_YEARS[dataset.revision]:
            expected = publisher_value(path, sheet, label, year, sex)
            assert one(tables.stock, code, year, sex) == round(expected), (label, year, sex)


def test_every_coded_row_of_the_stock_sheet_is_parsed_once(parsed):
    """Every printed code is an area; those with at least one number have stock rows (Saint
    Barthélemy and Saint Martin are listed with '..' or blanks only)."""
    dataset, path, tables = parsed
    rows = sheet_rows(path, sheet_titled(path, STOCK_TITLE))
    column = code_column(rows)
    coded = [row for row in rows if column < len(row) and isinstance(row[column], float)]
    printed = {int(row[column]) for row in coded}
    with_numbers = {int(row[column]) for row in coded if any(isinstance(c, float) for c in row[column + 1:])}
    assert set(tables.areas["code"]) == printed
    assert set(tables.stock["destination_code"]) == with_numbers
    assert tables.areas["code"].is_unique
    assert len(printed) > 250 and len(printed - with_numbers) < 5


def test_area_names_are_clean(parsed):
    _, _, tables = parsed
    names = tables.areas["name"]
    assert not names.str.contains("*", regex=False).any()
    assert not names.str.match(r"\s").any() and not names.str.contains(r"\s$").any()
    assert (names.str.len() > 0).all()
    # The 2024 edition prints 'United States of America*': the footnote mark is dropped.
    assert names[tables.areas["code"] == 840].item() == "United States of America"


def test_area_rows_keep_the_publishers_order(parsed):
    """The area hierarchy is derived from the sheet order, so the order must be the sheet's
    (a code printed twice, such as 2020's 927, is one area: only codes printed once are compared)."""
    _, path, tables = parsed
    rows = sheet_rows(path, sheet_titled(path, STOCK_TITLE))
    column = code_column(rows)
    printed = [int(row[column]) for row in rows if column < len(row) and isinstance(row[column], float)]
    once = [code for code in printed if printed.count(code) == 1]
    assert [code for code in tables.areas["code"] if code in once] == once
    assert set(tables.areas["code"]) == set(printed)
    assert tables.areas["row_index"].is_monotonic_increasing


def test_2019_prints_northern_america_as_905_and_918_with_equal_values(upstream_dir):
    path = upstream_dir / BY_REVISION[2019].filename
    rows = sheet_rows(path, sheet_titled(path, STOCK_TITLE))
    assert rows_with_code(rows, 905) and rows_with_code(rows, 918)
    stock = undesa_ims.parse_destination_workbook(path, 2019).stock
    for sex in ("total", "male", "female"):
        for year in PUBLISHED_YEARS[2019]:
            assert one(stock, 905, year, sex) == one(stock, 918, year, sex)
    expected = publisher_value(path, "Table 1", "Northern America", 2019)
    assert one(stock, 918, 2019) == round(expected)


def test_2024_population_codes_are_joined_by_row_index(upstream_dir):
    """Table 2 of the 2024 edition prints no codes under 'Location code': each row's code comes
    from the stock table row with the same index, and every value lands on the right code."""
    path = upstream_dir / BY_REVISION[2024].filename
    stock_sheet, population_sheet = sheet_titled(path, STOCK_TITLE), sheet_titled(path, POPULATION_TITLE)
    stock_rows, population_rows = sheet_rows(path, stock_sheet), sheet_rows(path, population_sheet)
    population_code_col = code_column(population_rows)
    assert not any(isinstance(row[population_code_col], float) for row in population_rows[10:])

    code_by_index = {
        row[0]: int(row[code_column(stock_rows)])
        for row in stock_rows
        if isinstance(row[0], float) and isinstance(row[code_column(stock_rows)], float)
    }
    column_2024 = year_column(population_rows, 2024, "total")
    expected = {
        code_by_index[row[0]]: row[column_2024]
        for row in population_rows
        if isinstance(row[0], float) and isinstance(row[column_2024], float)
    }
    population = undesa_ims.parse_destination_workbook(path, 2024).population
    got = population[(population["year"] == 2024) & (population["sex"] == "total")]
    got = dict(zip(got["area_code"], got["population_thousands"], strict=True))
    assert got == pytest.approx(expected)
    assert len(expected) > 250


def test_world_population_equals_the_workbook_cell(parsed):
    dataset, path, tables = parsed
    sheet = sheet_titled(path, POPULATION_TITLE)
    assert tables.sheets["population"] == sheet
    for year in (2000, PUBLISHED_YEARS[dataset.revision][-1]):
        for sex in ("total", "male", "female"):
            expected = publisher_value(path, sheet, "World", year, sex)
            assert one(tables.population, 900, year, sex) == pytest.approx(expected, rel=1e-12)


def test_share_table_is_parsed(parsed):
    dataset, path, tables = parsed
    sheet = sheet_titled(path, SHARE_TITLE)
    assert tables.sheets["share"] == sheet
    latest = PUBLISHED_YEARS[dataset.revision][-1]
    for label, code in (("World", 900), ("Latin America and the Caribbean", 904), ("Haiti", 332)):
        for sex in ("total", "female"):
            expected = publisher_value(path, sheet, label, latest, sex)
            assert one(tables.share, code, latest, sex) == pytest.approx(expected, rel=1e-12)
    assert tables.share["percent_of_population"].between(0, 101).all()


@pytest.mark.parametrize("revision", [2019, 2020])
def test_refugees_are_parsed_where_published(upstream_dir, revision):
    path = upstream_dir / BY_REVISION[revision].filename
    sheet = sheet_titled(path, REFUGEE_TITLE)
    assert sheet is not None
    refugees = undesa_ims.parse_destination_workbook(path, revision).refugees
    assert list(refugees.columns) == ["revision", "year", "area_code", "refugees"]
    assert tuple(sorted(refugees["year"].unique())) == PUBLISHED_YEARS[revision]
    for year in (1990, 2000, revision):
        expected = publisher_value(path, sheet, "World", year, "total")
        assert one(refugees, 900, year) == round(expected)
    # Only the count block: the "as a percentage of the migrant stock" block beside it would
    # give every area and year a second row.
    assert not refugees.duplicated(["area_code", "year"]).any()
    assert (refugees["refugees"] >= 0).all()


def test_2024_has_no_refugee_table_and_parses_none(upstream_dir):
    path = upstream_dir / BY_REVISION[2024].filename
    assert sheet_titled(path, REFUGEE_TITLE) is None
    tables = undesa_ims.parse_destination_workbook(path, 2024)
    assert tables.refugees.empty and "refugees" not in tables.sheets


@pytest.mark.parametrize("revision", [2020, 2024])
def test_sids_aggregate_is_parsed(upstream_dir, revision):
    """The SIDS aggregate (1637), which the area tests compare our SIDS flags against."""
    path = upstream_dir / BY_REVISION[revision].filename
    rows = sheet_rows(path, sheet_titled(path, STOCK_TITLE))
    (row,) = rows_with_code(rows, 1637)
    assert any(isinstance(cell, str) and "small island" in cell.lower() for cell in rows[row])
    stock = undesa_ims.parse_destination_workbook(path, revision).stock
    assert one(stock, 1637, 2000) == round(rows[row][year_column(rows, 2000)])
