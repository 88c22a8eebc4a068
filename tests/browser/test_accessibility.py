"""Accessibility in a real browser (issue #17): axe-core finds no WCAG 2 A/AA violation on any
page, in English and Spanish, before and after the main interactions; the overview works with
the keyboard alone; every page reflows at a phone's 390 CSS px without horizontal scrolling.

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

from dashboard.app import create_app
from readside.text import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
AXE_FILE = Path(os.environ.get("MIGDASH_AXE") or Path(sys.prefix) / "axe" / "node_modules" / "axe-core" / "axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_WIDTH = 390


@pytest.fixture
def app(built_db):
    return create_app(built_db)


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_FILE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE_FILE}: run `make test` (it installs axe-core@4 from npm once)")
    return AXE_FILE.read_text(encoding="utf-8")


def page_paths() -> list[str]:
    return [page["path"] for page in dash.page_registry.values() if page["path"] != "/404"]


PAGES = ["/", "/claims", "/subregions", "/corridors", "/country", "/map", "/remittances", "/refugees", "/data", "/sources", "/flows",
         "/availability", "/check", "/briefs"]


def settle(dash_duo, seconds: float = 0.8) -> None:
    """Wait until Dash has no callback in flight and the charts have drawn."""
    dash_duo.wait_for_element("main h1", timeout=20)
    deadline = time.monotonic() + 20
    script = ("return !document.querySelector('[data-dash-is-loading=\"true\"]') && "
              "[...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'));")
    while time.monotonic() < deadline and not dash_duo.driver.execute_script(script):
        time.sleep(0.2)
    time.sleep(seconds)  # a11y.js repairs on the next animation frame after the last mutation


def navigate(dash_duo, path: str) -> None:
    """Go to another page, or the same page in another language, as the header's links do
    (Dash's router, no reload: plotly.js is not parsed again), and wait until the new page's
    heading or language has replaced the old one."""
    driver = dash_duo.driver
    shown = ("const m = document.querySelector('main[lang]'); const h = document.querySelector('main h1');"
             "return h && m ? [h.textContent, m.lang] : null;")
    before = driver.execute_script(shown)
    target, _, query = path.partition("?")
    lang = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("lang")
    if driver.execute_script("return window.location.pathname") == target and before and before[1] == lang:
        return  # already there (the page may have written its selections into the query string)
    driver.execute_script("window.history.pushState({}, '', arguments[0]);"
                          "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));", path)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and driver.execute_script(shown) in (before, None):
        time.sleep(0.1)


def axe_violations(dash_duo, axe_source: str) -> list[str]:
    driver = dash_duo.driver
    driver.set_script_timeout(90)
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(axe_source)
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map("
        "n => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 160)).join(' | '))))"
        ".catch(e => done(['axe failed: ' + e]));",
        WCAG_TAGS,
    )
    return list(found)


def change_a_selection(dash_duo) -> str:
    """The page's first radio group gets another value (or its first dropdown, by keyboard)."""
    driver = dash_duo.driver
    radios = driver.execute_script(
        "return [...document.querySelectorAll('main .dash-options-list input[type=radio]')]"
        ".filter(i => !i.closest('.dash-dropdown-wrapper') && !i.checked && !i.disabled && i.getClientRects().length);"
    )
    if radios:
        radios[0].click()
        return "radio"
    buttons = dash_duo.find_elements("main button.dash-dropdown")
    if buttons:
        buttons[0].send_keys(Keys.ENTER)
        time.sleep(0.5)
        driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        return "dropdown"
    return "none"


def open_every_details(dash_duo) -> int:
    return dash_duo.driver.execute_script(
        "const all = document.querySelectorAll('main details'); all.forEach(d => { d.open = true; }); return all.length;"
    )


def test_every_registered_page_is_covered():
    assert set(page_paths()) <= set(PAGES)


@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_violation_before_and_after_interactions(dash_duo, app, axe_source, path):
    """Each page in every language the app speaks (one server per page keeps the suite short)."""
    dash_duo.start_server(app)
    for lang in LANGUAGES:  # the structure is the same in every language: the states, in two of them
        check_page(dash_duo, axe_source, path, lang, interact=lang in ("en", "es"))
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []


def check_page(dash_duo, axe_source: str, path: str, lang: str, *, interact: bool = True) -> None:
    """As loaded, and (with `interact`) after a selection with every table opened and with a
    dropdown's list open. The first language loads the page; the others come through Dash's
    router, as a link does (the same layout, without parsing plotly.js again)."""
    if lang != LANGUAGES[0]:  # the page is open in the first language: switch through the router
        navigate(dash_duo, f"{path}?lang={lang}")
    else:
        dash_duo.driver.get(f"{dash_duo.server_url}{path}?lang={lang}")
    settle(dash_duo)
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == lang
    assert axe_violations(dash_duo, axe_source) == [], f"{path}?lang={lang}, as loaded"
    if not interact:
        return

    change_a_selection(dash_duo)
    settle(dash_duo)
    open_every_details(dash_duo)
    settle(dash_duo, 0.5)
    assert axe_violations(dash_duo, axe_source) == [], f"{path}?lang={lang}, after a selection and the tables opened"

    dropdowns = dash_duo.find_elements("main button.dash-dropdown")
    if dropdowns:  # the list of a dropdown, open
        dropdowns[0].send_keys(Keys.ENTER)
        dash_duo.wait_for_element(".dash-dropdown-options", timeout=10)
        time.sleep(0.5)
        assert axe_violations(dash_duo, axe_source) == [], f"{path}?lang={lang}, a dropdown open"


def test_charts_have_a_text_alternative_in_the_page_language(dash_duo, app):
    dash_duo.start_server(app)
    for lang, word, decimal in (("en", " in ", "."), ("es", " en ", ",")):
        dash_duo.driver.get(f"{dash_duo.server_url}/?lang={lang}")
        settle(dash_duo)
        graph = dash_duo.find_element("#overview-trend")
        assert graph.get_attribute("role") == "figure"
        assert graph.get_attribute("aria-label") == dash_duo.driver.execute_script(
            "return document.querySelector('#overview-trend .js-plotly-plot').layout.title.text"
            ".replace(/<br\\s*>/g, ' ')")  # chart_fit.js may wrap the title to the chart's width
        summary = dash_duo.driver.execute_script(
            "return document.getElementById(arguments[0].getAttribute('aria-describedby')).textContent;", graph)
        assert word in summary and "%" in summary, summary
        assert f"{decimal}" in summary.split(":")[1], summary  # 78.7 million / 78,7 millones


def test_the_chart_toolbar_speaks_the_page_language(dash_duo, app):
    """plotly.js names its toolbar buttons in English; a11y.js gives them the page's language."""
    dash_duo.start_server(app)
    for lang, png in (("pt", "Baixar o gráfico como PNG"), ("fr", "Télécharger le graphique en PNG")):
        dash_duo.driver.get(f"{dash_duo.server_url}/?lang={lang}")
        settle(dash_duo)
        titles = dash_duo.driver.execute_script(
            "return [...document.querySelectorAll('#overview-trend .modebar-btn[data-title]')]"
            ".map(b => [b.getAttribute('data-title'), b.getAttribute('aria-label')]);")
        assert [png, png] in titles, titles
        assert not {"Zoom in", "Zoom out", "Pan", "Autoscale", "Reset axes"} & {title for title, _ in titles}, titles


def test_the_overview_works_with_the_keyboard_alone(dash_duo, app):
    dash_duo.start_server(app)
    driver = dash_duo.driver
    settle(dash_duo)
    before = dash_duo.find_element("#overview-revision").text
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

    revision = dash_duo.find_element("#overview-revision")
    driver.execute_script("arguments[0].focus()", revision)
    revision.send_keys(Keys.ENTER)  # opens the list on the chosen revision
    dash_duo.wait_for_element(".dash-dropdown-options", timeout=10)
    time.sleep(0.3)
    ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    dash_duo.wait_for_no_elements(".dash-dropdown-options", timeout=10)
    after = dash_duo.find_element("#overview-revision").text
    assert after != before
    assert f"revision={re.search(r'(19|20)[0-9]{2}', after).group(0)}" in driver.current_url
    assert driver.execute_script("return document.activeElement.id") == "overview-revision"


def test_the_sex_radio_buttons_work_with_arrow_keys(dash_duo, app):
    dash_duo.start_server(app)
    settle(dash_duo)
    radios = dash_duo.find_elements("#overview-sex input")
    radios[0].send_keys(Keys.ARROW_RIGHT)
    dash_duo.wait_for_contains_text("#overview-trend", "men", timeout=10)
    assert radios[1].is_selected() and "sex=male" in dash_duo.driver.current_url


def phone(dash_duo, width: int = PHONE_WIDTH) -> None:
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_fits_a_phone_without_horizontal_scrolling(dash_duo, app, lang):
    dash_duo.start_server(app)
    phone(dash_duo)
    too_wide = {}
    dash_duo.driver.get(f"{dash_duo.server_url}/?lang={lang}")
    for path in PAGES:
        navigate(dash_duo, f"{path}?lang={lang}")
        settle(dash_duo)
        open_every_details(dash_duo)
        time.sleep(0.3)
        width = dash_duo.driver.execute_script("return document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            too_wide[path] = width
    assert too_wide == {}


def test_the_header_menu_folds_on_a_phone(dash_duo, app):
    dash_duo.start_server(app)
    phone(dash_duo)
    settle(dash_duo)
    toggle = dash_duo.find_element("#nav-toggle")
    nav = dash_duo.find_element("#main-nav")
    assert toggle.is_displayed() and not nav.is_displayed()
    toggle.send_keys(Keys.ENTER)
    assert toggle.get_attribute("aria-expanded") == "true" and nav.is_displayed()
    nav.find_elements("css selector", "a")[1].send_keys(Keys.ENTER)
    dash_duo.wait_for_element("main h1", timeout=20)
    assert not dash_duo.find_element("#main-nav").is_displayed()  # closed again on the new page
