"""Third-party browser code the app serves itself (dashboard/vendor/, each folder with its
NOTICE.md): gzip-compressed, and cached for good under a content-hashed URL, so a page needs no
CDN and a new file always gets a new URL. Only the scripts in vendor/'s folders are reachable
(not their NOTICE.md, nothing above them)."""

from __future__ import annotations

import functools
import gzip
import hashlib
from pathlib import Path

from flask import Flask, Response, abort, request

VENDOR = Path(__file__).parent / "vendor"
ROUTE = "_migdash/"


@functools.cache
def served() -> frozenset[str]:
    """Every vendored script, as "<folder>/<file>.js"."""
    return frozenset(path.relative_to(VENDOR).as_posix() for path in VENDOR.glob("*/*.js"))


@functools.cache
def _file(relative: str) -> tuple[bytes, bytes, str]:
    """(bytes, gzip bytes, short content hash) of a served file, read once per process."""
    if relative not in served():
        raise FileNotFoundError(relative)
    raw = (VENDOR / relative).read_bytes()
    return raw, gzip.compress(raw, 6, mtime=0), hashlib.sha256(raw).hexdigest()[:12]


def vendored_url(relative: str, prefix: str) -> str:
    """The file's URL under the app's prefix, with its content hash (the cache key)."""
    return f"{prefix}{ROUTE}{relative}?v={_file(relative)[2]}"


def serve_vendored(folder: str, name: str) -> Response:
    """A served file: compressed when the browser accepts it, cached for a year when asked
    for by its current hash, revalidated otherwise."""
    try:
        raw, packed, version = _file(f"{folder}/{name}")
    except FileNotFoundError:
        abort(404)
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(packed if gzipped else raw, mimetype="text/javascript")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    cache = "public, max-age=31536000, immutable" if request.args.get("v") == version else "no-cache"
    response.headers["Cache-Control"] = cache
    return response


def register_vendored(server: Flask) -> None:
    server.add_url_rule(f"/{ROUTE}<folder>/<name>", "migdash_vendored", serve_vendored, methods=["GET"])
