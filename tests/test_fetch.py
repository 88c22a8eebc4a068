"""The download path against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import socket
import threading

import pytest

from etl.errors import FetchError
from etl.fetch import USER_AGENT, fetch, resolve_location

BODY = b"PK\x03\x04 pretend workbook bytes " * 100


def test_200_stores_bytes_checksum_and_sends_our_user_agent(httpserver, tmp_path, fast_policy):
    httpserver.expect_request("/f.xlsx").respond_with_data(BODY, headers={"ETag": '"v1"'})
    got = fetch("test", httpserver.url_for("/f.xlsx"), tmp_path, policy=fast_policy)
    assert got.path.read_bytes() == BODY
    assert got.sha256 == hashlib.sha256(BODY).hexdigest() and got.size == len(BODY)
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == USER_AGENT and USER_AGENT.startswith("migdash/")


def test_404_is_not_found_without_retry(httpserver, tmp_path, fast_policy):
    httpserver.expect_request("/missing.xlsx").respond_with_data("no", status=404)
    with pytest.raises(FetchError, match="404") as error:
        fetch("test", httpserver.url_for("/missing.xlsx"), tmp_path, policy=fast_policy)
    assert error.value.not_found and len(httpserver.log) == 1


def test_500_then_200_succeeds_after_retry(httpserver, tmp_path, fast_policy):
    httpserver.expect_ordered_request("/f.xlsx").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/f.xlsx").respond_with_data(BODY)
    assert fetch("test", httpserver.url_for("/f.xlsx"), tmp_path, policy=fast_policy).size == len(BODY)
    assert len(httpserver.log) == 2


def test_persistent_500_gives_up_naming_the_url(httpserver, tmp_path, fast_policy):
    httpserver.expect_request("/f.xlsx").respond_with_data("oops", status=500)
    with pytest.raises(FetchError, match=r"gave up after 3 attempts; last: HTTP 500") as error:
        fetch("undesa_ims", httpserver.url_for("/f.xlsx"), tmp_path, policy=fast_policy)
    assert "[undesa_ims]" in str(error.value) and "/f.xlsx" in str(error.value)


def raw_server(reply: bytes | None) -> tuple[str, threading.Event]:
    """A socket server on 127.0.0.1 that sends `reply` and closes, or (None) never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        held = []
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.recv(4096)
            if reply is None:
                held.append(conn)  # keep it open, silent, until the test ends
                continue
            conn.sendall(reply)
            conn.close()
        for conn in held:
            conn.close()
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/f.xlsx", stop


def test_timeout_is_retried_then_reported(tmp_path):
    from etl.fetch import FetchPolicy

    url, stop = raw_server(None)
    try:
        with pytest.raises(FetchError, match=r"gave up after 2 attempts.*(Timeout|timed out)"):
            fetch("test", url, tmp_path, policy=FetchPolicy(timeout=0.3, attempts=2, backoff=0.01))
    finally:
        stop.set()


def test_truncated_body_is_an_error_and_leaves_no_file(tmp_path, fast_policy):
    url, stop = raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n0123456789")
    try:
        with pytest.raises(FetchError, match=r"(truncated|connection broken|IncompleteRead)"):
            fetch("test", url, tmp_path, policy=fast_policy)
    finally:
        stop.set()
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "meta.json"]


def test_etag_revalidation_reuses_the_cache(httpserver, tmp_path, fast_policy):
    httpserver.expect_ordered_request("/f.xlsx").respond_with_data(BODY, headers={"ETag": '"v1"'})
    httpserver.expect_ordered_request("/f.xlsx").respond_with_data("", status=304)
    first = fetch("test", httpserver.url_for("/f.xlsx"), tmp_path, policy=fast_policy)
    second = fetch("test", httpserver.url_for("/f.xlsx"), tmp_path, policy=fast_policy)
    assert httpserver.log[1][0].headers["If-None-Match"] == '"v1"'
    assert second.not_modified and second.sha256 == first.sha256 and second.path == first.path


def test_local_mirror_directory(tmp_path):
    (tmp_path / "f.xlsx").write_bytes(BODY)
    assert fetch("test", str(tmp_path / "f.xlsx"), tmp_path / "cache").sha256 == hashlib.sha256(BODY).hexdigest()
    with pytest.raises(FetchError) as error:
        fetch("test", str(tmp_path / "absent.xlsx"), tmp_path / "cache")
    assert error.value.not_found


def test_resolve_location():
    url = "https://www.un.org/x/files/a.xlsx"
    assert resolve_location(url, None) == url
    assert resolve_location(url, "http://127.0.0.1:8000/mirror/") == "http://127.0.0.1:8000/mirror/a.xlsx"
    assert resolve_location(url, "/data/up") == "/data/up/a.xlsx"
