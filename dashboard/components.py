"""Pieces every page shares: the database handle, the page frame, notices, tables."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import pandas as pd
from dash import dcc, html
from flask import current_app

from dashboard.queries import Database
from dashboard.text import t

DATABASE_KEY = "MIGDASH_DATABASE"


def database() -> Database:
    """The app's database handle (set by create_app), available inside layouts and callbacks."""
    return current_app.config[DATABASE_KEY]


def href(path: str, **params: object) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def page_frame(lang: str, path: str, params: dict, *children: object) -> html.Div:
    """Header with navigation and language switch, then the page content."""
    other = "es" if lang == "en" else "en"
    nav = [
        dcc.Link(t(lang, f"nav.{page['name'].lower()}"), href=href(page["path"], lang=lang), className="nav-link")
        for page in dash.page_registry.values()
        if page["path"] != "/404"
    ]
    return html.Div(
        [
            html.A(t(lang, "nav.skip"), href="#main", className="skip-link"),
            html.Header(
                [
                    html.Div([html.Strong("migdash"), html.Span(t(lang, "app.tagline"), className="tagline")]),
                    html.Nav(nav, **{"aria-label": "main"}),
                    dcc.Link(
                        t(lang, "nav.language"), href=href(path, **{**params, "lang": other}),
                        id="language-switch", className="language-switch",
                    ),
                ],
                className="site-header",
            ),
            html.Main(list(children), id="main", lang=lang),
        ]
    )


def notice(message: str, kind: str = "info") -> html.Div:
    return html.Div(message, className=f"notice notice-{kind}", role="status")


def data_table(frame: pd.DataFrame, headers: list[str], table_id: str) -> html.Table:
    """A plain, accessible HTML table of the numbers behind a chart."""
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in headers]))
    body = html.Tbody([html.Tr([html.Td(v) for v in row]) for row in frame.itertuples(index=False)])
    return html.Table([head, body], id=table_id, className="data-table")
