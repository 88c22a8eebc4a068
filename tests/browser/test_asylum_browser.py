"""The asylum, new-displacement and solutions panels in a real browser: the Refugees page in
Spanish, then the United States' profile in Portuguese (a host counting cases), every new chart
drawn and labelled in the page's language. The panels are laid out alike in every language, so
their strings in all four are checked as plain functions in tests/test_asylum_pages.py; the
browser draws two languages, not four (each Refugees page draws ten charts and a map)."""

from __future__ import annotations

from selenium.common.exceptions import TimeoutException

from readside.text import t
from tests.browser.helpers import navigate, settle, text_of
from tests.browser.network import callback_exchanges

REFUGEE_CHARTS = ("#asy-trend", "#asy-rate", "#asy-hosts", "#asy-origins", "#flow-sankey", "#flow-trend", "#sol-trend")
COUNTRY_CHARTS = ("#country-asylum-trend", "#country-asylum-rate", "#country-asylum-origins")


def drawn(dash_duo, *selectors: str) -> None:
    """Each chart drawn, once Dash has no callback in flight; a chart that never comes says what
    the page showed and logged instead (a notice, a callback error), not a bare timeout."""
    settle(dash_duo, limit_s=60)
    for selector in selectors:
        try:
            dash_duo.wait_for_element(f"{selector} .main-svg", timeout=30)
        except TimeoutException as missing:
            raise AssertionError(f"{selector} not drawn; its box: {text_of(dash_duo, selector + '-box')!r}; "
                                 f"logs: {dash_duo.get_logs()}; callbacks: {callback_exchanges(dash_duo.driver)}") from missing


def test_asylum_panels_in_spanish_and_portuguese(duo):
    dash_duo = duo
    lang = "es"
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
