"""Dash application factory: create_app(db_path) -> Dash. No globals, no data at import."""

from __future__ import annotations

import json
import re
from pathlib import Path

import flask
from dash import Dash

from dashboard.api import register_api
from dashboard.components import DATABASE_KEY
from dashboard.downloads import register_downloads
from dashboard.first_page import first_layout
from dashboard.page_scripts import modern_scripts
from dashboard.plotly_bundles import config_script as plotly_config
from dashboard.server import harden
from dashboard.vendored import register_vendored
from readside.queries import Database
from readside.text import LANGUAGES, language, strings

PAGES = Path(__file__).parent / "pages"


A11Y_PREFIX = "a11y."


class MigdashDash(Dash):
    """Dash whose index page says its language: <html lang> from ?lang= (WCAG 3.1.1), the
    strings assets/a11y.js needs (chart summaries, the menu button) as inert JSON, and which
    plotly.js bundle the page loads (dashboard/plotly_bundles.py), and Dash's scripts trimmed
    for today's browsers (dashboard/page_scripts.py)."""

    def interpolate_index(self, **kwargs: str) -> str:
        kwargs["scripts"] = modern_scripts(kwargs.get("scripts", ""), self.config.requests_pathname_prefix)
        page = super().interpolate_index(**kwargs)
        lang = language(flask.request.args.get("lang")) if flask.has_request_context() else "en"
        page = re.sub(r"<html(?![^>]*\blang=)", f'<html lang="{lang}"', page, count=1)
        path = flask.request.path if flask.has_request_context() else "/"
        head = a11y_strings_script() + plotly_config(path, self.config.requests_pathname_prefix)
        return page.replace("</head>", head + "</head>", 1)


def a11y_strings_script() -> str:
    """Every language's a11y.* strings for assets/a11y.js (JSON in a non-executed script tag)."""
    texts = {lang: {k: v for k, v in strings(lang).items() if k.startswith(A11Y_PREFIX)} for lang in LANGUAGES}
    payload = json.dumps(texts, ensure_ascii=False).replace("</", "<\\/")
    return f'<script id="migdash-a11y-strings" type="application/json">{payload}</script>'


def create_app(db_path: Path | str) -> Dash:
    app = MigdashDash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES),
        title="migdash — migration in the Americas",
        suppress_callback_exceptions=True,
        compress=True,  # gzip/brotli through flask-compress: the component bundles shrink about 4x
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.server.config[DATABASE_KEY] = Database(db_path)
    app.layout = first_layout(app)
    register_downloads(app.server)
    register_vendored(app.server)
    register_api(app.server)
    harden(app.server)
    return app
