"""Dash application factory: create_app(db_path) -> Dash. No globals, no data at import."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import Dash, html

from dashboard.components import DATABASE_KEY
from dashboard.downloads import register_downloads
from dashboard.server import harden
from readside.queries import Database

PAGES = Path(__file__).parent / "pages"


def create_app(db_path: Path | str) -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES),
        title="migdash — migration in the Americas",
        suppress_callback_exceptions=True,
        compress=True,  # gzip/brotli through flask-compress: the component bundles shrink about 4x
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.server.config[DATABASE_KEY] = Database(db_path)
    app.layout = html.Div(dash.page_container)
    register_downloads(app.server)
    harden(app.server)
    return app
