"""The asylum, new-displacement and solutions panels in a real browser, in the four languages:
one browser, the Refugees page in each language through Dash's router, then the United States'
profile (a host counting cases), every new chart drawn and labelled in the page's language.
(The country panel's strings in every language are checked as plain functions in
tests/test_asylum_pages.py; one profile here keeps the browser time small.)"""

from __future__ import annotations

from dashboard.app import create_app
from readside.text import LANGUAGES, t
from tests.browser.test_accessibility import navigate

REFUGEE_CHARTS = ("#asy-trend", "#asy-rate", "#asy-hosts", "#asy-origins", "#flow-sankey", "#flow-trend", "#sol-trend")
COUNTRY_CHARTS = ("#country-asylum-trend", "#country-asylum-rate", "#country-asylum-origins")


def drawn(dash_duo, *selectors: str) -> None:
    for selector in selectors:
        dash_duo.wait_for_element(f"{selector} .main-svg", timeout=30)


def test_asylum_panels_in_the_four_languages(dash_duo, built_db):
    dash_duo.start_server(create_app(built_db))
    for lang in LANGUAGES:
        navigate(dash_duo, f"/refugees?lang={lang}&ahost=840&aorigin=862")
        drawn(dash_duo, *REFUGEE_CHARTS)
        main = dash_duo.find_element("main").text
        for key in ("asylum.title", "asylum.flows_title", "asylum.solutions_title"):
            assert t(lang, key) in main, (lang, key)
        assert t(lang, "asylum.rest_of_world") in dash_duo.find_element("#flow-sankey").text, lang
        assert t(lang, "asylum.basis.cases") in dash_duo.find_element("#asy-trend").text, lang  # its own line
    navigate(dash_duo, "/country?area=840&lang=pt")
    drawn(dash_duo, *COUNTRY_CHARTS)
    panel = dash_duo.find_element("#country-asylum").text
    assert t("pt", "asylum.country_title", name="Estados Unidos") in panel
    assert "Estados Unidos: pedidos de asilo contados em casos" in panel
    assert "Traceback" not in dash_duo.find_element("body").text
    assert dash_duo.get_logs() == []
