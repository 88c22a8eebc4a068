"""The country page end to end, the sources page and the 404 page in a real browser. (Every page
in every language, with no console error and no traceback: tests/browser/test_accessibility.py.)"""

from __future__ import annotations

import duckdb

from tests.browser.helpers import settle, wait_for_text


def test_unknown_path_is_a_friendly_404(duo):
    duo.driver.get(duo.server_url + "/no-such-page")
    duo.wait_for_contains_text("main", "does not exist", timeout=15)


def stock_of(db_path, code: int, revision: int) -> tuple[int, int]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(
            "SELECT year, migrants FROM stock WHERE revision = ? AND destination_code = ? AND origin_code = 900 "
            "AND sex = 'total' ORDER BY year DESC LIMIT 1", [revision, code],
        ).fetchone()


def choose_in_dropdown(duo, selector: str, text: str) -> None:
    """Open a searchable dcc.Dropdown, type, and click the first option starting with `text`."""
    duo.find_element(selector).click()
    duo.driver.switch_to.active_element.send_keys(text)
    duo.wait_for_contains_text(".dash-dropdown-options", text, timeout=10)
    options = duo.find_elements(".dash-dropdown-option")
    next(o for o in options if o.text.startswith(text)).click()


def test_country_selector_changes_the_profile_and_the_url(duo, built_db):
    duo.driver.get(duo.server_url + "/country?lang=en")
    duo.wait_for_contains_text("#country-title", "Mexico", timeout=20)
    settle(duo)  # the profile's sixteen charts drawn: a choice made while callbacks redraw the page was lost once
    choose_in_dropdown(duo, "#country-area", "Haiti")
    duo.wait_for_contains_text("#country-title", "Haiti", timeout=15)
    settle(duo)
    year, migrants = stock_of(built_db, 332, 2024)
    plotted = duo.driver.execute_script(
        "const g = document.querySelector('#country-trend .js-plotly-plot'); const d = g._fullData[0];"
        "return [Number(d.x[d.x.length-1]), Number(d.y[d.y.length-1])];"
    )
    assert plotted == [year, migrants]
    assert "area=332" in duo.driver.current_url
    assert "OAS member state" in duo.find_element("#country-facts").text
    duo.driver.get(duo.server_url + "/country?area=99999&lang=es")
    wait_for_text(duo, ".notice-warning", lambda text: "99999" in text, "the unknown area's notice")


def test_sources_page_lists_each_file_with_its_checksum(duo, built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        checksums = [s[:16] for (s,) in con.execute("SELECT sha256 FROM provenance").fetchall()]
    duo.driver.get(duo.server_url + "/sources")
    duo.wait_for_element("#sources-table", timeout=20)
    table = duo.find_element("#sources-table").text
    assert all(c in table for c in checksums)
    assert "CC BY 3.0 IGO" in table
