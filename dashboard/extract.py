"""Tidy extracts of exactly what the user selected: CSV (streamed), zip with datapackage.json, Parquet.

Selections are validated against what the database holds; datasets and columns come from an
allow-list, values travel as SQL parameters. Rows are fetched in chunks, so memory stays flat
whatever the size of the extract. Text cells that a spreadsheet would run as a formula
(starting with = + - @, tab or CR) are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pandas as pd
from flask import Flask, Response, request, send_file

from dashboard import queries
from dashboard.components import DATABASE_KEY
from dashboard.queries import SEXES, Database
from schemas.population import PopulationSchema
from schemas.refugee_stock import RefugeeStockSchema
from schemas.stock import StockSchema
from schemas.stock_share import StockShareSchema

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_LIST = 400  # more areas or years than the database could hold is not a selection


@dataclass(frozen=True)
class Dataset:
    view: str
    area_column: str
    value_column: str
    unit: str
    has_sex: bool
    schema: type


DATASETS: dict[str, Dataset] = {
    "stock": Dataset("stock", "destination_code", "migrants", "persons", True, StockSchema),
    "stock_share": Dataset("stock_share", "area_code", "percent_of_population", "percent of total population", True, StockShareSchema),
    "population": Dataset("population", "area_code", "population_thousands", "thousands of persons", True, PopulationSchema),
    "refugee_stock": Dataset("refugee_stock", "area_code", "refugees", "persons", False, RefugeeStockSchema),
}


class SelectionError(ValueError):
    """A request asked for something the database does not hold; the message is for the user."""


@dataclass(frozen=True)
class Selection:
    dataset: str
    revision: int
    areas: tuple[int, ...]
    years: tuple[int, ...]
    sexes: tuple[str, ...]

    def query_string(self) -> str:
        from urllib.parse import urlencode

        return urlencode({"dataset": self.dataset, "revision": self.revision, "areas": ",".join(map(str, self.areas)),
                          "years": ",".join(map(str, self.years)), "sex": ",".join(self.sexes)})


def _int_list(value: object, name: str) -> tuple[int, ...]:
    parts = [p for p in str(value or "").split(",") if p.strip()]
    if len(parts) > MAX_LIST or not all(p.strip().isdigit() for p in parts):
        raise SelectionError(f"'{name}' must be a comma-separated list of numbers")
    return tuple(int(p) for p in parts)


def parse_selection(args: Mapping[str, object], db: Database) -> Selection:
    """Validate a request's parameters against the database; SelectionError says what is wrong."""
    dataset = str(args.get("dataset") or "stock")
    if dataset not in DATASETS:
        raise SelectionError(f"unknown dataset; choose one of {sorted(DATASETS)}")
    available = queries.revisions(db)
    revision_text = str(args.get("revision") or available[-1])
    if not revision_text.isdigit() or int(revision_text) not in available:
        raise SelectionError(f"revision must be one of {available}")
    revision = int(revision_text)
    known_years = queries.years(db, revision)
    years = _int_list(args.get("years"), "years") or tuple(known_years)
    if unknown := sorted(set(years) - set(known_years)):
        raise SelectionError(f"year(s) {unknown[:5]} not published in the {revision} revision; published: {known_years}")
    areas = _int_list(args.get("areas"), "areas")
    if not areas:
        raise SelectionError("choose at least one area")
    known_areas = set(queries.area_codes(db))
    if unknown := sorted(set(areas) - known_areas):
        raise SelectionError(f"unknown area code(s) {unknown[:5]}")
    sexes = tuple(s for s in str(args.get("sex") or "total").split(",") if s)
    if not sexes or set(sexes) - set(SEXES):
        raise SelectionError("sex must be total, male and/or female")
    return Selection(dataset, revision, tuple(sorted(set(areas))), tuple(sorted(set(years))), sexes)


