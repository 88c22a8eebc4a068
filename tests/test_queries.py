"""The query layer answers from the database exactly what the publisher printed."""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from dashboard import figures
from etl.areas import AMERICAS_SUBREGIONS
from etl.sources import undesa_ims
from readside import queries
from readside.queries import Database, NoDatabase
from readside.text import people, percent


@pytest.fixture(scope="module")
def parsed_2020(upstream_dir):
    dataset = next(d for d in undesa_ims.DATASETS if d.key == "destination_2020")
    return undesa_ims.parse_destination_workbook(upstream_dir / dataset.filename, 2020)


def publisher_value(parsed, code: int, year: int, sex: str = "total") -> int:
    stock = parsed.stock
    row = stock[(stock.destination_code == code) & (stock.year == year) & (stock.sex == sex)]
    return int(row.migrants.iloc[0])


def test_americas_total_is_lac_plus_northern_america(built_db, parsed_2020):
    total = queries.americas_total(Database(built_db), 2020).set_index("year")["migrants"]
    for year in (2000, 2020):
        assert total[year] == publisher_value(parsed_2020, 904, year) + publisher_value(parsed_2020, 905, year)


def test_subregions_are_the_four_of_the_americas_and_add_up(built_db, parsed_2020):
    db = Database(built_db)
    parts = queries.americas_by_subregion(db, 2020, "female")
    assert set(parts["area_code"]) == set(AMERICAS_SUBREGIONS)
    by_year = parts.groupby("year")["migrants"].sum()
    total = queries.americas_total(db, 2020, "female").set_index("year")["migrants"]
    assert (by_year == total).all()
    assert by_year[2020] == publisher_value(parsed_2020, 904, 2020, "female") + publisher_value(parsed_2020, 905, 2020, "female")


def test_revisions_and_years_follow_the_data(built_db):
    db = Database(built_db)
    assert queries.revisions(db) == [2019, 2020, 2024]
    assert queries.years(db, 2019)[-1] == 2019
    assert queries.years(db, 2024)[-2:] == [2020, 2024]


def test_values_are_parameters_not_sql(built_db):
    db = Database(built_db)
    assert queries.americas_total(db, 2020, "total'; DROP TABLE stock; --").empty
    assert len(queries.revisions(db)) == 3


def test_database_follows_an_atomic_replacement(built_db, tmp_path):
    path = tmp_path / "served.duckdb"
    shutil.copy(built_db, path)
    db = Database(path)
    first = queries.build_info(db)["build_id"]
    replacement = tmp_path / "next.duckdb"
    shutil.copy(built_db, replacement)
    with duckdb.connect(str(replacement)) as con:
        con.execute("UPDATE core.build SET build_id = 'next-build'")
    os.replace(replacement, path)
    assert first != "next-build"
    assert queries.build_info(db)["build_id"] == "next-build"


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(NoDatabase, match="migdash etl"):
        queries.revisions(Database(tmp_path / "absent.duckdb"))


def test_trend_figure_has_one_trace_per_subregion_plus_total(built_db):
    db = Database(built_db)
    fig = figures.americas_trend(
        queries.americas_by_subregion(db, 2024), queries.americas_total(db, 2024),
        lang="es", title="t", source="Fuente: X",
    )
    names = [trace.name for trace in fig.data]
    assert names[-1] == "Américas (total)" and "Caribe" in names and len(names) == 5
    assert fig.layout.separators == ",."
    assert any("Fuente: X" in a.text for a in fig.layout.annotations)


def test_empty_figure_states_why():
    import pandas as pd

    fig = figures.americas_trend(pd.DataFrame(), pd.DataFrame(), lang="en", title="No data", source="")
    assert fig.layout.annotations[0].text == "No data"


def test_number_formats_in_both_languages():
    assert people(78_718_404, "en") == "78.7 million"
    assert people(78_718_404, "es") == "78,7 millones"
    assert percent(56.8, "es", signed=True) == "+56,8\u00a0%"
    assert percent(-3.26, "en") == "-3.3%"
