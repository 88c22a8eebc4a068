"""The versioned extract API (/api/v1): the OpenAPI document validates and describes every
registered dataset with its stable columns; the rows equal the download routes' (which still
work); a poll with the ETag or the date gets 304 until a new build; errors are JSON with the
download routes' messages."""

from __future__ import annotations

import io
import json
import shutil
import sys
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlencode

import dash
import duckdb
import jsonschema
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from dashboard.app import create_app
from readside import queries
from readside.queries import EXTRACT_VIEWS

COLUMNS_FILE = Path(__file__).with_name("api_v1_columns.json")
QUERY = "revision=2020&areas=332,484,904&years=2000,2020&sex=total,female"


@pytest.fixture(scope="module")
def client(built_db):
    return create_app(built_db).server.test_client()


def ok(client, url: str, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.data[:300]
    return response


# ---- the description ----


def test_the_openapi_document_validates_and_names_every_dataset(client):
    document = ok(client, "/api/v1/openapi.json").get_json()
    validate(document)  # openapi-spec-validator: OpenAPI 3.1 and its JSON Schemas
    assert {f"/api/v1/{name}.{{format}}" for name in EXTRACT_VIEWS} <= set(document["paths"])
    for name in EXTRACT_VIEWS:
        row = document["components"]["schemas"][f"{name}_row"]
        assert list(row["properties"]) == queries.extract_columns(name)
        parameters = {p["$ref"].rsplit("/", 1)[1] for p in document["paths"][f"/api/v1/{name}.{{format}}"]["get"]["parameters"]}
        assert ("sex" in parameters) == EXTRACT_VIEWS[name].has_sex
        assert ("series" in parameters) == EXTRACT_VIEWS[name].by_series


def test_column_names_are_stable_in_version_1():
    """Version 1 promises these names. A renamed or dropped column breaks every script that reads
    it: that needs /api/v2, not an edit here. A new dataset adds its own entry."""
    pinned = json.loads(COLUMNS_FILE.read_text(encoding="utf-8"))
    for name, columns in pinned.items():
        assert queries.extract_columns(name) == columns, f"{name}: the columns of API v1 changed"
    unpinned = set(EXTRACT_VIEWS) - set(pinned)
    assert not unpinned, f"add the columns of {sorted(unpinned)} to {COLUMNS_FILE.name} (they become API v1's promise)"


def test_the_index_lists_what_the_build_holds(client, built_db):
    index = ok(client, "/api/v1/datasets").get_json()
    held = queries.extract_revisions(queries.Database(built_db))
    assert [d["name"] for d in index["datasets"]] == list(EXTRACT_VIEWS)
    for entry in index["datasets"]:
        assert entry["revisions"] == held[entry["name"]] and entry["columns"] == queries.extract_columns(entry["name"])
    build = queries.build_info(queries.Database(built_db))
    assert index["build"] == {"id": build["build_id"], "built_at": build["built_at"]}


# ---- the extracts ----


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_the_api_serves_the_download_routes_rows(client, fmt):
    api = ok(client, f"/api/v1/stock.{fmt}?{QUERY}")
    old = ok(client, f"/download/{fmt}?dataset=stock&{QUERY}")  # the old URLs keep working
    assert api.mimetype == old.mimetype
    read = {"csv": pd.read_csv, "parquet": pd.read_parquet,
            "xlsx": lambda data: pd.read_excel(data, sheet_name="data", engine="openpyxl")}[fmt]
    got, expected = read(io.BytesIO(api.data)), read(io.BytesIO(old.data))
    pd.testing.assert_frame_equal(got, expected)
    assert len(got) == 3 * 2 * 2 and list(got.columns) == queries.extract_columns("stock")


def test_json_rows_equal_the_csv_and_follow_the_published_schema(client):
    document = ok(client, "/api/v1/openapi.json").get_json()
    for dataset, query in (("stock", QUERY), ("missing_migrants", "areas=916&years=2023"),
                           ("remittances", "areas=484,904&years=2020")):
        body = ok(client, f"/api/v1/{dataset}.json?{query}").get_json()
        schema = {"$ref": f"#/components/schemas/{dataset}_extract", "components": document["components"]}
        jsonschema.Draft202012Validator(schema).validate(body)
        plain = pd.read_csv(io.BytesIO(ok(client, f"/api/v1/{dataset}.csv?{query}").data), keep_default_na=False,
                            na_values=[""])
        rows = pd.DataFrame(body["rows"], columns=queries.extract_columns(dataset))
        rows = rows.astype(object).where(rows.notna(), np.nan)  # JSON null, CSV empty field
        assert len(rows) == len(plain) > 0
        pd.testing.assert_frame_equal(rows, plain, check_dtype=False)
        assert body["dataset"] == dataset and body["source"] == EXTRACT_VIEWS[dataset].source
        assert body["schema"]["fields"][0]["name"] == "revision" and body["citation"]


def test_an_empty_selection_is_an_empty_list(client, built_db):
    code = int(pd.DataFrame(duckdb.connect(str(built_db), read_only=True).execute(
        "SELECT min(code) FROM area WHERE code NOT IN (SELECT area_code FROM refugee_stock)").fetchall()).iloc[0, 0])
    body = ok(client, f"/api/v1/refugee_stock.json?revision=2020&areas={code}").get_json()
    assert body["rows"] == []


# ---- polling ----


def test_a_repeat_poll_gets_304_until_the_build_changes(client, built_db, tmp_path):
    url = f"/api/v1/stock.csv?{QUERY}"
    first = ok(client, url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    build = queries.build_info(queries.Database(built_db))
    assert build["build_id"] in etag and first.headers["Cache-Control"] == "no-cache"
    assert parsedate_to_datetime(modified) == pd.Timestamp(build["built_at"]).to_pydatetime().replace(microsecond=0)

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    earlier = format_datetime(parsedate_to_datetime(modified) - pd.Timedelta(days=1), usegmt=True)
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(url, headers={"If-None-Match": '"something-else"', "If-Modified-Since": modified}).status_code == 200
    other = ok(client, url.replace("years=2000,2020", "years=2020"))
    assert other.headers["ETag"] != etag  # another selection is another resource
    for fmt in ("json", "parquet", "xlsx"):  # every format answers the same way
        response = ok(client, url.replace(".csv", f".{fmt}"))
        assert client.get(url.replace(".csv", f".{fmt}"), headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    old = ok(client, f"/download/zip?dataset=stock&{QUERY}")
    assert client.get(f"/download/zip?dataset=stock&{QUERY}", headers={"If-None-Match": old.headers["ETag"]}).status_code == 304

    copy = tmp_path / "rebuilt.duckdb"  # a new build of the same data: every validator changes
    shutil.copy(built_db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE core.build SET build_id = 'rebuilt' || build_id, built_at = '2099-01-01T00:00:00+00:00'")
    rebuilt = create_app(copy).server.test_client()
    fresh = rebuilt.get(url, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag and fresh.data == first.data


def test_the_description_and_index_answer_304_too(client):
    for url in ("/api/v1/openapi.json", "/api/v1/datasets"):
        etag = ok(client, url).headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


# ---- errors ----


@pytest.mark.parametrize("query", [
    "revision=1800&areas=904", "areas=999999", "areas=904&years=1800", "areas=904&sex=other", "areas=",
    "areas=904%27%3B%20DROP%20TABLE%20stock%3B--&lang=es", "areas=904&years=1800&lang=fr",
])
def test_errors_are_json_with_the_download_routes_messages(client, query):
    api = client.get(f"/api/v1/stock.csv?{query}")
    old = client.get(f"/download/csv?dataset=stock&{query}")
    assert api.status_code == old.status_code == 400 and api.mimetype == "application/json"
    error = api.get_json()["error"]
    assert error["status"] == 400 and error["message"] == old.data.decode("utf-8").rstrip("\n")
    assert error["problems"] and all(p["message"] in error["message"] for p in error["problems"])


def test_an_unknown_dataset_format_or_path_is_a_json_404(client):
    for url, expected in (("/api/v1/nope.csv?areas=904", "“nope” is not a dataset"),
                          ("/api/v1/stock.xls?areas=904", "Unknown format “xls”: use csv, json, parquet, xlsx."),
                          ("/api/v1/stock?areas=904", "Unknown format"),
                          ("/api/v1/stock/csv", "/api/v1/openapi.json")):
        response = client.get(url)
        assert response.status_code == 404 and response.mimetype == "application/json", url
        assert expected in response.get_json()["error"]["message"]
    assert "n'est pas" in client.get("/api/v1/nope.csv?areas=904&lang=fr").get_json()["error"]["message"]


@given(resource=st.sampled_from(["stock.csv", "remittances.json", "displacement.parquet", "stock_share.xlsx", "stock",
                                  "stock.exe", "..%2Fx.csv", "%00.json", "stock.csv.json"]),
       params=st.dictionaries(st.sampled_from(["dataset", "revision", "areas", "years", "sex", "origins", "series",
                                               "lang"]), st.text(max_size=30), max_size=6))
@settings(max_examples=25, deadline=None, derandomize=True)
def test_hostile_requests_get_a_json_answer_never_a_traceback(client, resource, params):
    response = client.get(f"/api/v1/{resource}?{urlencode(params)}")
    assert response.status_code in (200, 400, 404) and b"Traceback" not in response.data
    if response.status_code != 200:
        assert response.mimetype == "application/json" and response.get_json()["error"]["status"] == response.status_code


def test_the_years_message_lists_what_is_published(client):
    """An indicator publishes too many years to list: they are given as ranges, never "published: )"."""
    message = client.get("/download/csv?dataset=net_migration&areas=904&years=1800").data.decode()
    assert "(published: )" not in message and "–" in message


# ---- the Data page points to both ----


def test_the_data_page_links_the_xlsx_and_the_api(client, built_db):
    app = create_app(built_db)
    data = sys.modules[next(p["module"] for p in dash.page_registry.values() if p["path"] == "/data")]
    with app.server.test_request_context("/data"):
        selection = queries.Selection("stock", 2020, (332, 484), (2000, 2020), ("total",))
        links = data._links(selection, "es")
    anchors = {a.id: a for a in links if getattr(a, "id", None)}
    assert anchors["download-xlsx"].children == "Libro de Excel (.xlsx)"
    assert ok(client, anchors["download-xlsx"].href).mimetype.endswith("spreadsheetml.sheet")
    api = next(c for c in links[-1].children if getattr(c, "id", None) == "data-api-link")
    assert ok(client, api.href).data == ok(client, anchors["download-csv"].href).data
