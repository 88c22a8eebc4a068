"""The overview page in a real browser: the chart shows what the database holds."""

from __future__ import annotations

import duckdb
import pytest

from readside.text import people, t
from tests.browser.helpers import settle


def latest_americas_total(db_path) -> tuple[int, int, int]:
    """(revision, year, migrants) read straight from the database file, not via the app."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        revision = con.execute("SELECT max(revision) FROM stock").fetchone()[0]
        year, total = con.execute(
            "SELECT year, sum(migrants) FROM stock WHERE revision = ? AND sex = 'total' "
            "AND origin_code = 900 AND destination_code IN (904, 905) GROUP BY year ORDER BY year DESC LIMIT 1",
            [revision],
        ).fetchone()
    return revision, year, int(total)


def plotted_total(duo) -> list:
    return duo.driver.execute_script(
        "const g = document.querySelector('#overview-trend .js-plotly-plot');"
        "const total = g._fullData[g._fullData.length - 1]; return [Number(total.x[total.x.length-1]), Number(total.y[total.y.length-1])];"
    )


# Counts the pages router's requests (a callback whose outputs include _pages_content).
COUNT_ROUTER_CALLS = """
window.__routerCalls = 0;
const plainFetch = window.fetch;
window.fetch = function (url, init) {
  if (init && typeof init.body === 'string' && init.body.indexOf('_pages_content') >= 0) { window.__routerCalls++; }
  return plainFetch.apply(this, arguments);
};
"""


def test_overview_chart_shows_latest_americas_total(duo, built_db):
    revision, year, total = latest_americas_total(built_db)
    counter = duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_ROUTER_CALLS})
    try:
        duo.driver.get(duo.server_url + "/")
        duo.wait_for_contains_text("#overview-headline", people(total, "en"), timeout=15)
        assert str(year) in duo.find_element("#overview-headline").text
        duo.wait_for_element("#overview-trend .js-plotly-plot", timeout=15)
        settle(duo)  # its figure drawn, not the empty graph Dash draws first
        assert plotted_total(duo) == [year, total]
        assert f"International Migrant Stock {revision}" in duo.find_element("#overview-source").text
        # the page came with the first layout (dashboard/first_page.py); the router serves links
        assert duo.driver.execute_script("return window.__routerCalls") == 0
        duo.driver.execute_script("document.querySelector('#main-nav a[href^=\"/claims\"]').click()")
        duo.wait_for_contains_text("main h1", t("en", "claims.title"), timeout=15)
        assert duo.driver.execute_script("return window.__routerCalls") == 1
    finally:
        duo.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", counter)
    assert duo.get_logs() == []


def test_spanish_and_shared_url_restore_the_view(duo, built_db):
    duo.driver.get(duo.server_url + "/")
    duo.wait_for_element("#overview-sex", timeout=15)
    duo.find_elements("#overview-sex input")[2].click()  # women
    duo.wait_for_contains_text("#overview-trend", "women", timeout=10)
    shared = duo.driver.current_url
    assert "sex=female" in shared
    duo.find_element("#language-switch").click()
    duo.wait_for_contains_text("#overview-headline", "millones de migrantes", timeout=10)
    assert "mujeres" in duo.find_element("#overview-trend").text
    duo.driver.get(shared)
    duo.wait_for_contains_text("#overview-trend", "women", timeout=10)
    assert duo.find_elements("#overview-sex input")[2].is_selected()


@pytest.mark.parametrize("query", ["revision=1800", "revision=%27%3B%20DROP%20TABLE%20stock%3B--", "sex=%3Cscript%3E", "lang=xx"])
def test_hostile_url_parameters_give_a_friendly_page(duo, query):
    duo.driver.get(duo.server_url + "/?" + query)
    duo.wait_for_element("#overview-trend .js-plotly-plot", timeout=15)
    settle(duo)  # its figure drawn, not the empty graph Dash draws first
    body = duo.find_element("body").text
    assert "Traceback" not in body
    if query.startswith(("revision", "sex")):
        assert duo.find_element(".notice-warning").text
    assert duo.get_logs() == []
