"""The indicator sources (World Bank API v2, UNHCR population API v1, UN WPP CSV) against
responses in the publishers' documented formats with FIXTURE values (tests/indicator_fixtures),
served by a real HTTP server on 127.0.0.1 or read from directory mirrors; the indicator schema;
and the build's rules for them: unreachable -> previous rows kept, malformed -> build fails and
the database file is left byte-for-byte unchanged."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl.build import build
from etl.errors import FetchError, UpstreamFormatError, ValidationFailed
from etl.fetch import FetchPolicy
from etl.paged_api import page_location
from etl.source_report import strict_failures
from etl.sources import unhcr, worldbank, wpp
from migdash import cli
from schemas.indicator import IndicatorSchema
from schemas.validate import validate
from tests.indicator_fixtures import (
    LAST_UPDATED,
    UNHCR_AREAS,
    YEARS,
    fixture_value,
    unhcr_pages,
    url_responses,
    worldbank_pages,
    wpp_csv_gz,
    write_directory_mirrors,
)

POLICY = FetchPolicy(timeout=2, attempts=2, backoff=0)
UNREACHABLE = "http://127.0.0.1:9"  # discard port: connection refused
WB_CODES = [s.code for s in worldbank.SERIES]
GDP_SHARE = "BX.TRF.PWKR.DT.GD.ZS"
# M49 codes of the fixture's World Bank areas that the client keeps (EAS and XKX are left out).
WB_M49 = {"LCN": 904, "NAC": 905, "WLD": 900, "MEX": 484, "GTM": 320, "HND": 340, "SLV": 222, "COL": 170,
          "HTI": 332, "JAM": 388, "USA": 840, "CAN": 124}
ISO3_OF = {v: k for k, v in WB_M49.items()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_query(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path, parts.query


def wb_body(code: str, page: int, per_page: int = 60) -> bytes:
    return worldbank_pages(code, per_page)[page - 1]


def edit_wb_page(code: str, page: int, edit) -> bytes:
    body = json.loads(wb_body(code, page))
    edit(body)
    return json.dumps(body).encode()


def serve_worldbank(httpserver, overrides: dict[tuple[str, int], bytes] | None = None) -> str:
    """Every page of the three series under /worldbank; `overrides` replaces (code, page) bodies."""
    overrides = overrides or {}
    for code in WB_CODES:
        for number, body in enumerate(worldbank_pages(code), start=1):
            path, query = path_query(worldbank.page_url(code, number))
            httpserver.expect_request("/worldbank" + path, query_string=query).respond_with_data(
                overrides.get((code, number), body), content_type="application/json")
    return httpserver.url_for("/worldbank")


def requests_for(httpserver, url: str) -> int:
    path, query = path_query(url)
    return sum(1 for request, _ in httpserver.log if request.path == path and request.query_string.decode() == query)


def wb_url_on(mirror: str, code: str, page: int) -> str:
    return page_location(worldbank.page_url(code, page), mirror, code, page)


# ---- paged_api: where a page comes from ----

def test_page_location_publisher_url_mirror_and_directory_mirror(tmp_path):
    url = worldbank.page_url(GDP_SHARE, 3)
    assert page_location(url, None, GDP_SHARE, 3) == url
    assert page_location(url, "http://127.0.0.1:8000/wb/", GDP_SHARE, 3) == (
        f"http://127.0.0.1:8000/wb/v2/country/all/indicator/{GDP_SHARE}?format=json&per_page=5000&page=3")
    assert page_location(url, str(tmp_path), GDP_SHARE, 3) == str(tmp_path / GDP_SHARE / "page-3.json")


# ---- World Bank ----

def test_worldbank_pages_over_http_every_page_once_aggregates_mapped(httpserver, tmp_path):
    mirror = serve_worldbank(httpserver)
    got = worldbank.collect(mirror, tmp_path / "cache", POLICY)

    pages = len(worldbank_pages(GDP_SHARE))
    assert pages == 4  # 14 areas x 14 years at 60 per page
    for code in WB_CODES:
        for number in range(1, pages + 1):
            assert requests_for(httpserver, wb_url_on(mirror, code, number)) == 1, (code, number)
    assert len(httpserver.log) == 3 * pages
    assert all(response.status_code == 200 for _, response in httpserver.log)

    frame = got.indicator
    # 12 kept areas x 14 years, minus the null HTI 2010
    assert frame.groupby("series").size().to_dict() == {code: 12 * len(YEARS) - 1 for code in WB_CODES}
    assert set(frame["area_code"]) == set(WB_M49.values())
    assert {900, 904, 905} <= set(frame["area_code"])
    assert got.left_out == {"EAS": 3 * len(YEARS), "XKX": 3 * len(YEARS)}
    hti = frame[(frame["area_code"] == 332) & (frame["series"] == GDP_SHARE)]
    assert sorted(hti["year"]) == YEARS[1:]  # the null value is skipped, not stored as 0

    for row in frame.sample(20, random_state=1).itertuples():
        assert row.value == fixture_value(row.series, ISO3_OF[row.area_code], row.year)
    assert frame.loc[frame["area_code"] == 905].shape[0] == 3 * len(YEARS)  # NAC -> 905
    assert set(frame["revision"]) == {LAST_UPDATED}
    assert set(frame["source"]) == {"worldbank"}
    units = frame.groupby("series")["unit"].unique().map(list).to_dict()
    assert units == {"BX.TRF.PWKR.CD.DT": ["current US$"], "BM.TRF.PWKR.CD.DT": ["current US$"],
                     GDP_SHARE: ["% of GDP"]}
    validate("indicator", frame, IndicatorSchema, None)

    by_dataset = {p["dataset"]: p for p in got.provenance}
    assert sorted(by_dataset) == sorted(f"worldbank_{c}" for c in WB_CODES)
    for code in WB_CODES:
        prov, bodies = by_dataset[f"worldbank_{code}"], worldbank_pages(code)
        assert prov["sha256"] == sha("\n".join(sha(b) for b in bodies).encode())
        assert prov["bytes"] == sum(map(len, bodies))
        assert prov["rows"] == 12 * len(YEARS) - 1
        assert prov["revision"] == 2025 and LAST_UPDATED in prov["citation"]
        assert prov["url"] == worldbank.page_url(code, 1)
        assert prov["fetched_from"] == wb_url_on(mirror, code, 1)


def test_worldbank_directory_mirror_gives_the_same_rows(tmp_path, httpserver):
    mirrors = write_directory_mirrors(tmp_path / "mirrors")
    from_dir = worldbank.collect(mirrors["worldbank"], tmp_path / "cache", POLICY)
    from_http = worldbank.collect(serve_worldbank(httpserver), tmp_path / "cache2", POLICY)
    pd.testing.assert_frame_equal(from_dir.indicator, from_http.indicator)
    assert [p["sha256"] for p in from_dir.provenance] == [p["sha256"] for p in from_http.provenance]
    assert {p["fetched_from"] for p in from_dir.provenance} == {f"local mirror: {c}" for c in WB_CODES}


def test_worldbank_500_then_200_for_one_page_is_retried(httpserver, tmp_path):
    code = WB_CODES[0]
    path, query = path_query(worldbank.page_url(code, 2))
    httpserver.expect_oneshot_request("/worldbank" + path, query_string=query).respond_with_data("busy", status=503)
    mirror = serve_worldbank(httpserver)
    got = worldbank.collect(mirror, tmp_path / "cache", POLICY)
    assert requests_for(httpserver, wb_url_on(mirror, code, 2)) == 2
    assert requests_for(httpserver, wb_url_on(mirror, code, 3)) == 1
    assert len(got.indicator) == 3 * (12 * len(YEARS) - 1)


def test_worldbank_persistent_500_is_a_fetch_error_naming_the_url(httpserver, tmp_path):
    code = WB_CODES[0]
    path, query = path_query(worldbank.page_url(code, 3))
    httpserver.expect_request("/worldbank" + path, query_string=query).respond_with_data("down", status=500)
    mirror = serve_worldbank(httpserver)
    with pytest.raises(FetchError) as error:
        worldbank.collect(mirror, tmp_path / "cache", POLICY)
    url = wb_url_on(mirror, code, 3)
    assert error.value.source == "worldbank" and error.value.url == url
    assert url in str(error.value) and "gave up after 2 attempts" in str(error.value) and "HTTP 500" in str(error.value)
    assert requests_for(httpserver, url) == 2
    assert requests_for(httpserver, wb_url_on(mirror, code, 4)) == 0  # stops at the failing page


def test_worldbank_error_payload_is_an_upstream_format_error_with_the_api_message(httpserver, tmp_path):
    code = WB_CODES[0]
    payload = json.dumps([{"message": [{"id": "120", "key": "Invalid value",
                                        "value": "The provided parameter value is not valid"}]}]).encode()
    mirror = serve_worldbank(httpserver, {(code, 1): payload})
    with pytest.raises(UpstreamFormatError) as error:
        worldbank.collect(mirror, tmp_path / "cache", POLICY)
    text = str(error.value)
    assert "API error: 120 Invalid value: The provided parameter value is not valid" in text
    assert wb_url_on(mirror, code, 1) in text and text.startswith("[worldbank]")
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(
    ("page", "edit", "message"),
    [
        (2, lambda b: b.__setitem__(1, None), "page 2 of 4 is empty"),
        (3, lambda b: b.__setitem__(1, []), "page 3 of 4 is empty"),
        (1, lambda b: b[0].update(pages=0, total=0), "no data: the header announces pages=0, total=0"),
        (2, lambda b: b[0].update(pages=5), "page 2 announces 5 pages, page 1 announced 4"),
        (2, lambda b: b[1][4].update(value="12a"), "page 2, row 5 (MEX): value '12a' is not a finite number"),
        (4, lambda b: b[1][0].update(date="20x0"), "page 4, row 1 (CAN): date '20x0' is not a year"),
        (1, lambda b: b[1][0]["indicator"].update(id="SP.POP.TOTL"), "page 1, row 1: indicator 'SP.POP.TOTL'"),
    ],
    ids=["rows-null", "rows-empty", "no-pages", "pages-disagree", "value-12a", "date", "wrong-indicator"],
)
def test_worldbank_malformed_page_names_page_row_and_url(httpserver, tmp_path, page, edit, message):
    code = WB_CODES[1]
    mirror = serve_worldbank(httpserver, {(code, page): edit_wb_page(code, page, edit)})
    with pytest.raises(UpstreamFormatError) as error:
        worldbank.collect(mirror, tmp_path / "cache", POLICY)
    assert message in str(error.value)
    assert wb_url_on(mirror, code, page) in str(error.value)


def test_worldbank_row_count_disagreeing_with_header_total_is_an_error(httpserver, tmp_path):
    code = WB_CODES[2]
    overrides = {(code, n): edit_wb_page(code, n, lambda b: b[0].update(total=200)) for n in range(1, 5)}
    mirror = serve_worldbank(httpserver, overrides)
    with pytest.raises(UpstreamFormatError) as error:
        worldbank.collect(mirror, tmp_path / "cache", POLICY)
    assert "the header announces 200 rows, the pages hold 196" in str(error.value)
    assert wb_url_on(mirror, code, 4) in str(error.value)


def test_worldbank_cut_off_json_body_is_an_error_naming_the_url(httpserver, tmp_path):
    code = WB_CODES[0]
    mirror = serve_worldbank(httpserver, {(code, 2): wb_body(code, 2)[:-40]})
    with pytest.raises(UpstreamFormatError, match="not valid JSON") as error:
        worldbank.collect(mirror, tmp_path / "cache", POLICY)
    assert wb_url_on(mirror, code, 2) in str(error.value)


def test_worldbank_missing_page_in_a_directory_mirror_is_a_fetch_error(tmp_path):
    mirrors = write_directory_mirrors(tmp_path / "mirrors")
    missing = Path(mirrors["worldbank"]) / GDP_SHARE / "page-3.json"
    missing.unlink()
    with pytest.raises(FetchError, match="no such file in the mirror directory") as error:
        worldbank.collect(mirrors["worldbank"], tmp_path / "cache", POLICY)
    assert error.value.url == str(missing) and error.value.not_found


# ---- UNHCR ----

def serve_unhcr(httpserver, overrides: dict[tuple[str, int], bytes] | None = None) -> str:
    overrides = overrides or {}
    for side in unhcr.SIDES:
        for number, body in enumerate(unhcr_pages(side), start=1):
            path, query = path_query(unhcr.page_url(side, number, date.today().year))
            httpserver.expect_request("/unhcr" + path, query_string=query).respond_with_data(
                overrides.get((side, number), body), content_type="application/json")
    return httpserver.url_for("/unhcr")


def unhcr_url_on(mirror: str, side: str, page: int) -> str:
    return page_location(unhcr.page_url(side, page, date.today().year), mirror, f"population-{side}", page)


def test_unhcr_pages_counts_dashes_and_numeric_strings(httpserver, tmp_path):
    mirror = serve_unhcr(httpserver)
    got = unhcr.collect(mirror, tmp_path / "cache", POLICY)

    pages = len(unhcr_pages("origin"))
    assert pages == 4  # 13 areas x 14 years + 1 unknown = 183 items, 50 per page
    for side in unhcr.SIDES:
        for number in range(1, pages + 1):
            assert requests_for(httpserver, unhcr_url_on(mirror, side, number)) == 1, (side, number)
    assert len(httpserver.log) == 2 * pages

    frame = got.indicator
    n = len(UNHCR_AREAS) * len(YEARS)
    oip_years = [y for y in YEARS if y >= 2018]  # "-" before 2018: not stored
    expected = {}
    for side in unhcr.SIDES:
        expected |= {f"unhcr.refugees.{side}": n, f"unhcr.asylum_seekers.{side}": n,
                     f"unhcr.oip.{side}": len(UNHCR_AREAS) * len(oip_years)}
    assert frame.groupby("series").size().to_dict() == expected
    assert sorted(frame.loc[frame["series"] == "unhcr.oip.asylum", "year"].unique()) == oip_years
    assert got.left_out == {"-": 2}  # the "Various/unknown" item of each side

    def value(series: str, area: int, year: int) -> float:
        (v,) = frame.loc[(frame["series"] == series) & (frame["area_code"] == area) & (frame["year"] == year), "value"]
        return v

    # asylum_seekers arrive as numeric strings, refugees as numbers; VEN is 862, COL 170
    assert value("unhcr.asylum_seekers.origin", 862, 2015) == int(fixture_value("asyorigin", "VEN", 2015) / 2000)
    assert value("unhcr.refugees.asylum", 170, 2023) == int(fixture_value("refasylum", "COL", 2023) / 1000)
    assert value("unhcr.oip.origin", 862, 2020) == int(fixture_value("oiporigin", "VEN", 2020) / 500)
    assert set(frame["unit"]) == {"persons"} and set(frame["revision"]) == {"2023"}
    validate("indicator", frame, IndicatorSchema, None)

    by_dataset = {p["dataset"]: p for p in got.provenance}
    assert sorted(by_dataset) == ["unhcr_population_asylum", "unhcr_population_origin"]
    bodies = unhcr_pages("asylum")
    assert by_dataset["unhcr_population_asylum"]["sha256"] == sha("\n".join(sha(b) for b in bodies).encode())
    assert by_dataset["unhcr_population_asylum"]["rows"] == 2 * n + len(UNHCR_AREAS) * len(oip_years)
    assert by_dataset["unhcr_population_origin"]["revision"] == 2023


@pytest.mark.parametrize(("bad", "shown"), [("abc", "'abc'"), (-5, "-5"), (True, "True"), ("inf", "'inf'")])
def test_unhcr_non_count_names_page_and_item(httpserver, tmp_path, bad, shown):
    body = json.loads(unhcr_pages("asylum")[1])
    body["items"][2]["refugees"] = bad
    iso3 = body["items"][2]["coa_iso"]
    mirror = serve_unhcr(httpserver, {("asylum", 2): json.dumps(body).encode()})
    with pytest.raises(UpstreamFormatError) as error:
        unhcr.collect(mirror, tmp_path / "cache", POLICY)
    assert f"page 2, item 3 ({iso3}, refugees): {shown} is not a count" in str(error.value)
    assert unhcr_url_on(mirror, "asylum", 2) in str(error.value)


def test_unhcr_answer_without_items_shows_the_api_message(httpserver, tmp_path):
    mirror = serve_unhcr(httpserver, {("origin", 1): b'{"message": "Too many requests, slow down"}'})
    with pytest.raises(UpstreamFormatError, match="the API says: Too many requests, slow down") as error:
        unhcr.collect(mirror, tmp_path / "cache", POLICY)
    assert unhcr_url_on(mirror, "origin", 1) in str(error.value)


def test_unhcr_429_is_retried(httpserver, tmp_path):
    path, query = path_query(unhcr.page_url("origin", 1, date.today().year))
    httpserver.expect_oneshot_request("/unhcr" + path, query_string=query).respond_with_data("slow down", status=429)
    mirror = serve_unhcr(httpserver)
    got = unhcr.collect(mirror, tmp_path / "cache", POLICY)
    assert requests_for(httpserver, unhcr_url_on(mirror, "origin", 1)) == 2
    assert [r.status_code for _, r in httpserver.log][:2] == [429, 200]
    assert len(got.indicator) == 2 * (2 * len(UNHCR_AREAS) * len(YEARS) + len(UNHCR_AREAS) * 6)


# ---- WPP ----

def wpp_mirror(tmp_path: Path, edit=None) -> str:
    folder = tmp_path / "wpp"
    folder.mkdir(exist_ok=True)
    data = write_wpp_bytes(edit)
    (folder / wpp.EDITION.filename).write_bytes(data)
    return str(folder)


def write_wpp_bytes(edit=None) -> bytes:
    data = wpp_csv_gz()
    if edit is None:
        return data
    return edit(data)


def edit_csv(change):
    def edit(data: bytes) -> bytes:
        lines = gzip.decompress(data).decode().split("\n")
        change(lines)
        return gzip.compress("\n".join(lines).encode(), mtime=0)
    return edit


def test_wpp_estimates_only_thousands_to_persons_and_rate_unit(tmp_path):
    got = wpp.collect(wpp_mirror(tmp_path), tmp_path / "cache", POLICY)
    frame = got.indicator
    assert sorted(frame["year"].unique()) == list(range(2015, 2024))  # 2024-2026 are projections
    assert sorted(frame["area_code"].unique()) == [170, 484, 840, 862, 904]
    assert got.left_out == {"not an M49 area": 9}
    assert frame.groupby("series").size().to_dict() == {"wpp.net_migration": 45, "wpp.net_migration_rate": 45}

    net = frame.set_index(["series", "area_code", "year"])["value"]
    for code in (484, 170, 862, 840, 904):
        for year in (2015, 2023):
            thousands = (code % 7 - 3) * 12.5 + (year - 2015)
            assert net[("wpp.net_migration", code, year)] == thousands * 1000
            assert net[("wpp.net_migration_rate", code, year)] == round(thousands / 10, 3)
    assert net[("wpp.net_migration", 484, 2015)] == -25_000  # 484 % 7 == 1: -25 thousand
    units = frame.groupby("series")["unit"].unique().map(list).to_dict()
    assert units == {"wpp.net_migration": ["persons"], "wpp.net_migration_rate": ["per 1,000 population"]}
    assert set(frame["revision"]) == {"2024"}
    validate("indicator", frame, IndicatorSchema, None)  # negative net migration is allowed
    (prov,) = got.provenance
    assert prov["sha256"] == sha(write_wpp_bytes()) and prov["rows"] == 90
    assert prov["fetched_from"] == f"local mirror: {wpp.EDITION.filename}"


def test_wpp_over_http_url_mirror(httpserver, tmp_path):
    httpserver.expect_request("/wpp/" + wpp.EDITION.filename).respond_with_data(write_wpp_bytes())
    got = wpp.collect(httpserver.url_for("/wpp"), tmp_path / "cache", POLICY)
    assert len(got.indicator) == 90 and len(httpserver.log) == 1
    assert got.provenance[0]["fetched_from"] == httpserver.url_for("/wpp/" + wpp.EDITION.filename)


def test_wpp_renamed_column_is_named(tmp_path):
    def rename(lines):
        lines[0] = lines[0].replace("NetMigrations", "NetMigration")
    with pytest.raises(UpstreamFormatError, match=r"columns \['NetMigrations'\] not found") as error:
        wpp.collect(wpp_mirror(tmp_path, edit_csv(rename)), tmp_path / "cache", POLICY)
    assert "NetMigration'" in str(error.value) and wpp.EDITION.filename in str(error.value)


def test_wpp_non_numeric_cell_names_the_csv_line(tmp_path):
    def spoil(lines):
        cells = lines[5].rsplit(",", 2)  # line 6 of the file: ..., NetMigrations, CNMR
        lines[5] = f"{cells[0]},12..5,{cells[2]}"
    with pytest.raises(UpstreamFormatError) as error:
        wpp.collect(wpp_mirror(tmp_path, edit_csv(spoil)), tmp_path / "cache", POLICY)
    assert error.value.row == 6 and error.value.value == "12..5"
    assert "non-numeric value in column 'net_migration'" in str(error.value) and "row 6" in str(error.value)


def test_wpp_truncated_gzip_is_a_clear_error(tmp_path):
    mirror = wpp_mirror(tmp_path, lambda data: data[: len(data) // 2])
    with pytest.raises(UpstreamFormatError, match="not a readable CSV") as error:
        wpp.collect(mirror, tmp_path / "cache", POLICY)
    assert error.value.source == "wpp" and wpp.EDITION.filename in error.value.file


def test_wpp_duplicate_location_year_is_an_error(tmp_path):
    def duplicate(lines):
        lines.insert(2, lines[1])
    with pytest.raises(UpstreamFormatError, match="duplicate location and year") as error:
        wpp.collect(wpp_mirror(tmp_path, edit_csv(duplicate)), tmp_path / "cache", POLICY)
    assert error.value.value == "LocID 484"


# ---- schema ----

def good_indicator() -> pd.DataFrame:
    return pd.DataFrame({
        "series": [GDP_SHARE, GDP_SHARE, "wpp.net_migration", "unhcr.refugees.origin"],
        "area_code": [484, 170, 484, 862],
        "year": [2020, 2020, 2020, 2020],
        "value": [3.5, 2.0, -25000.0, 1000.0],
        "unit": ["% of GDP", "% of GDP", "persons", "persons"],
        "source": ["worldbank", "worldbank", "wpp", "unhcr"],
        "revision": [LAST_UPDATED, LAST_UPDATED, "2024", "2023"],
        "variant": ["estimate"] * 4,
    })


def test_indicator_schema_accepts_good_rows():
    assert len(validate("indicator", good_indicator(), IndicatorSchema, None)) == 4


@pytest.mark.parametrize(
    ("column", "values", "check"),
    [
        ("value", [1500.0, 2.0, -25000.0, 1000.0], "a share of GDP lies within 0-1000"),
        ("value", [-0.5, 2.0, -25000.0, 1000.0], "a share of GDP lies within 0-1000"),
        ("unit", ["% of GDP", "percent", "persons", "persons"], "one unit per series"),
        ("area_code", [484, 484, 484, 862], "multiple_fields_uniqueness"),
        ("value", [3.5, 2.0, np.nan, 1000.0], "not_nullable"),
        ("value", [3.5, 2.0, np.inf, 1000.0], "values must be finite"),
        ("value", [3.5, 2.0, -25000.0, -5.0], "head counts and remittances are not negative"),
        ("source", ["worldbank", "worldbank", "wpp", "iom"], "isin"),
    ],
    ids=["gdp-1500", "gdp-negative", "two-units", "duplicate-key", "nan", "inf", "negative-count", "source"],
)
def test_indicator_schema_rejects(column, values, check, tmp_path):
    frame = good_indicator().assign(**{column: values})
    with pytest.raises(ValidationFailed) as error:
        validate("indicator", frame, IndicatorSchema, tmp_path)
    assert check in error.value.summary
    assert error.value.table == "indicator" and Path(error.value.report_path).is_file()


# ---- build and CLI ----

@pytest.fixture(scope="module")
def mirrors(tmp_path_factory, upstream_dir) -> dict[str, str]:
    return {"undesa_ims": str(upstream_dir), **write_directory_mirrors(tmp_path_factory.mktemp("mirrors"))}


@pytest.fixture(scope="module")
def full_db(tmp_path_factory, mirrors) -> Path:
    folder = tmp_path_factory.mktemp("full")
    result = build(folder / "migdash.duckdb", mirrors=mirrors, cache_dir=folder / "cache", policy=POLICY, force=True)
    assert not any(note.startswith(("worldbank", "unhcr", "wpp")) for note in result.skipped), result.skipped
    return result.db_path


def query(db: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def copy_db(db: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(db, folder / "migdash.duckdb"))


@pytest.fixture
def fast_cli(monkeypatch):
    """The CLI's FetchPolicy without sleeps between attempts (its default backs off for seconds)."""
    monkeypatch.setattr(cli, "FetchPolicy", lambda timeout: POLICY)


