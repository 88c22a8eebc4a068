"""The Flows page in headless Chromium: its three sections render, the map of IOM incidents draws
from the app's own base map with no request leaving 127.0.0.1, and a year chosen reaches the URL
and redraws the map."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from dashboard.app import create_app
from readside.text import t
from tests.browser.network import outside_requests, requested_urls

POINTS = "#flows-incidents .scattergeo path.point"


@pytest.fixture(scope="module")
def module_app(built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        if not con.execute("SELECT count(*) FROM missing_migrants").fetchone()[0]:
            pytest.skip("the session database holds no IOM Missing Migrants rows")
    return create_app(built_db)


def wait_until(driver, script: str, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not (value := driver.execute_script(script)):
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
    return value


def drawn_incidents(driver) -> int:
    return driver.execute_script(f"return document.querySelectorAll('{POINTS}').length;")


def map_title(driver) -> str:
    return driver.execute_script("const g = document.querySelector('#flows-incidents .js-plotly-plot');"
                                 "return g && g.layout && g.layout.title ? g.layout.title.text : '';")


def test_flows_page_sections_and_the_incidents_map_offline(duo, built_db):
    driver = duo.driver
    driver.get(f"{duo.server_url}/flows?year=2022")
    wait_until(driver, f"return document.querySelectorAll('{POINTS}').length > 10", "the incidents map did not draw")
    headings = [h.text for h in driver.find_elements("css selector", "main h2")]
    for key in ("flows_page.inflows_title", "flows_page.cost_title", "flows_page.idp_title"):
        assert t("en", key) in headings
    with duckdb.connect(str(built_db), read_only=True) as con:
        located = con.execute(
            "SELECT count(DISTINCT incident_id) FROM missing_migrants WHERE year = 2022 AND latitude IS NOT NULL AND "
            "region IN ('North America', 'Central America', 'Caribbean', 'South America')").fetchone()[0]
    assert 0.9 * located <= drawn_incidents(driver) <= located  # netted-out corrections are left out
    assert "2022" in map_title(driver)
    urls = requested_urls(driver)
    assert any(urlsplit(u).path == "/assets/topojson/world_50m.json" for u in urls)
    assert outside_requests(urls) == [], "requests leaving the machine"
    assert duo.get_logs() == []


def test_a_year_chosen_reaches_the_url_and_the_map(duo):
    driver = duo.driver
    driver.get(f"{duo.server_url}/flows?year=2022")
    wait_until(driver, f"return document.querySelectorAll('{POINTS}').length > 10", "the incidents map did not draw")
    driver.find_element("css selector", "#flows-year").click()
    wait_until(driver, "return document.querySelectorAll('.dash-dropdown-option').length > 0", "no year options")
    options = driver.find_elements("css selector", ".dash-dropdown-option")
    shown = [o.text.strip() for o in options]
    assert "2024" not in shown and "2021" in shown  # only years a loaded file covers
    next(o for o in options if o.text.strip() == "2021").click()
    wait_until(driver, "return new URLSearchParams(window.location.search).get('year') === '2021'",
               "the year did not reach the URL")
    wait_until(driver, "const g = document.querySelector('#flows-incidents .js-plotly-plot');"
                       "return g && g.layout.title.text.includes('2021');", "the map did not follow the year")
    assert parse_qs(urlsplit(driver.current_url).query)["year"] == ["2021"]
