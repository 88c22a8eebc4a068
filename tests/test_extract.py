"""Extracts: exactly the selection, tidy, streamed, with metadata generated from schemas and provenance."""

from __future__ import annotations

import io
import json
import zipfile

import duckdb
import pandas as pd
import pytest

from dashboard import queries
from dashboard.app import create_app
from dashboard.extract import (
    DATASETS,
    SelectionError,
    csv_chunks,
    datapackage,
    neutralize,
    parse_selection,
)
from dashboard.queries import Database


@pytest.fixture(scope="module")
def client(built_db):
    return create_app(built_db).server.test_client()


def direct(db_path, sql: str, params: list) -> pd.DataFrame:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params).df()


def test_csv_equals_a_direct_query_of_the_same_selection(client, built_db):
    response = client.get("/download/csv?dataset=stock&revision=2020&areas=904,905,332&years=2000,2020&sex=total,female")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    got = pd.read_csv(io.BytesIO(response.data))
    expected = direct(
        built_db,
        "SELECT destination_code AS area_code, year, sex, migrants AS value FROM stock WHERE revision = 2020 "
        "AND origin_code = 900 AND destination_code IN (904, 905, 332) AND year IN (2000, 2020) AND sex IN ('total', 'female') "
        "ORDER BY area_code, sex, year",
        [],
    )
    pd.testing.assert_frame_equal(got[["area_code", "year", "sex", "value"]].reset_index(drop=True),
                                  expected.astype({"area_code": "int64", "year": "int64"}), check_dtype=False)
    assert set(got["unit"]) == {"persons"} and set(got["licence"]) == {"CC BY 3.0 IGO"}
    assert got.loc[got["area_code"] == 332, "iso3"].iloc[0] == "HTI"


def test_zip_has_the_csv_and_a_datapackage_from_schemas_and_provenance(client, built_db):
    response = client.get("/download/zip?dataset=stock_share&revision=2024&areas=840&sex=total")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert names == ["migdash-stock_share-2024.csv", "datapackage.json"]
    package = json.loads(archive.read("datapackage.json"))
    rows = pd.read_csv(archive.open(names[0]))
    assert package["resources"][0]["count_of_rows"] == len(rows) == 8
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert "percent" in fields["value"]["description"] and fields["year"]["type"] == "integer"
    sha = direct(built_db, "SELECT sha256 FROM provenance WHERE revision = 2024", [])["sha256"].iloc[0]
    assert package["sources"][0]["hash"] == f"sha256:{sha}"
    assert package["licenses"][0]["name"] == "CC-BY-3.0-IGO"


def test_parquet_round_trips(client):
    response = client.get("/download/parquet?dataset=refugee_stock&revision=2020&areas=170,862")
    frame = pd.read_parquet(io.BytesIO(response.data))
    assert set(frame["area_code"]) <= {170, 862} and "sex" not in frame and len(frame) > 0


@pytest.mark.parametrize("query", [
    "dataset=stock&revision=1800&areas=904",
    "dataset=stock;DROP TABLE stock&areas=904",
    "dataset=stock&areas=999999",
    "dataset=stock&areas=904&years=1800",
    "dataset=stock&areas=904&sex=other",
    "dataset=stock&areas=",
    "dataset=stock&areas=904%27%3B%20DROP%20TABLE%20stock%3B--",
])
def test_bad_parameters_are_a_plain_400(client, query):
    response = client.get(f"/download/csv?{query}")
    assert response.status_code == 400
    assert response.data.startswith(b"Cannot build this extract:") and b"Traceback" not in response.data


def test_selection_validation(built_db):
    db = Database(built_db)
    selection = parse_selection({"dataset": "population", "areas": "905,904,904", "sex": "male"}, db)
    assert selection.areas == (904, 905) and selection.revision == 2024 and selection.years[-1] == 2024
    with pytest.raises(SelectionError, match="not published in the 2019 revision"):
        parse_selection({"revision": "2019", "areas": "904", "years": "2024"}, db)


def test_large_extract_streams_in_chunks(built_db):
    db = Database(built_db)
    every_area = ",".join(str(c) for c in queries.area_codes(db))
    selection = parse_selection({"dataset": "stock", "areas": every_area, "sex": "total,male,female"}, db)
    chunks = list(csv_chunks(db, selection, chunk_rows=1000))
    assert len(chunks) > 3
    rows = sum(chunk.count("\n") for chunk in chunks) - 1
    assert rows == direct(built_db, "SELECT count(*) AS n FROM stock WHERE revision = 2024", [])["n"].iloc[0]


def test_formula_injection_is_neutralized():
    assert neutralize("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert neutralize("+1") == "'+1" and neutralize("@SUM") == "'@SUM" and neutralize("-2") == "'-2"
    assert neutralize("Haiti") == "Haiti" and neutralize(-2) == -2


def test_datapackage_describes_every_column(built_db):
    db = Database(built_db)
    selection = parse_selection({"dataset": "stock", "areas": "904"}, db)
    package = datapackage(db, selection, 8, "x.csv")
    names = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    assert names == queries.extract_columns(DATASETS["stock"])
    assert all(f["description"] for f in package["resources"][0]["schema"]["fields"])
