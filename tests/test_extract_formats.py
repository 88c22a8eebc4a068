"""What analysts' tools check: every dataset's zip is a valid Frictionless data package (validated
by frictionless-py itself), CSVs write plain decimals, and the xlsx reads back equal to the
database with typed numbers, a frozen header, fitting widths and a notes sheet.

The validity test iterates over the extract registry (EXTRACT_VIEWS), so a dataset registered
later is validated without a new line here; each gets a bounded selection (a spread of areas
and years up to ROW_BUDGET rows) so the test stays fast."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import frictionless
import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.csv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.app import create_app
from readside import csv_encode, extract_xlsx, queries
from readside.queries import EXTRACT_VIEWS, Database

ROW_BUDGET = 1500  # rows per dataset in the validity test: frictionless reads about 15,000 rows/s
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@pytest.fixture(scope="module")
def client(built_db):
    return create_app(built_db).server.test_client()


@pytest.fixture(scope="module")
def db(built_db) -> Database:
    return Database(built_db)


def direct(db_path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).df()


def get(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return response.data


def bounded_query(db: Database, db_path: Path, dataset: str) -> str:
    """A selection of the newest revision touching first, middle and last years and a spread of
    areas (countries and aggregates), within ROW_BUDGET rows; every sex, origin and series."""
    spec = EXTRACT_VIEWS[dataset]
    held = queries.extract_revisions(db)[dataset]
    assert held, f"{dataset} holds no rows in the test database: add its rows to the snapshot"
    revision = held[-1]
    published = queries.extract_years(db, dataset, revision)
    years = sorted({published[0], published[len(published) // 2], published[-1]})
    counts = direct(db_path, f"SELECT s.{spec.area_column} AS code, count(*) AS n FROM {spec.from_clause} s "  # noqa: S608
                    f"WHERE s.{spec.revision_column} = ? AND s.year IN (SELECT unnest(?)) GROUP BY 1 ORDER BY 1",
                    [revision, years])
    counts = counts[counts["code"].isin(queries.area_codes(db))].reset_index(drop=True)
    stride = max(1, len(counts) // 40)
    order = [*range(0, len(counts), stride), len(counts) - 1]
    areas, total = [], 0
    for index in dict.fromkeys(order):
        code, n = int(counts.at[index, "code"]), int(counts.at[index, "n"])
        if total + n <= ROW_BUDGET:
            areas, total = [*areas, code], total + n
    areas = areas or [int(counts.loc[counts["n"].idxmin(), "code"])]
    query = f"dataset={dataset}&revision={revision}&areas={','.join(map(str, areas))}&years={','.join(map(str, years))}"
    return query + ("&sex=total,male,female" if spec.has_sex else "") + ("&origins=all" if spec.has_origin else "")


def validate_zip(data: bytes, folder: Path) -> tuple[frictionless.Report, pd.DataFrame, dict]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    archive.extractall(folder)
    package = json.loads(archive.read("datapackage.json"))
    rows = pd.read_csv(folder / package["resources"][0]["path"], keep_default_na=False, na_values=[""], dtype=str)
    return frictionless.validate(str(folder / "datapackage.json")), rows, package


# ---- every data package is valid ----


@pytest.mark.parametrize("dataset", list(EXTRACT_VIEWS))
def test_every_datasets_zip_is_a_valid_data_package(client, db, built_db, tmp_path, dataset):
    query = bounded_query(db, built_db, dataset)
    report, rows, package = validate_zip(get(client, f"/download/zip?{query}"), tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert 0 < len(rows) <= ROW_BUDGET and report.tasks[0].stats["rows"] == len(rows)
    described = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert list(rows.columns) == list(described) == queries.extract_columns(dataset)
    # columns mean one thing: a short code in `source`, the publisher's citation in its own column
    assert set(rows["source"]) == {EXTRACT_VIEWS[dataset].source} and rows["citation"].str.len().min() > 20
    for name, field in described.items():  # numbers in plain decimals, never 1.0146263e+10
        if field["type"] in ("integer", "number"):
            assert rows[name].dropna().str.fullmatch(PLAIN_NUMBER).all(), (name, rows[name].head())


def test_origin_by_destination_rows_with_the_publishers_other_origin_are_valid(od_db, tmp_path):
    """The 'Other' origin has no area row (no ISO3, no names): the schema says so and the rows agree."""
    client = create_app(od_db).server.test_client()
    data = get(client, "/download/zip?dataset=stock&revision=2020&areas=840,484&years=2020&sex=total,female&origins=all")
    report, rows, _ = validate_zip(data, tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert rows["origin_name_en"].isna().any() and len(rows) > 4


def test_bounded_selections_stay_small_but_touch_aggregates(db, built_db):
    query = bounded_query(db, built_db, "stock")
    areas = [int(a) for a in re.search(r"areas=([\d,]+)", query).group(1).split(",")]
    assert len(areas) > 3 and max(areas) >= 900 > min(areas)  # regions (no ISO3) beside countries


# ---- plain decimals ----


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_plain_decimals_round_trip_without_an_exponent(value):
    text = csv_encode.plain_decimals(pa.array([value], pa.float64()))[0].as_py()
    assert "e" not in text.lower() and float(text) == value


def test_plain_decimals_of_the_values_arrow_writes_with_an_exponent():
    values = [10146263000.0, 1.0146263e10 + 0.5, 1e22, 1.5e-7, -2.5e11, 0.1, 3.0, None]
    got = csv_encode.plain_decimals(pa.array(values, pa.float64())).to_pylist()
    assert got == ["10146263000", "10146263000.5", "10000000000000000000000", "0.00000015", "-250000000000", "0.1",
                   "3", None]


def arrow_csv(batch: pa.RecordBatch) -> bytes:
    sink = io.BytesIO()
    pyarrow.csv.write_csv(batch, sink, pyarrow.csv.WriteOptions(include_header=False, quoting_style="needed"))
    return sink.getvalue()


def test_rows_are_laid_out_as_arrows_csv_writer_does():
    """Text quoted with inner quotes doubled, numbers bare, empty fields for missing values: the
    vectorised layout gives Arrow's bytes, so a batch may take either path."""
    batch = pa.record_batch({"code": [332, None, 484], "name": ['Haïti, "HT"', None, "line\nbreak"],
                             "share": [1.25, None, 0.5], "flag": [True, False, None], "last": ["a", "", None]})
    assert csv_encode._layout(batch) == arrow_csv(batch) == csv_encode.encode(batch)
    assert csv_encode._layout(batch.slice(1, 2)) == arrow_csv(batch).split(b"\n", 1)[1]
    assert csv_encode.encode(batch.slice(0, 0)) == b""


