"""Accessibility in a real browser (issue #17): axe-core finds no WCAG 2 A/AA violation on any
page, in every language as loaded and, in one language, after the main interactions (the
structure is the same in every language); the overview works with the keyboard alone; every
page reflows at a phone's 390 CSS px without horizontal scrolling, in every language (words
differ in length). One server and one browser per test module and xdist worker (`duo`).

axe-core comes from the npm registry at install time (`make test` runs `npm install ... axe-core@4`
into $(VENV)/axe); these tests only read that file and skip, saying so, when it is absent.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import dash
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from readside.text import LANGUAGES
from tests.browser.helpers import focus_in_dropdown_list, navigate, settle, wait_for_text  # noqa: F401 (navigate: imported from here by others)

ROOT = Path(__file__).resolve().parents[2]
AXE_FILE = Path(os.environ.get("MIGDASH_AXE") or Path(sys.prefix) / "axe" / "node_modules" / "axe-core" / "axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_WIDTH = 390
SCREENSHOTS = ROOT / "docs" / "screenshots"  # MIGDASH_SCREENSHOTS=1: each page, in English


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_FILE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE_FILE}: run `make test` (it installs axe-core@4 from npm once)")
    return AXE_FILE.read_text(encoding="utf-8")


def page_paths() -> list[str]:
    return [page["path"] for page in dash.page_registry.values() if page["path"] != "/404"]


PAGES = ["/", "/claims", "/subregions", "/corridors", "/country", "/map", "/remittances", "/refugees", "/data", "/sources", "/flows",
         "/availability", "/check", "/briefs", "/changes", "/report", "/help"]


def axe_violations(duo, axe_source: str, within: tuple[str, ...] = ()) -> list[str]:
    """axe-core's WCAG 2 A/AA violations in the document, or only in the elements matching
    `within` (the part of the page an interaction changed)."""
    driver = duo.driver
    driver.set_script_timeout(90)
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(axe_source)
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const within = arguments[1].filter(s => document.querySelector(s));"
        "axe.run(within.length ? {include: within.map(s => [s])} : document,"
        " {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map("
        "n => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 160)).join(' | '))))"
        ".catch(e => done(['axe failed: ' + e]));",
        WCAG_TAGS, list(within),
    )
    return list(found)


def change_a_selection(duo) -> str:
    """The page's first radio group gets another value (or its first dropdown, by keyboard)."""
    driver = duo.driver
    radios = driver.execute_script(
        "return [...document.querySelectorAll('main .dash-options-list input[type=radio]')]"
        ".filter(i => !i.closest('.dash-dropdown-wrapper') && !i.checked && !i.disabled && i.getClientRects().length);"
    )
    if radios:
        radios[0].click()
        return "radio"
    buttons = dropdown_buttons(duo)
    if buttons:
        buttons[0].send_keys(Keys.ENTER)
        duo.wait_for_element(".dash-dropdown-options", timeout=10)
        focused = focus_in_dropdown_list(duo)
        driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
        focus_in_dropdown_list(duo, other_than=focused)
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        return "dropdown"
    return "none"


def dropdown_buttons(duo) -> list:
    """The page's dropdown buttons, found without the driver's implicit wait (none is an answer)."""
    return duo.driver.execute_script("return [...document.querySelectorAll('main button.dash-dropdown')];")


def open_every_details(duo) -> int:
    return duo.driver.execute_script(
        "const all = document.querySelectorAll('main details'); all.forEach(d => { d.open = true; }); return all.length;"
    )


def test_every_registered_page_is_covered(module_app):
    """Against the pages an app has registered (the registry is empty until an app exists, so
    without `module_app` this passed or failed by the order tests ran in)."""
    assert page_paths() and set(page_paths()) <= set(PAGES)


