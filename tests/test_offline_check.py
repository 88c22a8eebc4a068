"""The browser tests' offline check (tests/browser/network.py) counts exactly the requests that
leave the machine: a CDN, a map tile or a websocket to another host fail it; loopback and the
browser's own schemes (which Chromium versions use for their new-tab page) do not."""

from __future__ import annotations

import pytest

from tests.browser.network import leaves_the_machine, outside_requests

LEAVING = [
    "https://cdn.plot.ly/plotly-3.0.1.min.js",
    "https://tile.openstreetmap.org/3/2/3.png",
    "http://cdn.jsdelivr.net/npm/axe-core@4/axe.min.js",
    "HTTPS://Fonts.GoogleAPIs.com/css?family=Open+Sans",
    "wss://example.org/socket",
    "ws://10.0.0.7:8080/",
    "http://192.168.1.20/assets/topojson/world_50m.json",
    "https://www.google.com/complete/search?client=chrome-omni",
    "http://0.0.0.0:8050/",
]
STAYING = [
    "chrome-untrusted://new-tab-page/one-google-bar?paramsencoded=",
    "chrome://new-tab-page/",
    "chrome-search://local-ntp/local-ntp.html",
    "devtools://devtools/bundled/inspector.html",
    "data:image/png;base64,iVBORw0KGgo=",
    "blob:http://127.0.0.1:58050/2f4c0a4e-2d7b-4f2e-9f0e-1b2c3d4e5f60",
    "about:blank",
    "http://127.0.0.1:58050/_dash-layout",
    "http://127.8.9.10/assets/topojson/world_50m.json",
    "http://localhost:58050/map?lang=es",
    "ws://localhost:58050/_reload-hash",
    "http://[::1]:58050/",
]


@pytest.mark.parametrize("url", LEAVING)
def test_a_request_to_another_host_leaves_the_machine(url):
    assert leaves_the_machine(url)


@pytest.mark.parametrize("url", STAYING)
def test_loopback_and_the_browsers_own_schemes_stay(url):
    assert not leaves_the_machine(url)


def test_outside_requests_keeps_only_those_leaving():
    assert outside_requests(STAYING + LEAVING[:2]) == LEAVING[:2]
