"""The corridors page with origin x destination data loaded (generated fixture workbook)."""

from __future__ import annotations

import pytest

from dashboard.app import create_app
from readside.text import t


@pytest.fixture(scope="module")
def module_app(od_db):
    """The module's shared server serves this database."""
    return create_app(od_db)


def test_sankey_matrix_and_top_corridors_render(duo, od_db):
    duo.driver.get(duo.server_url + "/corridors?revision=2020&year=2020&lang=en")
    duo.wait_for_element("#corr-sankey .js-plotly-plot .sankey", timeout=20)
    duo.wait_for_contains_text("#corr-top-data", "Mexico", timeout=10)
    first_row = duo.find_elements("#corr-top-data tbody tr")[0].text
    assert first_row.startswith("Mexico United States of America 35,000")
    assert "Rest of the world" in duo.find_element("#corr-sankey").text
    assert duo.get_logs() == []


def test_corridors_page_says_in_words_what_origin_data_is_missing(duo, od_db):
    duo.driver.get(duo.server_url + "/corridors?revision=2024&lang=es")
    duo.wait_for_contains_text("#corr-notice", t("es", "notice.sources_link"), timeout=20)
    text = duo.find_element("#corr-notice").text
    assert "2024" in text and "migdash etl" not in text
    assert "/sources" in duo.find_element("#corr-notice a").get_attribute("href")
