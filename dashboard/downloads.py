"""The download route: GET /download/<csv|zip|parquet>, streaming what readside.extract makes."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, Response, request, send_file

from dashboard.briefing import brief_download
from dashboard.components import database
from dashboard.report_downloads import report_download
from readside import availability
from readside.extract import (
    FORMATS,
    SelectionError,
    csv_chunks,
    file_stem,
    parquet_file,
    parse_selection,
    zip_chunks,
)
from readside.text import language, t


def _refuse(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def download(fmt: str) -> Response:
    """GET /download/<csv|zip|parquet>?dataset=&revision=&areas=&years=&sex=&origins=&series=&lang=[&excel=1]"""
    lang = language(request.args.get("lang"))
    if fmt not in FORMATS:
        return _refuse(t(lang, "data.bad_format"), 404)
    db = database()  # pinned on one build for the whole response
    try:
        selection = parse_selection(request.args, db)
    except SelectionError as error:
        return _refuse(f"{t(lang, 'data.cannot_extract')} {error.message(lang)}", 400)
    stem = file_stem(selection)
    if fmt == "parquet":
        return send_file(parquet_file(db, selection), mimetype="application/vnd.apache.parquet",
                         as_attachment=True, download_name=f"{stem}.parquet")
    chunks, mimetype = (csv_chunks(db, selection), "text/csv") if fmt == "csv" else (zip_chunks(db, selection), "application/zip")
    if fmt == "csv" and request.args.get("excel") == "1":
        chunks = _with_bom(chunks)
    disposition = f'attachment; filename="{stem}.{fmt}"'
    return Response(chunks, mimetype=mimetype, headers={"Content-Disposition": disposition})


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


def register_downloads(server: Flask) -> None:
    """Attach the download route to the Dash app's Flask server (called by create_app)."""
    server.add_url_rule("/download/<fmt>", "migdash_download", download, methods=["GET"])
    server.add_url_rule("/download/availability.csv", "migdash_availability_csv", availability_csv, methods=["GET"])
    server.add_url_rule("/brief/<fmt>", "migdash_brief", brief_download, methods=["GET"])
    server.add_url_rule("/report/<fmt>", "migdash_report", report_download, methods=["GET"])
