"""Which Help section says what a chart's figures count: each chart's "numbers behind the
chart" links there (dashboard.components.numbers_behind), in the reader's language."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, get_relative_path

from readside.text import language, t

HELP_PATH = "/help"
# Chart (graph id, or the prefix of a family of graph ids) -> section anchor of a Help guide.
# The longest matching prefix wins; tests/test_guides.py checks every chart of every page has one.
CHART_SECTIONS = {
    "overview-trend": "americas-and-oas",
    "sub-": "what-each-source-counts",
    "sub-flows": "stock-and-flows",
    "country-trend": "what-each-source-counts",
    "country-share": "what-each-source-counts",
    "country-sex-split": "what-each-source-counts",
    "country-origins": "what-each-source-counts",
    "country-destinations": "what-each-source-counts",
    "country-worldbank": "revisions-and-vintages",
    "country-unhcr": "double-counting",
    "country-wpp": "stock-and-flows",
    "country-oecd": "stock-and-flows",
    "country-idmc": "stock-and-flows",
    "country-iom": "what-each-source-counts",
    "country-group-": "sums-over-members",
    "corr-sankey": "stock-and-flows",
    "corr-matrix": "stock-and-flows",
    "corr-net": "stock-and-flows",
    "corr-disp": "double-counting",
    "rem-": "revisions-and-vintages",
    "ref-": "double-counting",
    "asy-": "stock-and-flows",  # UNHCR asylum applications and decisions in a year
    "flow-": "stock-and-flows",  # UNHCR arrivals in a year
    "sol-": "stock-and-flows",  # UNHCR durable solutions in a year
    "country-asylum-": "stock-and-flows",
    "flows-permanent": "stock-and-flows",
    "flows-temporary": "stock-and-flows",
    "flows-totals": "stock-and-flows",
    "flows-cost": "what-each-source-counts",
    "flows-routes": "what-each-source-counts",
    "flows-incidents": "what-each-source-counts",
    "flows-disasters": "stock-and-flows",
    "flows-conflict": "stock-and-flows",
    "map-": "what-each-source-counts",
}
DEFAULT_SECTION = "what-each-source-counts"


def section_for(graph_id: str) -> str | None:
    """The Help section of a chart, or None when no entry names it."""
    matches = [prefix for prefix in CHART_SECTIONS if graph_id.startswith(prefix)]
    return CHART_SECTIONS[max(matches, key=len)] if matches else None


def help_href(lang: str, section: str | None = None) -> str:
    """The Help page in the reader's language, at a section."""
    return f"{get_relative_path(HELP_PATH)}?{urlencode({'lang': language(lang)})}" + (f"#{section}" if section else "")


def help_link(graph_id: str, lang: str) -> dcc.Link:
    """"What these figures count" -> the chart's Help section (the source table when unlisted)."""
    return dcc.Link(t(lang, "help.chart_link"), href=help_href(lang, section_for(graph_id) or DEFAULT_SECTION),
                    className="help-link", id=f"{graph_id}-help")
