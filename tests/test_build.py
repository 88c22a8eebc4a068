"""Builds: documented views, provenance, no-op and forced rebuilds, snapshots, and failures of
every kind leaving the previous database byte-identical, queryable and alone in its folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.build import (
    DATA_TABLES,
    PROJECT_ROOT,
    SCHEMA_VERSION,
    SNAPSHOT_DIR,
    UNHCR_PACKAGE_TABLES,
    build,
    current_build,
    remove_stale_partials,
)
from etl.errors import EtlError, FetchError, UpstreamFormatError, ValidationFailed
from etl.fetch import FetchPolicy
from etl.loss import DataLoss
from etl.snapshot import build_from_snapshot, export_snapshot, load_snapshot
from etl.source_report import strict_failures
from etl.sources import undesa_ims
from schemas.common import PUBLISHED_YEARS
from tests.helpers import destination_sheet, destination_workbook, publisher_value

DESTINATION = {d.revision: d for d in undesa_ims.DATASETS if d.layout == "destination"}
FILE_2024 = DESTINATION[2024].filename
VIEWS = {
    "area": ["code", "iso3", "name_en", "name_es", "name_fr", "name_pt", "kind", "region", "subregion", "oas_member",
             "sids"],
    "area_group": ["grouping", "member_code", "since", "until", "note", "roster"],
    "stock_by_group": ["grouping", "area_code", "revision", "year", "sex", "migrants", "members_counted",
                       "members_total"],
    "stock": ["revision", "year", "destination_code", "origin_code", "sex", "migrants"],
    "stock_share": ["revision", "year", "area_code", "sex", "percent_of_population"],
    "population": ["revision", "year", "area_code", "sex", "population_thousands"],
    "refugee_stock": ["revision", "year", "area_code", "refugees"],
    "indicator": ["series", "area_code", "year", "value", "unit", "source", "revision"],
    "series": ["code", "name_en", "name_es", "name_fr", "name_pt", "unit", "source", "licence", "citation",
               "description"],
    "indicator_vintages": ["series", "area_code", "year", "value", "unit", "source", "revision", "variant", "newest"],
    "displacement": ["revision", "vintage", "year", "origin_code", "asylum_code", "population", "persons"],
    "bilateral_stock": ["source", "edition", "year", "origin_code", "destination_code", "migrants"],
    "remittances": ["revision", "vintage", "year", "area_code", "series", "value", "unit"],
}
PROVENANCE_FIRST = ["source", "revision", "vintage", "url", "publisher", "licence", "retrieved_at", "sha256", "rows"]
KEYS = {
    "area": ["code"],
    "area_group": ["grouping", "member_code"],
    "grouping": ["grouping"],
    "stock": ["revision", "year", "destination_code", "origin_code", "sex"],
    "stock_share": ["revision", "year", "area_code", "sex"],
    "population": ["revision", "year", "area_code", "sex"],
    "refugee_stock": ["revision", "year", "area_code"],
    "indicator": ["series", "area_code", "year", "revision", "variant"],
    "displacement": ["vintage", "year", "origin_code", "asylum_code", "population"],
    "asylum_application": ["vintage", "year", "origin_code", "asylum_code", "procedure_type", "application_type",
                           "decision_level", "basis"],
    "asylum_decision": ["vintage", "year", "origin_code", "asylum_code", "procedure_type", "decision_level", "basis"],
    "displacement_flow": ["vintage", "year", "origin_code", "asylum_code", "population"],
    "durable_solution": ["vintage", "year", "origin_code", "asylum_code", "solution"],
    "refugee_demographics": ["vintage", "year", "origin_code", "asylum_code", "population", "location",
                             "location_type", "accommodation_type", "sex", "age_group"],
    "bilateral_stock": ["source", "edition", "year", "origin_code", "destination_code"],
    "bilateral_check": ["source", "edition", "cell"],
    "migration_flow": ["flow_type", "destination_code", "category", "year"],
    "missing_migrants": ["incident_id", "part"],
    "missing_migrants_coverage": ["year"],
    "internal_displacement": ["vintage", "area_code", "cause", "measure", "year"],
    "disaster_events_by_hazard": ["vintage", "area_code", "hazard", "year"],
    "provenance": ["dataset"],
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table(db: Path, name: str) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        frame = con.execute(f"SELECT * FROM core.{name}").df()  # noqa: S608 - names from constants
    return frame.sort_values(KEYS[name]).reset_index(drop=True)


def partials(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.building*"))


def assert_kept(db: Path, before: str, build_id: str) -> None:
    """The previous database: same bytes, still a readable build, nothing half-written beside it."""
    assert digest(db) == before
    assert current_build(db)["build_id"] == build_id
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT list(DISTINCT revision ORDER BY revision) FROM stock").fetchone()[0] == [2019, 2020, 2024]
    assert partials(db.parent) == []


@pytest.fixture
def mirror(tmp_path, upstream_dir) -> Path:
    """A writable local mirror holding copies of the three destination workbooks."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    for dataset in DESTINATION.values():
        shutil.copy(upstream_dir / dataset.filename, folder / dataset.filename)
    return folder