def test_only_the_doubles_arrow_prints_with_an_exponent_change():
    batch = pa.record_batch({"code": [484, 904], "value": [43977650000.5, 12.5], "unit": ["US$", "US$"]})
    assert arrow_csv(batch) == b'484,4.39776500005e+10,"US$"\n904,12.5,"US$"\n'
    assert csv_encode.encode(batch) == b'484,43977650000.5,"US$"\n904,12.5,"US$"\n'


def test_large_remittances_are_written_in_plain_decimals(client, built_db):
    frame = direct(built_db, "SELECT area_code, year, value FROM remittances WHERE value >= 1e10 ORDER BY value DESC LIMIT 3")
    if frame.empty:
        pytest.skip("no remittance of 10 billion or more in this build")
    areas, years = ",".join(map(str, sorted(set(frame["area_code"])))), ",".join(map(str, sorted(set(frame["year"]))))
    revision = int(direct(built_db, "SELECT max(revision) FROM remittances").iloc[0, 0])
    text = get(client, f"/download/csv?dataset=remittances&revision={revision}&areas={areas}&years={years}").decode()
    assert "e+" not in text and "E+" not in text
    got = pd.read_csv(io.StringIO(text))
    assert got["value"].max() >= 1e10 and np.isfinite(got["value"]).all()


