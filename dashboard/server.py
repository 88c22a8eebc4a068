"""Production serving: security headers, request limits, a health endpoint, a callback cache,
gunicorn.

The database is a read-only artifact: any number of stateless workers can serve a copy, and
each response carries the id of the build it was computed from (X-Migdash-Build).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import OrderedDict

from flask import Flask, Response, abort, g, jsonify, request

from dashboard.components import DATABASE_KEY, database
from readside import queries
from readside.queries import NoDatabase

MAX_REQUEST_BYTES = 1 << 20  # Dash callback payloads are a few kB; refuse anything near a megabyte
# Dash renders with inline scripts and plotly.js compiles functions at runtime: 'unsafe-inline'
# and 'unsafe-eval' are needed for scripts; everything else is same-origin only.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Full address to this site only (the first layout carries the page the browser names,
    # dashboard/first_page.py); nothing to any other site.
    "Referrer-Policy": "same-origin",
}
CALLBACK_PATH = "/_dash-update-component"
LAYOUT_PATH = "/_dash-layout"
CACHE_ENV = "MIGDASH_CALLBACK_CACHE"  # entries per worker; 0 turns the cache off
DEFAULT_CACHE_ENTRIES = 512
CACHE_BYTES = 64 << 20  # per worker, whatever the entry count


class CallbackCache:
    """Callback responses keyed by (build id, request body), least recently used out first.

    Callbacks are pure functions of their inputs and of the database, and the database only
    changes by being replaced with a new build, so a response can be reused until the build
    changes. Plotly figure construction is most of a callback's cost; a hit skips all of it.
    """

    def __init__(self, max_entries: int, max_bytes: int = CACHE_BYTES):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(build_id: str, body: bytes) -> str:
        return build_id + ":" + hashlib.sha256(body).hexdigest()

    def get(self, key: str) -> tuple[bytes, str] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, body: bytes, mimetype: str) -> None:
        if len(body) > self.max_bytes // 8:
            return  # one huge response must not flush everything else
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (body, mimetype)
            self._bytes += len(body)
            while self._items and (len(self._items) > self.max_entries or self._bytes > self.max_bytes):
                _, (old, _) = self._items.popitem(last=False)
                self._bytes -= len(old)

    def __len__(self) -> int:
        return len(self._items)


def harden(server: Flask) -> None:
    """Headers on every response, a request size limit, /healthz, the callback cache, and no
    stack traces to users."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    _add_chunked_limit(server)
    _add_security_headers(server)
    _add_health(server)
    entries = int(os.environ.get(CACHE_ENV, DEFAULT_CACHE_ENTRIES))
    if entries > 0:
        _add_callback_cache(server, CallbackCache(entries))

    @server.errorhandler(500)
    def internal_error(_error: Exception) -> tuple[str, int]:
        return "Internal error: the incident was logged.", 500

    setup_before_serving(server)


def setup_before_serving(server: Flask) -> None:
    """Run Dash's first-request setup now, in one thread. Dash marks it done before doing it
    (and registers the pages router the same way), so a worker that receives concurrent
    first requests answered some of them with 500 ("dash" is not a registered library) and
    the page never drew: seen under gunicorn's threads with a cold browser. Only the
    before-request hooks run, so the app still accepts routes and handlers afterwards."""
    with server.test_request_context("/_dash-dependencies"):
        server.preprocess_request()


def _add_chunked_limit(server: Flask) -> None:
    """413 for a streamed (chunked) body over the limit too: without a Content-Length, Werkzeug
    stops reading at MAX_CONTENT_LENGTH and hands on the truncated body without an error."""

    @server.before_request
    def refuse_long_stream() -> None:
        if request.content_length is None and request.method in ("POST", "PUT", "PATCH") \
                and len(request.get_data(cache=True)) >= MAX_REQUEST_BYTES:
            abort(413)


def _add_security_headers(server: Flask) -> None:
    @server.after_request
    def add_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.endswith(LAYOUT_PATH):
            response.vary.add("Referer")  # the first layout holds the page the Referer names
        db = g.get("migdash_db")
        if db is not None:
            with contextlib.suppress(NoDatabase):
                response.headers["X-Migdash-Build"] = queries.build_info(db)["build_id"]
        return response


def _add_health(server: Flask) -> None:
    @server.get("/healthz")
    def health() -> Response | tuple[Response, int]:
        """Build id, build time and data revisions of the build this worker serves now."""
        try:
            db = g.migdash_db = server.config[DATABASE_KEY].pinned()
            body = {
                "status": "ok",
                **queries.build_info(db),
                "revisions": queries.revisions(db),
                "datasets": queries.data_revisions(db),
                "americas_latest": _americas_latest(db),
            }
        except NoDatabase:
            g.pop("migdash_db", None)
            return jsonify({"status": "no database"}), 503
        return jsonify(body)


def _add_callback_cache(server: Flask, cache: CallbackCache) -> None:
    """Serve repeated callback requests, and first layouts, from `cache`; X-Migdash-Cache says
    hit or miss."""

    @server.before_request
    def cached_callback() -> Response | None:
        request_key = _cache_request_key()
        if request_key is None:
            return None
        try:
            build_id = queries.build_info(database())["build_id"]
        except NoDatabase:
            return None
        key = CallbackCache.key(build_id, request_key)
        hit = cache.get(key)
        if hit is None:
            g.migdash_cache_key = key
            return None
        body, mimetype = hit
        response = Response(body, mimetype=mimetype)
        response.headers["X-Migdash-Cache"] = "hit"
        return response

    @server.after_request
    def store_callback(response: Response) -> Response:
        key = g.pop("migdash_cache_key", None)
        if key is not None:
            response.headers["X-Migdash-Cache"] = "miss"
            if response.status_code == 200 and not response.direct_passthrough:
                cache.put(key, response.get_data(), response.mimetype)
        return response


def _cache_request_key() -> bytes | None:
    """What a cacheable request's response depends on: a callback's body, or the address of
    the page whose first layout is asked for (dashboard/first_page.py); None for the rest."""
    if request.method == "POST" and request.path.endswith(CALLBACK_PATH):
        return request.get_data(cache=True)
    if request.method == "GET" and request.path.endswith(LAYOUT_PATH):
        return b"layout " + (request.referrer or "").encode()
    return None


def _americas_latest(db: queries.Database) -> dict[str, int]:
    revision = queries.revisions(db)[-1]
    total = queries.americas_total(db, revision)
    return {"revision": revision, "year": int(total["year"].iloc[-1]), "migrants": int(total["migrants"].iloc[-1])}
