"""Every registered page in a real browser, both languages; the country page end to end."""

from __future__ import annotations

import os
from pathlib import Path

import dash
import duckdb
import pytest

from dashboard.app import create_app
from tests.browser.test_accessibility import navigate, settle

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def app(built_db):
    return create_app(built_db)


def page_paths() -> list[str]:
    return [page["path"] for page in dash.page_registry.values() if page["path"] != "/404"]


def wait_for_page(dash_duo) -> None:
    dash_duo.wait_for_element("main h1", timeout=20)
    # A chart, a table or a notice; the text checker and the briefs list start with their form.
    dash_duo.wait_for_element(".js-plotly-plot, #sources-table, #data-preview, .notice, main table, "
                              "#check-text, .brief-themes", timeout=20)


def test_every_page_renders_in_both_languages_without_console_errors(dash_duo, app):
    dash_duo.start_server(app)
    paths = page_paths()
    assert {"/", "/claims", "/subregions", "/corridors", "/country", "/data", "/sources"} <= set(paths)
    for path in paths:
        for lang in ("en", "es"):  # from page to page and language to language through Dash's router
            navigate(dash_duo, f"{path}?lang={lang}")
            wait_for_page(dash_duo)
            assert dash_duo.find_element("main").get_attribute("lang") == lang
            assert "Traceback" not in dash_duo.find_element("body").text
            if lang == "en" and os.environ.get("MIGDASH_SCREENSHOTS"):
                settle(dash_duo, 1.5)  # every chart drawn and fitted to its width before the picture
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                dash_duo.driver.save_screenshot(str(SCREENSHOTS / f"{path.strip('/') or 'overview'}.png"))
        assert dash_duo.get_logs() == [], path


def test_unknown_path_is_a_friendly_404(dash_duo, app):
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/no-such-page")
    dash_duo.wait_for_contains_text("main", "does not exist", timeout=15)


def stock_of(db_path, code: int, revision: int) -> tuple[int, int]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(
            "SELECT year, migrants FROM stock WHERE revision = ? AND destination_code = ? AND origin_code = 900 "
            "AND sex = 'total' ORDER BY year DESC LIMIT 1", [revision, code],
        ).fetchone()


def choose_in_dropdown(dash_duo, selector: str, text: str) -> None:
    """Open a searchable dcc.Dropdown, type, and click the first option starting with `text`."""
    dash_duo.find_element(selector).click()
    dash_duo.driver.switch_to.active_element.send_keys(text)
    dash_duo.wait_for_contains_text(".dash-dropdown-options", text, timeout=10)
    options = dash_duo.find_elements(".dash-dropdown-option")
    next(o for o in options if o.text.startswith(text)).click()


def test_country_selector_changes_the_profile_and_the_url(dash_duo, app, built_db):
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/country?lang=en")
    dash_duo.wait_for_contains_text("#country-title", "Mexico", timeout=20)
    choose_in_dropdown(dash_duo, "#country-area", "Haiti")
    dash_duo.wait_for_contains_text("#country-title", "Haiti", timeout=15)
    year, migrants = stock_of(built_db, 332, 2024)
    plotted = dash_duo.driver.execute_script(
        "const g = document.querySelector('#country-trend .js-plotly-plot'); const d = g._fullData[0];"
        "return [Number(d.x[d.x.length-1]), Number(d.y[d.y.length-1])];"
    )
    assert plotted == [year, migrants]
    assert "area=332" in dash_duo.driver.current_url
    assert "OAS member state" in dash_duo.find_element("#country-facts").text
    dash_duo.driver.get(dash_duo.server_url + "/country?area=99999&lang=es")
    dash_duo.wait_for_element(".notice-warning", timeout=15)
    assert "99999" in dash_duo.find_element(".notice-warning").text


def test_sources_page_lists_each_file_with_its_checksum(dash_duo, app, built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        checksums = [s[:16] for (s,) in con.execute("SELECT sha256 FROM provenance").fetchall()]
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/sources")
    dash_duo.wait_for_element("#sources-table", timeout=20)
    table = dash_duo.find_element("#sources-table").text
    assert all(c in table for c in checksums)
    assert "CC BY 3.0 IGO" in table
