"""Extracts of OECD inflows, IOM Missing Migrants incidents and IDMC internal displacement:
the CSV equals the table for a filter (checked with SQL written independently of the query
layer), the datapackage names licence, vintage and each file's sha256, hostile parameters are
refused, and a publisher's free text a spreadsheet would run is defused."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile

import duckdb
import pandas as pd
import pytest

from dashboard.app import create_app
from readside import queries
from readside.extract import SCHEMAS, fields

# dataset -> (query string, direct SQL, columns compared); the SQL reads the table as the README names it
CASES = {
    "migration_flow": (
        "dataset=migration_flow&revision=2024&areas=840,124&years=2019,2020",
        "SELECT year, destination_code, vintage, category, flow_type, status, persons FROM migration_flow "
        "WHERE vintage LIKE 'data to 2024%' AND destination_code IN (840, 124) AND year IN (2019, 2020)",
        ["year", "destination_code", "vintage", "category", "flow_type", "status", "persons"],
    ),
    "missing_migrants": (
        "dataset=missing_migrants&revision=2026&areas=916,915&years=2022,2023",
        "SELECT incident_id, part, year, region, route, cause, dead_and_missing, latitude, longitude, vintage "
        "FROM missing_migrants WHERE region IN ('Central America', 'Caribbean') AND year IN (2022, 2023)",
        ["incident_id", "part", "year", "region", "route", "cause", "dead_and_missing", "latitude", "longitude",
         "vintage"],
    ),
    "internal_displacement": (
        "dataset=internal_displacement&revision=2023&areas=332,484&years=2020,2021",
        "SELECT year, area_code, vintage, cause, measure, persons, persons_rounded FROM internal_displacement "
        "WHERE vintage LIKE '2023-%' AND area_code IN (332, 484) AND year IN (2020, 2021)",
        ["year", "area_code", "vintage", "cause", "measure", "persons", "persons_rounded"],
    ),
}
SOURCES = {"migration_flow": "oecd", "missing_migrants": "iom_missing_migrants", "internal_displacement": "idmc"}


@pytest.fixture(scope="module")
def client(built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        held = [t for t in SOURCES if con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]]  # noqa: S608
    if len(held) < len(SOURCES):
        pytest.skip("the session database lacks OECD, IOM or IDMC rows")
    return create_app(built_db).server.test_client()


def direct(db_path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).df()


def get(client, fmt: str, query: str) -> bytes:
    response = client.get(f"/download/{fmt}?{query}")
    assert response.status_code == 200, response.data[:300]
    return response.data


def frame(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""])


def same(got: pd.DataFrame, expected: pd.DataFrame, columns: list[str]) -> None:
    got, expected = got[columns].copy(), expected[columns].copy()
    for part in (got, expected):
        for column in columns:
            if part[column].dtype == object:
                part[column] = part[column].astype("string")
    key = [c for c in columns if c not in ("persons", "dead_and_missing", "latitude", "longitude", "persons_rounded",
                                           "status", "route", "cause")]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True),
                                  expected.sort_values(key).reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("dataset", list(CASES))
def test_csv_rows_equal_the_table_rows_for_a_filter(client, built_db, dataset):
    query, sql, columns = CASES[dataset]
    got = frame(get(client, "csv", query))
    expected = direct(built_db, sql)
    assert len(got) == len(expected) > 0
    same(got, expected, columns)
    assert list(got.columns) == queries.extract_columns(dataset)
    assert set(got["unit"]) == {"persons"}
    # each row cites the file of its own vintage, with that file's licence
    files = direct(built_db, "SELECT vintage, citation, licence FROM provenance WHERE source = ?", [SOURCES[dataset]])
    by_vintage = files.set_index("vintage")
    for row in got.itertuples():
        assert (row.citation, row.licence) == tuple(by_vintage.loc[row.vintage, ["citation", "licence"]])
    assert set(got["source"]) == {SOURCES[dataset]}


def test_incidents_carry_the_m49_subregion_of_ioms_region(client):
    got = frame(get(client, "csv", "dataset=missing_migrants&revision=2026&areas=905,916,915,931&years=2023"))
    pairs = set(zip(got["region"], got["region_code"], strict=True))
    assert pairs == {("North America", 905), ("Central America", 916), ("Caribbean", 915), ("South America", 931)}
    assert set(got["name_en"]) == {"Northern America", "Central America", "Caribbean", "South America"}


@pytest.mark.parametrize("dataset", list(CASES))
def test_datapackage_names_licence_vintage_and_each_files_sha256(client, built_db, dataset):
    query, _, _ = CASES[dataset]
    archive = zipfile.ZipFile(io.BytesIO(get(client, "zip", query)))
    package = json.loads(archive.read("datapackage.json"))
    rows = frame(archive.read(next(n for n in archive.namelist() if n.endswith(".csv"))))
    files = direct(built_db, "SELECT vintage, sha256, licence, url FROM provenance WHERE source = ?",
                   [SOURCES[dataset]])
    listed = {s["version"]: s["hash"] for s in package["sources"]}
    assert set(rows["vintage"]) <= set(listed)  # every row's file is named…
    for vintage, digest in listed.items():  # …with the sha256 provenance holds for it
        assert f"sha256:{files.set_index('vintage').loc[vintage, 'sha256']}" == digest
    assert {lic["title"] for lic in package["licenses"]} == set(files["licence"])
    resource = package["resources"][0]
    assert not rows.duplicated(resource["schema"]["primaryKey"]).any()
    value = queries.EXTRACT_VIEWS[dataset].value_column
    assert next(f for f in resource["schema"]["fields"] if f["name"] == value)["unit"] == "persons"
    assert next(f for f in resource["schema"]["fields"] if f["name"] == "vintage")["constraints"]["required"]


def test_idmc_licence_is_non_commercial_and_said_so(client):
    package = json.loads(zipfile.ZipFile(io.BytesIO(get(client, "zip", CASES["internal_displacement"][0])))
                         .read("datapackage.json"))
    assert [lic["title"] for lic in package["licenses"]] == ["CC BY-NC 4.0"]
    assert "non-commercial" in package["description"]


def test_missing_migrants_package_keeps_the_coverage_caveat(client, built_db):
    package = json.loads(zipfile.ZipFile(io.BytesIO(get(client, "zip", CASES["missing_migrants"][0])))
                         .read("datapackage.json"))
    assert "minimum estimates" in package["description"]
    coverage = direct(built_db, "SELECT year, coverage FROM missing_migrants_coverage")
    for row in coverage.itertuples():
        assert f"{row.year} {row.coverage}" in package["description"]
    years = set(coverage["year"])
    gaps = [y for y in range(min(years), max(years) + 1) if y not in years]
    assert not gaps or f"No loaded file covers {', '.join(map(str, gaps))}" in package["description"]


def test_parquet_holds_the_same_rows_with_typed_columns(client):
    query = CASES["missing_migrants"][0]
    parquet = pd.read_parquet(io.BytesIO(get(client, "parquet", query)))
    assert len(parquet) == len(frame(get(client, "csv", query)))
    assert str(parquet["latitude"].dtype) == "float64" and str(parquet["dead_and_missing"].dtype) == "int64"


def test_fields_come_from_the_schemas():
    for dataset in CASES:
        own = SCHEMAS[dataset].to_schema().columns
        for descriptor in fields(dataset):
            if descriptor["name"] in own and descriptor["name"] not in ("revision", "vintage"):
                assert descriptor["description"] == (own[descriptor["name"]].description or "")


@pytest.mark.parametrize("query", [
    "dataset=migration_flow&revision=1800&areas=840",
    "dataset=migration_flow&revision=2024&areas=840&years=1800",
    "dataset=missing_migrants&revision=2026&areas=916%27%3B%20DROP%20TABLE%20missing_migrants%3B--",
    "dataset=missing_migrants&revision=2026&areas=916&years=2024",  # a year no IOM file covers: no row, not zero
    "dataset=internal_displacement&revision=2023&areas=332&years=2020,%3DSUM(A1)",
    "dataset=internal_displacement%3BDROP&areas=332",
])
def test_hostile_parameters_are_refused(client, query):
    response = client.get(f"/download/zip?{query}")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert b"Traceback" not in response.data


def test_a_publishers_formula_text_reaches_the_csv_defused(client, built_db, tmp_path):
    copy = tmp_path / "hostile.duckdb"
    shutil.copy(built_db, copy)
    with duckdb.connect(str(copy)) as con:
        target = con.execute("SELECT incident_id FROM missing_migrants WHERE region = 'Caribbean' AND year = 2023 "
                             "ORDER BY incident_id LIMIT 1").fetchone()[0]
        con.execute("UPDATE core.missing_migrants SET route = '=HYPERLINK(\"http://evil\")', cause = '@cmd' "
                    "WHERE incident_id = ?", [target])
    data = create_app(copy).server.test_client().get(
        "/download/csv?dataset=missing_migrants&revision=2026&areas=915&years=2023").data.decode("utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(data)) if r["incident_id"] == target]
    assert rows and {(r["route"], r["cause"]) for r in rows} == {("'=HYPERLINK(\"http://evil\")", "'@cmd")}
