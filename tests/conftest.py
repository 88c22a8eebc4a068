"""Shared fixtures: the publisher's real workbooks, served by a real HTTP server on 127.0.0.1,
and a database built from them through the real download path."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bench.harness import http_mirror
from etl.build import BuildResult, build
from etl.fetch import FetchPolicy
from etl.sources import undesa_ims
from tests.helpers import write_workbook
from tests.workbooks import OD_PAIRS, origin_destination_rows

# The repository is cloned beside ../shared (locally and in CI); MIGDASH_UPSTREAM_DIR overrides.
DEFAULT_UPSTREAM = Path(__file__).resolve().parents[2] / "shared/data/upstream/undesa_ims"
REQUIRED_FILES = [d.filename for d in undesa_ims.DATASETS if d.required]


@pytest.fixture(scope="session")
def upstream_dir() -> Path:
    """The publisher's original workbooks (never copied into the repository)."""
    path = Path(os.environ.get("MIGDASH_UPSTREAM_DIR", DEFAULT_UPSTREAM))
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        pytest.skip(f"upstream workbooks {missing} not found in {path} (set MIGDASH_UPSTREAM_DIR)")
    return path


@pytest.fixture(scope="session")
def upstream_http(upstream_dir: Path):
    """Base URL (http://127.0.0.1:PORT/) of a threaded static file server on upstream_dir."""
    with http_mirror(upstream_dir) as url:
        yield url


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest_httpserver binds 127.0.0.1 on a free port (its default host is 'localhost')."""
    return ("127.0.0.1", 0)


@pytest.fixture
def fast_policy() -> FetchPolicy:
    return FetchPolicy(timeout=2, attempts=3, backoff=0.01)


@pytest.fixture(scope="session")
def built_result(tmp_path_factory: pytest.TempPathFactory, upstream_http: str) -> BuildResult:
    """One build from the real workbooks, downloaded over HTTP from the local server."""
    folder = tmp_path_factory.mktemp("built")
    return build(
        folder / "migdash.duckdb",
        mirror=upstream_http,
        cache_dir=folder / "cache",
        policy=FetchPolicy(timeout=10, attempts=2, backoff=0.01),
    )


@pytest.fixture(scope="session")
def built_db(built_result: BuildResult) -> Path:
    """Path of the database built by `built_result` (treat as read-only: copy before writing)."""
    return built_result.db_path


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


@pytest.fixture(scope="session")
def indicator_db(tmp_path_factory: pytest.TempPathFactory, upstream_dir: Path) -> Path:
    """The real UN DESA workbooks plus the three indicator sources from directory mirrors
    holding documented-format FIXTURE responses (generated values, not data)."""
    from tests.indicator_fixtures import write_directory_mirrors

    folder = tmp_path_factory.mktemp("indicators")
    mirrors = {"undesa_ims": str(upstream_dir), **write_directory_mirrors(folder / "mirrors")}
    return build(folder / "indicators.duckdb", mirrors=mirrors, cache_dir=folder / "cache").db_path
