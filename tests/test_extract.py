"""Extracts: exactly the selection, tidy, streamed, formula-safe, with metadata generated from
the pandera schemas and the provenance view — checked against direct queries of the database."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import warnings
import zipfile

import duckdb
import pandas as pd
import pytest

from dashboard.app import create_app
from readside import queries
from readside.extract import (
    MAX_ITEMS,
    SCHEMAS,
    SelectionError,
    csv_chunks,
    fields,
    neutralize,
    parse_selection,
    query_string,
    read_selection,
)
from readside.queries import EXTRACT_VIEWS, Database

# UN DESA's own tables; the indicator, pair and grouping extracts are tested in test_indicator_pages
# and test_flows_pages
UNDESA = [key for key, spec in EXTRACT_VIEWS.items()
          if spec.source == "undesa_ims" and not spec.by_series and spec.view != "stock_by_group"]

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
# One direct query per dataset, written independently of the query layer: value column and area
# columns as the README's contract names them.
DIRECT = {
    "stock": ("SELECT revision, year, destination_code, origin_code, sex, migrants FROM stock WHERE revision = ? "
              "AND origin_code = 900 AND destination_code IN (SELECT unnest(?)) AND year IN (SELECT unnest(?)) "
              "AND sex IN (SELECT unnest(?))", ["revision", "year", "destination_code", "origin_code", "sex", "migrants"]),
    "stock_share": ("SELECT revision, year, area_code, sex, percent_of_population FROM stock_share WHERE revision = ? "
                    "AND area_code IN (SELECT unnest(?)) AND year IN (SELECT unnest(?)) AND sex IN (SELECT unnest(?))",
                    ["revision", "year", "area_code", "sex", "percent_of_population"]),
    "population": ("SELECT revision, year, area_code, sex, population_thousands FROM population WHERE revision = ? "
                   "AND area_code IN (SELECT unnest(?)) AND year IN (SELECT unnest(?)) AND sex IN (SELECT unnest(?))",
                   ["revision", "year", "area_code", "sex", "population_thousands"]),
    "refugee_stock": ("SELECT revision, year, area_code, refugees FROM refugee_stock WHERE revision = ? "
                      "AND area_code IN (SELECT unnest(?)) AND year IN (SELECT unnest(?)) AND ? IS NOT NULL",
                      ["revision", "year", "area_code", "refugees"]),
}
SELECTION = {"revision": 2020, "areas": [904, 905, 332, 484, 76], "years": [1990, 2000, 2020], "sex": ["total", "female"]}


@pytest.fixture(scope="module")
def client(built_db):
    return create_app(built_db).server.test_client()


@pytest.fixture(scope="module")
def db(built_db) -> Database:
    return Database(built_db)


def direct(db_path, sql: str, params: list) -> pd.DataFrame:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params).df()


def download(client, fmt: str, query: str):
    response = client.get(f"/download/{fmt}?{query}")
    assert response.status_code == 200, response.data[:300]
    return response


def read_zip(data: bytes) -> tuple[zipfile.ZipFile, pd.DataFrame, dict]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    csv_name = next(n for n in archive.namelist() if n.endswith(".csv"))
    return archive, pd.read_csv(archive.open(csv_name), keep_default_na=False, na_values=[""]), json.loads(archive.read("datapackage.json"))


# ---- allow-list ----


def test_allow_list_names_every_dataset_and_only_identifiers():
    assert set(SCHEMAS) == set(EXTRACT_VIEWS)
    assert set(UNDESA) == {"stock", "stock_share", "population", "refugee_stock"}
    for key, spec in EXTRACT_VIEWS.items():
        assert all(IDENTIFIER.match(v) for v in (spec.view, spec.area_column, spec.value_column))
        assert spec.unit in {"persons", "percent", "thousands", "per series", "persons or cases"}
        assert spec.unit != "persons or cases" or spec.unit_column  # each row names its own unit
        assert spec.value_column in SCHEMAS[key].to_schema().columns
        assert all(IDENTIFIER.match(c) for c in queries.extract_columns(key))


def test_columns_are_tidy_codes_names_sex_value_unit_source_licence():
    assert queries.extract_columns("population") == [
        "revision", "year", "area_code", "iso3", "name_en", "name_es", "name_fr", "name_pt", "sex", "population_thousands",
        "unit", "source", "citation", "licence"]
    stock = queries.extract_columns("stock")
    assert {"destination_code", "destination_iso3", "destination_name_es", "origin_code", "origin_name_en"} <= set(stock)
    assert "sex" not in queries.extract_columns("refugee_stock")


# ---- parameter validation ----


def test_selection_is_validated_against_the_database(db):
    selection = parse_selection({"dataset": "population", "areas": "905, 904,904", "sex": "female,total"}, db)
    assert selection.areas == (904, 905) and selection.sexes == ("total", "female")
    assert selection.revision == max(queries.revisions(db)) and selection.years == tuple(queries.extract_years(db, "population", 2024))
    again = parse_selection(dict(pair.split("=") for pair in query_string(selection).replace("%2C", ",").split("&")), db)
    assert again == selection  # the links reproduce the selection exactly


@pytest.mark.parametrize(("args", "param"), [
    ({"dataset": "stock; DROP TABLE stock", "areas": "904"}, "dataset"),
    ({"revision": "1800", "areas": "904"}, "revision"),
    ({"revision": "2019", "areas": "904", "years": "2024"}, "years"),  # published in 2024 only
    ({"areas": "904,999999"}, "areas"),
    ({"areas": "904'; DROP TABLE stock;--"}, "areas"),
    ({"areas": ",".join(["904"] * (MAX_ITEMS + 1))}, "areas"),
    ({"areas": "904", "sex": "other"}, "sex"),
    ({"areas": "904", "origins": "some"}, "origins"),
    ({"dataset": "refugee_stock", "revision": "2024", "areas": "904"}, "revision"),  # refugees end with the 2020 edition
    ({"areas": ""}, "no_areas"),
])
def test_bad_parameters_are_named(db, args, param):
    with pytest.raises(SelectionError) as raised:
        parse_selection(args, db)
    assert [r.param for r in raised.value.rejected] == [param]
    assert "Traceback" not in raised.value.message("es") and raised.value.message("es") != raised.value.message("en")


def test_lenient_reading_keeps_what_is_valid(db):
    selection, rejected = read_selection({"dataset": "nope", "revision": "1800", "areas": "332,abc", "years": "2000,1800"}, db)
    assert (selection.dataset, selection.revision, selection.areas, selection.years) == ("stock", 2024, (332,), (2000,))
    assert [r.param for r in rejected] == ["dataset", "revision", "years", "areas"]
    assert "1800" in rejected[1].message("en") and "2019, 2020, 2024" in rejected[1].message("en")


def test_rejected_values_are_quoted_back_short(db):
    _, rejected = read_selection({"areas": "x" * 5000}, db)
    assert len(rejected[0].value) <= 41


# ---- formula injection ----


def test_formula_cells_are_neutralized_and_numbers_untouched():
    assert neutralize('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [neutralize(v) for v in ("+1", "@SUM(A1)", "-2", "\tx", "\rx")] == ["'+1", "'@SUM(A1)", "'-2", "'\tx", "'\rx"]
    assert neutralize("Haiti") == "Haiti" and neutralize(-2) == -2 and neutralize(None) is None


def test_hostile_names_in_the_database_reach_the_csv_neutralized(built_db, tmp_path):
    """A name a spreadsheet would execute (say, from a poisoned upstream file) is defused in the file."""
    copy = tmp_path / "hostile.duckdb"
    shutil.copy(built_db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE core.area SET name_en = '=HYPERLINK(\"http://evil\",\"x\")', name_es = '@cmd' WHERE code = 332")
        con.execute("UPDATE core.area SET name_en = '-2+3', name_es = '+SUM(A1)' WHERE code = 388")
    response = download(create_app(copy).server.test_client(), "csv", "dataset=stock&revision=2024&areas=332,388&years=2020")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    names = {(r["destination_name_en"], r["destination_name_es"]) for r in rows}
    assert names == {("'=HYPERLINK(\"http://evil\",\"x\")", "'@cmd"), ("'-2+3", "'+SUM(A1)")}
    assert all(not r["migrants"].startswith("'") for r in rows)


# ---- the files match the database ----


@pytest.mark.parametrize("dataset", UNDESA)
def test_csv_equals_a_direct_query_of_the_same_selection(client, built_db, dataset):
    query = (f"dataset={dataset}&revision={SELECTION['revision']}&areas={','.join(map(str, SELECTION['areas']))}"
             f"&years={','.join(map(str, SELECTION['years']))}&sex={','.join(SELECTION['sex'])}")
    response = download(client, "csv", query)
    assert response.mimetype == "text/csv" and response.is_streamed
    got = pd.read_csv(io.BytesIO(response.data), keep_default_na=False, na_values=[""])
    sql, columns = DIRECT[dataset]
    expected = direct(built_db, sql, [SELECTION["revision"], SELECTION["areas"], SELECTION["years"], SELECTION["sex"]])
    key = [c for c in columns if c != EXTRACT_VIEWS[dataset].value_column]
    pd.testing.assert_frame_equal(got[columns].sort_values(key).reset_index(drop=True),
                                  expected[columns].sort_values(key).reset_index(drop=True), check_dtype=False)
    assert list(got.columns) == queries.extract_columns(dataset)
    assert set(got["unit"]) == {EXTRACT_VIEWS[dataset].unit}
    licence, citation = direct(built_db, "SELECT licence, citation FROM provenance WHERE revision = 2020 "
                               "AND dataset LIKE 'destination%'", []).iloc[0]
    assert set(got["licence"]) == {licence} and set(got["citation"]) == {citation}
    assert set(got["source"]) == {"undesa_ims"}  # a short code; the citation has its own column


def test_codes_iso3_and_names_come_from_the_area_table(client, built_db):
    got = pd.read_csv(io.BytesIO(download(client, "csv", "dataset=stock_share&revision=2024&areas=332,904&years=2024").data),
                      keep_default_na=False, na_values=[""])
    areas = direct(built_db, "SELECT code, iso3, name_en, name_es FROM area WHERE code IN (332, 904)", []).set_index("code")
    for row in got.itertuples():
        expected = areas.loc[row.area_code]
        assert (row.name_en, row.name_es) == (expected["name_en"], expected["name_es"])
        assert (row.iso3 == expected["iso3"]) or (pd.isna(row.iso3) and pd.isna(expected["iso3"]))
    assert set(got.loc[got["area_code"] == 332, "iso3"]) == {"HTI"} and got.loc[got["area_code"] == 904, "iso3"].isna().all()


def test_zip_holds_the_csv_and_a_datapackage_generated_from_schemas_and_provenance(client, built_db):
    response = download(client, "zip", "dataset=stock_share&revision=2024&areas=840,484&sex=total,male")
    assert response.is_streamed
    archive, rows, package = read_zip(response.data)
    assert archive.namelist() == ["migdash-stock_share-2024.csv", "datapackage.json"]
    resource = package["resources"][0]
    raw = archive.read("migdash-stock_share-2024.csv")
    assert resource["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest() and resource["bytes"] == len(raw)
    assert resource["count_of_rows"] == len(rows) == 2 * 2 * 8
    assert not rows.duplicated(resource["schema"]["primaryKey"]).any()
    provenance = direct(built_db, "SELECT url, sha256, retrieved_at, citation, licence, licence_url FROM provenance "
                        "WHERE revision = 2024 AND dataset LIKE 'destination%'", []).iloc[0]
    source = package["sources"][0]
    assert (source["path"], source["hash"], source["retrieved"]) == (provenance["url"], f"sha256:{provenance['sha256']}",
                                                                     str(provenance["retrieved_at"]))
    assert package["citation"] == provenance["citation"] and package["revision"] == 2024
    assert package["licenses"] == [{"name": provenance["licence"].replace(" ", "-"), "title": provenance["licence"],
                                    "path": provenance["licence_url"]}]
    build_id = direct(built_db, "SELECT build_id FROM build", []).iloc[0, 0]
    assert package["version"] == build_id


def test_datapackage_fields_are_generated_from_the_pandera_schemas():
    for dataset in UNDESA:
        columns = SCHEMAS[dataset].to_schema().columns
        described = {f["name"]: f for f in fields(dataset)}
        assert list(described) == queries.extract_columns(dataset)
        assert all(f["description"] for f in described.values())
        for name, column in columns.items():
            if name in described:
                assert described[name]["description"] == column.description
        value = described[EXTRACT_VIEWS[dataset].value_column]
        assert value["unit"] == EXTRACT_VIEWS[dataset].unit and value["type"] in {"integer", "number"}
        assert described["unit"]["constraints"]["enum"] == [EXTRACT_VIEWS[dataset].unit]
        assert described["year"]["type"] == "integer" and described["year"]["constraints"]["minimum"] == 1990
    stock = {f["name"]: f for f in fields("stock")}
    assert stock["sex"]["constraints"]["enum"] == ["total", "male", "female"]
    assert stock["destination_iso3"]["description"].startswith("area of destination: ISO 3166-1")


def test_parquet_has_the_same_rows_and_stable_types(client):
    query = "dataset=stock&revision=2020&areas=170,862,332&years=2000,2020&sex=total"
    frame = pd.read_parquet(io.BytesIO(download(client, "parquet", query).data))
    plain = pd.read_csv(io.BytesIO(download(client, "csv", query).data), keep_default_na=False, na_values=[""])
    assert list(frame.columns) == list(plain.columns) and len(frame) == len(plain) == 6
    assert frame["migrants"].tolist() == plain["migrants"].tolist() and str(frame["migrants"].dtype) == "int64"
    refugees = pd.read_parquet(io.BytesIO(download(client, "parquet", "dataset=refugee_stock&revision=2020&areas=170,862").data))
    assert set(refugees["area_code"]) == {170, 862} and "sex" not in refugees


def test_an_empty_selection_is_still_a_valid_file(client, built_db):
    code = direct(built_db, "SELECT min(code) FROM area WHERE code NOT IN "
                  "(SELECT area_code FROM refugee_stock WHERE revision = 2020)", []).iloc[0, 0]
    query = f"dataset=refugee_stock&revision=2020&areas={code}"
    assert download(client, "csv", query).data.decode() == ",".join(queries.extract_columns("refugee_stock")) + "\n"
    assert pd.read_parquet(io.BytesIO(download(client, "parquet", query).data)).shape == (
        0, len(queries.extract_columns("refugee_stock")))
    _, rows, package = read_zip(download(client, "zip", query).data)
    assert rows.empty and package["resources"][0]["count_of_rows"] == 0


def test_origin_by_destination_rows_on_request(od_db):
    client = create_app(od_db).server.test_client()
    base = "dataset=stock&revision=2020&areas=840&years=2020&sex=total"
    totals = pd.read_csv(io.BytesIO(download(client, "csv", base).data))
    assert set(totals["origin_code"]) == {900}
    archive, every, package = read_zip(download(client, "zip", base + "&origins=all").data)
    expected = direct(od_db, "SELECT count(*) FROM stock WHERE revision = 2020 AND year = 2020 AND sex = 'total' "
                      "AND destination_code = 840", []).iloc[0, 0]
    assert len(every) == expected > 1 and {900, 2003} <= set(every["origin_code"])
    assert any(s["file"].startswith("origin_destination") for s in package["sources"])


# ---- the route ----


@pytest.mark.parametrize("query", [
    "dataset=stock&revision=1800&areas=904",
    "dataset=stock;DROP TABLE stock&areas=904",
    "dataset=stock&areas=999999",
    "dataset=stock&areas=904&years=1800",
    "dataset=stock&areas=904&sex=other",
    "dataset=stock&areas=",
    "dataset=stock&areas=904%27%3B%20DROP%20TABLE%20stock%3B--",
    "dataset=stock&areas=904&revision=%00",
])
def test_bad_parameters_are_a_plain_400(client, query):
    response = client.get(f"/download/csv?{query}")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.data.startswith(b"Cannot build this extract:") and b"Traceback" not in response.data


def test_refusals_speak_the_readers_language(client):
    response = client.get("/download/zip?dataset=stock&areas=904&years=1800&lang=es")
    assert response.status_code == 400
    assert response.data.decode("utf-8").startswith("No se puede generar este extracto: El o los años «1800»")
    assert client.get("/download/xls?areas=904").status_code == 404


# ---- streaming ----


def test_a_full_stock_extract_goes_through_in_chunks(db, built_db):
    every_area = ",".join(str(c) for c in queries.area_codes(db))
    selection = parse_selection({"dataset": "stock", "areas": every_area, "sex": "total,male,female"}, db)
    frames = queries.extract_chunks(db, selection, rows_per_chunk=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # DuckDB warns when a result is copied whole before streaming
        sizes = [len(frame) for frame in frames]
    assert len(sizes) > 1 and max(sizes) <= 1000
    expected = direct(built_db, "SELECT count(*) FROM stock WHERE revision = 2024", []).iloc[0, 0]
    assert sum(sizes) == expected
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chunks = list(csv_chunks(db, selection, chunk_rows=1000))
    assert len(chunks) == len(sizes) + 1  # the header, then one part per batch
    assert chunks[0].startswith(b"revision,year,") and chunks[0].count(b"\n") == 1
    assert sum(c.count(b"\n") for c in chunks) == expected + 1


def test_an_abandoned_download_releases_its_cursor(db):
    selection = parse_selection({"dataset": "population", "areas": ",".join(map(str, queries.area_codes(db)))}, db)
    stream = csv_chunks(db, selection, chunk_rows=100)
    next(stream)
    stream.close()  # a client that disconnects: the generator's finally closes the cursor
    assert queries.revisions(db)  # the connection still answers


def test_csv_for_excel_is_the_same_csv_with_a_byte_order_mark(client):
    query = "dataset=stock&revision=2024&areas=484,332&years=2020"
    plain = download(client, "csv", query).data
    excel = download(client, "csv", query + "&excel=1").data
    assert excel == b"\xef\xbb\xbf" + plain and "México".encode() in plain
    assert not plain.startswith(b"\xef\xbb\xbf")
