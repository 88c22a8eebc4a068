"""The Flows page (OECD inflows, IOM dead and missing, IDMC displacement) as plain functions:
figures equal the database, coverage travels with every year, and a build without these
sources says which command loads each."""

from __future__ import annotations

import sys

import dash
import duckdb
import pandas as pd
import pytest

from dashboard.app import create_app
from readside.text import t
from tests.test_page_layouts import text_of


def page():
    entry = next(p for p in dash.page_registry.values() if p["path"] == "/flows")
    return sys.modules[entry["module"]]


def rows(db, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def app(built_db):
    return create_app(built_db)


def test_permanent_inflows_by_category_equal_the_oecd_rows(app, built_db):
    with app.server.test_request_context("/flows"):
        permanent, _, temporary, _, totals, _ = page().update_inflows(840, "en")
    humanitarian = next(tr for tr in permanent.data if tr.name == "Humanitarian")
    expected = dict(rows(built_db, "SELECT year, persons FROM migration_flow WHERE destination_code = 840 "
                                   "AND flow_type = 'permanent' AND category = 'humanitarian'"))
    assert dict(zip(map(int, humanitarian.x), humanitarian.y, strict=True)) == pytest.approx(expected)
    assert temporary.data and totals.data


def test_dead_and_missing_per_year_carry_their_coverage(app, built_db):
    with app.server.test_request_context("/flows"):
        cost, _, routes, _ = page().update_human_cost(2023, "en")
    years = [int(y) for y in cost.data[0].x]
    covered = dict(rows(built_db, "SELECT year, coverage FROM missing_migrants_coverage"))
    assert years == list(range(min(covered), max(covered) + 1))  # every year on a year axis
    complete, partial = cost.data[0], cost.data[1]  # the coverage is the bar's series (and legend)
    assert partial.name == t("en", "reporting.iom_partial")
    for i, year in enumerate(years):
        if covered.get(year) is None:  # no file covers it (2024, 2025): a gap on the axis, never a zero bar
            assert all(pd.isna(trace.y[i]) for trace in cost.data)
        elif covered[year] == "partial":  # drawn apart from complete years
            assert pd.isna(complete.y[i]) and not pd.isna(partial.y[i])
        else:
            assert not pd.isna(complete.y[i]) and pd.isna(partial.y[i])
    assert {2024, 2025} <= set(years) - set(covered) and "partial" in covered.values()
    (expected,), = rows(built_db, "SELECT sum(dead_and_missing) FROM missing_migrants WHERE year = 2023 AND region IN "
                                  "('North America', 'Central America', 'Caribbean', 'South America')")
    assert cost.data[0].y[years.index(2023)] == expected
    assert len(set(routes.data[0].y)) == len(routes.data[0].y)  # one bar per label


def test_disaster_displacement_marks_small_island_states(app, built_db):
    with app.server.test_request_context("/flows"):
        disasters, _, conflict, _ = page().update_displacement("en")
    assert disasters.data and conflict.data
    assert any("(SIDS)" in label for label in list(disasters.data[0].y) + list(conflict.data[0].y))
    with app.server.test_request_context("/flows"):
        assert "CC BY-NC 4.0" in text_of(page().layout(lang="en"))


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_without_these_sources_each_section_says_what_is_missing(bare_db, lang):
    with create_app(bare_db).server.test_request_context("/flows"):
        text = text_of(page().layout(lang=lang))
    for source in ("oecd", "iom_missing_migrants", "idmc"):
        assert t(lang, "notice.not_loaded", what=t(lang, f"what.{source}"), publisher=t(lang, f"publisher.{source}")) in text
    assert text.count(t(lang, "notice.sources_link")) == 3 and "migdash etl" not in text
    assert "js-plotly" not in text
