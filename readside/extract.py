"""Tidy extracts of exactly what the user selected: plain CSV, zip (CSV + datapackage.json), Parquet.

Every request parameter is checked against what the database holds, so a bad link gets a plain
400 in the reader's language, never a traceback. Datasets and columns come from the allow-list
in `queries.EXTRACT_VIEWS`; chosen values travel as SQL parameters. Rows are read in chunks
and written out as they arrive (CSV and zip stream; Parquet goes through a spooled temporary
file), so no request holds a whole table in memory. The datapackage.json is generated from the
pandera schemas (field names, types, descriptions, constraints) and the `provenance` view
(URLs, sha256, retrieval times, citation, licence) — nothing in it is typed by hand. Text cells
a spreadsheet would run as a formula (= + - @, tab, CR) are prefixed with a quote in CSV.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlencode

import pandas as pd
import pandera.pandas as pa

from readside import flows, queries, reporting
from readside.queries import EXTRACT_VIEWS, SEXES, Database, Selection
from readside.text import language, t
from schemas.area import AreaSchema
from schemas.area_group import StockByGroupSchema
from schemas.bilateral_stock import BilateralStockSchema
from schemas.displacement import DisplacementSchema
from schemas.indicator import IndicatorSchema
from schemas.internal_displacement import InternalDisplacementSchema
from schemas.migration_flow import MigrationFlowSchema
from schemas.missing_migrants import MissingMigrantsSchema
from schemas.population import PopulationSchema
from schemas.provenance import ProvenanceSchema
from schemas.refugee_stock import RefugeeStockSchema
from schemas.stock import StockSchema
from schemas.stock_share import StockShareSchema

__all__ = ["Selection", "SelectionError", "parse_selection", "read_selection"]

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
}
# Further columns counted in persons beside the value column (Missing Migrants' parts of the total).
PERSON_COLUMNS = ("dead", "missing", "survivors", "persons_rounded")
FORMATS = ("csv", "zip", "parquet")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_ITEMS = 400  # more areas or years than the database could hold is not a selection
MAX_SHOWN = 40  # characters of a rejected value quoted back to the user
CHUNK_ROWS = 50_000
AREA_PARTS = ("code", "iso3", "name_en", "name_es", "name_fr", "name_pt")
ARROW_TYPES = {"integer": "int64", "number": "float64", "boolean": "bool_", "string": "string"}


# ---- selection: parse and validate what a URL asks for ----


@dataclass(frozen=True)
class Rejected:
    """One request parameter (or part of it) the database cannot answer, quoted back safely."""

    param: str
    value: str
    choices: str = ""
    revision: int | None = None

    def message(self, lang: str) -> str:
        return t(lang, f"data.rejected.{self.param}", value=self.value, choices=self.choices, revision=self.revision)


class SelectionError(ValueError):
    """A request asked for something the database does not hold; `message(lang)` is for the user."""

    def __init__(self, rejected: list[Rejected]):
        super().__init__("; ".join(r.message("en") for r in rejected))
        self.rejected = rejected

    def message(self, lang: str) -> str:
        return " ".join(r.message(lang) for r in self.rejected)


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def _tokens(value: object) -> list[str]:
    return [p.strip() for p in str(value or "").split(",") if p.strip()]


def _pick_ints(raw: object, allowed: list[int], param: str, revision: int | None = None) -> tuple[list[int], list[Rejected]]:
    """The listed integers that are allowed; everything else is reported, not guessed at."""
    parts = _tokens(raw)
    if len(parts) > MAX_ITEMS:
        return [], [Rejected(param, _shown(raw), revision=revision)]
    allowed_set = set(allowed)
    good = sorted({int(p) for p in parts if p.isdigit() and int(p) in allowed_set})
    bad = [p for p in parts if not (p.isdigit() and int(p) in allowed_set)]
    choices = ", ".join(map(str, allowed)) if len(allowed) <= 20 else ""
    return good, [Rejected(param, _shown(",".join(bad)), choices, revision)] if bad else []


def _pick_dataset(raw: object, held: dict[str, list[int]]) -> tuple[str, list[Rejected]]:
    value = str(raw or "stock")
    if value not in EXTRACT_VIEWS:
        return "stock", [Rejected("dataset", _shown(value), ", ".join(EXTRACT_VIEWS))]
    if not held[value]:
        return "stock", [Rejected("dataset_empty", value, EXTRACT_VIEWS[value].source)]
    return value, []


def _pick_revision(raw: object, held: list[int]) -> tuple[int, list[Rejected]]:
    text = str(raw or "").strip()
    if text.isdigit() and int(text) in held:
        return int(text), []
    rejected = [Rejected("revision", _shown(text), ", ".join(map(str, held)))] if text else []
    return held[-1], rejected


def pick_sexes(raw: object) -> tuple[tuple[str, ...], list[Rejected]]:
    parts = _tokens(raw) or ["total"]
    good = tuple(s for s in SEXES if s in parts)  # canonical order: total, male, female
    bad = [p for p in parts if p not in SEXES]
    return good or ("total",), [Rejected("sex", _shown(",".join(bad)), ", ".join(SEXES))] if bad else []


def _pick_origins(raw: object) -> tuple[bool, list[Rejected]]:
    value = str(raw or "total")
    if value in ("total", "all"):
        return value == "all", []
    return False, [Rejected("origins", _shown(value), "total, all")]


def read_selection(args: Mapping[str, object], db: Database) -> tuple[Selection, list[Rejected]]:
    """Best effort: every parameter that makes sense, defaults for the rest, and what was left out.

    The page uses this to show the closest valid view with a notice; downloads refuse instead.
    Years default to every published year; areas stay empty when none is valid.
    """
    revisions = queries.extract_revisions(db)
    dataset, rejected = _pick_dataset(args.get("dataset"), revisions)
    held = revisions[dataset]
    if not held:
        return Selection(dataset, 0, (), (), ()), [*rejected, Rejected("revision", "", "")]
    revision, bad = _pick_revision(args.get("revision"), held)
    published = queries.extract_years(db, dataset, revision)
    years, bad_years = _pick_ints(args.get("years"), published, "years", revision)
    areas, bad_areas = _pick_ints(args.get("areas"), queries.area_codes(db), "areas")
    sexes, bad_sexes = pick_sexes(args.get("sex"))
    all_origins, bad_origins = _pick_origins(args.get("origins"))
    spec = EXTRACT_VIEWS[dataset]
    series, bad_series = _pick_series(args.get("series"), db, dataset) if spec.by_series else ((), [])
    selection = Selection(
        dataset, revision, tuple(areas), tuple(years or published),
        sexes if spec.has_sex else (), all_origins and spec.has_origin, series,
    )
    return selection, [*rejected, *bad, *bad_years, *bad_areas, *bad_sexes, *bad_origins, *bad_series]


def _pick_series(raw: object, db: Database, dataset: str) -> tuple[tuple[str, ...], list[Rejected]]:
    """The listed series codes this dataset holds (in the database's order); the rest reported."""
    parts = _tokens(raw)
    held = queries.extract_series(db, dataset)["code"].tolist()
    if len(parts) > MAX_ITEMS:
        return (), [Rejected("series", _shown(raw), ", ".join(held))]
    bad = [p for p in parts if p not in held]
    good = tuple(code for code in held if code in parts)
    return good, [Rejected("series", _shown(",".join(bad)), ", ".join(held))] if bad else []


def parse_selection(args: Mapping[str, object], db: Database) -> Selection:
    """Strict: exactly what was asked for, or SelectionError saying what the database lacks."""
    selection, rejected = read_selection(args, db)
    if not selection.areas and not any(r.param == "areas" for r in rejected):
        rejected.append(Rejected("no_areas", ""))
    if rejected:
        raise SelectionError(rejected)
    return selection


def query_string(selection: Selection, lang: str = "en") -> str:
    """URL parameters that reproduce this selection exactly (the page's links and its own URL)."""
    params: dict[str, object] = {
        "dataset": selection.dataset, "revision": selection.revision,
        "areas": ",".join(map(str, selection.areas)), "years": ",".join(map(str, selection.years)),
    }
    if selection.sexes:
        params["sex"] = ",".join(selection.sexes)
    if selection.all_origins:
        params["origins"] = "all"
    if selection.series:
        params["series"] = ",".join(selection.series)
    return urlencode({**params, "lang": language(lang)})


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
    row) and Arrow's C++ writer formats the rows."""
    import pyarrow.csv

    yield (",".join(queries.extract_columns(selection.dataset)) + "\n").encode("utf-8"), 0
    options = pyarrow.csv.WriteOptions(include_header=False, quoting_style="needed")
    for batch in queries.extract_batches(db, selection, chunk_rows, text=neutralize):
        sink = io.BytesIO()
        pyarrow.csv.write_csv(batch, sink, options)
        yield sink.getvalue(), batch.num_rows


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
    provenance = ProvenanceSchema.to_schema().columns
    return provenance["citation" if name == "source" else name], ""