def etl_args(db: Path, mirrors: dict[str, str], cache: Path, *extra: str) -> list[str]:
    args = ["etl", "--db", str(db), "--cache", str(cache), "--force", "--quiet", "--mirror", mirrors["undesa_ims"]]
    for name in ("worldbank", "unhcr", "wpp"):
        if name in mirrors:
            args += ["--mirror", f"{name}={mirrors[name]}"]
    return args + list(extra)


def test_full_build_loads_indicator_and_provenance_rows(full_db):
    counts = dict(query(full_db, "SELECT source, count(*) FROM indicator GROUP BY source"))
    assert counts == {"worldbank": 3 * (12 * len(YEARS) - 1), "unhcr": 2 * (2 * 13 * 14 + 13 * 6), "wpp": 90}
    datasets = [d for (d,) in query(full_db, "SELECT dataset FROM provenance WHERE source <> 'undesa_ims' ORDER BY 1")]
    assert datasets == sorted([f"worldbank_{c}" for c in WB_CODES] + ["unhcr_population_asylum", "unhcr_population_origin",
                                                                    "wpp_2024_demographic_indicators"])
    rows = dict(query(full_db, "SELECT dataset, rows FROM provenance WHERE source <> 'undesa_ims'"))
    assert rows[f"worldbank_{GDP_SHARE}"] == 167 and rows["wpp_2024_demographic_indicators"] == 90
    assert query(full_db, "SELECT count(*) FROM series") == [(11,)]
    # every indicator area is in the area table; the World Bank aggregates are there as UN regions
    assert query(full_db, "SELECT count(*) FROM indicator i ANTI JOIN area a ON a.code = i.area_code") == [(0,)]
    assert query(full_db, "SELECT DISTINCT area_code FROM indicator WHERE area_code IN (900, 904, 905) "
                          "AND source = 'worldbank' ORDER BY 1") == [(900,), (904,), (905,)]


