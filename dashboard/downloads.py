"""The download routes: GET /download/<csv|zip|parquet|xlsx>, streaming what readside.extract
makes, and the response every extract shares with the API (dashboard.api): validators from the
build (ETag, Last-Modified), a 304 for an unchanged poll, the file in the asked format."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Flask, Response, request, send_file

from dashboard.briefing import brief_download
from dashboard.components import database
from dashboard.openapi import API_PREFIX
from dashboard.report_downloads import report_download
from readside import availability, changes, queries
from readside.extract import (
    FORMATS,
    SelectionError,
    csv_chunks,
    file_stem,
    parquet_file,
    parse_selection,
    query_string,
    zip_chunks,
)
from readside.extract_json import json_chunks
from readside.extract_xlsx import Links, xlsx_file
from readside.queries import Database, Selection
from readside.text import language, t

CHANGES_CSV = "/download/changes.csv"
MIMETYPES = {
    "csv": "text/csv",
    "zip": "application/zip",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _refuse(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def download(fmt: str) -> Response:
    """GET /download/<csv|zip|parquet|xlsx>?dataset=&revision=&areas=&years=&sex=&origins=&series=&lang=[&excel=1]"""
    lang = language(request.args.get("lang"))
    if fmt not in FORMATS:
        return _refuse(t(lang, "data.bad_format"), 404)
    db = database()  # pinned on one build for the whole response
    try:
        selection = parse_selection(request.args, db)
        return extract_response(db, selection, fmt, lang, excel=request.args.get("excel") == "1")
    except SelectionError as error:
        return _refuse(f"{t(lang, 'data.cannot_extract')} {error.message(lang)}", 400)


def extract_response(db: Database, selection: Selection, fmt: str, lang: str, *, excel: bool = False) -> Response:
    """The extract in `fmt` with ETag and Last-Modified from the build, or 304 when the client
    already holds it. Raises SelectionError for an xlsx larger than a worksheet."""
    etag, modified = validators(db, selection, fmt + ("-excel" if excel else ""), lang)
    if not_modified(etag, modified):
        response = Response(status=304)
    else:
        response = _body(db, selection, fmt, lang, excel)
    response.set_etag(etag, weak=True)  # the same rows, but a zip or xlsx is not byte-identical twice
    response.last_modified = modified
    response.headers["Cache-Control"] = "no-cache"  # may be stored, but ask again (a 304 is cheap)
    return response


def _body(db: Database, selection: Selection, fmt: str, lang: str, excel: bool) -> Response:
    stem = file_stem(selection)
    if fmt == "xlsx":  # xlsx_file refuses more rows than a worksheet holds before any work
        return send_file(xlsx_file(db, selection, lang, links(selection, lang)), mimetype=MIMETYPES[fmt],
                         as_attachment=True, download_name=f"{stem}.xlsx", etag=False, last_modified=None)
    if fmt == "parquet":
        return send_file(parquet_file(db, selection), mimetype=MIMETYPES[fmt], as_attachment=True,
                         download_name=f"{stem}.parquet", etag=False, last_modified=None)
    streams: dict[str, Callable[[Database, Selection], Iterator[bytes]]] = {
        "csv": csv_chunks, "zip": zip_chunks, "json": json_chunks}
    chunks = streams[fmt](db, selection)
    if fmt == "csv" and excel:
        chunks = _with_bom(chunks)
    headers = {} if fmt == "json" else {"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'}
    return Response(chunks, mimetype=MIMETYPES[fmt], headers=headers)


def validators(db: Database, selection: Selection, variant: str, lang: str) -> tuple[str, datetime]:
    """ETag and Last-Modified of an extract: the build it is read from, and what was asked.
    A new build (and only a new build) changes the rows, so a poll compares these two."""
    build = queries.build_info(db)
    asked = hashlib.sha256(f"{variant}?{query_string(selection, lang)}".encode()).hexdigest()[:16]
    return f"{build['build_id']}-{asked}", build_time(build)


def build_time(build: dict) -> datetime:
    """When the build was made, to the second, in UTC (HTTP dates have no fractions)."""
    made = datetime.fromisoformat(str(build["built_at"])).replace(microsecond=0)
    return made if made.tzinfo else made.replace(tzinfo=UTC)


def not_modified(etag: str, modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present (weak comparison, as for GET); otherwise
    If-Modified-Since, to the second."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and modified <= since


def links(selection: Selection, lang: str) -> Links:
    """The absolute URLs written into the workbook's notes: the Data page, this file, the API."""
    root = request.url_root.rstrip("/")
    query = query_string(selection, lang)
    return Links(page=f"{root}/data?{query}", file=f"{root}/download/xlsx?{query}",
                 api=f"{root}{api_path(selection, 'csv')}")


def api_path(selection: Selection, fmt: str) -> str:
    """The versioned API URL (without host) that returns this selection in `fmt`."""
    params: dict[str, object] = {"revision": selection.revision, "areas": ",".join(map(str, selection.areas)),
                                 "years": ",".join(map(str, selection.years))}
    if selection.sexes:
        params["sex"] = ",".join(selection.sexes)
    if selection.all_origins:
        params["origins"] = "all"
    if selection.series:
        params["series"] = ",".join(selection.series)
    return f"{API_PREFIX}/{selection.dataset}.{fmt}?{urlencode(params)}"


def _with_bom(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark: Excel then reads "México" as such instead of "MÃ©xico"
    (plain CSV stays without one, which pandas, R and Frictionless readers expect)."""
    yield b"\xef\xbb\xbf"
    yield from chunks


def availability_csv() -> Response:
    """GET /download/availability.csv?lang=&columns=: the /availability page's matrix as shown
    (latest year per member state and source, empty cell = gap)."""
    text = availability.matrix_csv(database(), language(request.args.get("lang")), request.args.get("columns"))
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="migdash-availability.csv"'})


def changes_csv() -> Response:
    """GET /download/changes.csv: what the last build changed, as `migdash changes --format csv`
    (source, series, area_code, year, old and new vintage and value...), for a refresh memo."""
    return Response(changes.render(database(), "csv"), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="migdash-changes.csv"'})


def register_downloads(server: Flask) -> None:
    """Attach the download routes to the Dash app's Flask server (called by create_app)."""
    server.add_url_rule("/download/<fmt>", "migdash_download", download, methods=["GET"])
    server.add_url_rule("/download/availability.csv", "migdash_availability_csv", availability_csv, methods=["GET"])
    server.add_url_rule(CHANGES_CSV, "migdash_changes_csv", changes_csv, methods=["GET"])
    server.add_url_rule("/brief/<fmt>", "migdash_brief", brief_download, methods=["GET"])
    server.add_url_rule("/report/<fmt>", "migdash_report", report_download, methods=["GET"])
