"""The flows pages in a real browser on the session database (the publishers' files): the
corridors Sankey names its source and edition and follows the edition selector into the URL;
a country profile lists real top destinations."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.browser.helpers import settle, wait_for_text


@pytest.fixture
def editions(built_db) -> list[int]:
    with duckdb.connect(str(built_db), read_only=True) as con:
        found = [e for (e,) in con.execute("SELECT DISTINCT edition FROM bilateral_stock ORDER BY edition DESC").fetchall()]
    if not found:
        pytest.skip("the session database holds no World Bank/KNOMAD matrix (built without ../shared)")
    return found


def plotted(duo, graph_id: str, expression: str):
    """A property of the drawn Plotly graph, read in the page (what the reader sees); a text's line
    breaks (chart_fit.js wraps titles and source lines to the chart's width) read as spaces."""
    value = duo.driver.execute_script(
        f"const g = document.querySelector('#{graph_id} .js-plotly-plot'); return g && {expression};")
    return re.sub(r"<br\s*>", " ", value) if isinstance(value, str) else value


def choose(duo, selector: str, text: str) -> None:
    """Open a (non-searchable) dcc.Dropdown and click the option reading `text`."""
    duo.find_element(selector).click()
    duo.wait_for_contains_text(".dash-dropdown-options", text, timeout=10)
    next(o for o in duo.find_elements(".dash-dropdown-option") if o.text.strip() == text).click()


def test_corridors_sankey_names_its_source_and_the_edition_follows_the_url(duo, editions):
    duo.driver.get(duo.server_url + f"/corridors?source=knomad-{editions[0]}&lang=en")
    duo.wait_for_element("#corr-sankey .js-plotly-plot .sankey", timeout=20)
    title = plotted(duo, "corr-sankey", "g.layout.title.text")
    assert "World Bank/KNOMAD" in title and str(editions[0]) in title
    assert "CC BY 4.0" in plotted(duo, "corr-sankey", "g.layout.annotations[g.layout.annotations.length - 1].text")
    settle(duo)
    first = wait_for_text(duo, "#corr-top-data tbody tr", lambda text: "Mexico" in text, "the top corridors")
    assert first.startswith("MexicoUnited States of America")
    assert "Northern America" in plotted(duo, "corr-sankey", "g._fullData[0].node.label.join('|')")
    if len(editions) > 1:
        choose(duo, "#corr-source", f"World Bank/KNOMAD {editions[1]}")
        duo.wait_for_text_to_equal("#corr-top-title", duo.find_element("#corr-top-title").text.replace(
            str(editions[0]), str(editions[1])), timeout=15)
        assert f"source=knomad-{editions[1]}" in duo.driver.current_url
        assert str(editions[1]) in plotted(duo, "corr-sankey", "g.layout.title.text")
    assert duo.get_logs() == []


def test_country_profile_lists_real_top_destinations(duo, editions):
    """Read once the panels have settled, each value in one step in the page: the panels
    re-render while the profile loads, and an element found before that goes stale."""
    duo.driver.get(duo.server_url + "/country?area=484&lang=en")
    duo.wait_for_element("#country-destinations .js-plotly-plot .bars", timeout=20)
    settle(duo)
    bars = plotted(duo, "country-destinations", "g._fullData[0].y")
    assert bars[-1] == "United States of America"  # the largest is drawn on top
    first = wait_for_text(duo, "#country-destinations-table tbody tr", bool, "the destinations table")
    assert first.startswith("United States of America")
    comparison = wait_for_text(duo, "#country-comparison", lambda text: "UN DESA" in text, "the comparison")
    assert "World Bank/KNOMAD" in comparison
    assert duo.get_logs() == []