def test_unreachable_worldbank_keeps_previous_rows_with_a_note(full_db, mirrors, tmp_path):
    db = copy_db(full_db, tmp_path / "db")
    before = query(db, "SELECT * FROM indicator WHERE source = 'worldbank' ORDER BY ALL")
    prov_before = query(db, "SELECT dataset, sha256, rows FROM provenance WHERE source = 'worldbank' ORDER BY 1")
    result = build(db, mirrors={**mirrors, "worldbank": UNREACHABLE}, cache_dir=tmp_path / "cache",
                   policy=POLICY, force=True)
    (note,) = [n for n in result.skipped if n.startswith("worldbank")]
    assert "worldbank: unreachable" in note and UNREACHABLE in note
    assert note.endswith(f"kept from the previous build: vintages 2025-07-01 ({len(before)} rows)")
    assert len(before) == 501
    assert query(db, "SELECT * FROM indicator WHERE source = 'worldbank' ORDER BY ALL") == before
    assert query(db, "SELECT dataset, sha256, rows FROM provenance WHERE source = 'worldbank' ORDER BY 1") == prov_before
    assert dict(query(db, "SELECT source, count(*) FROM indicator GROUP BY source"))["unhcr"] == 884


def test_strict_cli_exits_3_when_a_source_is_unreachable(full_db, mirrors, tmp_path, capsys, fast_cli):
    db = copy_db(full_db, tmp_path / "db")
    args = etl_args(db, {**mirrors, "worldbank": UNREACHABLE}, tmp_path / "cache")
    assert cli.main(args) == 0  # without --strict the build completes
    assert "note: worldbank: unreachable" in capsys.readouterr().err
    assert cli.main([*args, "--strict"]) == 3
    err = capsys.readouterr().err
    assert "note: worldbank: unreachable" in err and "kept from the previous build: vintages 2025-07-01 (501 rows)" in err
    assert "strict: asked for and not loaded: worldbank" in err
    assert query(db, "SELECT count(*) FROM indicator WHERE source = 'worldbank'") == [(501,)]


