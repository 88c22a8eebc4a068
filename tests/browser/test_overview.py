"""The overview page in a real browser: the chart shows what the database holds."""

from __future__ import annotations

import duckdb
import pytest

from dashboard.app import create_app
from readside.text import people


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


def plotted_total(dash_duo) -> list:
    return dash_duo.driver.execute_script(
        "const g = document.querySelector('#overview-trend .js-plotly-plot');"
        "const total = g._fullData[g._fullData.length - 1]; return [Number(total.x[total.x.length-1]), Number(total.y[total.y.length-1])];"
    )


@pytest.fixture
def app(built_db):
    return create_app(built_db)


def test_overview_chart_shows_latest_americas_total(dash_duo, app, built_db):
    revision, year, total = latest_americas_total(built_db)
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text("#overview-headline", people(total, "en"), timeout=15)
    assert str(year) in dash_duo.find_element("#overview-headline").text
    dash_duo.wait_for_element("#overview-trend .js-plotly-plot", timeout=15)
    assert plotted_total(dash_duo) == [year, total]
    assert f"International Migrant Stock {revision}" in dash_duo.find_element("#overview-source").text
    assert dash_duo.get_logs() == []


def test_spanish_and_shared_url_restore_the_view(dash_duo, app, built_db):
    dash_duo.start_server(app)
    dash_duo.wait_for_element("#overview-sex", timeout=15)
    dash_duo.find_elements("#overview-sex input")[2].click()  # women
    dash_duo.wait_for_contains_text("#overview-trend", "women", timeout=10)
    shared = dash_duo.driver.current_url
    assert "sex=female" in shared
    dash_duo.find_element("#language-switch").click()
    dash_duo.wait_for_contains_text("#overview-headline", "millones de migrantes", timeout=10)
    assert "mujeres" in dash_duo.find_element("#overview-trend").text
    dash_duo.driver.get(shared)
    dash_duo.wait_for_contains_text("#overview-trend", "women", timeout=10)
    assert dash_duo.find_elements("#overview-sex input")[2].is_selected()


@pytest.mark.parametrize("query", ["revision=1800", "revision=%27%3B%20DROP%20TABLE%20stock%3B--", "sex=%3Cscript%3E", "lang=xx"])
def test_hostile_url_parameters_give_a_friendly_page(dash_duo, app, query):
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/?" + query)
    dash_duo.wait_for_element("#overview-trend .js-plotly-plot", timeout=15)
    body = dash_duo.find_element("body").text
    assert "Traceback" not in body
    if query.startswith(("revision", "sex")):
        assert dash_duo.find_element(".notice-warning").text
    assert dash_duo.get_logs() == []