# ---- xlsx ----


def xlsx(client, query: str) -> tuple[bytes, openpyxl.Workbook]:
    response = client.get(f"/download/xlsx?{query}")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=migdash-")
    return response.data, openpyxl.load_workbook(io.BytesIO(response.data))


def test_xlsx_round_trip_equals_the_database(client, built_db):
    query = "dataset=stock&revision=2020&areas=332,484,904&years=1990,2020&sex=total,female"
    data, _ = xlsx(client, query)
    got = pd.read_excel(io.BytesIO(data), sheet_name="data", engine="openpyxl")
    expected = direct(built_db, "SELECT revision, year, destination_code, origin_code, sex, migrants FROM stock "
                      "WHERE revision = 2020 AND origin_code = 900 AND destination_code IN (332, 484, 904) "
                      "AND year IN (1990, 2020) AND sex IN ('total', 'female')")
    key = ["destination_code", "sex", "year"]
    columns = [*key, "revision", "origin_code", "migrants"]
    pd.testing.assert_frame_equal(got[columns].sort_values(key).reset_index(drop=True),
                                  expected[columns].sort_values(key).reset_index(drop=True), check_dtype=False)
    assert list(got.columns) == queries.extract_columns("stock") and str(got["migrants"].dtype) == "int64"
    names = direct(built_db, "SELECT code, name_es FROM area WHERE code IN (332, 484, 904)").set_index("code")["name_es"]
    assert (got["destination_name_es"] == got["destination_code"].map(names)).all()


def test_xlsx_equals_the_csv_for_floats_nulls_and_free_text(client):
    """Missing Migrants (nullable counts, coordinates, IOM's free text) and remittances (US$ above 10 billion)."""
    for query in ("dataset=missing_migrants&revision=2026&areas=916&years=2023",
                  "dataset=remittances&areas=484,76,904&years=2015,2020"):
        data, _ = xlsx(client, query)
        sheet = pd.read_excel(io.BytesIO(data), sheet_name="data", engine="openpyxl", keep_default_na=False,
                              na_values=[""])
        plain = pd.read_csv(io.BytesIO(get(client, f"/download/csv?{query}")), keep_default_na=False, na_values=[""])
        assert len(plain) > 0
        pd.testing.assert_frame_equal(sheet, plain, check_dtype=False)


def test_xlsx_has_typed_numbers_a_frozen_header_and_widths_that_fit(client):
    data, book = xlsx(client, "dataset=remittances&areas=484,904&years=2020")
    sheet = book["data"]
    assert book.sheetnames == ["data", "notes"] and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    header = [c.value for c in sheet[1]]
    assert header == queries.extract_columns("remittances") and all(c.font.b for c in sheet[1])
    for cell in sheet[2]:
        name = header[cell.column - 1]
        if name in ("revision", "year", "area_code", "value"):
            assert cell.data_type == "n" and isinstance(cell.value, int | float), name
        elif name == "not_reported":
            assert cell.data_type == "b" and cell.value is False
        elif cell.value is not None:
            assert cell.data_type == "s", name
    for column in sheet.iter_cols():
        letter = column[0].column_letter
        widest = max(len(str(c.value)) for c in column if c.value is not None)
        width = sheet.column_dimensions[letter].width
        assert min(widest, extract_xlsx.MAX_WIDTH) <= width <= extract_xlsx.MAX_WIDTH + 3, (letter, widest, width)


