"""The corridors page with origin x destination data loaded (generated fixture workbook)."""

from __future__ import annotations

from dashboard.app import create_app
from readside.text import t


def test_sankey_matrix_and_top_corridors_render(dash_duo, od_db):
    dash_duo.start_server(create_app(od_db))
    dash_duo.driver.get(dash_duo.server_url + "/corridors?revision=2020&year=2020&lang=en")
    dash_duo.wait_for_element("#corr-sankey .js-plotly-plot .sankey", timeout=20)
    dash_duo.wait_for_contains_text("#corr-top-data", "Mexico", timeout=10)
    first_row = dash_duo.find_elements("#corr-top-data tbody tr")[0].text
    assert first_row.startswith("Mexico United States of America 35,000")
    assert "Rest of the world" in dash_duo.find_element("#corr-sankey").text
    assert dash_duo.get_logs() == []


def test_corridors_page_says_in_words_what_origin_data_is_missing(dash_duo, od_db):
    dash_duo.start_server(create_app(od_db))
    dash_duo.driver.get(dash_duo.server_url + "/corridors?revision=2024&lang=es")
    dash_duo.wait_for_contains_text("#corr-notice", t("es", "notice.sources_link"), timeout=20)
    text = dash_duo.find_element("#corr-notice").text
    assert "2024" in text and "migdash etl" not in text
    assert "/sources" in dash_duo.find_element("#corr-notice a").get_attribute("href")
