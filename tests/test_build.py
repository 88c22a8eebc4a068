"""Atomic builds: a failure of any kind leaves the previous database byte-identical and served."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from dashboard import queries
from dashboard.queries import Database
from etl.build import build, build_from_snapshot, current_build, export_snapshot, load_snapshot
from etl.cli import main as cli
from etl.errors import EtlError, FetchError, ValidationFailed
from etl.sources import undesa_ims
from tests.workbooks import destination_rows, destination_workbook

DESTINATION_FILES = [d.filename for d in undesa_ims.DATASETS if d.layout == "destination"]
VIEWS = {
    "area": ["code", "iso3", "name_en", "name_es", "kind", "region", "subregion", "oas_member", "sids"],
    "stock": ["revision", "year", "destination_code", "origin_code", "sex", "migrants"],
    "stock_share": ["revision", "year", "area_code", "sex", "percent_of_population"],
    "provenance": ["source", "revision", "url", "publisher", "licence", "retrieved_at", "sha256", "rows"],
}


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def mirror(tmp_path, upstream_dir):
    """A writable copy of the upstream directory, to break one file at a time."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    for name in DESTINATION_FILES:
        shutil.copy(upstream_dir / name, folder / name)
    return folder


@pytest.fixture
def served(tmp_path, built_db):
    path = tmp_path / "served.duckdb"
    shutil.copy(built_db, path)
    return path


def test_public_views_have_the_documented_columns(built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        for view, columns in VIEWS.items():
            got = [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]  # noqa: S608 - constant names
            assert got[: len(columns)] == columns, view


def test_provenance_checksums_are_the_upstream_files(built_db, upstream_dir):
    with duckdb.connect(str(built_db), read_only=True) as con:
        rows = con.execute("SELECT url, sha256, licence, rows FROM provenance").fetchall()
    assert len(rows) == len(DESTINATION_FILES)
    for url, sha256, licence, count in rows:
        assert sha256 == digest(upstream_dir / url.rsplit("/", 1)[-1])
        assert licence == "CC BY 3.0 IGO" and count > 0


def test_unchanged_inputs_are_a_no_op_and_force_rebuilds(served, mirror, tmp_path):
    first = build(served, mirror=str(mirror), cache_dir=tmp_path / "cache", force=True)
    again = build(served, mirror=str(mirror), cache_dir=tmp_path / "cache")
    assert not again.changed and again.build_id == first.build_id
    forced = build(served, mirror=str(mirror), cache_dir=tmp_path / "cache", force=True)
    assert forced.changed and forced.build_id != first.build_id


def assert_untouched(path, before: str) -> None:
    assert digest(path) == before
    assert queries.revisions(Database(path)) == [2019, 2020, 2024]
    assert not list(path.parent.glob("*.building*"))


def test_corrupt_workbook_keeps_the_old_database(served, mirror, tmp_path):
    before = digest(served)
    target = mirror / DESTINATION_FILES[0]
    target.write_bytes(target.read_bytes()[:50_000])
    with pytest.raises(EtlError, match=r"not a valid \.xlsx"):
        build(served, mirror=str(mirror), cache_dir=tmp_path / "cache", force=True)
    assert_untouched(served, before)


def test_failed_validation_names_table_and_check_and_keeps_the_old_database(served, mirror, tmp_path):
    before = digest(served)
    rows = destination_rows()
    header = next(i for i, r in enumerate(rows) if "Location code" in r)
    rows[header + 4][5] = -40  # Haiti, 1990: a negative count
    destination_workbook(mirror / DESTINATION_FILES[0], rows)
    with pytest.raises(ValidationFailed, match=r"(?s)table .stock.*male \+ female differs.*-40.*column .migrants., check greater_than_or_equal_to\(0\): 1 failure"):
        build(served, mirror=str(mirror), cache_dir=tmp_path / "cache", force=True)
    assert_untouched(served, before)


def test_http_500_at_the_mirror_keeps_the_old_database(served, httpserver, tmp_path, fast_policy):
    before = digest(served)
    httpserver.expect_request(f"/{DESTINATION_FILES[0]}").respond_with_data("down", status=500)
    with pytest.raises(FetchError, match=r"HTTP 500"):
        build(served, mirror=httpserver.url_for("/"), cache_dir=tmp_path / "cache", policy=fast_policy, force=True)
    assert_untouched(served, before)


def test_cli_exits_non_zero_and_says_the_database_was_kept(served, mirror, tmp_path, capsys):
    before = digest(served)
    (mirror / DESTINATION_FILES[1]).unlink()
    code = cli(["etl", "--mirror", str(mirror), "--db", str(served), "--cache", str(tmp_path / "c"), "--force", "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert DESTINATION_FILES[1] in err and "left unchanged" in err
    assert_untouched(served, before)


def test_snapshot_round_trip_and_tamper_detection(built_db, tmp_path):
    folder = export_snapshot(built_db, tmp_path / "snap")
    rebuilt = build_from_snapshot(tmp_path / "from-snapshot.duckdb", folder)
    with duckdb.connect(str(built_db), read_only=True) as a, duckdb.connect(str(rebuilt.db_path), read_only=True) as b:
        query = "SELECT * FROM stock ORDER BY ALL"
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
    assert current_build(rebuilt.db_path)["built_from"] == "snapshot"
    stock = folder / "stock.csv"
    stock.write_text(stock.read_text().replace(",total,", ",total,1", 1))
    with pytest.raises(ValueError, match="sha256"):
        load_snapshot(folder)


def test_killed_build_leaves_no_partial_file_and_next_build_succeeds(served, mirror, tmp_path):
    before = digest(served)
    script = (
        "import sys; from pathlib import Path; from etl.build import build;"
        f"build(Path({str(served)!r}), mirror={str(mirror)!r}, cache_dir=Path({str(tmp_path / 'c')!r}), force=True)"
    )
    deadline = time.monotonic() + 20
    proc = subprocess.Popen([sys.executable, "-c", script])
    while time.monotonic() < deadline and not list(served.parent.glob("*.building*")) and proc.poll() is None:
        time.sleep(0.01)
    killed_mid_build = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert killed_mid_build, "the build finished before it could be killed"
    assert digest(served) == before  # the half-written file never replaced the served one
    assert queries.revisions(Database(served)) == [2019, 2020, 2024]
    result = build(served, mirror=str(mirror), cache_dir=tmp_path / "c", force=True)
    assert result.changed
    assert not list(served.parent.glob("*.building*"))
    assert queries.revisions(Database(served)) == [2019, 2020, 2024]
