"""Help: the task guides (readside/guides/<lang>/*.md) in the reader's language, with
screenshots of this dashboard; every chart's "numbers behind the chart" links to a section here.

The page has no callback: it is the guides' Markdown, with app links given the reader's
language and screenshots resolved to the assets of that language (English where one is missing).
assets/help.js scrolls to the section named in the address once the page has rendered."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dash
from dash import dcc, get_asset_url, get_relative_path, html

from dashboard.components import page_frame
from dashboard.help_links import HELP_PATH
from readside import guides
from readside.text import DEFAULT_LANGUAGE, language, t

# reads_database=False: the guides need no database (tests/test_page_layouts.py reads the flag)
dash.register_page(__name__, path=HELP_PATH, name="Help", order=99, reads_database=False)

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SCREENSHOT_FOLDER = "help"  # dashboard/assets/help/<lang>/<name>.png


def layout(lang: str = "en", **_: object) -> html.Div:
    lang = language(lang)
    shown = guides.guides(lang)
    return page_frame(
        lang, HELP_PATH, {},
        html.H1(t(lang, "help.title")),
        html.P(t(lang, "help.intro")),
        html.Nav([html.H2(t(lang, "help.contents"), id="help-contents"), contents(shown)],
                 className="help-contents", **{"aria-labelledby": "help-contents"}),
        *[article(guide, lang) for guide in shown],
        help_marker(),
    )


def help_marker() -> html.Span:
    """Marks the page for assets/help.js (it scrolls to a section only on this page)."""
    return html.Span(id="help-page", hidden=True)


def contents(shown: list[guides.Guide]) -> html.Ol:
    return html.Ol([
        html.Li([html.A(guide.title, href=f"#{guide.key}"),
                 html.Ul([html.Li(html.A(s.title, href=f"#{s.anchor}")) for s in guide.sections])])
        for guide in shown
    ])


def article(guide: guides.Guide, lang: str) -> html.Article:
    sections = [html.Section([html.H3(s.title), markdown(s.body, lang)], id=s.anchor, className="guide-section")
                for s in guide.sections]
    return html.Article([
        html.H2(guide.title),
        markdown(guide.intro, lang),
        *sections,
        html.P(html.A(t(lang, "help.back"), href="#help-contents"), className="help-back"),
    ], id=guide.key, className="guide")


def markdown(text: str, lang: str) -> dcc.Markdown:
    return dcc.Markdown(localize(text, lang), className="guide-text")


SCREENSHOT_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(help:(?P<name>[a-z0-9-]+)\)")


def localize(text: str, lang: str) -> str:
    """App links in the reader's language and under the app's path prefix; screenshots of the
    reader's language, each a link to itself at full size (a phone shows it shrunk)."""
    text = guides.APP_LINK.sub(lambda m: f"]({app_href(m['target'], lang)})", text)
    return SCREENSHOT_IMAGE.sub(
        lambda m: f"[![{m['alt']}]({screenshot_url(m['name'], lang)})]({screenshot_url(m['name'], lang)})", text)


def app_href(target: str, lang: str) -> str:
    """'/country?area=9802' -> '/country?area=9802&lang=es'; '/help#x' -> '/help?lang=es#x'."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"] + [("lang", lang)]
    return urlunsplit(("", "", get_relative_path(parts.path), urlencode(query), parts.fragment))


def screenshot_file(name: str, lang: str) -> Path:
    """The screenshot in the reader's language, else the English one."""
    own = ASSETS / SCREENSHOT_FOLDER / lang / f"{name}.png"
    return own if own.exists() else ASSETS / SCREENSHOT_FOLDER / DEFAULT_LANGUAGE / f"{name}.png"


def screenshot_url(name: str, lang: str) -> str:
    path = screenshot_file(name, lang)
    return get_asset_url(path.relative_to(ASSETS).as_posix())