@pytest.fixture
def served(tmp_path, built_db) -> Path:
    """A copy of the session database, standing for the file a dashboard is serving."""
    folder = tmp_path / "served"
    folder.mkdir()
    return Path(shutil.copy(built_db, folder / "migdash.duckdb"))


# ---- the session build ----


def test_views_have_the_documented_columns(built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        for view, columns in VIEWS.items():
            assert [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()] == columns, view  # noqa: S608
        provenance = [row[0] for row in con.execute("DESCRIBE provenance").fetchall()]
        assert provenance[: len(PROVENANCE_FIRST)] == PROVENANCE_FIRST
        views = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert set(VIEWS) | {"provenance"} <= views


def test_session_build_ran_the_http_download_path(built_result, upstream_dir):
    """Every source of the session build came over HTTP from 127.0.0.1, from its own folder."""
    assert built_result.changed and built_result.build_id
    assert current_build(built_result.db_path) == {
        "build_id": built_result.build_id, "fingerprint": built_result.fingerprint, "built_from": "upstream",
        "schema_version": SCHEMA_VERSION,
    }
    with duckdb.connect(str(built_result.db_path), read_only=True) as con:
        fetched = con.execute("SELECT source, fetched_from FROM provenance").fetchall()
    assert {source for source, _ in fetched} == {"undesa_ims", "worldbank", "unhcr", "wpp", "knomad", "oecd",
                                                  "iom_missing_migrants", "idmc"}
    assert all(url.startswith("http://127.0.0.1:") and f"/{source}/" in url for source, url in fetched)
    # Optional origin x destination files absent from the mirror are skipped with a note, as optional:
    # every source asked for was loaded, so --strict has nothing to report.
    (undesa,) = [r for r in built_result.sources if r.source == "undesa_ims"]
    for dataset in undesa_ims.DATASETS:
        if not dataset.required:
            absent = not (upstream_dir / dataset.filename).is_file()
            noted = any(note.startswith(f"{dataset.key}: optional input, not available") for note in built_result.skipped)
            assert noted == absent == (dataset.key in undesa.optional_absent), dataset.key
    assert [r.state for r in built_result.sources] == ["loaded"] * 8 and strict_failures(built_result.sources) == []


def test_provenance_checksums_are_the_upstream_files(built_db, upstream_dir):
    provenance = table(built_db, "provenance").query("source == 'undesa_ims'").set_index("dataset")
    assert set(provenance.index) == {d.key for d in DESTINATION.values()}
    for dataset in DESTINATION.values():
        row = provenance.loc[dataset.key]
        data = (upstream_dir / dataset.filename).read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert row["bytes"] == len(data) and row["revision"] == dataset.revision
        assert row["url"] == dataset.url and row["url"].startswith("https://www.un.org/")
        assert row["licence"] == "CC BY 3.0 IGO" and row["publisher"] == undesa_ims.PUBLISHER
        assert str(dataset.revision) in row["citation"]


def test_provenance_rows_count_what_each_file_contributed(built_db):
    provenance = table(built_db, "provenance").query("source == 'undesa_ims'").set_index("revision")
    with duckdb.connect(str(built_db), read_only=True) as con:
        for revision in DESTINATION:
            counted = sum(
                con.execute(f"SELECT count(*) FROM {name} WHERE revision = ?", [revision]).fetchone()[0]  # noqa: S608
                for name in ("stock", "stock_share", "population", "refugee_stock")
            )
            assert provenance.loc[revision, "rows"] == counted > 0


def test_loaded_figures_are_the_publishers(built_db, upstream_dir):
    stock = table(built_db, "stock")
    for revision, dataset in DESTINATION.items():
        path = upstream_dir / dataset.filename
        for year in (2000, PUBLISHED_YEARS[revision][-1]):
            expected = publisher_value(path, "Table 1", "LATIN AMERICA AND THE CARIBBEAN", year)
            got = stock[(stock.revision == revision) & (stock.year == year) & (stock.destination_code == 904)
                        & (stock.origin_code == 900) & (stock.sex == "total")]
            assert got["migrants"].item() == round(expected)


# ---- rebuilds ----


def test_same_inputs_are_a_no_op_and_force_rebuilds(served, upstream_http, tmp_path):
    policy = FetchPolicy(timeout=10, attempts=2, backoff=0.01)
    before, previous = digest(served), current_build(served)
    again = build(served, mirror=upstream_http, cache_dir=tmp_path / "cache", policy=policy)
    assert not again.changed and again.build_id == previous["build_id"]
    assert again.fingerprint == previous["fingerprint"]
    assert digest(served) == before  # not even rewritten
    forced = build(served, mirror=upstream_http, cache_dir=tmp_path / "cache", policy=policy, force=True)
    assert forced.changed and forced.build_id != previous["build_id"]
    assert forced.fingerprint == previous["fingerprint"]
    assert current_build(served)["build_id"] == forced.build_id
    assert partials(served.parent) == []


@pytest.fixture
def served_undesa_only(tmp_path, mirror) -> Path:
    """A served database built from UN DESA's workbooks alone (no other source to carry over,
    whose areas a synthetic UN DESA table would not list)."""
    return build(tmp_path / "served" / "undesa.duckdb", mirror=str(mirror), cache_dir=tmp_path / "cache0").db_path


def test_changed_input_rebuilds_without_force(served_undesa_only, synthetic_mirror, tmp_path):
    served = served_undesa_only
    previous = current_build(served)
    with pytest.raises(DataLoss, match=r"destination_2024 shrinks from [\d,]+ rows .* to \d+"):
        build(served, mirror=str(synthetic_mirror), cache_dir=tmp_path / "cache")  # far smaller workbooks
    assert current_build(served) == previous
    result = build(served, mirror=str(synthetic_mirror), cache_dir=tmp_path / "cache",
                   accept_loss=frozenset({"undesa_ims"}))
    assert result.changed and result.fingerprint != previous["fingerprint"]
    with duckdb.connect(str(served), read_only=True) as con:
        (world,) = con.execute(
            "SELECT migrants FROM stock WHERE revision = 2024 AND year = 2024 AND destination_code = 900 "
            "AND origin_code = 900 AND sex = 'total'"
        ).fetchone()
    assert world == destination_sheet().get(900, "total", 2024)


# ---- failures keep the previous database ----


def test_corrupt_workbook_keeps_the_previous_database(served, mirror, tmp_path):
    before, previous = digest(served), current_build(served)
    target = mirror / FILE_2024
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    with pytest.raises(EtlError, match=r"not a valid \.xlsx") as error:
        build(served, mirror=str(mirror), cache_dir=tmp_path / "cache", force=True)
    assert isinstance(error.value, UpstreamFormatError) and error.value.file == FILE_2024
    assert_kept(served, before, previous["build_id"])


def generated_mirror(folder: Path, breakage: str = "none") -> Path:
    """Three generated destination workbooks (SYNTHETIC values, each revision's own years); the
    2024 one with one broken area (Haiti, 1990) unless `breakage` is 'none'."""
    folder.mkdir()
    for revision, dataset in DESTINATION.items():
        sheet = destination_sheet(years=PUBLISHED_YEARS[revision])
        if revision == 2024 and breakage == "negative":  # male + female still equal the total
            for sex, value in (("total", -200), ("male", -120), ("female", -80)):
                sheet.set(332, sex, 1990, value)
        elif revision == 2024 and breakage == "sexes":  # male + female far from the total
            sheet.set(332, "female", 1990, sheet.get(332, "female", 1990) + 500)
        elif revision == 2024 and breakage == "hierarchy":  # Haiti + Jamaica > Caribbean
            for sex, extra in (("total", 100), ("male", 60), ("female", 40)):
                sheet.set(332, sex, 1990, sheet.get(332, sex, 1990) + extra)
        destination_workbook(folder / dataset.filename, sheet)
    return folder


@pytest.fixture
def synthetic_mirror(tmp_path) -> Path:
    return generated_mirror(tmp_path / "synthetic")


def test_generated_workbooks_build_when_unbroken(synthetic_mirror, tmp_path):
    """Control for the validation failures below: only the breakage makes them fail."""
    result = build(tmp_path / "control.duckdb", mirror=str(synthetic_mirror), cache_dir=tmp_path / "cache")
    assert result.changed and result.row_counts["stock"] == 11 * 3 * sum(len(PUBLISHED_YEARS[r]) for r in DESTINATION)


@pytest.mark.parametrize(
    ("breakage", "check"),
    [
        ("negative", "column 'migrants', check greater_than_or_equal_to(0): 3 failure(s)"),
        ("sexes", "check 'male + female differs from total beyond rounding': 3 row(s)"),
        ("hierarchy", "parts do not add up to their published total"),
    ],
)
def test_validation_failure_names_table_and_check_and_keeps_the_previous_database(
    served, tmp_path, breakage, check
):
    before, previous = digest(served), current_build(served)
    mirror = generated_mirror(tmp_path / "broken", breakage)
    with pytest.raises(ValidationFailed) as error:
        build(served, mirror=str(mirror), cache_dir=tmp_path / "cache", force=True)
    message = str(error.value)
    assert error.value.table == "stock" and "validation of table 'stock' failed" in message
    assert check in message, message
    if breakage == "hierarchy":
        assert "revision 2024, 1990, total" in message and "subregion 915 sum to 600, published total 500" in message
    elif breakage == "negative":
        assert "-200" in message and "-120" in message
    else:
        assert "'destination_code': 332" in message and "'year': 1990" in message
    if breakage != "hierarchy":
        assert error.value.report_path and Path(error.value.report_path).is_file()
    assert_kept(served, before, previous["build_id"])


def test_http_500_at_the_mirror_keeps_the_previous_database(served, httpserver, tmp_path, fast_policy):
    before, previous = digest(served), current_build(served)
    httpserver.expect_request(f"/{DESTINATION[2024].filename}").respond_with_data("down", status=500)
    with pytest.raises(FetchError, match=r"HTTP 500") as error:
        build(served, mirror=httpserver.url_for("/"), cache_dir=tmp_path / "cache", policy=fast_policy, force=True)
    assert FILE_2024 in str(error.value) and "gave up after 3 attempts" in str(error.value)
    assert len(httpserver.log) == fast_policy.attempts
    assert_kept(served, before, previous["build_id"])


def test_required_file_missing_at_the_mirror_keeps_the_previous_database(served, mirror, tmp_path):
    before, previous = digest(served), current_build(served)
    (mirror / DESTINATION[2020].filename).unlink()
    with pytest.raises(FetchError, match="no such file in the mirror directory") as error:
        build(served, mirror=str(mirror), cache_dir=tmp_path / "cache", force=True)
    assert error.value.not_found and DESTINATION[2020].filename in str(error.value)
    assert_kept(served, before, previous["build_id"])


# ---- snapshots ----


def test_bundled_snapshot_builds_the_same_stock(built_db, tmp_path):
    if not (SNAPSHOT_DIR / "manifest.json").is_file():
        pytest.skip(f"no bundled snapshot in {SNAPSHOT_DIR}")
    result = build_from_snapshot(tmp_path / "offline.duckdb", SNAPSHOT_DIR)
    assert result.changed and current_build(result.db_path)["built_from"] == "snapshot"
    pd.testing.assert_frame_equal(table(result.db_path, "stock"), table(built_db, "stock"))


def snapshot_rows(db: Path, name: str) -> pd.DataFrame:
    """What a snapshot keeps of a table: all of it, but of UNHCR's package tables (issue 25)
    only the rows with a country of the Americas as origin or as asylum."""
    frame = table(db, name)
    if name not in UNHCR_PACKAGE_TABLES:
        return frame
    areas = table(db, "area")
    americas = set(areas.loc[(areas["kind"] == "country") & areas["region"].isin([904, 905]), "code"])
    kept = frame["origin_code"].isin(americas) | frame["asylum_code"].isin(americas)
    return frame[kept].reset_index(drop=True)


def test_export_then_load_snapshot_round_trips(built_db, tmp_path):
    folder = export_snapshot(built_db, tmp_path / "snapshot")
    loaded = load_snapshot(folder)
    for name in DATA_TABLES:
        expected = snapshot_rows(built_db, name)
        assert set(loaded[name].columns) == set(expected.columns), name
        got = loaded[name][list(expected.columns)].sort_values(KEYS[name]).reset_index(drop=True)
        got, expected = (f.astype(object).where(f.notna(), None) for f in (got, expected))  # None vs NaN
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=name)
    rebuilt = build_from_snapshot(tmp_path / "rebuilt.duckdb", folder)
    for name in DATA_TABLES:
        pd.testing.assert_frame_equal(table(rebuilt.db_path, name), snapshot_rows(built_db, name), obj=name)