def audited_languages(path: str) -> tuple[str, ...]:
    """English (with the interactions), and on every other page one translated language,
    Spanish, French and Portuguese in turn: the layout is the same in every language, so every
    language is audited across the pages at a third of the cost of four (the chart review reads
    every page's words in two languages, test_i18n every key in four)."""
    translated = [lang for lang in LANGUAGES if lang != LANGUAGES[0]]
    index = PAGES.index(path)
    if index % 2:  # every other page: English only (CI time; every translated language stays audited)
        return (LANGUAGES[0],)
    return LANGUAGES[0], translated[index // 2 % len(translated)]


@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_violation_before_and_after_interactions(duo, axe_source, path):
    """Each page in English and a translated language (audited_languages), reached as a
    reader would (the first by loading it, the other through Dash's router); no error in the
    browser's console."""
    for lang in audited_languages(path):
        check_page(duo, axe_source, path, lang, interact=lang == LANGUAGES[0])
    assert duo.get_logs() == []


def check_page(duo, axe_source: str, path: str, lang: str, *, interact: bool = True) -> None:
    """As loaded, and (with `interact`) after a selection with every table opened and with a
    dropdown's list open. The first language loads the page; the others come through Dash's
    router, as a link does (the same layout, without parsing plotly.js again)."""
    if lang != LANGUAGES[0]:  # the page is open in the first language: switch through the router
        navigate(duo, f"{path}?lang={lang}")
    else:
        duo.driver.get(f"{duo.server_url}{path}?lang={lang}")
    settle(duo)
    assert duo.driver.execute_script("return [document.documentElement.lang, document.querySelector('main').lang]") \
        == [lang, lang]
    assert "Traceback" not in duo.driver.execute_script("return document.body.innerText")
    if lang == "en" and os.environ.get("MIGDASH_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        duo.driver.save_screenshot(str(SCREENSHOTS / f"{path.strip('/') or 'overview'}.png"))
    assert axe_violations(duo, axe_source) == [], f"{path}?lang={lang}, as loaded"
    if not interact:
        return

    change_a_selection(duo)
    settle(duo)
    open_every_details(duo)
    settle(duo)
    assert axe_violations(duo, axe_source) == [], f"{path}?lang={lang}, after a selection and the tables opened"

    dropdowns = dropdown_buttons(duo)
    if dropdowns:  # the list of a dropdown, open: what changed is the dropdown and its list
        dropdowns[0].send_keys(Keys.ENTER)
        duo.wait_for_element(".dash-dropdown-options", timeout=10)
        settle(duo, quiet_ms=150)
        assert axe_violations(duo, axe_source, within=(".dash-dropdown-wrapper", ".dash-dropdown-content")) == [], \
            f"{path}?lang={lang}, a dropdown open"


def test_charts_have_a_text_alternative_in_the_page_language(duo):
    for lang, word, decimal in (("en", " in ", "."), ("es", " en ", ",")):
        duo.driver.get(f"{duo.server_url}/?lang={lang}")
        settle(duo)
        graph = duo.find_element("#overview-trend")
        assert graph.get_attribute("role") == "figure"
        assert graph.get_attribute("aria-label") == duo.driver.execute_script(
            "return document.querySelector('#overview-trend .js-plotly-plot').layout.title.text"
            ".replace(/<br\\s*>/g, ' ')")  # chart_fit.js may wrap the title to the chart's width
        summary = duo.driver.execute_script(
            "return document.getElementById(arguments[0].getAttribute('aria-describedby')).textContent;", graph)
        assert word in summary and "%" in summary, summary
        assert f"{decimal}" in summary.split(":")[1], summary  # 78.7 million / 78,7 millones


def test_the_chart_toolbar_speaks_the_page_language(duo):
    """plotly.js names its toolbar buttons in English; a11y.js gives them the page's language."""
    for lang, png in (("pt", "Baixar o gráfico como PNG"), ("fr", "Télécharger le graphique en PNG")):
        duo.driver.get(f"{duo.server_url}/?lang={lang}")
        settle(duo)
        titles = duo.driver.execute_script(
            "return [...document.querySelectorAll('#overview-trend .modebar-btn[data-title]')]"
            ".map(b => [b.getAttribute('data-title'), b.getAttribute('aria-label')]);")
        assert [png, png] in titles, titles
        assert not {"Zoom in", "Zoom out", "Pan", "Autoscale", "Reset axes"} & {title for title, _ in titles}, titles


def test_the_overview_works_with_the_keyboard_alone(duo):
    driver = duo.driver
    driver.get(duo.server_url + "/")
    settle(duo)
    before = duo.find_element("#overview-revision").text
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("class") == "skip-link"
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    assert driver.execute_script("return document.activeElement.id") == "main"

    stops = []
    for _ in range(80):  # Tab through the page: every stop shows where the focus is
        ActionChains(driver).send_keys(Keys.TAB).perform()
        stop = driver.execute_script(
            "const e = document.activeElement; const s = getComputedStyle(e);"
            "return [e.id, e.tagName, e.className.baseVal === undefined ? e.className : '', "
            "e.getAttribute('aria-label') || e.textContent.trim().slice(0, 40), s.outlineStyle !== 'none' && s.outlineWidth !== '0px'];"
        )
        stops.append(stop)
        if stop[1] == "BODY":
            break
    ids = [s[0] for s in stops]
    assert "overview-revision" in ids, stops
    assert any(s[1] == "SUMMARY" for s in stops), stops
    assert any("modebar-btn" in s[2] and "PNG" in s[3] for s in stops), stops  # the chart's PNG export
    assert [s for s in stops if s[1] != "BODY" and not s[4]] == [], "a keyboard stop without a visible focus"

    revision = duo.find_element("#overview-revision")
    driver.execute_script("arguments[0].focus()", revision)
    revision.send_keys(Keys.ENTER)  # opens the list on the chosen revision
    duo.wait_for_element(".dash-dropdown-options", timeout=10)
    chosen = focus_in_dropdown_list(duo)
    ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()
    focus_in_dropdown_list(duo, other_than=chosen)
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    duo.wait_for_no_elements(".dash-dropdown-options", timeout=10)
    after = duo.find_element("#overview-revision").text
    assert after != before
    assert f"revision={re.search(r'(19|20)[0-9]{2}', after).group(0)}" in driver.current_url
    assert driver.execute_script("return document.activeElement.id") == "overview-revision"


def test_the_sex_radio_buttons_work_with_arrow_keys(duo):
    duo.driver.get(duo.server_url + "/")
    settle(duo)
    radios = duo.find_elements("#overview-sex input")
    radios[0].send_keys(Keys.ARROW_RIGHT)
    duo.wait_for_contains_text("#overview-trend", "men", timeout=10)
    assert radios[1].is_selected() and "sex=male" in duo.driver.current_url


def phone(duo, width: int = PHONE_WIDTH) -> None:
    duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True})


# Every page's width at 390 px (with every <details> open) and the console on the way from
# page to page are checked by test_chart_review.py's walk, which reads every page at 390 px.


def test_the_header_menu_folds_on_a_phone(duo):
    phone(duo)
    duo.driver.get(duo.server_url + "/")
    settle(duo)
    toggle = duo.find_element("#nav-toggle")
    nav = duo.find_element("#main-nav")
    assert toggle.is_displayed() and not nav.is_displayed()
    toggle.send_keys(Keys.ENTER)
    assert toggle.get_attribute("aria-expanded") == "true" and nav.is_displayed()
    heading = duo.find_element("main h1").text
    nav.find_elements("css selector", "a")[1].send_keys(Keys.ENTER)
    wait_for_text(duo, "main h1", lambda text: bool(text) and text != heading, "the next page's heading")
    settle(duo)
    closed = "return getComputedStyle(document.getElementById('main-nav')).display === 'none';"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not duo.driver.execute_script(closed):
        time.sleep(0.1)
    assert duo.driver.execute_script(closed)  # closed again on the new page
