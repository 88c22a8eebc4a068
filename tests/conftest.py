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
from etl.snapshot import build_from_snapshot
from etl.sources import undesa_ims
from tests.helpers import write_workbook
from tests.workbooks import OD_PAIRS, origin_destination_rows

# The repository is cloned beside ../shared (locally and in CI); MIGDASH_UPSTREAM_ROOT overrides.
UPSTREAM_ROOT = Path(os.environ.get("MIGDASH_UPSTREAM_ROOT", Path(__file__).resolve().parents[2] / "shared/data/upstream"))
DEFAULT_UPSTREAM = UPSTREAM_ROOT / "undesa_ims"
REQUIRED_FILES = [d.filename for d in undesa_ims.DATASETS if d.required]
# Every source the ETL reads from a folder of publisher files, as laid out in ../shared.
MIRRORED_SOURCES = ("undesa_ims", "worldbank", "unhcr", "wpp", "knomad", "oecd", "iom_missing_migrants", "idmc")


def upstream_present(path: Path = DEFAULT_UPSTREAM) -> bool:
    return all((path / name).is_file() for name in REQUIRED_FILES)


@pytest.fixture(scope="session")
def upstream_dir() -> Path:
    """The publisher's original workbooks (never copied into the repository)."""
    path = Path(os.environ.get("MIGDASH_UPSTREAM_DIR", DEFAULT_UPSTREAM))
    if not upstream_present(path):
        pytest.skip(f"raw UN DESA workbooks {REQUIRED_FILES} not found in {path}: this test parses the "
                    "publisher's files (set MIGDASH_UPSTREAM_ROOT); the rest of the suite runs on the snapshot")
    return path


@pytest.fixture(scope="session")
def upstream_root(upstream_dir: Path) -> Path:
    """The folder holding one sub-folder of original files per publisher (../shared/data/upstream)."""
    return upstream_dir.parent


@pytest.fixture(scope="session")
def upstream_http(upstream_dir: Path):
    """Base URL (http://127.0.0.1:PORT/) of a threaded static file server on upstream_dir."""
    with http_mirror(upstream_dir) as url:
        yield url


@pytest.fixture(scope="session")
def shared_http(upstream_root: Path):
    """Base URL of a static file server (with directory listings) on the whole upstream folder."""
    with http_mirror(upstream_root) as url:
        yield url


def shared_mirrors(base_url: str, root: Path) -> dict[str, str]:
    """`--mirror SOURCE=URL` for every source folder present under `root`, served at `base_url`."""
    return {source: f"{base_url}{source}/" for source in MIRRORED_SOURCES if (root / source).is_dir()}


@pytest.fixture(scope="session")
def built_result(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The session's database. With ../shared present: one build from every publisher folder,
    downloaded over HTTP from a local server (the real download path). Without it: the bundled
    snapshot, through the same validation and atomic swap, so the suite stands alone."""
    folder = tmp_path_factory.mktemp("built")
    if not upstream_present():
        return build_from_snapshot(folder / "migdash.duckdb")
    with http_mirror(UPSTREAM_ROOT) as url:
        return build(
            folder / "migdash.duckdb",
            mirrors=shared_mirrors(url, UPSTREAM_ROOT),
            cache_dir=folder / "cache",
            policy=FetchPolicy(timeout=30, attempts=2, backoff=0.01),
        )


@pytest.fixture(scope="session")
def built_db(built_result: BuildResult) -> Path:
    """Path of the database built by `built_result` (treat as read-only: copy before writing)."""
    return built_result.db_path


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest_httpserver binds 127.0.0.1 on a free port (its default host is 'localhost')."""
    return ("127.0.0.1", 0)


@pytest.fixture
def fast_policy() -> FetchPolicy:
    return FetchPolicy(timeout=2, attempts=3, backoff=0.01)


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
def indicator_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """UN DESA's stock plus the three indicator sources read from directory mirrors holding
    documented-format FIXTURE responses (generated values, not data): UN DESA from the real
    workbooks when ../shared is there, else from the bundled snapshot."""
    from etl.build import INDICATOR_SOURCES
    from tests.indicator_fixtures import write_directory_mirrors

    folder = tmp_path_factory.mktemp("indicators")
    mirrors = write_directory_mirrors(folder / "mirrors")
    if upstream_present():
        return build(folder / "indicators.duckdb", mirrors={"undesa_ims": str(DEFAULT_UPSTREAM), **mirrors},
                     cache_dir=folder / "cache").db_path
    policy = FetchPolicy(timeout=5, attempts=1, backoff=0)
    collected = [INDICATOR_SOURCES[name].collect(mirror, folder / "cache", policy) for name, mirror in mirrors.items()]
    return snapshot_build(folder / "indicators.duckdb", collected)


@pytest.fixture(scope="session")
def bare_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """UN DESA's stock alone (from the bundled snapshot): a build where no other source was
    loaded, for the notices that name the command loading one."""
    return snapshot_build(tmp_path_factory.mktemp("bare") / "bare.duckdb", [])


def snapshot_build(db: Path, collected: list) -> Path:
    """UN DESA's tables from the bundled snapshot plus only the given sources' rows, through the
    build's own validation and write."""
    import pandas as pd

    from etl.build import (
        SOURCE_TABLE_NAMES,
        empty_table,
        fingerprint_of,
        validate_tables,
        write_database,
    )
    from etl.indicators import empty_indicator
    from etl.snapshot import load_snapshot

    tables = load_snapshot()
    tables.frames["indicator"] = pd.concat([c.indicator for c in collected], ignore_index=True) if collected \
        else empty_indicator()
    for table in SOURCE_TABLE_NAMES:
        tables.frames[table] = empty_table(table)
    provenance = tables["provenance"]
    tables.frames["provenance"] = pd.concat(
        [provenance[provenance["source"] == "undesa_ims"], pd.DataFrame([p for c in collected for p in c.provenance])],
        ignore_index=True)
    valid = validate_tables(tables, None)
    write_database(valid, db, fingerprint_of(valid["provenance"]), "snapshot")
    return db