def neutralize(value: object) -> object:
    """Keep spreadsheets from executing text cells as formulas."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_text(frame: pd.DataFrame, header: bool) -> str:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralize)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, header=header, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()


def csv_chunks(db: Database, selection: Selection, chunk_rows: int = 50_000) -> Iterator[str]:
    """The extract as CSV text, one chunk of rows at a time (header first)."""
    first = True
    for frame in queries.extract_chunks(db, DATASETS[selection.dataset], selection, chunk_rows):
        yield _csv_text(frame, header=first)
        first = False
    if first:  # no rows: still a valid CSV with its header
        yield ",".join(queries.extract_columns(DATASETS[selection.dataset])) + "\n"


def datapackage(db: Database, selection: Selection, rows: int, resource_path: str) -> dict:
    """Frictionless descriptor built from the pandera schemas and the provenance table."""
    dataset = DATASETS[selection.dataset]
    described = dataset.schema.to_schema().columns
    descriptions = {name: (column.description or "") for name, column in described.items()}
    fields = [
        {"name": name, "type": _frictionless_type(name), "description": _field_description(name, dataset, descriptions)}
        for name in queries.extract_columns(dataset)
    ]
    provenance = queries.provenance(db)
    sources = provenance[provenance["revision"] == selection.revision]
    return {
        "profile": "tabular-data-package",
        "name": f"migdash-{selection.dataset}-{selection.revision}",
        "title": f"migdash extract: {selection.dataset}, UN DESA International Migrant Stock {selection.revision}",
        "licenses": [{"name": "CC-BY-3.0-IGO", "path": "https://creativecommons.org/licenses/by/3.0/igo/",
                      "title": "Creative Commons Attribution 3.0 IGO"}],
        "sources": [{"title": r.citation, "path": r.url, "publisher": r.publisher, "version": str(r.revision),
                     "hash": f"sha256:{r.sha256}", "retrieved": r.retrieved_at} for r in sources.itertuples()],
        "selection": {"dataset": selection.dataset, "revision": selection.revision, "areas": list(selection.areas),
                      "years": list(selection.years), "sex": list(selection.sexes)},
        "resources": [{"name": selection.dataset, "path": resource_path, "format": "csv", "mediatype": "text/csv",
                       "encoding": "utf-8", "count_of_rows": rows, "schema": {"fields": fields}}],
    }


def _frictionless_type(name: str) -> str:
    if name in {"revision", "year", "area_code", "origin_code"}:
        return "integer"
    if name == "value":
        return "number"
    return "string"


def _field_description(name: str, dataset: Dataset, descriptions: dict[str, str]) -> str:
    if name == "value":
        return f"{descriptions.get(dataset.value_column, '')} (unit: {dataset.unit})"
    if name == "area_code":
        return descriptions.get(dataset.area_column, "M49 code")
    fixed = {"iso3": "ISO 3166-1 alpha-3 code, countries only", "name_en": "area name, English", "name_es": "area name, Spanish",
             "unit": "unit of `value`", "source": "publisher", "licence": "licence of the data",
             "origin_name_en": "area of origin, English (World = all origins)"}
    return descriptions.get(name) or fixed.get(name, "")


def register_downloads(server: Flask) -> None:
    """GET /download/<csv|zip|parquet>?dataset=&revision=&areas=&years=&sex="""

    @server.get("/download/<fmt>")
    def download(fmt: str) -> Response:
        db: Database = server.config[DATABASE_KEY]
        try:
            selection = parse_selection(request.args, db)
        except SelectionError as error:
            return Response(f"Cannot build this extract: {error}\n", status=400, mimetype="text/plain")
        name = f"migdash-{selection.dataset}-{selection.revision}"
        if fmt == "csv":
            return Response(csv_chunks(db, selection), mimetype="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        if fmt == "zip":
            return send_file(_zip(db, selection, name), mimetype="application/zip", as_attachment=True, download_name=f"{name}.zip")
        if fmt == "parquet":
            return send_file(_parquet(db, selection), mimetype="application/vnd.apache.parquet", as_attachment=True,
                             download_name=f"{name}.parquet")
        return Response("Unknown format: choose csv, zip or parquet\n", status=404, mimetype="text/plain")


def _zip(db: Database, selection: Selection, name: str) -> tempfile.SpooledTemporaryFile:
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - send_file closes it
    rows = 0
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(f"{name}.csv", "w") as member:
            for text in csv_chunks(db, selection):
                member.write(text.encode("utf-8"))
                rows += text.count("\n")
        descriptor = datapackage(db, selection, max(rows - 1, 0), f"{name}.csv")
        archive.writestr("datapackage.json", json.dumps(descriptor, indent=2, ensure_ascii=False))
    spool.seek(0)
    return spool


def _parquet(db: Database, selection: Selection) -> tempfile.SpooledTemporaryFile:
    import pyarrow as pa
    import pyarrow.parquet as pq

    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - send_file closes it
    writer = None
    for frame in queries.extract_chunks(db, DATASETS[selection.dataset], selection, 50_000):
        table = pa.Table.from_pandas(frame, preserve_index=False)
        writer = writer or pq.ParquetWriter(spool, table.schema)
        writer.write_table(table)
    if writer is None:
        empty = pd.DataFrame(columns=queries.extract_columns(DATASETS[selection.dataset]))
        pq.write_table(pa.Table.from_pandas(empty, preserve_index=False), spool)
    else:
        writer.close()
    spool.seek(0)
    return spool
