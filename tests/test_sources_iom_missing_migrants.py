"""IOM Missing Migrants Project, on the site's four real downloads (xlsx export, two JSON feeds,
a 2026 CSV). Expected figures are read with json/csv/openpyxl, never typed in. Edited variants are
written to tmp_path; any number in them that is not the publisher's is SYNTHETIC."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bench.harness import http_mirror
from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy
from etl.sources import iom_missing_migrants as iom
from schemas.missing_migrants import MissingMigrantsCoverageSchema, MissingMigrantsSchema

IOM_DIR = Path(__file__).resolve().parents[2] / "shared/data/upstream/iom_missing_migrants"
XLSX = "Missing_Migrants_Global_Figures_allData.xlsx"
CSV = "MissingMigrants-Global-2026-05-06--19_42_11.csv"
FILES = [XLSX, "2022-json.json", "2023-json.json", CSV]
POLICY = FetchPolicy(timeout=10, attempts=2, backoff=0.01)
needs_upstream = pytest.mark.skipif(
    not all((IOM_DIR / f).is_file() for f in FILES),
    reason=f"IOM files not found in {IOM_DIR} (the repository is cloned beside ../shared)")


def feed(year: int) -> list[dict]:
    return json.loads((IOM_DIR / f"{year}-json.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory):
    if not IOM_DIR.is_dir():
        pytest.skip(f"IOM files not found in {IOM_DIR}")
    return iom.collect(str(IOM_DIR), tmp_path_factory.mktemp("iom-cache"), POLICY)


@pytest.fixture(scope="module")
def incidents(collected) -> pd.DataFrame:
    return collected.tables["missing_migrants"]


@needs_upstream
@pytest.mark.parametrize("year", [2022, 2023])
def test_americas_dead_and_missing_equal_the_feed_sum(incidents, year):
    records = [r for r in feed(year) if r["region"] in iom.AMERICAS_REGIONS]
    expected = sum(int(r["total_dead_and_missing"] or 0) for r in records)
    mine = iom.americas(incidents[incidents["year"] == year])
    assert expected > 0 and mine["dead_and_missing"].sum() == expected
    assert len(mine) == len(records)
    assert (mine["vintage"] == f"{year}-12-31").all()  # taken from the feed, not the May 2022 export


@needs_upstream
def test_export_years_match_the_workbook(incidents):
    book = openpyxl.load_workbook(IOM_DIR / XLSX, read_only=True, data_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    header = [str(c) for c in rows[0]]
    year, total, region = (header.index(c) for c in ("Incident year", "Total Number of Dead and Missing",
                                                      "Region of Incident"))
    for y in (2015, 2021):
        expected = sum(r[total] or 0 for r in rows[1:] if r[year] == y and r[region] in iom.AMERICAS_REGIONS)
        assert iom.americas(incidents[incidents["year"] == y])["dead_and_missing"].sum() == expected


@needs_upstream
def test_csv_2026_is_read_with_its_parts(incidents):
    with open(IOM_DIR / CSV, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    mine = incidents[incidents["year"] == 2026]
    assert len(mine) == len(rows) and mine["incident_id"].nunique() == len({r["Main ID"] for r in rows})
    expected = sum(int(r["Number Dead"] or 0) + int(r["Minimum Estimated Number of Missing"] or 0) for r in rows)
    assert mine["dead_and_missing"].sum() == expected


@needs_upstream
def test_coverage_is_derived_from_the_files(collected):
    coverage = MissingMigrantsCoverageSchema.validate(collected.tables["missing_migrants_coverage"])
    got = dict(zip(coverage["year"], coverage["coverage"], strict=True))
    assert got == {**dict.fromkeys(range(2014, 2024), "complete"), 2026: "partial"}  # 2024-2025 absent
    assert coverage.set_index("year").loc[2021, "vintage"] == "2022-05-15"  # the export's own stamp


@needs_upstream
def test_table_validates_and_provenance_one_row_per_file(collected, incidents):
    MissingMigrantsSchema.validate(incidents)
    assert sorted(rel for rel, _ in collected.files) == sorted(FILES)
    rows = {p["sha256"][:8]: p for p in collected.provenance}
    assert len(rows) == 4 and all(p["licence"] == "CC BY 3.0 IGO" for p in rows.values())
    assert sum(p["rows"] for p in rows.values()) == len(incidents)
    assert incidents.loc[incidents["year"] >= 2022, "country_code"].notna().sum() > 0


@needs_upstream
def test_an_incident_in_two_files_is_counted_once_newest_winning(tmp_path):
    records = feed(2023)
    first = records[0]
    older = tmp_path / "a-older.json"
    older.write_text(json.dumps([{**first, "reported_date": "2023-03-01"}]), encoding="utf-8")  # SYNTHETIC date
    newer = tmp_path / "b-newer.json"
    newer.write_text(json.dumps([{**first, "reported_date": "2023-04-01"}, {**records[1], "reported_date":
                                                                           "2023-04-01"}]), encoding="utf-8")
    got = iom.collect(str(tmp_path), tmp_path / "cache", POLICY).tables["missing_migrants"]
    mine = got[got["incident_id"] == first["web_id"]]
    assert len(mine) == 1 and str(mine["date"].iloc[0].date()) == "2023-04-01"
    assert mine["dead_and_missing"].iloc[0] == int(first["total_dead_and_missing"])


@needs_upstream
def test_http_mirror_gives_the_folder_result(collected, tmp_path):
    with http_mirror(IOM_DIR) as url:
        over_http = iom.collect(url, tmp_path / "cache", POLICY)
    for table in ("missing_migrants", "missing_migrants_coverage"):
        pd.testing.assert_frame_equal(over_http.tables[table], collected.tables[table])


# ---- malformed variants ----


@needs_upstream
def test_json_record_without_id_names_record_and_field(tmp_path):
    records = feed(2022)
    del records[4]["web_id"]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(UpstreamFormatError, match=r"record 5, field 'web_id': no incident id") as info:
        iom.read_incidents(path)
    assert info.value.file == "feed.json" and info.value.row == 5


@needs_upstream
def test_json_non_numeric_count_names_record_and_field(tmp_path):
    records = feed(2022)
    records[9]["number_dead"] = "about 3"
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(UpstreamFormatError, match=r"record 10, field 'number_dead': not a whole number") as info:
        iom.read_incidents(path)
    assert info.value.value == "about 3"


@needs_upstream
def test_csv_non_numeric_count_names_row_and_column(tmp_path):
    with open(IOM_DIR / CSV, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("Number of Survivors")
    rows[3][column] = "n/a"
    path = tmp_path / "download.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(UpstreamFormatError, match="field 'Number of Survivors'") as info:
        iom.read_incidents(path)
    assert info.value.row == 4 and info.value.column == column


@needs_upstream
def test_csv_missing_column_is_named(tmp_path):
    text = (IOM_DIR / CSV).read_text(encoding="utf-8-sig").replace('"Number Dead"', '"Dead"', 1)
    path = tmp_path / "download.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UpstreamFormatError, match="Number Dead") as info:
        iom.read_incidents(path)
    assert info.value.row == 1


def test_unknown_content_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(UpstreamFormatError, match="neither"):
        iom.read_incidents(path)


def test_coordinates_both_orders():
    assert iom._coordinates("POINT (-110.5 31.6)") == (31.6, -110.5)
    assert iom._coordinates("31.6, -110.5") == (31.6, -110.5)
    assert iom._coordinates("near the border") == (None, None)


@needs_upstream
def test_without_mirror_the_feeds_are_fetched(tmp_path, monkeypatch):
    shutil.copy(IOM_DIR / "2022-json.json", tmp_path / "2022")
    with http_mirror(tmp_path) as url:
        monkeypatch.setattr(iom, "FEED_URL", url + "{year}")
        monkeypatch.setattr(iom, "PUBLISHED_YEARS", (2022,))
        fetched = iom.collect(None, tmp_path / "cache", POLICY)
    assert len(fetched.tables["missing_migrants"]) == len(feed(2022))
