"""'Check a text' in a real browser, one economical walk: paste the issue's Spanish paragraph on
the English page with no language chosen, see the detected language and the five verdicts, copy
the refreshed Spanish paragraph; the text never reaches the URL. Labels, the language override,
over-long texts and the CSV are unit tests of the callbacks (tests/test_check_page.py)."""

from __future__ import annotations

import os

import pytest

from readside import scan
from readside.queries import Database
from readside.text import t
from tests.test_scan import ACCEPTANCE

pytestmark = pytest.mark.browser
COPIED_TEXT = "return document.getElementById(arguments[0]).innerText;"
SHOTS = os.environ.get("MIGDASH_CHECK_SHOTS")  # a folder: save a screenshot there (to look at the page)


def test_the_spanish_paragraph_is_detected_checked_and_refreshed(duo, built_db):
    duo.driver.get(f"{duo.server_url}/check?lang=en")
    area = duo.wait_for_element("#check-text", timeout=30)
    duo.driver.execute_script(  # set the value as React sees it (send_keys is slow for long text)
        "const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;"
        "setter.call(arguments[0], arguments[1]); arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        area, ACCEPTANCE)
    duo.find_element("#check-run").click()
    duo.wait_for_element("#check-refreshed", timeout=60)
    expected = scan.scan(Database(built_db), ACCEPTANCE)
    assert duo.find_element("#check-language").text == t("en", "scan.detected", language="Español")
    badges = [b.text for table in ("#check-figures-1", "#check-figures-2", "#check-figures-3")
              for b in duo.find_elements(f"{table} .badge")]
    assert badges == ["matches", "differs", "differs", "matches", "matches"]
    second = duo.find_element("#check-figures-2").text
    assert "South America, international migrants 2020" in second and "share of women among migrants" in second
    assert "mujeres (its phrase)" in second and "América del Sur (the sentence)" in second
    copied = duo.driver.execute_script(COPIED_TEXT, "check-refreshed")
    assert copied == f"{expected.refreshed} {expected.citation}"
    assert "frente a 59,3 millones en 2010" in copied and "consultado el" in copied and " million " not in copied
    assert duo.find_element("#check-refreshed").get_attribute("lang") == "es"
    assert "73,5" not in duo.driver.current_url and "text" not in duo.driver.current_url
    if SHOTS:
        duo.driver.set_window_size(1300, 2400)
        duo.driver.save_screenshot(os.path.join(SHOTS, "check-es.png"))
    assert duo.get_logs() == []
