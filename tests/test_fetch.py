"""The download path, against real HTTP servers on 127.0.0.1 (pytest_httpserver, the session's
static file server, and a raw socket server for what a well-behaved server never sends)."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from pathlib import Path

import pytest
from werkzeug import Response

from etl.errors import FetchError, UpstreamFormatError
from etl.fetch import USER_AGENT, FetchPolicy, fetch, resolve_location, sha256_of

# Bytes of a made-up file: the fetch layer never looks inside.
BODY = b"PK\x03\x04 synthetic test bytes, not a workbook " * 300


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cache_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file()) if cache.exists() else []


def test_200_stores_the_bytes_with_their_sha256_and_sends_our_user_agent(httpserver, tmp_path, fast_policy):
    httpserver.expect_request("/files/f.xlsx").respond_with_data(BODY, content_type="application/octet-stream")
    progress: list[tuple[int, int | None]] = []
    got = fetch("undesa_ims", httpserver.url_for("/files/f.xlsx"), tmp_path / "cache", policy=fast_policy,
                progress=lambda done, total: progress.append((done, total)))
    assert got.path.read_bytes() == BODY
    assert got.sha256 == sha(BODY) == sha256_of(got.path)
    assert got.size == len(BODY) and not got.not_modified
    assert got.url == httpserver.url_for("/files/f.xlsx") and got.path.name == "f.xlsx"
    assert got.path.is_relative_to(tmp_path / "cache")
    assert progress[-1] == (len(BODY), len(BODY))
    (request, _), = httpserver.log
    assert request.headers["User-Agent"] == USER_AGENT and request.headers["User-Agent"].startswith("migdash/")
    assert "If-None-Match" not in request.headers


def test_the_session_file_server_delivers_the_publishers_bytes(upstream_http, upstream_dir, tmp_path, fast_policy):
    name = "undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx"
    got = fetch("undesa_ims", upstream_http + name, tmp_path, policy=fast_policy)
    assert got.sha256 == sha((upstream_dir / name).read_bytes())
    assert got.size == (upstream_dir / name).stat().st_size and got.last_modified


def test_404_is_not_found_and_not_retried(httpserver, tmp_path, fast_policy):
    httpserver.expect_request("/missing.xlsx").respond_with_data("no such file", status=404)
    with pytest.raises(FetchError) as error:
        fetch("undesa_ims", httpserver.url_for("/missing.xlsx"), tmp_path, policy=fast_policy)
    assert error.value.not_found and "HTTP 404" in str(error.value)
    assert str(error.value).startswith("[undesa_ims] download failed: http://127.0.0.1:")
    assert len(httpserver.log) == 1
    assert cache_files(tmp_path) == []


def test_403_is_an_error_without_retry_and_not_a_not_found(httpserver, tmp_path, fast_policy):
    httpserver.expect_request("/f.xlsx").respond_with_data("forbidden", status=403)
    with pytest.raises(FetchError, match="HTTP 403") as error:
        fetch("undesa_ims", httpserver.url_for("/f.xlsx"), tmp_path, policy=fast_policy)
    assert not error.value.not_found and len(httpserver.log) == 1


def test_500_then_200_succeeds_after_one_retry(httpserver, tmp_path, fast_policy):
    httpserver.expect_ordered_request("/f.xlsx").respond_with_data("busy", status=500)
    httpserver.expect_ordered_request("/f.xlsx").respond_with_data(BODY)
    got = fetch("undesa_ims", httpserver.url_for("/f.xlsx"), tmp_path, policy=fast_policy)
    assert got.sha256 == sha(BODY)
    assert len(httpserver.log) == 2
    assert [response.status_code for _, response in httpserver.log] == [500, 200]


def test_persistent_500_gives_up_after_every_attempt(httpserver, tmp_path, fast_policy):
    httpserver.expect_request("/f.xlsx").respond_with_data("down", status=500)
    with pytest.raises(FetchError) as error:
        fetch("undesa_ims", httpserver.url_for("/f.xlsx"), tmp_path, policy=fast_policy)
    message = str(error.value)
    assert f"gave up after {fast_policy.attempts} attempts; last: HTTP 500" in message
    assert httpserver.url_for("/f.xlsx") in message and not error.value.not_found
    assert len(httpserver.log) == fast_policy.attempts
    assert cache_files(tmp_path) == []


def test_timeout_is_retried_then_reported(httpserver, tmp_path):
    policy = FetchPolicy(timeout=0.3, attempts=2, backoff=0.01)

    answered = threading.Semaphore(0)

    def slow(_request):
        time.sleep(policy.timeout + 0.4)
        answered.release()
        return Response(BODY)

    httpserver.expect_request("/slow.xlsx").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"gave up after 2 attempts; last: (ReadTimeout|ConnectionError|Timeout)"):
        fetch("undesa_ims", httpserver.url_for("/slow.xlsx"), tmp_path, policy=policy)
    assert time.monotonic() - started < policy.timeout * 2 + 1.5
    assert cache_files(tmp_path) == []
    for _ in range(policy.attempts):  # let the server finish both answers before the next test
        assert answered.acquire(timeout=5)


class RawServer:
    """A socket server on 127.0.0.1 answering every connection with `reply` bytes, then closing:
    for responses no HTTP library would send, such as a body shorter than its Content-Length."""

    def __init__(self, reply: bytes):
        self.reply, self.connections = reply, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/f.xlsx"

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                self.connections += 1
                conn.settimeout(2)
                conn.recv(65536)
                conn.sendall(self.reply)

    def __enter__(self) -> RawServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.listener.close()


def test_truncated_body_is_an_error_and_leaves_no_file(tmp_path, fast_policy):
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n0123456789"
    with RawServer(reply) as server, pytest.raises(FetchError) as error:
        fetch("undesa_ims", server.url, tmp_path, policy=fast_policy)
    assert f"gave up after {fast_policy.attempts} attempts" in str(error.value)
    assert "truncated body: got 10 of 1000 bytes" in str(error.value) or "connection broken" in str(error.value)
    assert server.connections == fast_policy.attempts
    assert cache_files(tmp_path) == []  # no partial download, no metadata


def test_empty_body_is_an_error(tmp_path, fast_policy):
    """An empty answer is a broken download (it stops the build), not an outage (which keeps the
    previous rows): UpstreamFormatError, not FetchError."""
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    with RawServer(reply) as server, pytest.raises(UpstreamFormatError, match="empty body"):
        fetch("undesa_ims", server.url, tmp_path, policy=fast_policy)
    assert cache_files(tmp_path) == []


def test_etag_revalidation_reuses_the_cached_file(httpserver, tmp_path, fast_policy):
    headers = {"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"}
    httpserver.expect_ordered_request("/f.xlsx").respond_with_data(BODY, headers=headers)
    httpserver.expect_ordered_request("/f.xlsx", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    url = httpserver.url_for("/f.xlsx")
    first = fetch("undesa_ims", url, tmp_path, policy=fast_policy)
    second = fetch("undesa_ims", url, tmp_path, policy=fast_policy)
    revalidation = httpserver.log[1][0]
    assert revalidation.headers["If-None-Match"] == '"v1"'
    assert revalidation.headers["If-Modified-Since"] == headers["Last-Modified"]
    assert second.not_modified and not first.not_modified
    assert second.path == first.path and second.sha256 == first.sha256 == sha(BODY)
    assert second.path.read_bytes() == BODY
    meta = json.loads((first.path.parent / "meta.json").read_text())
    assert meta["etag"] == '"v1"' and meta["sha256"] == sha(BODY)


def test_a_tampered_cache_is_not_revalidated_but_downloaded_again(httpserver, tmp_path, fast_policy):
    httpserver.expect_ordered_request("/f.xlsx").respond_with_data(BODY, headers={"ETag": '"v1"'})
    httpserver.expect_ordered_request("/f.xlsx").respond_with_data(BODY, headers={"ETag": '"v1"'})
    url = httpserver.url_for("/f.xlsx")
    first = fetch("undesa_ims", url, tmp_path, policy=fast_policy)
    first.path.write_bytes(b"edited on disk")
    second = fetch("undesa_ims", url, tmp_path, policy=fast_policy)
    assert "If-None-Match" not in httpserver.log[1][0].headers
    assert not second.not_modified and second.path.read_bytes() == BODY


def test_local_directory_mirror(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "a.xlsx").write_bytes(BODY)
    location = resolve_location("https://www.un.org/x/files/a.xlsx", str(mirror))
    got = fetch("undesa_ims", location, tmp_path / "cache")
    assert got.path == mirror / "a.xlsx" and got.sha256 == sha(BODY) and got.size == len(BODY)
    assert got.url == (mirror / "a.xlsx").resolve().as_uri()
    assert not (tmp_path / "cache").exists()  # read in place, not copied


def test_missing_file_in_the_local_mirror_is_not_found(tmp_path):
    location = resolve_location("https://www.un.org/x/files/absent.xlsx", str(tmp_path))
    with pytest.raises(FetchError, match="no such file in the mirror directory") as error:
        fetch("undesa_ims", location, tmp_path / "cache")
    assert error.value.not_found and "absent.xlsx" in str(error.value)


def test_resolve_location():
    url = "https://www.un.org/development/desa/pd/sites/files/undesa_pd_2024_x.xlsx"
    assert resolve_location(url, None) == url
    assert resolve_location(url, "") == url
    assert resolve_location(url, "http://127.0.0.1:8000/mirror/") == "http://127.0.0.1:8000/mirror/undesa_pd_2024_x.xlsx"
    assert resolve_location(url, "http://127.0.0.1:8000/mirror") == "http://127.0.0.1:8000/mirror/undesa_pd_2024_x.xlsx"
    assert resolve_location(url, "https://example.org") == "https://example.org/undesa_pd_2024_x.xlsx"
    assert resolve_location(url, "/data/upstream") == str(Path("/data/upstream") / "undesa_pd_2024_x.xlsx")
    assert resolve_location(url, "relative/dir") == str(Path("relative/dir") / "undesa_pd_2024_x.xlsx")
