"""Tidy extracts of exactly what the user selected: plain CSV, zip (CSV + datapackage.json), Parquet
(the xlsx workbook is readside.extract_xlsx, the JSON readside.extract_json).

Every request parameter is checked against what the database holds first (readside.selection),
so a bad link gets a plain 400 in the reader's language, never a traceback. Datasets and columns
come from the allow-list in `queries.EXTRACT_VIEWS`; chosen values travel as SQL parameters. Rows are read in chunks
and written out as they arrive (CSV and zip stream; Parquet goes through a spooled temporary
file), so no request holds a whole table in memory. The datapackage.json is generated from the
pandera schemas (field names, types, descriptions, constraints) and the `provenance` view
(URLs, sha256, retrieval times, citation, licence) — nothing in it is typed by hand, and
frictionless-py validates every dataset's package with zero errors (tests/test_extract_formats.py).
Text cells a spreadsheet would run as a formula (= + - @, tab, CR) are prefixed with a quote, in
every format. Numbers are written in plain decimals (readside.csv_encode).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO

import pandas as pd
import pandera.pandas as pa

from readside import csv_encode, flows, queries, reporting
from readside.queries import EXTRACT_VIEWS, Database, Selection
from readside.selection import (
    MAX_ITEMS,
    Rejected,
    SelectionError,
    compact,
    parse_selection,
    pick_sexes,
    query_string,
    read_selection,
)
from schemas.area import AreaSchema
from schemas.area_group import StockByGroupSchema
from schemas.asylum import AsylumApplicationSchema, AsylumDecisionSchema
from schemas.bilateral_stock import BilateralStockSchema
from schemas.displacement import DisplacementSchema
from schemas.displacement_flow import DisplacementFlowSchema
from schemas.durable_solution import DurableSolutionSchema
from schemas.indicator import IndicatorSchema
from schemas.internal_displacement import InternalDisplacementSchema
from schemas.migration_flow import MigrationFlowSchema
from schemas.missing_migrants import MissingMigrantsSchema
from schemas.population import PopulationSchema
from schemas.provenance import ProvenanceSchema
from schemas.refugee_demographics import RefugeeDemographicsSchema
from schemas.refugee_stock import RefugeeStockSchema
from schemas.stock import StockSchema
from schemas.stock_share import StockShareSchema

# The selection's parsing lives in readside.selection; its names stay importable from here.
__all__ = ["MAX_ITEMS", "Rejected", "Selection", "SelectionError", "compact", "parse_selection", "pick_sexes",
           "query_string", "read_selection"]

# The pandera model that validated each dataset: the source of its field metadata.
SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "stock": StockSchema,
    "stock_share": StockShareSchema,
    "population": PopulationSchema,
    "refugee_stock": RefugeeStockSchema,
    "remittances": IndicatorSchema,
    "unhcr_refugees": IndicatorSchema,
    "net_migration": IndicatorSchema,
    "displacement": DisplacementSchema,
    "stock_by_group": StockByGroupSchema,
    "bilateral_stock": BilateralStockSchema,
    "migration_flow": MigrationFlowSchema,
    "missing_migrants": MissingMigrantsSchema,
    "internal_displacement": InternalDisplacementSchema,
    "asylum_application": AsylumApplicationSchema,  # issue 25: UNHCR's refugees package
    "asylum_decision": AsylumDecisionSchema,
    "displacement_flow": DisplacementFlowSchema,
    "durable_solution": DurableSolutionSchema,
    "refugee_demographics": RefugeeDemographicsSchema,
}
# Further columns counted in persons beside the value column (Missing Migrants' parts of the total).
PERSON_COLUMNS = ("dead", "missing", "survivors", "persons_rounded", "recognized", "complementary", "rejected",
                  "otherwise_closed")
FORMATS = ("csv", "zip", "parquet", "xlsx")  # the /download/<fmt> routes (the API adds json)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 50_000
AREA_PARTS = ("code", "iso3", "name_en", "name_es", "name_fr", "name_pt")
ARROW_TYPES = {"integer": "int64", "number": "float64", "boolean": "bool_", "string": "string"}


def file_stem(selection: Selection) -> str:
    return f"migdash-{selection.dataset}-{selection.revision}"


# ---- CSV: streamed, formula-safe ----


def neutralize(value: object) -> object:
    """Keep spreadsheets from executing a text cell as a formula; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_parts(db: Database, selection: Selection, chunk_rows: int) -> Iterator[tuple[bytes, int]]:
    """(UTF-8 CSV bytes, rows in them): the header, then one part per Arrow batch. Labels come
    formula-safe from queries.extract_batches (`neutralize` runs once per distinct label, not per
    row) and Arrow's vectorised kernels lay out the rows (readside.csv_encode)."""
    yield csv_encode.header(queries.extract_columns(selection.dataset)), 0
    for batch in queries.extract_batches(db, selection, chunk_rows, text=neutralize):
        yield csv_encode.encode(batch), batch.num_rows