def test_xlsx_notes_say_source_vintage_citation_licence_caveats_and_the_selection(client, built_db):
    query = "dataset=internal_displacement&revision=2023&areas=332,484&years=2020,2021&lang=fr"
    _, book = xlsx(client, query)
    notes = {row[0]: row[1] for row in book["notes"].iter_rows(values_only=True) if row[0]}
    files = direct(built_db, "SELECT vintage, citation, licence, licence_url FROM provenance WHERE source = 'idmc' "
                   "AND vintage LIKE '2023-%'")
    assert notes["Source (code)"] == "idmc" and notes["Code du jeu de données (API)"] == "internal_displacement"
    assert set(notes["Millésime (fichier publié)"].split(", ")) == set(files["vintage"])
    assert set(notes["Citation"].split("\n")) == set(files["citation"])
    assert files["licence"].iloc[0] in notes["Licence"] and files["licence_url"].iloc[0] in notes["Licence"]
    assert "usage non commercial" in notes["Mises en garde"] and "formule" in notes["Mises en garde"]
    assert notes["Lignes"] == str(len(pd.read_csv(io.BytesIO(get(client, f"/download/csv?{query}")))))
    link = notes["Cette sélection sur la page Données"]
    assert link.startswith("http://localhost/data?dataset=internal_displacement&revision=2023&areas=332%2C484")
    again = notes["Ce classeur (lien de téléchargement)"]  # the URL in the notes reproduces the file
    assert pd.read_excel(io.BytesIO(get(client, again.removeprefix("http://localhost"))), sheet_name="data",
                         engine="openpyxl").equals(
        pd.read_excel(io.BytesIO(get(client, f"/download/xlsx?{query}")), sheet_name="data", engine="openpyxl"))
    labels = [row for row in book["notes"].iter_rows(values_only=True) if row[0] == "persons"]
    assert labels == [("persons", "Personnes", "persons")]


def test_xlsx_cells_are_formula_safe_text(built_db, tmp_path):
    copy = tmp_path / "hostile.duckdb"
    shutil.copy(built_db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE core.area SET name_en = '=HYPERLINK(\"http://evil\",\"x\")', name_es = '@cmd' WHERE code = 332")
    _, book = xlsx(create_app(copy).server.test_client(), "dataset=stock&revision=2024&areas=332&years=2020")
    header = [c.value for c in book["data"][1]]
    row = {name: cell for name, cell in zip(header, book["data"][2], strict=True)}
    assert row["destination_name_en"].value == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert row["destination_name_en"].data_type == "s" and row["destination_name_es"].value == "'@cmd"


def test_an_xlsx_larger_than_a_worksheet_is_refused_before_any_work(client, monkeypatch):
    monkeypatch.setattr(extract_xlsx, "XLSX_MAX_ROWS", 5)
    response = client.get("/download/xlsx?dataset=stock&revision=2024&areas=332,484&sex=total,male,female&lang=es")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    text = response.data.decode()
    assert text.startswith("No se puede generar este extracto: Esta selección tiene 48 filas")
    assert "como máximo 5" in text and "CSV o Parquet" in text
    assert client.get("/download/xlsx?dataset=stock&revision=2024&areas=332&years=2020").status_code == 200


def test_xlsx_is_written_batch_by_batch(db):
    """Widths and rows hold across batches (the writer keeps one batch in memory)."""
    selection = queries.Selection("population", 2024, (332, 484, 904), tuple(queries.extract_years(db, "population", 2024)),
                                  ("total",))
    links = extract_xlsx.Links("http://h/data", "http://h/download/xlsx", "http://h/api")
    small = openpyxl.load_workbook(extract_xlsx.xlsx_file(db, selection, "en", links, chunk_rows=2))
    whole = openpyxl.load_workbook(extract_xlsx.xlsx_file(db, selection, "en", links))
    values = [list(small["data"].values), list(whole["data"].values)]
    assert values[0] == values[1] and len(values[0]) == 1 + 3 * len(selection.years)
    assert {k: v.width for k, v in small["data"].column_dimensions.items()} == \
        {k: v.width for k, v in whole["data"].column_dimensions.items()}
