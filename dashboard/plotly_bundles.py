"""Which plotly.js bundle a page loads: the smallest official one that draws its charts.

plotly.py ships the whole plotly.js (4.8 MB minified, every trace type); the overview draws
lines and bars, which the 1.2 MB "basic" bundle draws. The official partial bundles from the
npm registry (same version as plotly.py's, vendored in vendor/plotly/ with their NOTICE.md)
are served by the app itself (dashboard/vendored.py), so nothing is fetched from a CDN.
assets/plotly_loader.js loads the page's bundle and, if Dash's router brings a figure the
bundle cannot draw, the smallest one that can: a page missing from PAGE_BUNDLE is only slower,
never broken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from dashboard.vendored import VENDOR, vendored_url

FOLDER = VENDOR / "plotly"
# Dash's own copy of the whole bundle (plotly.py's package data), as dash-renderer requests it.
FULL_URL = "_dash-component-suites/plotly/package_data/plotly.min.js"
# dcc's lazily loaded code for graphs and dropdowns (on nearly every page): fetched only once the
# page's layout has rendered, unless preloaded with the page.
DCC_CHUNKS = ("_dash-component-suites/dash/dcc/async-graph.js", "_dash-component-suites/dash/dcc/async-dropdown.js")


@dataclass(frozen=True)
class Bundle:
    name: str
    file: str | None  # in vendor/plotly/; None: plotly.py's whole bundle
    types: tuple[str, ...] | None  # trace types it draws; None: every one


# Smallest first: the loader takes the first that draws every trace type it needs.
BUNDLES = (
    Bundle("basic", "plotly-basic.min.js", ("scatter", "bar", "pie")),
    Bundle("geo", "plotly-geo.min.js", ("scatter", "scattergeo", "choropleth")),
    Bundle("full", None, None),
)
# Pages whose first figures need more than "basic" (every other page starts with "basic"):
# maps (choropleth, scattergeo), flows diagrams (sankey) and the corridor matrix (heatmap);
# and pages that draw no chart at all (None: plotly.js loads only if a chart comes).
PAGE_BUNDLE: dict[str, str | None] = {
    "/data": None,
    "/sources": None,
    "/availability": None,
    "/check": None,
    "/briefs": None,
    "/help": None,
    "/map": "geo",
    "/country": "full",  # locator map beside bars and lines
    "/corridors": "full",  # sankey, heatmap
    "/remittances": "full",  # bars and a map tab
    "/refugees": "full",  # sankey, hosts map, bars
    "/flows": "full",  # incidents map, bars
}


def bundle_for(path: str) -> str | None:
    """The bundle a first load of `path` (with or without the app's prefix) starts with."""
    page = "/" + path.strip("/").rsplit("/", 1)[-1] if path.strip("/") else "/"
    return PAGE_BUNDLE.get(page, "basic")


def config_script(path: str, prefix: str) -> str:
    """For <head>: the loader's configuration as inert JSON, and preloads of the page's bundle
    and of dcc's graph and dropdown code (they download while the page's scripts run)."""
    bundles = []
    for bundle in BUNDLES:
        url = vendored_url(f"plotly/{bundle.file}", prefix) if bundle.file else prefix + FULL_URL
        bundles.append({"name": bundle.name, "url": url, "types": list(bundle.types) if bundle.types else "*"})
    initial = bundle_for(path)
    payload = json.dumps({"bundles": bundles, "initial": initial}).replace("</", "<\\/")
    preloads = [b["url"] for b in bundles if b["name"] == initial] + [prefix + c for c in DCC_CHUNKS]
    links = "".join(f'<link rel="preload" as="script" href="{url}">' for url in preloads)
    return links + f'<script id="migdash-plotly" type="application/json">{payload}</script>'