def csv_chunks(db: Database, selection: Selection, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The extract as CSV, one chunk of rows at a time (for a streamed response)."""
    for data, _rows in _csv_parts(db, selection, chunk_rows):
        yield data


# ---- zip: the CSV plus a generated datapackage.json, streamed ----


class _Pipe(io.RawIOBase):
    """A write-only, unseekable sink: zipfile then writes a streamable archive (data descriptors)
    and we hand each piece to the client as soon as it is compressed."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def zip_chunks(db: Database, selection: Selection, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """A zip of `<stem>.csv` and `datapackage.json`, produced chunk by chunk."""
    pipe = _Pipe()
    csv_name = f"{file_stem(selection)}.csv"
    digest, size, rows = hashlib.sha256(), 0, 0
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(csv_name, "w") as member:
            for data, count in _csv_parts(db, selection, chunk_rows):
                member.write(data)
                digest.update(data)
                size, rows = size + len(data), rows + count
                yield pipe.take()
        resource = csv_resource(selection, csv_name, rows=rows, size=size, sha256=digest.hexdigest())
        archive.writestr("datapackage.json", json.dumps(datapackage(db, selection, resource), indent=2, ensure_ascii=False))
    yield pipe.take()


# ---- datapackage.json: generated from schemas and provenance ----


def _column_model(dataset: str, name: str) -> tuple[pa.Column, str]:
    """The pandera column a tidy extract column comes from, and what it qualifies (stock's two areas)."""
    own = SCHEMAS[dataset].to_schema().columns
    if name in own:
        return own[name], ""
    areas = AreaSchema.to_schema().columns
    for side in EXTRACT_VIEWS[dataset].sides:
        if name.startswith(side + "_") and name.removeprefix(side + "_") in AREA_PARTS:
            return areas[name.removeprefix(side + "_")], f"area of {side}"
    if name in areas:
        return areas[name], ""
    return ProvenanceSchema.to_schema().columns[name], ""


def _frictionless_type(column: pa.Column) -> str:
    dtype = str(column.dtype).lower()
    for marker, kind in (("int", "integer"), ("float", "number"), ("bool", "boolean")):
        if marker in dtype:
            return kind
    return "string"


def _constraints(column: pa.Column) -> dict[str, object]:
    """Frictionless constraints translated from the pandera checks the build enforced. A strict
    bound becomes an inclusive one on integers (code > 0 is code >= 1); Data Package v1 has no
    exclusive bound for numbers, so there it is left to the build's own check."""
    out: dict[str, object] = {"required": not column.nullable}
    integer = _frictionless_type(column) == "integer"
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            out["enum"] = list(stats["allowed_values"])
        elif check.name == "greater_than_or_equal_to":
            out["minimum"] = stats["min_value"]
        elif check.name == "less_than_or_equal_to":
            out["maximum"] = stats["max_value"]
        elif check.name == "greater_than" and integer:
            out["minimum"] = stats["min_value"] + 1
        elif check.name == "less_than" and integer:
            out["maximum"] = stats["max_value"] - 1
        elif check.name == "str_matches":
            out["pattern"] = stats["pattern"]
        elif check.name == "str_startswith":
            out["pattern"] = re.escape(stats["string"]) + ".*"
        elif check.name == "str_length":
            out |= {key: stats[stat] for key, stat in (("minLength", "min_value"), ("maxLength", "max_value"))
                    if stats.get(stat) is not None}
    return out


def field(dataset: str, name: str) -> dict[str, object]:
    """One Frictionless field descriptor for a column of `dataset`'s extract."""
    spec = EXTRACT_VIEWS[dataset]
    if name == reporting.NOT_REPORTED:
        return dict(reporting.NOT_REPORTED_FIELD)
    if name in ("source", "citation"):
        return _provenance_field(dataset, name)
    if name == "unit":
        units = {"required": True} if spec.by_series else {"required": True, "enum": [spec.unit]}
        if spec.unit_column:
            units = {"required": True, "enum": list(SCHEMAS[dataset].to_schema().columns[spec.unit_column].checks[0]
                                                     .statistics["allowed_values"])}
        return {"name": "unit", "type": "string", "description": f"unit of {spec.value_column}", "constraints": units}
    if name == "vintage" and not spec.by_series:
        column = SCHEMAS[dataset].to_schema().columns["vintage"]
        return {"name": name, "type": "string", "description": column.description, "constraints": {"required": True}}
    if name == "vintage":
        column = IndicatorSchema.to_schema().columns["revision"]
        return {"name": name, "type": "string", "description": column.description, "constraints": {"required": True}}
    if name == "revision" and spec.revision_note:
        return {"name": name, "type": "integer", "constraints": {"required": True}, "description": spec.revision_note}
    if name == "revision" and spec.revision_column != "revision":
        return {"name": name, "type": "integer", "constraints": {"required": True},
                "description": f"the publisher's {spec.revision_column} (World Bank/KNOMAD matrix)"}
    if name == "revision" and spec.by_series:
        return {"name": name, "type": "integer", "constraints": {"required": True},
                "description": "year of the publisher's vintage (the full vintage is in `vintage`)"}
    column, qualifier = _column_model(dataset, name)
    description = f"{qualifier}: {column.description}" if qualifier else (column.description or "")
    descriptor: dict[str, object] = {"name": name, "type": _frictionless_type(column), "description": description,
                                     "constraints": _constraints(column)}
    if qualifier == "area of origin" and name != "origin_code":
        descriptor["constraints"] = {**_constraints(column), "required": False}  # the publisher's "Other" has no area row
    if (name == spec.value_column and not spec.by_series) or name in PERSON_COLUMNS:
        descriptor["unit"] = spec.unit
    return descriptor


def _provenance_field(dataset: str, name: str) -> dict[str, object]:
    """`source` (the short code: one per dataset) and `citation` (the publisher's reference), as
    the dataset's own contract describes them, else the provenance contract."""
    own = SCHEMAS[dataset].to_schema().columns.get(name)
    description = (own.description if own is not None else None) or ProvenanceSchema.to_schema().columns[name].description
    constraints = {"required": True, "enum": [EXTRACT_VIEWS[dataset].source]} if name == "source" \
        else {"required": True, "minLength": 1}
    return {"name": name, "type": "string", "description": description or "", "constraints": constraints}


def fields(dataset: str) -> list[dict[str, object]]:
    return [field(dataset, name) for name in queries.extract_columns(dataset)]


def primary_key(dataset: str) -> list[str]:
    spec = EXTRACT_VIEWS[dataset]
    places = [f"{side}_code" for side in spec.sides]
    keys = ["revision", "year", *places, *(["sex"] if spec.has_sex else []), *(["series"] if spec.by_series else [])]
    return keys + [c for c in spec.extra if c in spec.extra_keys]


def csv_resource(selection: Selection, path: str, *, rows: int, size: int, sha256: str) -> dict[str, object]:
    """The tabular data resource for the CSV inside the zip (with its own checksum)."""
    return {
        "name": selection.dataset, "path": path, "profile": "tabular-data-resource",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": size, "hash": f"sha256:{sha256}",
        "count_of_rows": rows,
        "description": "Text cells starting with = + - @ (or tab, CR) are prefixed with ' so that spreadsheets do not run them.",
        "dialect": {"delimiter": ",", "header": True, "lineTerminator": "\n"},
        "schema": {"fields": fields(selection.dataset), "primaryKey": primary_key(selection.dataset), "missingValues": [""]},
    }


def selection_sources(db: Database, selection: Selection) -> pd.DataFrame:
    """Provenance rows behind the selection: the revision's files (origin files only if used)."""
    rows = queries.provenance(db)
    spec = EXTRACT_VIEWS[selection.dataset]
    if spec.sources_by_vintage:  # the files the revision's rows name, whatever revision provenance gives them
        vintages = queries.extract_vintages(db, selection.dataset, selection.revision)
        return rows[(rows["source"] == spec.source) & rows["vintage"].isin(vintages)
                    & rows["dataset"].str.contains(spec.files, regex=True)]
    rows = rows[(rows["revision"] == selection.revision) & (rows["source"] == spec.source)]
    if spec.files:
        rows = rows[rows["dataset"].str.contains(spec.files, regex=True)]
    if not selection.all_origins:
        rows = rows[~rows["dataset"].str.startswith("origin_destination")]
    return rows


def datapackage(db: Database, selection: Selection, resource: dict[str, object]) -> dict[str, object]:
    """Frictionless data package descriptor: fields from the schemas, the rest from provenance and build."""
    sources = selection_sources(db, selection)
    build = queries.build_info(db)
    licences = sources.drop_duplicates(["licence", "licence_url"])
    return {
        "profile": "tabular-data-package",
        "name": file_stem(selection),
        "title": f"{selection.dataset} — {', '.join(sorted(set(sources['citation'])))}",
        "version": str(build["build_id"]),
        "created": str(build["built_at"]),
        "revision": selection.revision,
        "citation": " ".join(sorted(set(sources["citation"]))),
        **({"description": caveat} if (caveat := description(db, selection.dataset)) else {}),
        "licenses": [{"name": str(r.licence).replace(" ", "-"), "title": r.licence, "path": r.licence_url}
                     for r in licences.itertuples()],
        "sources": [{"title": r.citation, "path": r.url, "publisher": r.publisher,
                     "version": str(r.vintage if EXTRACT_VIEWS[selection.dataset].sources_by_vintage else r.revision),
                     "file": r.dataset, "hash": f"sha256:{r.sha256}", "retrieved": str(r.retrieved_at)}
                    for r in sources.itertuples()],
        "selection": {"dataset": selection.dataset, "revision": selection.revision, "areas": list(selection.areas),
                      "years": list(selection.years), "sex": list(selection.sexes),
                      "origins": "all" if selection.all_origins else "total",
                      **({"series": list(selection.series)} if EXTRACT_VIEWS[selection.dataset].by_series else {})},
        "resources": [resource],
    }


def description(db: Database, dataset: str) -> str:
    """What a reader of the file must know before using its numbers (metadata, in English like
    the field descriptions): Missing Migrants' minimum estimates and years covered, IDMC's licence."""
    if dataset == "missing_migrants":
        coverage = flows.coverage(db)
        covered = "; ".join(f"{row.year} {row.coverage} (file of {row.vintage})" for row in coverage.itertuples())
        missing = [y for y in range(int(coverage["year"].min()), int(coverage["year"].max()) + 1)
                   if y not in set(coverage["year"])] if not coverage.empty else []
        absent = f" No loaded file covers {', '.join(map(str, missing))}: no figure, not zero." if missing else ""
        return ("IOM Missing Migrants Project: incidents in the Americas (IOM's regions North America, Central America, "
                "Caribbean, South America). Figures are minimum estimates of the dead and missing. Coverage by year: "
                f"{covered}.{absent} A partial year holds only the incidents recorded up to the file's date.")
    if dataset == "internal_displacement":
        return ("IDMC Global Internal Displacement Database, licence CC BY-NC 4.0: non-commercial use only. People "
                "displaced inside their own country, not international migrants.")
    return ""


# ---- Parquet: batches into a spooled temporary file ----


def arrow_schema(dataset: str):
    """Parquet column types from the same field descriptors as the datapackage (stable across chunks)."""
    import pyarrow

    return pyarrow.schema([(f["name"], getattr(pyarrow, ARROW_TYPES[str(f["type"])])()) for f in fields(dataset)])


def parquet_file(db: Database, selection: Selection, chunk_rows: int = CHUNK_ROWS) -> IO[bytes]:
    """The extract as a Parquet file, written batch by batch (spills to disk beyond 8 MB)."""
    import pyarrow
    import pyarrow.parquet as pq

    schema = arrow_schema(selection.dataset)
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - send_file closes it
    with pq.ParquetWriter(spool, schema) as writer:
        for batch in queries.extract_batches(db, selection, chunk_rows, text=neutralize):
            writer.write_table(pyarrow.Table.from_batches([batch]).cast(schema))
    spool.seek(0)
    return spool
