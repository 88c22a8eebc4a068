"""Download upstream files with requests: explicit User-Agent, retries, cache, sha256.

Every source can be pointed at a mirror: a local directory or an http(s) URL base holding
the same file names as the publisher. Parsers only ever read the checksummed bytes this
module leaves on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests

from etl.completeness import not_empty
from etl.errors import FetchError, UpstreamFormatError

# UN DESA's server answers 403 to python-requests' default User-Agent: always send ours.
USER_AGENT = "migdash/0.1 (migration statistics dashboard for the Americas; python-requests)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 1 << 16


@dataclass(frozen=True)
class FetchPolicy:
    """How hard to try: timeouts in seconds, attempts, and the backoff base between them."""

    timeout: float = 60.0
    attempts: int = 4
    backoff: float = 1.0


@dataclass(frozen=True)
class FetchedFile:
    """Raw bytes on disk plus what we know of where and when they came from."""

    path: Path
    url: str
    sha256: str
    size: int
    retrieved_at: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def resolve_location(publisher_url: str, mirror: str | None) -> str:
    """Where to read a file from: the publisher URL, or the same file name under the mirror."""
    if not mirror:
        return publisher_url
    filename = Path(urlsplit(publisher_url).path).name
    if mirror.startswith(("http://", "https://")):
        return mirror.rstrip("/") + "/" + filename
    return str(Path(mirror) / filename)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def fetch(
    source: str,
    location: str,
    cache_dir: Path,
    *,
    policy: FetchPolicy | None = None,
    session: requests.Session | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> FetchedFile:
    """Return the file at `location` (URL or local path), downloading into `cache_dir` if remote."""
    if not is_url(location):
        return _from_local_path(source, Path(location))
    return _download(source, location, cache_dir, policy or FetchPolicy(), session, progress)


def _from_local_path(source: str, path: Path) -> FetchedFile:
    if not path.is_file():
        raise FetchError(source, str(path), "no such file in the mirror directory", not_found=True)
    not_empty(source, path.name, path.stat().st_size)
    return FetchedFile(
        path=path,
        url=path.resolve().as_uri(),
        sha256=sha256_of(path),
        size=path.stat().st_size,
        retrieved_at=now_utc(),
    )


def _cache_paths(cache_dir: Path, url: str) -> tuple[Path, Path]:
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    name = Path(urlsplit(url).path).name or "download"
    folder = cache_dir / key
    return folder / name, folder / "meta.json"


def _download(
    source: str,
    url: str,
    cache_dir: Path,
    policy: FetchPolicy,
    session: requests.Session | None,
    progress: Callable[[int, int | None], None] | None,
) -> FetchedFile:
    data_path, meta_path = _cache_paths(cache_dir, url)
    cached = _read_meta(meta_path, data_path)
    headers = {"User-Agent": USER_AGENT}
    if cached and cached.etag:
        headers["If-None-Match"] = cached.etag
    if cached and cached.last_modified:
        headers["If-Modified-Since"] = cached.last_modified
    http = session or requests.Session()
    try:
        return _attempts(source, url, headers, cached, http, policy, data_path, meta_path, progress)
    finally:
        if session is None:
            http.close()


def _attempts(
    source: str,
    url: str,
    headers: dict[str, str],
    cached: FetchedFile | None,
    http: requests.Session,
    policy: FetchPolicy,
    data_path: Path,
    meta_path: Path,
    progress: Callable[[int, int | None], None] | None,
) -> FetchedFile:
    """GET with retries on 429/5xx, timeouts and broken bodies; 304 reuses the cache."""
    last_problem = "no attempt made"
    for attempt in range(1, policy.attempts + 1):
        try:
            with http.get(url, headers=headers, timeout=policy.timeout, stream=True) as response:
                if response.status_code == 304 and cached:
                    return FetchedFile(**{**asdict(cached), "not_modified": True})
                if response.status_code == 404:
                    raise FetchError(source, url, "HTTP 404 Not Found", not_found=True)
                if response.status_code in RETRY_STATUSES:
                    last_problem = f"HTTP {response.status_code} {response.reason}"
                elif response.status_code != 200:
                    raise FetchError(source, url, f"HTTP {response.status_code} {response.reason}")
                else:
                    return _store(source, url, response, data_path, meta_path, progress)
        except (requests.ConnectionError, requests.Timeout) as exc:
            last_problem = f"{type(exc).__name__}: {exc}"
        except _Truncated as exc:
            last_problem = str(exc)
        if attempt < policy.attempts:
            time.sleep(policy.backoff * 2 ** (attempt - 1))
    raise FetchError(source, url, f"gave up after {policy.attempts} attempts; last: {last_problem}")


class _Truncated(Exception):
    """The body was shorter than the Content-Length the server announced."""


def _store(
    source: str,
    url: str,
    response: requests.Response,
    data_path: Path,
    meta_path: Path,
    progress: Callable[[int, int | None], None] | None,
) -> FetchedFile:
    expected = response.headers.get("Content-Length")
    total = int(expected) if expected and expected.isascii() and expected.isdigit() else None
    data_path.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp_name = tempfile.mkstemp(dir=data_path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                for block in response.iter_content(CHUNK):
                    out.write(block)
                    digest.update(block)
                    size += len(block)
                    if progress:
                        progress(size, total)
            except requests.exceptions.ChunkedEncodingError as exc:
                raise _Truncated(f"connection broken after {size} bytes: {exc}") from exc
        if total is not None and size != total:
            raise _Truncated(f"truncated body: got {size} of {total} bytes")
        if size == 0:  # an answer, not an outage: a broken download stops the build (nothing is kept)
            raise UpstreamFormatError(source, url, "empty body (0 bytes): the publisher sent no data")
        os.replace(tmp_name, data_path)
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
    fetched = FetchedFile(
        path=data_path,
        url=url,
        sha256=digest.hexdigest(),
        size=size,
        retrieved_at=now_utc(),
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )
    meta = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(fetched).items()}
    meta_path.write_text(json.dumps(meta, indent=2))
    return fetched


def _read_meta(meta_path: Path, data_path: Path) -> FetchedFile | None:
    """The cached download, if its bytes are still there and still match their checksum."""
    if not (meta_path.is_file() and data_path.is_file()):
        return None
    meta = json.loads(meta_path.read_text())
    if sha256_of(data_path) != meta.get("sha256"):
        return None
    meta["path"] = data_path
    meta["not_modified"] = False
    return FetchedFile(**meta)


def clear_cache(cache_dir: Path) -> None:
    shutil.rmtree(cache_dir, ignore_errors=True)
