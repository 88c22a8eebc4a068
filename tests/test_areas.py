"""The area dimension of the built database: OAS and SIDS flags, hierarchy, kinds and names,
checked against the publisher's own aggregates and the reference list."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from etl import areas
from etl.groupings import roster_iso3
from etl.sources import undesa_ims
from schemas.common import PUBLISHED_YEARS
from tests.helpers import code_column, rows_with_code, sheet_rows, sheet_titled, year_column

SIDS = 1637
STOCK_TITLE = r"international migrant stock at mid-year by sex"


@pytest.fixture(scope="module")
def area(built_db) -> pd.DataFrame:
    with duckdb.connect(str(built_db), read_only=True) as con:
        return con.execute("SELECT * FROM area").df().set_index("code")


def test_35_oas_members_all_countries_of_the_americas(area):
    members = area[area["oas_member"]]
    assert len(members) == 35
    assert set(members["kind"]) == {"country"}
    assert members["iso3"].is_unique and members["iso3"].notna().all()
    assert set(members["iso3"]) == set(roster_iso3("oas"))
    assert {"USA", "CAN", "BRA", "MEX", "VEN", "HTI"} <= set(members["iso3"])
    assert set(members["region"]) == {904, 905}


@pytest.mark.parametrize(("code", "name"), [(630, "Puerto Rico"), (533, "Aruba")])
def test_territories_in_the_americas_that_are_not_oas_members(area, code, name):
    row = area.loc[code]
    assert row["name_en"] == name and row["kind"] == "country"
    assert row["region"] in (904, 905) and not row["oas_member"]


def test_sids_flags_reproduce_the_publishers_sids_aggregate(built_db, area, upstream_dir):
    """Sum over countries flagged SIDS == the publisher's own SIDS row (1637), every 2024 year."""
    flagged = area[area["sids"]]
    assert set(flagged["kind"]) == {"country"}
    dataset = next(d for d in undesa_ims.DATASETS if d.layout == "destination" and d.revision == 2024)
    path = upstream_dir / dataset.filename
    rows = sheet_rows(path, sheet_titled(path, STOCK_TITLE))
    (sids_row,) = rows_with_code(rows, SIDS)
    with duckdb.connect(str(built_db), read_only=True) as con:
        sums = dict(con.execute(
            "SELECT year, sum(migrants) FROM stock WHERE revision = 2024 AND sex = 'total' "
            "AND origin_code = 900 AND destination_code IN (SELECT unnest(?)) GROUP BY year",
            [[int(c) for c in flagged.index]],
        ).fetchall())
        loaded = dict(con.execute(
            "SELECT year, migrants FROM stock WHERE revision = 2024 AND sex = 'total' "
            "AND origin_code = 900 AND destination_code = ?", [SIDS],
        ).fetchall())
    assert sorted(sums) == list(PUBLISHED_YEARS[2024])
    for year in PUBLISHED_YEARS[2024]:
        published = rows[sids_row][year_column(rows, year)]
        assert sums[year] == round(published) == loaded[year], year


def test_hierarchy_of_brazil_and_the_usa(area):
    assert (area.loc[76, "region"], area.loc[76, "subregion"]) == (904, 931)
    assert (area.loc[840, "region"], area.loc[840, "subregion"]) == (905, 905)


def test_kinds_of_world_region_and_subregion(area):
    assert [area.loc[code, "kind"] for code in (900, 904, 915)] == ["world", "region", "subregion"]
    assert area.loc[905, "kind"] == "region" and area.loc[931, "kind"] == "subregion"
    assert area.loc[SIDS, "kind"] == "development_group"
    assert set(area["kind"]) <= set(areas.KINDS)


def test_americas_subregions_belong_to_their_regions(area):
    for code in (915, 916, 931):
        assert area.loc[code, "region"] == 904
    countries = area[area["kind"] == "country"]
    placed = countries[countries["region"].notna()]
    assert placed["subregion"].notna().all()
    assert set(placed.loc[placed["region"] == 904, "subregion"]) == {915, 916, 931}


