"""Friendly 404 page."""

import dash
from dash import dcc, html

from dashboard.components import page_frame
from readside.text import language, t

dash.register_page(__name__, path="/404", name="Not found")


def layout(lang: str = "en", **_: object) -> html.Div:
    lang = language(lang)
    return page_frame(lang, "/", {}, html.P(t(lang, "notice.not_found")), dcc.Link(t(lang, "notice.go_home"), href=f"/?lang={lang}"))
