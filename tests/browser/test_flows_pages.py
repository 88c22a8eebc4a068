"""The flows pages in a real browser on the session database (the publishers' files): the
corridors Sankey names its source and edition and follows the edition selector into the URL;
a country profile lists real top destinations."""

from __future__ import annotations

import re

import duckdb
import pytest

from dashboard.app import create_app


@pytest.fixture
def app(built_db):
    return create_app(built_db)


@pytest.fixture
def editions(built_db) -> list[int]:
    with duckdb.connect(str(built_db), read_only=True) as con:
        found = [e for (e,) in con.execute("SELECT DISTINCT edition FROM bilateral_stock ORDER BY edition DESC").fetchall()]
    if not found:
        pytest.skip("the session database holds no World Bank/KNOMAD matrix (built without ../shared)")
    return found


def plotted(dash_duo, graph_id: str, expression: str):
    """A property of the drawn Plotly graph, read in the page (what the reader sees); a text's line
    breaks (chart_fit.js wraps titles and source lines to the chart's width) read as spaces."""
    value = dash_duo.driver.execute_script(
        f"const g = document.querySelector('#{graph_id} .js-plotly-plot'); return g && {expression};")
    return re.sub(r"<br\s*>", " ", value) if isinstance(value, str) else value


def choose(dash_duo, selector: str, text: str) -> None:
    """Open a (non-searchable) dcc.Dropdown and click the option reading `text`."""
    dash_duo.find_element(selector).click()
    dash_duo.wait_for_contains_text(".dash-dropdown-options", text, timeout=10)
    next(o for o in dash_duo.find_elements(".dash-dropdown-option") if o.text.strip() == text).click()


def test_corridors_sankey_names_its_source_and_the_edition_follows_the_url(dash_duo, app, editions):
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + f"/corridors?source=knomad-{editions[0]}&lang=en")
    dash_duo.wait_for_element("#corr-sankey .js-plotly-plot .sankey", timeout=20)
    title = plotted(dash_duo, "corr-sankey", "g.layout.title.text")
    assert "World Bank/KNOMAD" in title and str(editions[0]) in title
    assert "CC BY 4.0" in plotted(dash_duo, "corr-sankey", "g.layout.annotations[g.layout.annotations.length - 1].text")
    dash_duo.wait_for_contains_text("#corr-top-data", "Mexico", timeout=10)
    first = dash_duo.find_element("#corr-top-data tbody tr").get_attribute("textContent")
    assert first.startswith("MexicoUnited States of America")
    assert "Northern America" in plotted(dash_duo, "corr-sankey", "g._fullData[0].node.label.join('|')")
    if len(editions) > 1:
        choose(dash_duo, "#corr-source", f"World Bank/KNOMAD {editions[1]}")
        dash_duo.wait_for_text_to_equal("#corr-top-title", dash_duo.find_element("#corr-top-title").text.replace(
            str(editions[0]), str(editions[1])), timeout=15)
        assert f"source=knomad-{editions[1]}" in dash_duo.driver.current_url
        assert str(editions[1]) in plotted(dash_duo, "corr-sankey", "g.layout.title.text")
    assert dash_duo.get_logs() == []


def test_country_profile_lists_real_top_destinations(dash_duo, app, editions):
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/country?area=484&lang=en")
    dash_duo.wait_for_element("#country-destinations .js-plotly-plot .bars", timeout=20)
    bars = plotted(dash_duo, "country-destinations", "g._fullData[0].y")
    assert bars[-1] == "United States of America"  # the largest is drawn on top
    first = dash_duo.find_element("#country-destinations-table tbody tr").get_attribute("textContent")
    assert first.startswith("United States of America")
    dash_duo.wait_for_contains_text("#country-comparison", "UN DESA", timeout=10)
    assert "World Bank/KNOMAD" in dash_duo.find_element("#country-comparison").text
    assert dash_duo.get_logs() == []
