"""Remittances and refugees pages and the country profile's indicator panels, as functions:
figures and headlines against the database, both languages, and what shows without data.

The indicator data comes from documented-format FIXTURE responses (tests/indicator_fixtures.py):
the assertions compare the pages with the database, never with presumed real figures.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile

import dash
import duckdb
import pandas as pd
import pytest

from dashboard.app import create_app
from readside import extract_queries
from readside.text import money, signed_people, t
from tests.test_page_layouts import text_of


def page(name: str):
    """The page module Dash loaded (its callbacks are plain functions)."""
    entry = next(p for p in dash.page_registry.values() if p["path"] == f"/{name}")
    return sys.modules[entry["module"]]


@pytest.fixture(scope="module")
def app(indicator_db):
    return create_app(indicator_db)


def rows(db, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_money_says_mil_millones_in_spanish_never_billones():
    assert money(15_320_000_000, "en") == "US$ 15.3 billion"
    assert money(15_320_000_000, "es") == "US$ 15,3 mil millones"
    assert money(70_369_000_000, "es") == "US$ 70,4 mil millones"
    assert money(4_500_000, "es") == "US$ 4,5 millones"
    assert "billón" not in money(2e12, "es")
    assert signed_people(-350_000, "en") == "−350.0 thousand"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_remittance_headline_is_the_latest_lac_year_and_its_growth(app, indicator_db, lang):
    (year, value), (_, before) = rows(indicator_db, "SELECT year, value FROM indicator WHERE series = 'BX.TRF.PWKR.CD.DT' "
                                                    "AND area_code = 904 ORDER BY year DESC LIMIT 2")
    with app.server.test_request_context("/remittances"):
        from dashboard.components import database

        text = page("remittances").headline(database(), lang)
    assert money(value, lang) in text and str(year) in text and str(year - 1) in text
    change = (value / before - 1) * 100
    assert (f"{change:+.1f}" if lang == "en" else f"{change:+.1f}".replace(".", ",")) in text


def test_remittance_trend_sums_reporting_countries_per_subregion(app, indicator_db):
    with app.server.test_request_context("/remittances"):
        trend, table, growth, _, _ = page("remittances").update_regional(None, "en")
    names = [trace.name for trace in trend.data]
    assert names[0] == "Latin America and the Caribbean"
    assert {"Caribbean", "Central America", "South America", "Northern America"} <= set(names)
    central = next(tr for tr in trend.data if tr.name == "Central America")
    expected = rows(indicator_db, """
        SELECT sum(i.value) FROM indicator i JOIN area a ON a.code = i.area_code
        WHERE i.series = 'BX.TRF.PWKR.CD.DT' AND a.subregion = 916 AND a.kind = 'country' AND i.year = ?""",
                    [int(central.x[-1])])[0][0]
    assert central.y[-1] == pytest.approx(expected)
    assert all(len(trace.x) == len(trace.y) for trace in growth.data)


@pytest.mark.parametrize("measure,unit_text", [("usd", "US dollars"), ("gdp", "% of GDP")])
def test_top_receivers_are_ranked_from_the_database(app, indicator_db, measure, unit_text):
    series = {"usd": "BX.TRF.PWKR.CD.DT", "gdp": "BX.TRF.PWKR.DT.GD.ZS"}[measure]
    with app.server.test_request_context("/remittances"):
        fig, _, _, _ = page("remittances").update_top(2020, measure, None, "en")
    assert unit_text in fig.layout.title.text and "2020" in fig.layout.title.text
    (top_name,) = rows(indicator_db, """
        SELECT a.name_en FROM indicator i JOIN area a ON a.code = i.area_code AND a.kind = 'country'
        WHERE series = ? AND year = 2020 AND a.subregion IN (915, 916, 931, 905) ORDER BY value DESC LIMIT 1""",
                       [series])[0]
    assert fig.data[0].y[-1] == top_name  # horizontal bars: largest on top


@pytest.mark.parametrize("hostile", [None, "'; DROP TABLE indicator; --", ["x"], True, 99999])
def test_remittance_callbacks_read_hostile_inputs_as_defaults(app, hostile):
    with app.server.test_request_context("/remittances"):
        assert page("remittances").update_top(hostile, hostile, hostile, hostile)[0].layout.title.text
        assert "Mexico" in page("remittances").update_country(hostile, "en")[0].layout.title.text


def test_refugee_origins_and_hosts_come_from_unhcr_rows(app, indicator_db):
    with app.server.test_request_context("/refugees"):
        origins, _, hosts_trend, _ = page("refugees").update_trends("asylum_seekers", "es")
        hosts, table = page("refugees").update_hosts(2019, "en")
    assert "Solicitantes de asilo" in origins.layout.title.text
    (name_es,) = rows(indicator_db, "SELECT name_es FROM area WHERE code = 862")[0]
    venezuela = next(tr for tr in origins.data if tr.name == name_es)
    expected = dict(rows(indicator_db, "SELECT year, value FROM indicator WHERE series = 'unhcr.asylum_seekers.origin' "
                                       "AND area_code = 862"))
    assert dict(zip(map(int, venezuela.x), venezuela.y, strict=True)) == expected
    assert len(hosts_trend.data) == 5
    assert [trace.name for trace in hosts.data] == ["Refugees", "Asylum-seekers",
                                                     "Other people in need of international protection"]
    assert hosts.layout.barmode == "stack"


def test_country_profile_panels_show_remittances_refugees_and_net_migration(app, indicator_db):
    with app.server.test_request_context("/country"):
        panels = page("country").update_indicator_panels(484, "en")
    graphs = [p for p in panels if type(p).__name__ == "Graph"]
    assert [g.id for g in graphs] == ["country-worldbank", "country-unhcr", "country-wpp"]
    net = dict(rows(indicator_db, "SELECT year, value FROM indicator WHERE series = 'wpp.net_migration' AND area_code = 484"))
    wpp = graphs[2].figure
    assert dict(zip(map(int, wpp.data[0].x), wpp.data[0].y, strict=True)) == net
    assert "Mexico" in wpp.layout.title.text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_without_indicator_data_each_page_says_what_is_missing_and_links_to_sources(bare_db, lang):
    app = create_app(bare_db)
    for name, source in (("remittances", "worldbank"), ("refugees", "unhcr")):
        with app.server.test_request_context(f"/{name}"):
            text = text_of(page(name).layout(lang=lang))
        assert t(lang, "notice.not_loaded", what=t(lang, f"what.{source}"), publisher=t(lang, f"publisher.{source}")) in text
        assert t(lang, "notice.sources_link") in text and "migdash etl" not in text
        assert "js-plotly" not in text
    with app.server.test_request_context("/country"):
        panels = page("country").update_indicator_panels(484, lang)
    assert all(t(lang, "notice.sources_link") in text_of(p) for p in panels) and len(panels) == 3


# ---- extracts of the indicator datasets ----


@pytest.mark.parametrize("dataset,source", [("remittances", "worldbank"), ("unhcr_refugees", "unhcr"),
                                            ("net_migration", "wpp")])
def test_indicator_csv_equals_the_indicator_rows_with_each_series_citation(app, indicator_db, dataset, source):
    response = app.server.test_client().get(f"/download/csv?dataset={dataset}&areas=484,862,904&lang=es")
    assert response.status_code == 200, response.data[:300]
    got = pd.read_csv(io.BytesIO(response.data), keep_default_na=False, na_values=[""])
    expected = pd.DataFrame(rows(indicator_db, """
        SELECT series, area_code, year, value, unit, revision FROM indicator
        WHERE source = ? AND area_code IN (484, 862, 904) ORDER BY ALL""", [source]),
        columns=["series", "area_code", "year", "value", "unit", "vintage"])
    columns = list(expected.columns)
    pd.testing.assert_frame_equal(got[columns].astype({"vintage": str}).sort_values(columns).reset_index(drop=True),
                                  expected.sort_values(columns).reset_index(drop=True), check_dtype=False)
    citations = dict(rows(indicator_db, "SELECT code, citation FROM series"))
    assert (got["citation"] == got["series"].map(citations)).all() and set(got["source"]) == {source}
    assert list(got.columns) == extract_queries.extract_columns(dataset)


def test_indicator_zip_describes_fields_units_and_the_sources_behind_it(app, indicator_db):
    response = app.server.test_client().get("/download/zip?dataset=remittances&areas=484&years=2020,2021")
    package = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("datapackage.json"))
    schema = package["resources"][0]["schema"]
    assert schema["primaryKey"] == ["revision", "year", "area_code", "series"]
    assert {f["name"] for f in schema["fields"]} >= {"vintage", "series", "value", "unit"}
    datasets = {s["file"] for s in package["sources"]}
    assert datasets == {d for (d,) in rows(indicator_db, "SELECT dataset FROM provenance WHERE source = 'worldbank'")}
    assert package["licenses"][0]["title"] == "CC BY 4.0"


def test_indicator_extract_of_a_database_without_it_says_how_to_load_it(bare_db):
    client = create_app(bare_db).server.test_client()
    response = client.get("/download/csv?dataset=remittances&areas=484&lang=es")
    assert response.status_code == 400
    assert t("es", "data.rejected.dataset_empty", value="remittances") in response.get_data(as_text=True)


@pytest.mark.parametrize("lang,named", [("en", "World Bank personal remittances received"),
                                        ("es", "remesas personales recibidas del Banco Mundial")])
def test_quoted_remittance_is_checked_against_the_world_bank_figure(app, indicator_db, lang, named):
    """The IDB's 'family remittances' are checked against the World Bank's personal remittances
    of the same area and year, naming the series; a gap notes the other definition."""
    from readside.claims import DIFFERS, MATCHES, Context, check_claim, notes_text

    (value,), = rows(indicator_db, "SELECT value FROM indicator WHERE series = 'BX.TRF.PWKR.CD.DT' "
                                   "AND area_code = 904 AND year = 2016")
    with app.server.test_request_context("/claims"):
        from dashboard.components import database

        checks = check_claim(Context.load(database()), "cam2017-remittances-2016")
    level = [c for c in checks if c.figure_id == "remittances_2016"][-1]
    assert level.status in (MATCHES, DIFFERS) and level.actual == pytest.approx(value / 1e9)
    text = notes_text(level.notes, lang)
    assert named in text and "BX.TRF.PWKR.CD.DT" in text
    assert level.status == MATCHES or ("IDB/MIF" in text or "BID/FOMIN" in text)


def test_sources_page_lists_every_series_with_its_observations(app, indicator_db, built_db):
    with app.server.test_request_context("/sources"):
        text = text_of(page("sources").layout(lang="en"))
    for code, count in rows(indicator_db, "SELECT series, count(*) FROM indicator GROUP BY series"):
        assert code in text and f"{count:,}" in text
    with create_app(built_db).server.test_request_context("/sources"):
        text = text_of(page("sources").layout(lang="es"))
    assert "BX.TRF.PWKR.CD.DT" in text and "no cargada" in text


def test_an_indicator_extract_can_be_narrowed_to_chosen_series(app, indicator_db):
    client = app.server.test_client()
    query = "dataset=remittances&areas=484&series=BX.TRF.PWKR.DT.GD.ZS"
    got = pd.read_csv(io.BytesIO(client.get(f"/download/csv?{query}").data))
    (count,), = rows(indicator_db, "SELECT count(*) FROM indicator WHERE series = 'BX.TRF.PWKR.DT.GD.ZS' AND area_code = 484")
    assert set(got["series"]) == {"BX.TRF.PWKR.DT.GD.ZS"} and len(got) == count and set(got["unit"]) == {"% of GDP"}
    package = json.loads(zipfile.ZipFile(io.BytesIO(client.get(f"/download/zip?{query}").data)).read("datapackage.json"))
    assert package["selection"]["series"] == ["BX.TRF.PWKR.DT.GD.ZS"]
    refused = client.get("/download/csv?dataset=remittances&areas=484&series=wpp.net_migration&lang=es")
    assert refused.status_code == 400 and "no es una serie" in refused.get_data(as_text=True)


def test_negative_numbers_reach_the_csv_untouched_by_formula_protection(app, indicator_db):
    """Only text labels are protected: a negative net migration stays a number, not "'-25000"."""
    body = app.server.test_client().get("/download/csv?dataset=net_migration&areas=484,170,862").get_data(as_text=True)
    got = pd.read_csv(io.StringIO(body))
    expected = dict(rows(indicator_db, "SELECT year, value FROM indicator WHERE series = 'wpp.net_migration' AND area_code = 484"))
    mexico = got[(got["area_code"] == 484) & (got["series"] == "wpp.net_migration")]
    assert (mexico["value"] < 0).any() and dict(zip(mexico["year"], mexico["value"], strict=True)) == expected
    assert ",'-" not in body
