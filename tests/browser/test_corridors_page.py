"""The corridors page with origin x destination data loaded (generated fixture workbook)."""

from __future__ import annotations

from dashboard.app import create_app


def test_sankey_matrix_and_top_corridors_render(dash_duo, od_db):
    dash_duo.start_server(create_app(od_db))
    dash_duo.driver.get(dash_duo.server_url + "/corridors?revision=2020&year=2020&lang=en")
    dash_duo.wait_for_element("#corr-sankey .js-plotly-plot .sankey", timeout=20)
    dash_duo.wait_for_contains_text("#corr-top-data", "Mexico", timeout=10)
    first_row = dash_duo.find_elements("#corr-top-data tbody tr")[0].text
    assert first_row.startswith("Mexico United States of America 35,000")
    assert "Rest of the world" in dash_duo.find_element("#corr-sankey").text
    assert dash_duo.get_logs() == []


def test_corridors_page_says_how_to_load_missing_origin_data(dash_duo, od_db):
    dash_duo.start_server(create_app(od_db))
    dash_duo.driver.get(dash_duo.server_url + "/corridors?revision=2024&lang=es")
    dash_duo.wait_for_contains_text("#corr-notice", "migdash etl", timeout=20)
    assert "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx" in dash_duo.find_element("#corr-notice").text