def test_countries_only_other_publishers_list_are_named_but_placed_nowhere(area):
    """WPP lists Guernsey and Jersey where UN DESA lists the Channel Islands: they get ISO names
    and no region, so no regional sum counts them twice."""
    unplaced = area[(area["kind"] == "country") & area["region"].isna()]
    assert set(unplaced.index) <= {831, 832}
    assert unplaced["iso3"].notna().all() and not unplaced["oas_member"].any()


def test_every_country_has_a_spanish_name(area):
    countries = area[area["kind"] == "country"]
    assert len(countries) > 200
    assert countries["name_es"].notna().all() and (countries["name_es"].str.strip().str.len() > 0).all()
    assert area["name_en"].notna().all() and area["name_es"].notna().all()
    # Spanish names come from CLDR (the short names people write), the OAS's own where it differs.
    assert area.loc[76, "name_es"] == "Brasil"
    assert area.loc[484, "name_es"] == "México"
    assert area.loc[862, "name_es"] == "Venezuela" and area.loc[68, "name_es"] == "Bolivia"
    assert area.loc[740, "name_es"] == "Suriname" and area.loc[659, "name_es"] == "Saint Kitts y Nevis"
    assert area.loc[904, "name_es"] == "América Latina y el Caribe"
    assert area.loc[900, "name_es"] == "Mundo"


def test_display_names_of_capitalised_regions(area):
    assert area.loc[904, "name_en"] == "Latin America and the Caribbean"
    assert area.loc[905, "name_en"] == "Northern America"
    assert areas.display_name("EUROPE AND NORTHERN AMERICA") == "Europe and Northern America"
    assert areas.display_name("Caribbean") == "Caribbean"


def test_iso3_only_for_countries(area):
    assert area.loc[area["kind"] != "country", "iso3"].isna().all()
    countries = area[area["kind"] == "country"]
    assert countries["iso3"].dropna().str.fullmatch(r"[A-Z]{3}").all()
    assert (area.loc[840, "iso3"], area.loc[76, "iso3"]) == ("USA", "BRA")


# ---- the hierarchy of each revision, from the sheet order ----

DESTINATION = {d.revision: d for d in undesa_ims.DATASETS if d.layout == "destination"}


def printed_parents(path, code: int) -> tuple[int, int]:
    """(region, subregion) of a country as printed: the nearest aggregate above its block, and
    the nearest aggregate above it named in capitals (the publisher's style for regions)."""
    rows = sheet_rows(path, sheet_titled(path, STOCK_TITLE))
    code_col = code_column(rows)
    name_col = next(c for row in rows[:40] for c, cell in enumerate(row)
                    if isinstance(cell, str) and cell.strip().lower().startswith(("region,", "major area,")))
    coded = [(int(row[code_col]), str(row[name_col]).strip().rstrip("*"))
             for row in rows if code_col < len(row) and isinstance(row[code_col], float)]
    at = [c for c, _ in coded].index(code)
    while coded[at][0] < areas.WORLD:  # walk up past the countries (M49 country codes < 900)
        at -= 1
    subregion = coded[at][0]
    while not coded[at][1].isupper():
        at -= 1
    return coded[at][0], subregion


@pytest.mark.parametrize("revision", [2019, 2020, 2024])
@pytest.mark.parametrize("code", [76, 332, 484, 840])
def test_each_revision_places_countries_of_the_americas_as_printed(upstream_dir, revision, code):
    path = upstream_dir / DESTINATION[revision].filename
    classified = areas.classify(undesa_ims.parse_destination_workbook(path, revision).areas).set_index("code")
    assert classified.loc[code, "kind"] == "country"
    region, subregion = printed_parents(path, code)
    assert (classified.loc[code, "region"], classified.loc[code, "subregion"]) == (region, subregion)


@pytest.mark.parametrize("revision", [2019, 2020])
@pytest.mark.parametrize("code", [36, 554])
def test_older_revisions_place_australia_and_new_zealand_as_printed(upstream_dir, revision, code):
    path = upstream_dir / DESTINATION[revision].filename
    classified = areas.classify(undesa_ims.parse_destination_workbook(path, revision).areas).set_index("code")
    assert printed_parents(path, code) == (909, 927)
    assert (classified.loc[code, "region"], classified.loc[code, "subregion"]) == (909, 927)