def test_malformed_worldbank_page_fails_the_build_and_leaves_the_file_unchanged(
        full_db, mirrors, tmp_path, httpserver, capsys, fast_cli):
    db = copy_db(full_db, tmp_path / "db")
    digest = sha(db.read_bytes())
    bad = edit_wb_page(GDP_SHARE, 2, lambda b: b[1][4].update(value="12a"))
    url_mirror = serve_worldbank(httpserver, {(GDP_SHARE, 2): bad})
    assert cli.main(etl_args(db, {**mirrors, "worldbank": url_mirror}, tmp_path / "cache")) == 2
    err = capsys.readouterr().err
    assert "error: [worldbank]" in err and wb_url_on(url_mirror, GDP_SHARE, 2) in err
    assert "page 2, row 5 (MEX): value '12a' is not a finite number" in err
    assert "previous database (if any) was left unchanged" in err
    assert sha(db.read_bytes()) == digest
    assert not list(db.parent.glob(".migdash.duckdb.*.building*"))


def test_share_of_gdp_over_100_fails_validation_and_leaves_the_file_unchanged(full_db, mirrors, tmp_path):
    db = copy_db(full_db, tmp_path / "db")
    digest = sha(db.read_bytes())
    wb = tmp_path / "worldbank"
    shutil.copytree(mirrors["worldbank"], wb)
    page = wb / GDP_SHARE / "page-1.json"
    page.write_bytes(edit_wb_page(GDP_SHARE, 1, lambda b: b[1][0].update(value=1500.0)))
    with pytest.raises(ValidationFailed, match="a share of GDP lies within 0-1000") as error:
        build(db, mirrors={**mirrors, "worldbank": str(wb)}, cache_dir=tmp_path / "cache", policy=POLICY,
              force=True, report_dir=tmp_path / "reports")
    assert error.value.table == "indicator"
    assert sha(db.read_bytes()) == digest


