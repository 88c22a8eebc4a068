"""The requested page inside the app's first layout, so the first chart needs no second trip.

With Dash pages, the first layout is an empty page container; once it is drawn, the container's
dcc.Location reports the address and the pages router (a callback) sends the page. On the
overview that trip, with the second React render it causes, cost about a tenth of the first
chart's time. The browser names the page it is on in the Referer of its layout request
(Referrer-Policy same-origin, dashboard/server.py), so the layout can carry the page from the
start: the container is filled as the router would fill it, and its Location already holds the
address, so dcc.Location has nothing to report and the router is not called. Without a Referer
(a proxy or a browser setting that drops it) the container is the empty one and the router
fills it as before. Later navigation is unchanged: the router answers it.

The router's own helpers (dash._pages) parse the address, so both paths read it alike;
tests/test_first_page.py compares the two layouts page by page.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from urllib.parse import urlsplit

import dash
import flask
from dash import Dash, html
from dash._pages import PAGE_REGISTRY, _parse_query_string, _path_to_page
from dash.dash import _ID_CONTENT, _ID_LOCATION, _ID_STORE


def requested_address() -> tuple[str, str] | None:
    """(path, "?query" or "") of the page whose layout is asked for, if the browser named it."""
    if not flask.has_request_context() or not flask.request.referrer:
        return None
    address = urlsplit(flask.request.referrer)
    if address.netloc != flask.request.host:
        return None
    return address.path, f"?{address.query}" if address.query else ""


def page_layout(app: Dash, path: str, search: str) -> tuple[object, str]:
    """(layout, title) for the address, as the pages router makes them (404 page included)."""
    page, variables = _path_to_page(app.strip_relative_path(path))
    if not page:
        page = next((p for module, p in PAGE_REGISTRY.items() if module.split(".")[-1] == "not_found_404"), {})
    layout = page.get("layout", html.H1("404 - Page not found"))
    title = page.get("title", app.title)
    if callable(layout):
        layout = layout(**{**(variables or {}), **_parse_query_string(search)})
    if callable(title):
        title = title(**(variables or {}))
    return layout, title


def container(layout: object = None, path: str | None = None, search: str | None = None,
              title: str | None = None) -> html.Div:
    """dash.page_container itself, or a copy of it filled with `layout` at `path` + `search`."""
    if path is None:
        return dash.page_container
    filled = copy.deepcopy(dash.page_container)
    parts = {child.id: child for child in filled.children}
    parts[_ID_LOCATION].pathname, parts[_ID_LOCATION].search = path, search
    parts[_ID_CONTENT].children = layout
    parts[_ID_STORE].data = {"title": title}
    return filled


def first_layout(app: Dash) -> Callable[[], html.Div]:
    """app.layout: the page container, with the page the browser is on already in it."""

    def layout() -> html.Div:
        address = requested_address()
        if address is None:
            return html.Div(container())
        path, search = address
        try:
            content, title = page_layout(app, path, search)
        except Exception:  # noqa: BLE001 - the router meets the same error where it always has
            app.logger.exception("first layout of %s%s: left to the pages router", path, search)
            return html.Div(container())
        return html.Div(container(content, path, search, title))

    return layout
