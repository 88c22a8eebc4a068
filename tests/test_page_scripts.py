"""The index page's scripts (dashboard/page_scripts.py): regenerator-runtime for every browser,
Dash's @babel/polyfill only for browsers without ES modules, no dash_table; the vendored file is
the one NOTICE.md records, served compressed and cached under its hash."""

from __future__ import annotations

import gzip
import hashlib
import re

import pytest

from dashboard.app import create_app
from dashboard.page_scripts import REGENERATOR, UnexpectedScripts, modern_scripts
from dashboard.vendored import VENDOR


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return create_app(tmp_path_factory.mktemp("none") / "absent.duckdb").server.test_client()


def script_tags(page: str) -> list[str]:
    return re.findall(r"<script\b[^>]*\bsrc=[^>]*>", page)


def test_the_vendored_runtime_is_the_recorded_release():
    data = (VENDOR / REGENERATOR).read_bytes()
    notice = (VENDOR / "regenerator-runtime" / "NOTICE.md").read_text()
    row = next(line for line in notice.splitlines() if line.startswith("| `runtime.js`"))
    assert "| 0.13.11 |" in row and hashlib.sha256(data).hexdigest() in row
    assert b"regeneratorRuntime = runtime;" in data  # defines the global dash-renderer calls


def test_every_page_loads_the_runtime_first_and_the_polyfill_for_old_browsers_only(client):
    for path in ("/", "/map?lang=fr", "/data"):
        tags = script_tags(client.get(path).get_data(as_text=True))
        assert "/_migdash/regenerator-runtime/runtime.js?v=" in tags[0]
        polyfill = [tag for tag in tags if "/dash/deps/polyfill@" in tag]
        assert len(polyfill) == 1 and " nomodule " in polyfill[0]
        assert not [tag for tag in tags if "/dash_table/" in tag]  # no page draws a DataTable
        assert [tag for tag in tags if "dash_renderer" in tag]


def test_the_runtime_is_served_compressed_and_cached_under_its_hash(client):
    url = re.search(r'src="([^"]*regenerator-runtime[^"]*)"', client.get("/").get_data(as_text=True)).group(1)
    raw = (VENDOR / REGENERATOR).read_bytes()
    assert url.endswith("?v=" + hashlib.sha256(raw).hexdigest()[:12])
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(packed.data) == raw and packed.headers["Cache-Control"].endswith("immutable")
    assert client.get("/_migdash/regenerator-runtime/NOTICE.md").status_code == 404
    escaped = client.get("/_migdash/regenerator-runtime/..%2Fplotly%2FNOTICE.md")  # Dash's index page at most
    assert escaped.status_code in (200, 404) and b"MIT License" not in escaped.data


def test_a_dash_that_lists_its_scripts_otherwise_is_refused_not_shipped_untrimmed():
    with pytest.raises(UnexpectedScripts):
        modern_scripts('<script src="/_dash-component-suites/dash/deps/react@18.js"></script>', "/")