def test_undesa_mirror_only_notes_each_indicator_source(mirrors, full_db, tmp_path):
    fresh = build(tmp_path / "fresh.duckdb", mirrors={"undesa_ims": mirrors["undesa_ims"]},
                  cache_dir=tmp_path / "cache", policy=POLICY, force=True)
    for name in ("worldbank", "unhcr", "wpp"):
        assert f"{name}: no mirror given for it (--mirror {name}=DIR_OR_URL); absent (no previous build holds it)" \
            in fresh.skipped
    assert fresh.row_counts["indicator"] == 0
    assert query(fresh.db_path, "SELECT count(*) FROM indicator") == [(0,)]
    assert query(fresh.db_path, "SELECT count(*) FROM provenance WHERE source <> 'undesa_ims'") == [(0,)]

    # with a previous build, the same offline build keeps that build's rows for every source
    db = copy_db(full_db, tmp_path / "db")
    kept = build(db, mirrors={"undesa_ims": mirrors["undesa_ims"]}, cache_dir=tmp_path / "cache",
                 policy=POLICY, force=True)
    assert "wpp: no mirror given for it (--mirror wpp=DIR_OR_URL); kept from the previous build: editions 2024 " \
           "(90 rows)" in kept.skipped
    assert kept.row_counts["indicator"] == 501 + 884 + 90
    # not asked for (no mirror given in an offline build): kept or absent, never a --strict failure
    assert strict_failures(kept.sources) == strict_failures(fresh.sources) == []
    assert {r.source: r.state for r in kept.sources}["wpp"] == "kept"


