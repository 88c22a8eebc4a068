"""Shared fixtures: the real upstream workbooks, served over a real HTTP server on 127.0.0.1,
and a database built from them through the real download path."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from etl.build import build
from etl.fetch import FetchPolicy
from etl.sources import undesa_ims
from tests.workbooks import OD_PAIRS, origin_destination_rows, write_workbook

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


@pytest.fixture(scope="session")
def od_db(tmp_path_factory: pytest.TempPathFactory, upstream_dir: Path) -> Path:
    """The real destination workbooks plus a generated origin x destination workbook (2020)."""
    folder = tmp_path_factory.mktemp("od")
    mirror = folder / "mirror"
    mirror.mkdir()
    for dataset in undesa_ims.DATASETS:
        if dataset.layout == "destination":
            shutil.copy(upstream_dir / dataset.filename, mirror / dataset.filename)
    od_2020 = next(d for d in undesa_ims.DATASETS if d.key == "origin_destination_2020")
    write_workbook(mirror / od_2020.filename, {"Table 1": origin_destination_rows(OD_PAIRS)})
    result = build(folder / "od.duckdb", mirror=str(mirror), cache_dir=folder / "cache")
    assert not any("origin_destination_2020" in note for note in result.skipped)
    return result.db_path
