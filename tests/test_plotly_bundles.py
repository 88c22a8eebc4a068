"""The vendored plotly.js partial bundles: the version plotly.py draws with, the bytes NOTICE.md
records, served compressed and cached by the app, and named in each page's index."""

from __future__ import annotations

import gzip
import hashlib
import json
import re

import pytest
from plotly.offline import get_plotlyjs_version

from dashboard.app import create_app
from dashboard.plotly_bundles import BUNDLES, FOLDER, PAGE_BUNDLE, bundle_for

VENDORED = [b for b in BUNDLES if b.file]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return create_app(tmp_path_factory.mktemp("none") / "absent.duckdb").server.test_client()


@pytest.mark.parametrize("bundle", VENDORED, ids=lambda b: b.name)
def test_each_bundle_is_plotly_pys_version_with_the_recorded_checksum(bundle):
    data = (FOLDER / bundle.file).read_bytes()
    header = data[:200].decode()
    assert f"plotly.js ({bundle.name} - minified) v{get_plotlyjs_version()}" in header
    notice = (FOLDER / "NOTICE.md").read_text()
    row = next(line for line in notice.splitlines() if line.startswith(f"| `{bundle.file}`"))
    assert f"| {get_plotlyjs_version()} |" in row and hashlib.sha256(data).hexdigest() in row
    assert data.rstrip().endswith(b"window.Plotly = Plotly;\nreturn Plotly;\n}));")  # what plotly_loader.js catches


def test_pages_start_with_the_smallest_bundle_drawing_their_charts():
    assert bundle_for("/") == "basic" and bundle_for("/claims") == "basic" and bundle_for("/subregions/") == "basic"
    assert bundle_for("/map") == "geo" and bundle_for("/app/map") == "geo"
    assert bundle_for("/data") is None and bundle_for("/check") is None  # no chart: no plotly.js until one comes
    assert all(bundle_for(page) == name for page, name in PAGE_BUNDLE.items())
    assert {b.name for b in BUNDLES} | {None} >= set(PAGE_BUNDLE.values())
    assert BUNDLES[-1].types is None  # the last one draws everything: the loader's last resort


def test_the_index_names_the_bundles_and_preloads_the_pages_own(client):
    for path, initial in (("/", "basic"), ("/map?lang=es", "geo"), ("/refugees", "full"), ("/data", None)):
        page = client.get(path).get_data(as_text=True)
        config = json.loads(re.search(r'<script id="migdash-plotly" type="application/json">(.*?)</script>', page).group(1))
        assert config["initial"] == initial
        assert [b["name"] for b in config["bundles"]] == [b.name for b in BUNDLES]
        preloads = re.findall(r'<link rel="preload" as="script" href="([^"]+)">', page)
        bundle = [b["url"] for b in config["bundles"] if b["name"] == initial]
        assert preloads[:len(bundle)] == bundle and len(preloads) == len(bundle) + 2  # dcc's graph and dropdown code
        assert {client.get(url).status_code for url in preloads} == {200}
        assert "plotly.min.js" not in " ".join(re.findall(r'<script[^>]* src="([^"]+)"', page))
        assert '/assets/plotly_loader.js' in page


def test_a_bundle_is_served_compressed_and_cached_under_its_hash(client):
    page = client.get("/").get_data(as_text=True)
    url = json.loads(re.search(r'id="migdash-plotly" type="application/json">(.*?)</script>', page).group(1))["bundles"][0]["url"]
    raw = (FOLDER / "plotly-basic.min.js").read_bytes()
    assert url.endswith("?v=" + hashlib.sha256(raw).hexdigest()[:12])
    packed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.data) == raw
    assert packed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert packed.headers["Content-Type"].startswith("text/javascript")
    plain = client.get(url.split("?")[0])
    assert plain.data == raw and plain.headers["Cache-Control"] == "no-cache" and "Content-Encoding" not in plain.headers
    assert client.get("/_migdash/plotly/NOTICE.md").status_code == 404
    escaped = client.get("/_migdash/plotly/..%2F..%2Fplotly_bundles.py")  # Dash's index page at most
    assert escaped.status_code in (200, 404) and b"def bundle_for" not in escaped.data
