"""The briefs in a real browser: a talking-point card's copy button puts the sentence and its
citation on the clipboard; the Briefs page links every theme's brief and follows the area picker."""

from __future__ import annotations

import time

import pytest
import requests

from readside.documents import points, subjects
from readside.queries import Database
from readside.text import t

COPIED_TEXT = "return document.getElementById(arguments[0]).innerText;"
READ_CLIPBOARD = ("const done = arguments[arguments.length - 1];"
                  "navigator.clipboard.readText().then(done).catch(e => done('error: ' + e));")


def wait_for(condition, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.parametrize(("path", "prefix", "subject", "lang"), [
    ("/?lang=es", "overview-tp", subjects.Subject("theme", "overview"), "es"),
    ("/country?area=484&lang=en", "country-tp", subjects.Subject("area", "484"), "en"),
])
def test_card_copy_button_copies_the_sentence_and_its_citation(duo, built_db, path, prefix, subject, lang):
    driver = duo.driver
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": duo.server_url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    duo.wait_for_page(f"{duo.server_url}{path}", timeout=30)
    duo.wait_for_element(f"#{prefix}-0-copy", timeout=60)
    point = points.talking_points(Database(built_db), subject, lang)[0]
    shown = driver.execute_script(COPIED_TEXT, f"{prefix}-0")
    assert point.sentence in shown and point.citation in shown
    button = duo.find_element(f"#{prefix}-0-copy")
    assert button.get_attribute("title") == t(lang, "briefs.copy")
    button.click()
    copied = wait_for(lambda: (driver.execute_async_script(READ_CLIPBOARD) or "").strip())
    assert point.sentence in copied and point.citation in copied
    assert copied.index(point.sentence) < copied.index(point.citation)
    link = duo.find_element(f"#{prefix}-download").get_attribute("href")
    assert f"/brief/html?{subject.kind}={subject.key}&lang={lang}" in link
    assert duo.get_logs() == []


def test_briefs_page_lists_every_theme_and_follows_the_area_picker(duo, built_db):
    duo.wait_for_page(f"{duo.server_url}/briefs?lang=fr&area=332")
    duo.wait_for_element("h1", timeout=20)
    for key in subjects.themes():
        href = duo.find_element(f"#brief-theme-{key}-pdf").get_attribute("href")
        assert href.endswith(f"/brief/pdf?theme={key}&lang=fr")
    area = wait_for(lambda: duo.find_element("#brief-area-html").get_attribute("href"))
    assert area.endswith("/brief/html?area=332&lang=fr")
    reply = requests.get(area, timeout=60)
    assert reply.status_code == 200 and "Haïti" in reply.text and "<script" not in reply.text
    assert duo.get_logs() == []
