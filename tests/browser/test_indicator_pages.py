"""Remittances, refugees, the country profile's indicator panels and the indicator extracts in
a real browser. The indicator data are documented-format FIXTURE responses (generated values):
every assertion compares what the page shows with the database it serves."""

from __future__ import annotations

import io
import time

import duckdb
import pandas as pd
import pytest
import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.keys import Keys

from dashboard.app import create_app
from readside.text import money, t
from tests.browser.helpers import settle
from tests.browser.test_data_page import choose


@pytest.fixture(scope="module")
def module_app(indicator_db):
    """The module's shared server serves this database."""
    return create_app(indicator_db)


def one(db_path, sql: str, params: list | None = None):
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def choose_again_if_redrawn(duo, dropdown: str, typed: str, option: str) -> None:
    """`choose`, retried when the option list is redrawn under the click (a stale element)."""
    for attempt in range(3):
        try:
            return choose(duo, dropdown, typed, option)
        except StaleElementReferenceException:
            if attempt == 2:
                raise
            duo.driver.find_element("tag name", "body").send_keys(Keys.ESCAPE)
            time.sleep(0.3)


def wait_until(condition, timeout: float):
    """Poll a condition on the page until it holds, and return its value (charts and links are
    redrawn asynchronously after a callback; an element replaced while read counts as not yet)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except StaleElementReferenceException:
            value = None
        if value:
            return value
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def href_of(duo, selector: str, containing: str = "") -> str:
    """A link's href once it contains `containing` (read again if the link is redrawn meanwhile)."""
    return wait_until(lambda: (h := duo.find_element(selector).get_attribute("href")) and containing in h and h,
                      timeout=10)


def plotted_title(duo, graph_id: str) -> str | None:
    """The drawn figure's title; None while Dash shows its empty graph (no layout title yet)."""
    return duo.driver.execute_script(
        f"const g = document.querySelector('#{graph_id} .js-plotly-plot'); return g?.layout?.title?.text ?? null;")


def test_remittances_page_headline_ranking_and_country_detail(duo, indicator_db):
    duo.driver.get(duo.server_url + "/remittances?lang=en")
    (year, value), = one(indicator_db, "SELECT year, value FROM indicator WHERE series = 'BX.TRF.PWKR.CD.DT' "
                                       "AND area_code = 904 ORDER BY year DESC LIMIT 1")
    duo.wait_for_contains_text("#remittances-headline", f"{money(value, 'en')} in {year}", timeout=20)
    duo.wait_for_element("#rem-trend .js-plotly-plot", timeout=20)
    settle(duo)  # its figure drawn, not the empty graph Dash draws first
    traces = duo.driver.execute_script(
        "return document.querySelector('#rem-trend .js-plotly-plot').data.map(d => d.name);")
    assert traces[0] == "Latin America and the Caribbean" and "Central America" in traces

    duo.find_elements("#rem-measure input")[1].click()  # % of GDP
    wait_until(lambda: "% of GDP" in (plotted_title(duo, "rem-top") or ""), timeout=10)
    wait_until(lambda: "measure=gdp" in duo.driver.current_url, timeout=10)

    choose_again_if_redrawn(duo, "#rem-area", "Hait", "Haiti")
    wait_until(lambda: "Haiti" in (plotted_title(duo, "rem-country") or ""), timeout=10)
    wait_until(lambda: "area=332" in duo.driver.current_url, timeout=10)
    assert duo.get_logs() == []


def test_shared_refugees_url_restores_the_view_in_spanish(duo):
    duo.driver.get(duo.server_url + "/refugees?lang=es&population=oip&year=2019")
    wait_until(lambda: "Otras personas" in (plotted_title(duo, "ref-origins") or ""), timeout=20)
    wait_until(lambda: "2019" in (plotted_title(duo, "ref-hosts") or ""), timeout=20)
    duo.find_elements("#ref-population input")[0].click()
    wait_until(lambda: "Personas refugiadas" in (plotted_title(duo, "ref-origins") or ""), timeout=10)
    wait_until(lambda: "population=refugees" in duo.driver.current_url, timeout=10)
    assert duo.get_logs() == []