def test_parse_mirrors():
    assert cli.parse_mirrors(["/data/undesa", "worldbank=http://127.0.0.1:8000/wb", "wpp=/data/wpp"]) == {
        "undesa_ims": "/data/undesa", "worldbank": "http://127.0.0.1:8000/wb", "wpp": "/data/wpp"}
    assert cli.parse_mirrors(["http://mirror.example/a=b"]) == {"undesa_ims": "http://mirror.example/a=b"}
    assert cli.parse_mirrors(["unhcr=/x", "unhcr=/y"]) == {"unhcr": "/y"}
    with pytest.raises(cli.UsageError, match="unknown source 'wb'"):
        cli.parse_mirrors(["wb=/data/wb"])


def test_url_responses_cover_every_page():
    """The fixture's (path, query) map holds each page the clients will ask for (for a static server)."""
    responses = url_responses()
    for code in WB_CODES:
        for number in range(1, 5):
            path, query = path_query(worldbank.page_url(code, number))
            assert responses[("/worldbank" + path, query)] == wb_body(code, number)
    assert len(responses) == 3 * 4 + 2 * 4 + 1


def test_save_mirror_keeps_every_fetched_file_and_rebuilds_the_same_data(tmp_path, upstream_dir):
    """`--save-mirror DIR` keeps the fetched bytes as a directory mirror per source; a build
    from that mirror alone gives the same tables and the same input checksums."""
    from tests.indicator_fixtures import write_directory_mirrors

    mirrors = {"undesa_ims": str(upstream_dir), **write_directory_mirrors(tmp_path / "publishers")}
    first = build(tmp_path / "a.duckdb", mirrors=mirrors, cache_dir=tmp_path / "cache", save_to=tmp_path / "saved")
    assert first.saved_mirror and "--mirror worldbank=" in first.saved_mirror
    saved = {p.relative_to(tmp_path / "saved").as_posix() for p in (tmp_path / "saved").rglob("*") if p.is_file()}
    assert "worldbank/BX.TRF.PWKR.CD.DT/page-1.json" in saved and "unhcr/population-asylum/page-1.json" in saved
    assert any(name.startswith("undesa_ims/") and name.endswith(".xlsx") for name in saved)
    replay = {s: str(tmp_path / "saved" / s) for s in ("undesa_ims", "worldbank", "unhcr", "wpp")}
    second = build(tmp_path / "b.duckdb", mirrors=replay, cache_dir=tmp_path / "cache2")
    assert second.fingerprint == first.fingerprint
    with duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True) as a, \
            duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True) as b:
        query = "SELECT * FROM indicator ORDER BY ALL"
        pd.testing.assert_frame_equal(a.execute(query).df(), b.execute(query).df())


@pytest.mark.parametrize("module", [worldbank, unhcr, wpp], ids=lambda m: m.SOURCE)
def test_real_publisher_files_parse_when_present(module, upstream_dir, tmp_path):
    """When real responses are added to ../shared/data/upstream/<source>/ (e.g. from
    `migdash etl --save-mirror`), the same client parses and validates them; skipped until then."""
    real = upstream_dir.parent / module.SOURCE
    if not real.is_dir():
        pytest.skip(f"no real {module.SOURCE} files in {real} yet (see PROVENANCE.md)")
    collected = module.collect(str(real), tmp_path / "cache", FetchPolicy(timeout=5, attempts=1, backoff=0))
    assert len(collected.indicator) > 0
    validate("indicator", collected.indicator, IndicatorSchema, None)
    declared = {s.code: s.unit for s in module.SERIES}
    assert all(declared[code] == unit for code, unit in collected.indicator[["series", "unit"]].drop_duplicates().itertuples(index=False))
