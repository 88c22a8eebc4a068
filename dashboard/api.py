"""The versioned extract API: GET /api/v1/<dataset>.<csv|json|parquet|xlsx>?<the Data page's
parameters>, its OpenAPI description (/api/v1/openapi.json) and an index of the datasets this
build holds (/api/v1/datasets).

The rows, columns and checks are the download routes' own (readside.extract): version 1 keeps
every column name and meaning; a change that breaks a script gets a new version beside it.
Every response carries ETag and Last-Modified from the build, so a poll with If-None-Match or
If-Modified-Since gets 304 until a new build is served. Errors are JSON
({"error": {"status", "message", "problems"}}) with the same messages as the download routes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from flask import Flask, Response, request

from dashboard.components import database
from dashboard.downloads import build_time, extract_response, not_modified
from dashboard.openapi import API_PREFIX, openapi_document
from readside import queries
from readside.queries import EXTRACT_VIEWS, NoDatabase
from readside.selection import MAX_SHOWN, Rejected, SelectionError, parse_selection
from readside.text import language, t

API_FORMATS = ("csv", "json", "parquet", "xlsx")


def error_response(status: int, message: str, problems: list[Rejected] | None = None, lang: str = "en") -> Response:
    body = {"error": {"status": status, "message": message,
                      "problems": [{"parameter": r.param, "value": r.value, "message": r.message(lang)}
                                   for r in problems or []]}}
    return Response(json.dumps(body, ensure_ascii=False) + "\n", status=status, mimetype="application/json")


def extract(resource: str) -> Response:
    """GET /api/v1/<dataset>.<fmt>: the dataset comes from the path, the rest as on the Data page."""
    lang = language(request.args.get("lang"))
    dataset, dot, fmt = resource.rpartition(".")
    if not dot or fmt not in API_FORMATS:
        return error_response(404, t(lang, "api.bad_format", value=(fmt if dot else resource)[:MAX_SHOWN],
                                     choices=", ".join(API_FORMATS)))
    if dataset not in EXTRACT_VIEWS:
        wrong = Rejected("dataset", dataset[:MAX_SHOWN], ", ".join(EXTRACT_VIEWS))
        return error_response(404, f"{t(lang, 'data.cannot_extract')} {wrong.message(lang)}", [wrong], lang)
    try:
        db = database()  # pinned on one build for the whole response
        selection = parse_selection({**request.args.to_dict(), "dataset": dataset}, db)
        return extract_response(db, selection, fmt, lang)
    except SelectionError as error:
        return error_response(400, f"{t(lang, 'data.cannot_extract')} {error.message(lang)}", error.rejected, lang)
    except NoDatabase:
        return error_response(503, t(lang, "notice.no_database"))


def datasets() -> Response:
    """GET /api/v1/datasets: each dataset with its revisions, years, columns and URL pattern."""
    try:
        return _datasets(database())
    except NoDatabase:
        return error_response(503, t(language(request.args.get("lang")), "notice.no_database"))


def _datasets(db: queries.Database) -> Response:
    build = queries.build_info(db)
    revisions = queries.extract_revisions(db)
    listing = []
    for name, spec in EXTRACT_VIEWS.items():
        held = revisions[name]
        years = queries.extract_years(db, name, held[-1]) if held else []
        listing.append({
            "name": name, "title": t("en", f"data.dataset.{name}"), "source": spec.source, "unit": spec.unit,
            "revisions": held, "latest_revision": held[-1] if held else None,
            "latest_years": years, "columns": queries.extract_columns(name),
            "parameters": ["revision", "areas", "years", *(["sex"] if spec.has_sex else []),
                           *(["origins"] if spec.has_origin else []), *(["series"] if spec.by_series else []), "lang"],
            "url": f"{API_PREFIX}/{name}.{{{'|'.join(API_FORMATS)}}}",
        })
    body = {"api_version": "1", "build": {"id": build["build_id"], "built_at": build["built_at"]},
            "formats": list(API_FORMATS), "openapi": f"{API_PREFIX}/openapi.json", "datasets": listing}
    return _json_with_validators(body, build_time(build))


def openapi() -> Response:
    """GET /api/v1/openapi.json: the OpenAPI 3.1 description, generated from the registry (no
    database needed: it changes with the code, and its ETag with its bytes)."""
    return _json_with_validators(openapi_document(request.script_root or "/"), None)


def _json_with_validators(body: dict, modified: datetime | None) -> Response:
    """A small JSON document with a strong ETag of its bytes, and 304 when the client holds it."""
    data = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
    etag = hashlib.sha256(data).hexdigest()[:32]
    unchanged = request.if_none_match.contains(etag) if request.if_none_match or modified is None \
        else not_modified(etag, modified)
    response = Response(status=304) if unchanged else Response(data, mimetype="application/json")
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.headers["Cache-Control"] = "no-cache"
    return response


def not_found(rest: str) -> Response:
    lang = language(request.args.get("lang"))
    return error_response(404, t(lang, "api.not_found", url=f"{API_PREFIX}/openapi.json"))


def register_api(server: Flask) -> None:
    """Attach /api/v1 to the Dash app's Flask server (called by create_app)."""
    server.add_url_rule(f"{API_PREFIX}/openapi.json", "migdash_api_openapi", openapi, methods=["GET"])
    server.add_url_rule(f"{API_PREFIX}/datasets", "migdash_api_datasets", datasets, methods=["GET"])
    server.add_url_rule(f"{API_PREFIX}/<resource>", "migdash_api_extract", extract, methods=["GET"])
    server.add_url_rule(f"{API_PREFIX}/<path:rest>", "migdash_api_not_found", not_found, methods=["GET"])