def test_country_profile_shows_the_three_indicator_panels(duo):
    duo.driver.get(duo.server_url + "/country?lang=en&area=484")
    for source in ("worldbank", "unhcr", "wpp"):
        duo.wait_for_element(f"#country-{source} .js-plotly-plot", timeout=20)
        settle(duo)  # its figure drawn, not the empty graph Dash draws first
    assert "Mexico" in plotted_title(duo, "country-unhcr")
    # an area a publisher has no figure for gets its notice, never an empty chart
    duo.driver.get(duo.server_url + "/country?lang=en&area=862")
    duo.wait_for_element("#country-unhcr .js-plotly-plot", timeout=20)
    settle(duo)  # its figure drawn, not the empty graph Dash draws first
    if not duo.find_elements("#country-worldbank"):
        duo.wait_for_contains_text("#country-indicators", "World Bank", timeout=10)


def test_data_page_downloads_an_indicator_extract(duo, indicator_db):
    duo.driver.get(duo.server_url + "/data?lang=en&dataset=net_migration&areas=484,170")
    duo.wait_for_contains_text("#data-count", "rows", timeout=20)
    href = href_of(duo, "#download-csv", "dataset=net_migration")
    got = pd.read_csv(io.BytesIO(requests.get(href, timeout=30).content))
    (count,), = one(indicator_db, "SELECT count(*) FROM indicator WHERE source = 'wpp' AND area_code IN (484, 170)")
    assert len(got) == count and set(got["series"]) == {"wpp.net_migration", "wpp.net_migration_rate"}


def test_without_indicator_data_the_pages_say_what_is_missing(dash_duo, bare_db):
    """A build from UN DESA alone: each page without its source shows one notice per missing
    source (in words, linking to Sources & method), no empty chart, and no error in the console."""
    dash_duo.start_server(create_app(bare_db))
    for path in ("/remittances", "/refugees"):
        dash_duo.driver.get(dash_duo.server_url + path + "?lang=en")
        dash_duo.wait_for_contains_text("main .notice", t("en", "notice.sources_link"), timeout=20)
        assert "migdash etl" not in dash_duo.find_element("main").text
        assert dash_duo.find_elements(".js-plotly-plot") == []
    dash_duo.driver.get(dash_duo.server_url + "/corridors?lang=en")
    for key in ("flows.no_stock_data", "flows.no_net", "flows.no_displacement"):
        dash_duo.wait_for_contains_text("main", t("en", key), timeout=20)
    assert dash_duo.find_elements(".js-plotly-plot") == []
    dash_duo.driver.get(dash_duo.server_url + "/data?lang=en")
    dash_duo.wait_for_contains_text("#data-dataset", "not loaded", timeout=20)
    settle(dash_duo)  # the preview's callback done before dash_duo stops the server (CI saw one cut off)
    assert dash_duo.get_logs() == []


def test_data_page_narrows_an_indicator_extract_to_one_series(duo, indicator_db):
    duo.driver.get(duo.server_url + "/data?lang=es&dataset=remittances&areas=484")
    duo.wait_for_contains_text("#data-count", "filas", timeout=20)
    choose_again_if_redrawn(duo, "#data-series", "% del PIB", "Remesas personales recibidas (% del PIB) (% of GDP)")
    href = href_of(duo, "#download-csv", "series=BX.TRF.PWKR.DT.GD.ZS")
    got = pd.read_csv(io.BytesIO(requests.get(href, timeout=30).content))
    (count,), = one(indicator_db, "SELECT count(*) FROM indicator WHERE series = 'BX.TRF.PWKR.DT.GD.ZS' AND area_code = 484")
    assert set(got["series"]) == {"BX.TRF.PWKR.DT.GD.ZS"} and len(got) == count
    wait_until(lambda: "series=BX.TRF.PWKR.DT.GD.ZS" in duo.driver.current_url, timeout=10)
    assert duo.get_logs() == []
