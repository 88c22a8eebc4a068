"""Production serving: gunicorn workers over the read-only database (`migdash serve --prod`)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from dashboard.app import create_app


def wsgi(db_path: str | None = None) -> Flask:
    """gunicorn entry point: `gunicorn 'dashboard.production:wsgi()'` (database from $MIGDASH_DB)."""
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
