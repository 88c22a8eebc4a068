"""The Help page in a real browser, one walk in Portuguese: from a chart's "numbers behind the
chart" to the section that says what its figures count, scrolled into view; the header links to
Help; every screenshot loads. Guides, anchors and links are unit tests (tests/test_guides.py,
tests/test_docs.py)."""

from __future__ import annotations

import time

import pytest

from readside import guides
from readside.text import t
from tests.browser.helpers import settle

pytestmark = pytest.mark.browser
TOP_OF = "return document.getElementById(arguments[0]).getBoundingClientRect().top;"


def test_a_charts_help_link_opens_its_section_in_portuguese(duo):
    driver = duo.driver
    driver.get(f"{duo.server_url}/subregions?lang=pt")
    duo.wait_for_element("#sub-stock-help", timeout=30)
    settle(duo)  # the charts' callbacks have redrawn their boxes: the link clicked is the one shown
    link = duo.find_element("#sub-stock-help")
    driver.execute_script("arguments[0].closest('details').open = true;", link)
    duo.wait_for_text_to_equal("#sub-stock-help", t("pt", "help.chart_link"), timeout=10)
    link.click()
    duo.wait_for_element("#help-page", timeout=30)
    assert driver.current_url.endswith("/help?lang=pt#what-each-source-counts")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not 0 <= driver.execute_script(TOP_OF, "what-each-source-counts") < 200:
        time.sleep(0.2)
    assert 0 <= driver.execute_script(TOP_OF, "what-each-source-counts") < 200  # scrolled to, not left at the top
    nav = [a.text for a in duo.find_elements("#main-nav a")]
    assert t("pt", "nav.help") in nav
    for guide in guides.guides("pt"):
        assert all(duo.find_elements(f"#{anchor}") for anchor in (guide.key, *guide.anchors))
    images = duo.find_elements("main .guide-text img")
    assert len(images) >= 4
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not all(i.get_attribute("naturalWidth") not in (None, "0") for i in images):
        time.sleep(0.2)
    assert all(i.get_attribute("naturalWidth") not in (None, "0") for i in images)
    assert all("/assets/help/pt/" in i.get_attribute("src") for i in images)
    assert duo.get_logs() == []
