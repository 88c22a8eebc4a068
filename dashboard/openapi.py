"""The OpenAPI 3.1 description of /api/v1, generated from the extract registry
(readside.queries.EXTRACT_VIEWS) and the datapackage fields (readside.extract.fields), so a
dataset registered there is described here without another line, with the same column names,
types, units and constraints as its datapackage.json."""

from __future__ import annotations

from readside.extract import fields, primary_key
from readside.queries import EXTRACT_VIEWS
from readside.text import LANGUAGES, t

API_PREFIX = "/api/v1"
JSON_TYPES = {"integer": "integer", "number": "number", "boolean": "boolean", "string": "string"}
MEDIA = {
    "csv": ("text/csv", {"type": "string"}),
    "parquet": ("application/vnd.apache.parquet", {"type": "string", "contentMediaType": "application/vnd.apache.parquet"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             {"type": "string", "contentMediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
}
DESCRIPTION = """Tidy extracts of the migdash database: exactly the rows the Data page would download.

* One path per dataset, the format as its extension: `csv` (UTF-8, plain decimals), `json` (metadata
  and rows), `parquet` (typed columns), `xlsx` (a `data` sheet and a `notes` sheet).
* The parameters are the Data page's: `areas` (required, UN M49 codes), `revision`, `years`, and
  where the dataset has them `sex`, `origins`, `series`. Lists are comma-separated. Anything the
  database does not hold is refused with 400 and a message naming the parameter.
* Column names and meanings are stable within version 1.
* Every response carries `ETag` and `Last-Modified` from the database build: send them back as
  `If-None-Match` / `If-Modified-Since` and the answer is `304 Not Modified` until new data is served.
* Text values starting with `=`, `+`, `-`, `@`, tab or CR are prefixed with `'` in every format, so
  that spreadsheets never run them as formulas.
"""


def openapi_document(server_url: str = "/") -> dict[str, object]:
    paths: dict[str, object] = {f"{API_PREFIX}/{name}.{{format}}": _extract_path(name) for name in EXTRACT_VIEWS}
    paths[f"{API_PREFIX}/datasets"] = {"get": {
        "operationId": "listDatasets", "summary": "Datasets this build holds, with revisions, years and columns",
        "responses": {"200": {"description": "The index", "content": {"application/json": {"schema": {"type": "object"}}}},
                      "304": {"$ref": "#/components/responses/NotModified"}}}}
    paths[f"{API_PREFIX}/openapi.json"] = {"get": {
        "operationId": "openapi", "summary": "This description",
        "responses": {"200": {"description": "OpenAPI 3.1 document",
                              "content": {"application/json": {"schema": {"type": "object"}}}},
                      "304": {"$ref": "#/components/responses/NotModified"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "migdash extracts API", "version": "1", "description": DESCRIPTION,
                 "license": {"name": "MIT (the software); each dataset keeps its publisher's licence",
                             "identifier": "MIT"}},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"parameters": _parameters(), "headers": _headers(), "responses": _responses(),
                       "schemas": {"Error": _error_schema(), **{_row_name(n): _row_schema(n) for n in EXTRACT_VIEWS},
                                   **{_doc_name(n): _doc_schema(n) for n in EXTRACT_VIEWS}}},
    }


def _row_name(dataset: str) -> str:
    return f"{dataset}_row"


def _doc_name(dataset: str) -> str:
    return f"{dataset}_extract"


def _extract_path(dataset: str) -> dict[str, object]:
    spec = EXTRACT_VIEWS[dataset]
    names = ["format", "revision", "areas", "years", *(["sex"] if spec.has_sex else []),
             *(["origins"] if spec.has_origin else []), *(["series"] if spec.by_series else []), "lang",
             "ifNoneMatch", "ifModifiedSince"]
    content = {media: {"schema": schema} for media, schema in MEDIA.values()}
    content["application/json"] = {"schema": {"$ref": f"#/components/schemas/{_doc_name(dataset)}"}}
    return {"get": {
        "operationId": f"extract_{dataset}",
        "summary": t("en", f"data.dataset.{dataset}"),
        "description": f"Columns: {', '.join(f['name'] for f in fields(dataset))}. "
                       f"Primary key: {', '.join(primary_key(dataset))}. Source: `{spec.source}`.",
        "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in names],
        "responses": {
            "200": {"description": "The extract", "content": content,
                    "headers": {"ETag": {"$ref": "#/components/headers/ETag"},
                                "Last-Modified": {"$ref": "#/components/headers/Last-Modified"}}},
            "304": {"$ref": "#/components/responses/NotModified"},
            "400": {"$ref": "#/components/responses/BadSelection"},
            "404": {"$ref": "#/components/responses/NotFound"},
        },
    }}


def _query(name: str, description: str, schema: dict, *, required: bool = False, example: str | None = None) -> dict:
    parameter = {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
    return {**parameter, "example": example} if example else parameter


def _parameters() -> dict[str, object]:
    listed = {"type": "string", "pattern": r"^[^\s]*$"}
    return {
        "format": {"name": "format", "in": "path", "required": True, "description": "file format",
                   "schema": {"type": "string", "enum": ["csv", "json", "parquet", "xlsx"]}},
        "revision": _query("revision", "the publisher's revision, edition or vintage year (default: the newest)",
                           {"type": "integer"}, example="2024"),
        "areas": _query("areas", "comma-separated UN M49 codes (at most 400), e.g. 332 (Haiti), 904 (Latin America "
                        "and the Caribbean); for Missing Migrants the subregions 905, 916, 915, 931", listed,
                        required=True, example="484,332,904"),
        "years": _query("years", "comma-separated years (default: every year the revision publishes)", listed,
                        example="2000,2020"),
        "sex": _query("sex", "comma-separated: total, male, female (default: total)", listed, example="total,female"),
        "origins": _query("origins", "total (origin World only, the default) or all (origin × destination rows)",
                          {"type": "string", "enum": ["total", "all"]}),
        "series": _query("series", "comma-separated series codes (default: every series of the dataset)", listed),
        "lang": _query("lang", "language of error messages and of the xlsx notes sheet; the data itself has names "
                       "in all four languages", {"type": "string", "enum": list(LANGUAGES)}),
        "ifNoneMatch": {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                        "description": "the ETag of a previous answer: 304 while the build is unchanged"},
        "ifModifiedSince": {"name": "If-Modified-Since", "in": "header", "required": False,
                            "schema": {"type": "string"},
                            "description": "an HTTP date: 304 unless the build is newer (ignored with If-None-Match)"},
    }


def _headers() -> dict[str, object]:
    return {
        "ETag": {"description": "build id and request (weak): changes only with a new build", "schema": {"type": "string"}},
        "Last-Modified": {"description": "when the database build was made", "schema": {"type": "string"}},
    }


def _responses() -> dict[str, object]:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "NotModified": {"description": "Nothing changed since the ETag or date sent",
                        "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}},
        "BadSelection": {"description": "A parameter asks for something the database does not hold", "content": error},
        "NotFound": {"description": "Unknown dataset or format", "content": error},
    }


def _error_schema() -> dict[str, object]:
    problem = {"type": "object", "required": ["parameter", "value", "message"],
               "properties": {"parameter": {"type": "string"}, "value": {"type": "string"},
                              "message": {"type": "string"}}}
    return {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["status", "message", "problems"],
        "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                       "problems": {"type": "array", "items": problem}}}}}


def _row_schema(dataset: str) -> dict[str, object]:
    """One row of the JSON extract: the datapackage's fields as JSON Schema properties."""
    properties, required = {}, []
    for field in fields(dataset):
        constraints = dict(field.get("constraints", {}))  # type: ignore[arg-type]
        kind = JSON_TYPES[str(field["type"])]
        schema: dict[str, object] = {"type": kind if constraints.get("required") else [kind, "null"],
                                     "description": field.get("description", "")}
        for source, target in (("minimum", "minimum"), ("maximum", "maximum"), ("minLength", "minLength"),
                               ("maxLength", "maxLength"), ("pattern", "pattern")):
            if source in constraints:
                schema[target] = constraints[source]
        if "enum" in constraints:
            schema["enum"] = [*constraints["enum"], *([] if constraints.get("required") else [None])]
        if "unit" in field:
            schema["x-unit"] = field["unit"]
        properties[str(field["name"])] = schema
        required.append(str(field["name"]))
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": False}


def _doc_schema(dataset: str) -> dict[str, object]:
    return {"type": "object", "required": ["dataset", "revision", "build", "schema", "rows"], "properties": {
        "dataset": {"const": dataset},
        "revision": {"type": "integer"},
        "title": {"type": "string"},
        "citation": {"type": "string"},
        "description": {"type": "string", "description": "caveats the reader must know (English)"},
        "licenses": {"type": "array", "items": {"type": "object"}},
        "sources": {"type": "array", "items": {"type": "object"}, "description": "the publisher's files, with sha256"},
        "selection": {"type": "object"},
        "build": {"type": "object", "properties": {"id": {"type": "string"}, "built_at": {"type": "string"}}},
        "source": {"type": "string"},
        "schema": {"type": "object", "description": "Frictionless table schema: fields and primary key"},
        "rows": {"type": "array", "items": {"$ref": f"#/components/schemas/{_row_name(dataset)}"}},
    }}
