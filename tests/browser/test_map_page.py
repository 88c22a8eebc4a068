"""The map page in headless Chromium (issue 14): drawn offline (the browser's own network log
shows no request leaving 127.0.0.1), every OAS member state drawn and clickable, the hover
label equal to the database, a click landing on the country profile, the slide-size PNG."""

from __future__ import annotations

import base64
import struct
import time
from urllib.parse import urlsplit

import duckdb
import pytest
from selenium.webdriver.common.action_chains import ActionChains

from readside.text import LANGUAGES, people, t
from tests.browser.helpers import settle
from tests.browser.network import outside_requests, requested_urls

GRAPH = "#map-graph .js-plotly-plot"


def rows(db_path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def wait_for_map(driver, timeout: float = 30) -> None:
    """Until both geo subplots have drawn their shapes and markers."""
    deadline = time.monotonic() + timeout
    script = (f"const g = document.querySelector('{GRAPH}');"
              "return !!g && document.querySelectorAll('#map-graph path.choroplethlocation').length > 100"
              " && document.querySelectorAll('#map-graph .scattergeo path.point').length > 10;")
    while not driver.execute_script(script):
        assert time.monotonic() < deadline, "the map did not draw"
        time.sleep(0.2)
    time.sleep(0.5)


def test_the_map_draws_offline_in_every_language(duo):
    driver = duo.driver
    for lang in LANGUAGES:
        driver.get(f"{duo.server_url}/map?lang={lang}")
        wait_for_map(driver)
        assert driver.find_element("css selector", "main h1").text == t(lang, "map.title")
        urls = requested_urls(driver)
        assert any(urlsplit(u).path == "/assets/topojson/world_50m.json" for u in urls) or lang != "en"
        assert outside_requests(urls) == [], f"requests leaving the machine ({lang})"
        # the map page loads plotly.js's geo bundle alone, never the whole one
        assert driver.execute_script("return window.migdashPlotly.loads") == ["geo"]
    assert duo.get_logs() == []



def wait_for(driver, script: str, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not driver.execute_script(script):
        assert time.monotonic() < deadline, f"{what} did not draw"
        time.sleep(0.2)


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_the_remittances_map_tab_and_the_hosts_map_draw_offline(duo, lang):
    driver = duo.driver
    driver.get(f"{duo.server_url}/remittances?lang={lang}")
    wait_for(driver, "return !!document.querySelector('#rem-top .js-plotly-plot')", "the top receivers")
    tab = driver.find_element("xpath", f"//div[@id='rem-top-tabs']//*[normalize-space()='{t(lang, 'map.tab_map')}']")
    driver.execute_script("arguments[0].click()", tab)
    wait_for(driver, "return document.querySelectorAll('#rem-map path.choroplethlocation').length > 100",
             "the remittances map")
    driver.get(f"{duo.server_url}/refugees?lang={lang}")
    wait_for(driver, "return document.querySelectorAll('#ref-hosts-map .scattergeo path.point').length > 3 && "
             "document.querySelectorAll('#ref-hosts-map path.choroplethlocation').length > 50", "the hosts map")
    assert outside_requests(requested_urls(driver)) == [], f"requests leaving the machine ({lang})"
    assert duo.get_logs() == []


def drawn_locations(driver) -> dict[str, list[str]]:
    """ISO3 -> the kinds of element drawn for it with a visible size ('shape', 'marker')."""
    return driver.execute_script(f"""
        const out = {{}};
        const add = (loc, kind, el) => {{ const b = el.getBoundingClientRect();
            if (b.width > 0 && b.height > 0) {{ (out[loc] = out[loc] || []).push(kind); }} }};
        document.querySelectorAll('{GRAPH} path.choroplethlocation').forEach(p => add(p.__data__.loc, 'shape', p));
        document.querySelectorAll('{GRAPH} .scattergeo path.point').forEach(p => add(p.__data__.loc, 'marker', p));
        return out;""")


def test_every_oas_member_state_is_drawn_and_small_ones_have_a_marker(duo, built_db):
    duo.driver.get(f"{duo.server_url}/map")
    wait_for_map(duo.driver)
    drawn = drawn_locations(duo.driver)
    for iso, small in rows(built_db, "SELECT iso3, iso3 IN ('ATG','KNA','DMA','LCA','VCT','GRD','BRB','TTO') "
                                     "FROM area WHERE oas_member"):
        assert "shape" in drawn.get(iso, []), iso
        if small:
            assert drawn[iso].count("marker") == 2, iso  # on the map and in the Eastern Caribbean inset


def marker(driver, iso3: str, inset: bool = True):
    """The marker of an area (in the inset, drawn at eight times the scale, by default)."""
    return driver.execute_script(
        f"const all = [...document.querySelectorAll('{GRAPH} .scattergeo path.point')].filter(p => p.__data__.loc === arguments[0]);"
        "return arguments[1] ? all[all.length - 1] : all[0];", iso3, inset)


def test_hover_gives_the_databases_figure_with_its_unit(duo, built_db):
    driver = duo.driver
    driver.get(f"{duo.server_url}/map?lang=es&indicator=stock&edition=2024&year=2024")
    wait_for_map(driver)
    for iso in ("LCA", "BRB", "GRD"):
        (migrants, name) = rows(built_db, "SELECT s.migrants, a.name_es FROM stock s JOIN area a ON a.code = s.destination_code "
                                          "WHERE revision = 2024 AND year = 2024 AND sex = 'total' AND origin_code = 900 "
                                          "AND a.iso3 = ?", [iso])[0]
        point = marker(driver, iso)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", point)
        ActionChains(driver).move_to_element(point).perform()
        deadline = time.monotonic() + 5
        while not (text := driver.execute_script(f"return [...document.querySelectorAll('{GRAPH} .hoverlayer .hovertext')]"
                                                 ".map(e => e.textContent).join('|')")):
            assert time.monotonic() < deadline, f"no hover label for {iso}"
            time.sleep(0.1)
        assert name in text and t("es", "map.value.stock", value=people(migrants, "es"), year=2024) in text, text
        assert t("es", "map.member") in text
        ActionChains(driver).move_to_element(driver.find_element("css selector", "main h1")).perform()
        time.sleep(0.3)


def test_clicking_a_small_island_state_opens_its_profile(duo, built_db):
    driver = duo.driver
    driver.get(f"{duo.server_url}/map?lang=fr")
    wait_for_map(driver)
    point = marker(driver, "LCA")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", point)
    ActionChains(driver).move_to_element(point).click().perform()
    duo.wait_for_contains_text("#country-title", rows(built_db, "SELECT name_fr FROM area WHERE iso3 = 'LCA'")[0][0], timeout=20)
    assert "/country?" in driver.current_url and "area=662" in driver.current_url and "lang=fr" in driver.current_url
    duo.wait_for_element("#country-locator-map .js-plotly-plot", timeout=20)
    settle(duo)  # its figure drawn, not the empty graph Dash draws first
    located = driver.execute_script("return document.querySelector('#country-locator-map .js-plotly-plot').data[1].locations")
    assert located == ["LCA"]
    # the profile's bars need more than the map's geo bundle: the whole one took over, cleanly
    state = driver.execute_script("return window.migdashPlotly")
    assert state["loads"][-1] == "full" and all(u["to"] == "full" for u in state["upgrades"]), state
    assert duo.get_logs() == []


def test_the_png_export_is_slide_sized_with_title_and_source(duo):
    driver = duo.driver
    driver.get(f"{duo.server_url}/map?indicator=remittances")
    wait_for_map(driver)
    context = driver.execute_script(f"const c = document.querySelector('{GRAPH}')._context;"
                                    "return [c.toImageButtonOptions, c.topojsonURL];")
    assert context[0]["width"] == 1600 and context[0]["height"] == 900 and context[1] == "/assets/topojson/"
    driver.set_script_timeout(60)
    url = driver.execute_async_script(
        f"const done = arguments[arguments.length - 1]; const g = document.querySelector('{GRAPH}');"
        "Plotly.toImage(g, {format: 'png', width: 1600, height: 900}).then(done).catch(e => done('error: ' + e));")
    png = base64.b64decode(url.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1600, 900)
    layout = driver.execute_script(f"const l = document.querySelector('{GRAPH}').layout; "
                                   "return [l.title.text, l.annotations.map(a => a.text).join(' ')]"
                                   ".map(s => s.replace(/<br\\s*>/g, ' '));")  # line breaks of the fitted frame
    assert "2024" in layout[0] and "World Bank" in layout[1] and "CC BY 4.0" in layout[1]
