"""The area dimension: flags, hierarchy and names, checked against the publisher's own aggregates."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def area(built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        return con.execute("SELECT * FROM area").df().set_index("code")


def test_35_oas_members_all_countries(area):
    members = area[area["oas_member"]]
    assert len(members) == 35 and set(members["kind"]) == {"country"}
    assert {"USA", "CAN", "BRA", "MEX", "VEN", "HTI"} <= set(members["iso3"])


def test_un_americas_include_territories_that_are_not_oas_members(area):
    for code in (630, 533, 60):  # Puerto Rico, Aruba, Bermuda
        assert area.loc[code, "region"] in (904, 905) and not area.loc[code, "oas_member"]


def test_sids_flags_reproduce_the_publishers_sids_aggregate(built_db, area):
    sids = [int(c) for c in area.index[area["sids"]]]
    with duckdb.connect(str(built_db), read_only=True) as con:
        rows = con.execute(
            "SELECT year, sum(migrants) FILTER (WHERE destination_code <> 1637), "
            "max(migrants) FILTER (WHERE destination_code = 1637) FROM stock "
            "WHERE revision = 2024 AND sex = 'total' AND origin_code = 900 "
            "AND destination_code IN (SELECT unnest(?)) GROUP BY year",
            [[*sids, 1637]],
        ).fetchall()
    assert len(rows) == 8
    for _, members, aggregate in rows:
        assert members == aggregate


def test_hierarchy_and_kinds(area):
    assert (area.loc[76, "region"], area.loc[76, "subregion"]) == (904, 931)
    assert (area.loc[840, "region"], area.loc[840, "subregion"]) == (905, 905)
    assert [area.loc[c, "kind"] for c in (900, 904, 915)] == ["world", "region", "subregion"]


def test_every_area_has_english_and_spanish_names(area):
    assert area["name_en"].str.len().min() > 0 and area["name_es"].str.len().min() > 0
    assert area.loc[862, "name_es"] == "República Bolivariana de Venezuela"
    assert area.loc[904, "name_es"] == "América Latina y el Caribe"
