"""The regional report on the dashboard: GET /report/<html|pdf>?lang= and what the Report page
shows about each file.

A report takes about a minute of CPU to write (150 charts, Chromium printing 50 pages twice),
so a request never writes it inside the web worker:
- **Cached per build on disk**: <database folder>/documents/<build id>/migdash-report-<lang>.<fmt>.
  Every gunicorn worker sees the same files, a restart keeps them, and a new build (another
  id) never serves an old report; the folders of other builds are removed when a report of
  the current one is written.
- **Written by a separate process** (`python -m migdash.cli report …`, the command line's own
  code): matplotlib and Chromium then use their own CPU time, and the worker's threads go on
  answering other users (in-process drawing would hold the worker's interpreter lock for the
  whole minute).
- **Once, and one at a time**: a lock file per report (created exclusively, so two workers
  never both start it), and at most `MAX_JOBS` reports written at once on the machine (2 cores:
  one); a request meanwhile gets a 202 page in the reader's language that reloads itself and
  downloads the file when it is ready. A failed run leaves its reason, shown once (503); the
  next request tries again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from html import escape
from pathlib import Path

from flask import Response, request, send_file

from dashboard.components import database
from readside import queries
from readside.documents.report_render import file_name
from readside.text import LANGUAGE_NAMES, LANGUAGES, language, t

FORMATS = ("html", "pdf")
FOLDER = "documents"
MAX_JOBS = 1
STALE_AFTER = 900  # seconds: a lock older than this belongs to a run that died
RETRY_SECONDS = 10
MIMETYPES = {"pdf": "application/pdf", "html": "text/html"}


def cache_root(db_path: Path) -> Path:
    """<database folder>/documents, or a temporary folder where the database's is read-only."""
    folder = Path(db_path).resolve().parent / FOLDER
    try:
        folder.mkdir(exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / "migdash-documents"
    fallback.mkdir(exist_ok=True)
    return fallback


def report_path(db_path: Path, build_id: str, lang: str, fmt: str) -> Path:
    """Where one report of one build is kept (every part validated or from the build table)."""
    return cache_root(db_path) / _safe(build_id) / file_name(lang, fmt)


def _safe(build_id: str) -> str:
    return "".join(c for c in str(build_id) if c.isalnum() or c in "-_")[:64] or "build"


def command(db_path: Path, lang: str, fmt: str, out: Path) -> list[str]:
    """The process that writes one report: the command line's `migdash report`."""
    return [sys.executable, "-m", "migdash.cli", "report", "--lang", lang, "--format", fmt, "--db", str(db_path),
            "--out", str(out)]


def _running(lock: Path) -> bool:
    """Whether a live run holds this lock (its pid answers and it is younger than STALE_AFTER)."""
    try:
        pid = int(lock.read_text().split()[0])
        age = time.time() - lock.stat().st_mtime
    except (OSError, ValueError, IndexError):
        return False
    if age > STALE_AFTER:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _locks(root: Path) -> list[Path]:
    return [lock for lock in root.glob("*/*.lock") if _running(lock)]


def start(db_path: Path, target: Path, lang: str, fmt: str) -> bool:
    """Start writing `target` unless it is being written or the machine is busy with another
    report. True when a run for it is under way (started now or before)."""
    lock = target.with_suffix(target.suffix + ".lock")
    target.parent.mkdir(parents=True, exist_ok=True)
    if lock.exists() and _running(lock):
        return True
    lock.unlink(missing_ok=True)  # a dead run's lock
    if len(_locks(cache_root(db_path))) >= MAX_JOBS:
        return False
    try:
        handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return True  # another worker won the race
    # The lock names this worker, which waits for the run: a lock whose worker died is stale.
    os.write(handle, f"{os.getpid()} {lang} {fmt}\n".encode())
    os.close(handle)
    partial = target.with_suffix(target.suffix + ".part")
    try:
        process = subprocess.Popen(command(db_path, lang, fmt, partial), stdout=subprocess.DEVNULL,  # noqa: S603
                                   stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        lock.unlink(missing_ok=True)
        target.with_suffix(target.suffix + ".error").write_text(str(error), encoding="utf-8")
        return False
    threading.Thread(target=_finish, args=(process, partial, target, lock), daemon=True).start()
    return True


def _finish(process: subprocess.Popen, partial: Path, target: Path, lock: Path) -> None:
    """Wait for the run; publish the file atomically, or keep its reason; drop other builds."""
    _, stderr = process.communicate()
    try:
        if process.returncode == 0 and partial.is_file() and partial.stat().st_size:
            os.replace(partial, target)
            _prune(target.parent)
        else:
            reason = (stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [
                f"exit {process.returncode}"]
            target.with_suffix(target.suffix + ".error").write_text(reason[0], encoding="utf-8")
            partial.unlink(missing_ok=True)
    finally:
        lock.unlink(missing_ok=True)


def _prune(current: Path) -> None:
    """Remove the reports of builds other than `current`'s (no run of theirs still going)."""
    for folder in current.parent.iterdir():
        if folder.is_dir() and folder != current and not any(_running(lock) for lock in folder.glob("*.lock")):
            shutil.rmtree(folder, ignore_errors=True)


def status(db_path: Path, build_id: str, lang: str, fmt: str) -> str:
    """ready | preparing | on_request: what the Report page says about one file."""
    target = report_path(db_path, build_id, lang, fmt)
    if target.is_file():
        return "ready"
    lock = target.with_suffix(target.suffix + ".lock")
    return "preparing" if lock.exists() and _running(lock) else "on_request"


def report_download(fmt: str) -> Response:
    """GET /report/<html|pdf>?lang=: the file when this build's is ready, else a page that
    waits for it (202) while a separate process writes it."""
    lang = language(request.args.get("lang"))
    if fmt not in FORMATS:
        return Response(t(lang, "data.bad_format") + "\n", status=404, mimetype="text/plain")
    db = database()
    db_path = Path(db.path)
    build = queries.build_info(db)["build_id"]
    target = report_path(db_path, build, lang, fmt)
    if target.is_file():
        return send_file(target, mimetype=MIMETYPES[fmt], as_attachment=True, download_name=file_name(lang, fmt),
                         max_age=0)
    error = target.with_suffix(target.suffix + ".error")
    if error.is_file():
        reason = error.read_text(encoding="utf-8")
        error.unlink(missing_ok=True)  # shown once: the next request tries again
        return Response(t(lang, "report_page.failed", reason=reason) + "\n", status=503, mimetype="text/plain")
    started = start(db_path, target, lang, fmt)
    return waiting_page(lang, fmt, started)


def waiting_page(lang: str, fmt: str, started: bool) -> Response:
    """A small self-contained page (no script) that reloads until the file is ready."""
    name = LANGUAGE_NAMES[lang] if lang == "en" else LANGUAGE_NAMES[lang].lower()  # "el informe en español"
    what = t(lang, "report_page.file", language=name, format=fmt.upper())
    message = t(lang, "report_page.preparing" if started else "report_page.queued", what=what)
    body = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="{RETRY_SECONDS}"><title>{escape(what)}</title></head>'
            f'<body><p>{escape(message)}</p><p>{escape(t(lang, "report_page.reloads"))}</p></body></html>')
    return Response(body, status=202, mimetype="text/html", headers={"Retry-After": str(RETRY_SECONDS)})


def files(db_path: Path, build_id: str) -> list[dict]:
    """Every report of this build: language, format, status (the Report page's table)."""
    return [{"lang": lang, "fmt": fmt, "status": status(db_path, build_id, lang, fmt)}
            for lang in LANGUAGES for fmt in FORMATS]