def test_snapshot_edited_after_export_is_refused(built_db, tmp_path):
    folder = export_snapshot(built_db, tmp_path / "snapshot")
    stock = folder / "stock.parquet"
    frame = pd.read_parquet(stock)
    frame.loc[0, "migrants"] += 1  # one migrant more in one row
    frame.to_parquet(stock, index=False)
    with pytest.raises(EtlError, match=r"stock\.parquet does not match its sha256"):
        load_snapshot(folder)
    with pytest.raises(EtlError, match="sha256"):
        build_from_snapshot(tmp_path / "never.duckdb", folder)
    assert not (tmp_path / "never.duckdb").exists()


# ---- killed builds ----


def test_killed_build_leaves_the_previous_database_and_the_next_build_cleans_up(served, mirror, tmp_path):
    before, previous = digest(served), current_build(served)
    script = (
        "from pathlib import Path\n"
        "from etl.build import build\n"
        f"build(Path({str(served)!r}), mirror={str(mirror)!r}, cache_dir=Path({str(tmp_path / 'c')!r}), force=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT_ROOT)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline and proc.poll() is None and not partials(served.parent):
            time.sleep(0.005)
        writing = proc.poll() is None and bool(partials(served.parent))
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
    assert writing, "the build was not killed while writing its new file"
    assert proc.returncode == -signal.SIGKILL
    stale = partials(served.parent)
    assert stale, "SIGKILL leaves the half-written file behind"
    assert digest(served) == before and current_build(served)["build_id"] == previous["build_id"]
    result = build(served, mirror=str(mirror), cache_dir=tmp_path / "c", force=True)
    assert result.changed and current_build(served)["build_id"] == result.build_id
    assert partials(served.parent) == []


def test_remove_stale_partials_spares_live_builds(tmp_path):
    db = tmp_path / "migdash.duckdb"
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead = int(finished.stdout)
    dead_files = [tmp_path / f".migdash.duckdb.{dead}.0123abcd.building", tmp_path / f".migdash.duckdb.{dead}.0123abcd.building.wal"]
    live_file = tmp_path / f".migdash.duckdb.{os.getpid()}.4567cdef.building"
    other_db = tmp_path / f".other.duckdb.{dead}.89abcdef.building"
    for path in (*dead_files, live_file, other_db):
        path.write_bytes(b"partial")
    remove_stale_partials(db)
    assert not any(path.exists() for path in dead_files)
    assert live_file.exists() and other_db.exists()


def test_cli_reports_a_tampered_snapshot_and_keeps_the_database(built_db, served, tmp_path, capsys):
    from migdash.cli import main as cli

    before, previous = digest(served), current_build(served)
    folder = export_snapshot(built_db, tmp_path / "snapshot")
    (folder / "area.parquet").write_bytes((folder / "area.parquet").read_bytes() + b"\n")
    code = cli(["etl", "--from-snapshot", str(folder), "--db", str(served), "--quiet"])
    assert code == 2 and "left unchanged" in capsys.readouterr().err
    assert_kept(served, before, previous["build_id"])
