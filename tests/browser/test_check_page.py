"""'Check a text' in a real browser: paste a paragraph, press Check, read the statuses, copy the
refreshed paragraph; the text never reaches the URL; an over-long text gets a clear message."""

from __future__ import annotations

import os

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from readside import scan
from readside.queries import Database
from readside.text import t

pytestmark = pytest.mark.browser
PARAGRAPH_ES = ("En 2020 las Américas acogían a 73,5 millones de migrantes internacionales, de los cuales 58,7 millones "
                "en América del Norte y 12,5 millones en América Latina y el Caribe. Unos 1,8 millones de venezolanos "
                "viven en Colombia.")
COPIED_TEXT = "return document.getElementById(arguments[0]).innerText;"
SHOTS = os.environ.get("MIGDASH_CHECK_SHOTS")  # a folder: save screenshots there (to look at the page)


def open_check(duo, built_db, lang: str) -> None:
    duo.driver.get(f"{duo.server_url}/check?lang={lang}")
    duo.wait_for_element("#check-text", timeout=30)


def paste_and_check(duo, text: str, text_lang: str | None = None) -> None:
    area = duo.find_element("#check-text")
    duo.driver.execute_script(  # set the value as React sees it (send_keys is slow for long text)
        "const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;"
        "setter.call(arguments[0], arguments[1]); arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        area, text)
    if text_lang:
        duo.select_dcc_dropdown("#check-lang", index=["en", "es", "fr", "pt"].index(text_lang))
    duo.find_element("#check-run").click()


def test_controls_are_labelled_and_the_language_follows_the_page(duo, built_db):
    open_check(duo, built_db, "fr")
    assert duo.find_element("label[for='check-text']").text == t("fr", "scan.text_label")
    assert duo.find_element("label[for='check-lang']").text == t("fr", "scan.lang_label")
    assert duo.find_element("#check-lang").text.startswith("Français")
    assert t("fr", "scan.privacy") in duo.find_element("#check-privacy").text
    assert duo.find_element("#check-download-button").get_attribute("hidden") is not None
    assert duo.get_logs() == []


def test_a_spanish_paragraph_is_checked_and_refreshed(duo, built_db):
    open_check(duo, built_db, "es")
    paste_and_check(duo, PARAGRAPH_ES)
    duo.wait_for_element("#check-refreshed", timeout=30)
    expected = scan.scan(Database(built_db), PARAGRAPH_ES, "es")
    understood = sum(f.understood for f in expected.found)
    assert duo.find_element("#check-summary").text == t("es", "scan.summary", count=4, understood=understood,
                                                               not_understood=4 - understood)
    badges = [b.text for b in duo.find_elements("#check-figures-1 .badge")]
    assert badges == [t("es", f"status.{s}") for s in expected.rows[expected.rows["sentence_number"] == 1]["status"]]
    assert t("es", "status.not understood") in duo.find_element("#check-figures-2").text
    assert "71,2 ≠ 73,5" in duo.find_element(".consistency-bad").text
    copied = duo.driver.execute_script(COPIED_TEXT, "check-refreshed")
    assert copied == f"{expected.refreshed} {expected.citation}"
    assert "12,5 millones" not in copied and "consultado el" in copied
    assert duo.find_element("#check-copy").get_attribute("title") == t("es", "scan.copy")
    assert duo.find_element("#check-download-button").get_attribute("hidden") is None
    assert "73,5" not in duo.driver.current_url and "text" not in duo.driver.current_url
    if SHOTS:
        duo.driver.set_window_size(1300, 2200)
        duo.driver.save_screenshot(os.path.join(SHOTS, "check-es.png"))
    assert duo.get_logs() == []


def test_an_english_paragraph_from_a_french_page(duo, built_db):
    open_check(duo, built_db, "fr")
    paste_and_check(duo, "In 2019 the Americas hosted 70.3 million international migrants.", "en")
    duo.wait_for_element("#check-figures-1", timeout=30)
    rows = duo.find_elements("#check-figures-1 tbody tr")
    first = [c.text for c in rows[0].find_elements(By.TAG_NAME, "td")]
    assert first[:3] == ["Amériques, migrants internationaux 2019", "70.3 million", "2019"]
    assert first[4] == t("fr", "status.matches")
    assert duo.find_element("#check-refreshed").get_attribute("lang") == "en"


def test_too_long_a_text_says_so(duo, built_db):
    open_check(duo, built_db, "en")
    paste_and_check(duo, "x" * (scan.MAX_CHARS + 5))
    until(lambda: "limit" in duo.find_element("#check-results").text, timeout=20)
    assert "20,005 characters" in duo.find_element("#check-results").text
    assert not duo.find_elements("#check-refreshed")
