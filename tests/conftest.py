"""Shared fixtures: the real upstream workbooks, served over a real HTTP server on 127.0.0.1,
and a database built from them through the real download path."""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from etl.build import build
from etl.fetch import FetchPolicy

DEFAULT_UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "data" / "upstream" / "undesa_ims"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def upstream_dir() -> Path:
    path = Path(os.environ.get("MIGDASH_UPSTREAM_DIR", DEFAULT_UPSTREAM))
    if not (path / "undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx").is_file():
        pytest.skip(f"upstream workbooks not found in {path} (set MIGDASH_UPSTREAM_DIR)")
    return path


@pytest.fixture(scope="session")
def upstream_http(upstream_dir: Path):
    """Base URL of a static file server on 127.0.0.1 holding the publisher's files."""
    handler = functools.partial(QuietHandler, directory=str(upstream_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fast_policy() -> FetchPolicy:
    return FetchPolicy(timeout=2, attempts=3, backoff=0.01)


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory, upstream_http: str) -> Path:
    """A database built from the real workbooks, downloaded over HTTP from the local mirror."""
    folder = tmp_path_factory.mktemp("built")
    db_path = folder / "migdash.duckdb"
    build(db_path, mirror=upstream_http, cache_dir=folder / "cache", policy=FetchPolicy(timeout=10, attempts=2, backoff=0.01))
    return db_path
