"""Groupings (OAS, CARICOM, SICA, CAN, Mercosur): data files validated on build, and every
grouping figure is the sum of its members' published country figures, in every revision."""

from __future__ import annotations

import duckdb
import pytest
import yaml

from etl.groupings import GROUPINGS_DIR, load_groupings
from readside import groupings
from readside.queries import Database
from schemas.area_group import AreaGroupSchema, GroupingSchema
from schemas.validate import validate

GROUPS = ("oas", "caricom", "sica", "can", "mercosur")


def rows(db, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_grouping_files_pass_their_schemas_and_name_every_language():
    tables = load_groupings()
    validate("grouping", tables["grouping"], GroupingSchema, None)
    validate("area_group", tables["area_group"], AreaGroupSchema, None)
    assert set(tables["grouping"]["grouping"]) == set(GROUPS)


def test_memberships_as_the_organisations_state_them():
    members = load_groupings()["area_group"].set_index(["grouping", "member_code"])
    assert members.loc["oas"]["roster"].sum() == 35  # the 35 member states of the Committee's documents
    assert members.loc[("oas", 558), "until"] == "2023-11-19"  # Nicaragua's withdrawal took effect
    assert "1962" in members.loc[("oas", 192), "note"]  # Cuba: a member state not participating since 1962
    assert members.loc[("mercosur", 68), "since"] == "2024"  # Bolivia, a state party since 2024
    assert "suspended" in members.loc[("mercosur", 862), "note"]
    assert members.loc["caricom"]["roster"].sum() == 15 and (("caricom", 500) in members.index)  # Montserrat
    assert not members.loc[("can", 152), "roster"]  # Chile left the Andean Community in 1976


@pytest.mark.parametrize("grouping", GROUPS)
def test_group_totals_equal_the_sum_of_members_published_rows_in_every_revision(built_db, grouping):
    for (revision,) in rows(built_db, "SELECT DISTINCT revision FROM stock"):
        expected = dict(rows(built_db, """
            SELECT s.year, sum(s.migrants) FROM stock s JOIN area_group m ON m.member_code = s.destination_code
            WHERE m.grouping = ? AND m.roster AND s.revision = ? AND s.sex = 'total' AND s.origin_code = 900
            GROUP BY s.year""", [grouping, revision]))
        view = dict(rows(built_db, "SELECT year, migrants FROM stock_by_group WHERE grouping = ? AND revision = ? "
                                   "AND sex = 'total'", [grouping, revision]))
        computed = groupings.group_total(Database(built_db), grouping, revision, "total")
        assert view == expected == dict(zip(computed["year"], computed["migrants"], strict=True))


def test_members_of_each_year_follow_the_dates(built_db):
    db = Database(built_db)
    (revision,), = rows(built_db, "SELECT max(revision) FROM stock")
    years = dict(groupings.group_total(db, "oas", revision, "total", groupings.DATED)[["year", "members_total"]]
                 .itertuples(index=False))
    assert years[max(years)] == 34 if max(years) >= 2024 else years[max(years)] == 35  # Nicaragua left in Nov. 2023
    assert years[1990] == 33  # Canada (1990) and Belize and Guyana (1991): Canada counts in 1990
    mercosur = dict(groupings.group_total(db, "mercosur", revision, "total", groupings.DATED)[["year", "members_total"]]
                    .itertuples(index=False))
    assert mercosur[2000] == 4 and mercosur[2015] == 5


def test_americas_outside_the_oas_are_territories_only(built_db):
    outside = groupings.americas_outside(Database(built_db), "oas", 2024, 2024, "total")
    assert {"PRI", "ABW", "BMU", "GRL"} <= set(outside["iso3"])
    assert not set(outside["iso3"]) & {"MEX", "USA", "BRA", "HTI"}


def test_a_member_that_is_no_iso_country_stops_the_build(tmp_path):
    from etl.errors import ValidationFailed

    text = (GROUPINGS_DIR / "sica.yaml").read_text().replace("iso3: CRI", "iso3: XXX")
    (tmp_path / "sica.yaml").write_text(text)
    with pytest.raises(ValidationFailed, match="XXX"):
        load_groupings(tmp_path)
    assert yaml.safe_load(text)["grouping"] == "sica"
