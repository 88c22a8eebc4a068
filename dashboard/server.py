"""Production serving: security headers, request limits, a health endpoint, gunicorn.

The database is a read-only artifact: any number of stateless workers can serve a copy, and
each response carries the id of the build it was computed from (X-Migdash-Build).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from flask import Flask, Response, g, jsonify

from dashboard import queries
from dashboard.components import DATABASE_KEY
from dashboard.queries import NoDatabase

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
    "Referrer-Policy": "no-referrer",
}


def harden(server: Flask) -> None:
    """Headers on every response, a request size limit, /healthz, and no stack traces to users."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    @server.after_request
    def add_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        db = g.get("migdash_db")
        if db is not None:
            with contextlib.suppress(NoDatabase):
                response.headers["X-Migdash-Build"] = queries.build_info(db)["build_id"]
        return response

    @server.get("/healthz")
    def health() -> Response:
        db = server.config[DATABASE_KEY].pinned()
        g.migdash_db = db
        try:
            info = queries.build_info(db)
            body = {"status": "ok", **info, "revisions": queries.revisions(db),
                    "americas_latest": _americas_latest(db)}
        except NoDatabase:
            return jsonify({"status": "no database"}), 503
        return jsonify(body)

    @server.errorhandler(500)
    def internal_error(_error: Exception) -> tuple[str, int]:
        return "Internal error: the incident was logged.", 500


def _americas_latest(db: queries.Database) -> dict[str, int]:
    revision = queries.revisions(db)[-1]
    total = queries.americas_total(db, revision)
    return {"revision": revision, "year": int(total["year"].iloc[-1]), "migrants": int(total["migrants"].iloc[-1])}


def wsgi(db_path: str | None = None) -> Flask:
    """gunicorn entry point: `gunicorn 'dashboard.server:wsgi()'` (database from $MIGDASH_DB)."""
    from dashboard.app import create_app

    return create_app(Path(db_path or os.environ.get("MIGDASH_DB", "data/migdash.duckdb"))).server


def serve_production(db_path: Path, host: str, port: int, workers: int) -> None:
    """Run gunicorn in-process with `workers` forked workers on the read-only database."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": 4,
                               "timeout": 60, "accesslog": "-", "preload_app": False}.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return wsgi(str(db_path))

    Application().run()