def _frictionless_type(column: pa.Column) -> str:
    dtype = str(column.dtype).lower()
    for marker, kind in (("int", "integer"), ("float", "number"), ("bool", "boolean")):
        if marker in dtype:
            return kind
    return "string"


def _constraints(column: pa.Column) -> dict[str, object]:
    """Frictionless constraints translated from the pandera checks the build enforced."""
    out: dict[str, object] = {"required": not column.nullable}
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            out["enum"] = list(stats["allowed_values"])
        elif check.name == "greater_than_or_equal_to":
            out["minimum"] = stats["min_value"]
        elif check.name == "less_than_or_equal_to":
            out["maximum"] = stats["max_value"]
        elif check.name == "str_matches":
            out["pattern"] = stats["pattern"]
    return out


def field(dataset: str, name: str) -> dict[str, object]:
    """One Frictionless field descriptor for a column of `dataset`'s extract."""
    spec = EXTRACT_VIEWS[dataset]
    if name == reporting.NOT_REPORTED:
        return dict(reporting.NOT_REPORTED_FIELD)
    if name == "unit":
        units = {"required": True} if spec.by_series else {"required": True, "enum": [spec.unit]}
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


def _sources(db: Database, selection: Selection) -> pd.DataFrame:
    """Provenance rows behind the selection: the revision's files (origin files only if used)."""
    rows = queries.provenance(db)
    spec = EXTRACT_VIEWS[selection.dataset]
    if spec.sources_by_vintage:  # the files the revision's rows name, whatever revision provenance gives them
        vintages = queries.extract_vintages(db, selection.dataset, selection.revision)
        return rows[(rows["source"] == spec.source) & rows["vintage"].isin(vintages)]
    rows = rows[(rows["revision"] == selection.revision) & (rows["source"] == spec.source)]
    if not selection.all_origins:
        rows = rows[~rows["dataset"].str.startswith("origin_destination")]
    return rows


def datapackage(db: Database, selection: Selection, resource: dict[str, object]) -> dict[str, object]:
    """Frictionless data package descriptor: fields from the schemas, the rest from provenance and build."""
    sources = _sources(db, selection)
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
