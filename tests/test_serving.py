"""Production serving: /healthz from the query layer, security headers on every kind of
response, request size limits, the callback cache following new builds, and the real
`migdash serve --prod` (gunicorn, several workers, read-only database) in a real browser.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
from pathlib import Path

import duckdb
import pytest
import requests

from bench.harness import gunicorn_server, main_callbacks, post_callback, routing_payload
from dashboard import production as prod_serving
from dashboard import server as serving
from dashboard.app import create_app
from etl.build import TABLES, Tables, write_database
from migdash import cli

EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # the first layout reads the page's address (dashboard/first_page.py)
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def live_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("serving") / "migdash.duckdb"
    shutil.copy(built_db, db)
    return db


@pytest.fixture(scope="module")
def client(live_db: Path):
    return create_app(live_db).server.test_client()


def direct(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


# ---- /healthz ----


def test_healthz_names_the_build_and_its_data(client, live_db):
    body = client.get("/healthz").get_json()
    build_id, built_at, built_from = direct(live_db, "SELECT build_id, built_at, built_from FROM build")[0]
    assert (body["status"], body["build_id"], body["built_at"], body["built_from"]) == ("ok", build_id, built_at, built_from)
    assert body["revisions"] == [r for (r,) in direct(live_db, "SELECT DISTINCT revision FROM stock ORDER BY 1")]
    files = direct(live_db, "SELECT dataset, revision, sha256 FROM provenance ORDER BY dataset")
    assert [(d["dataset"], d["revision"], d["sha256"]) for d in body["datasets"]] == files
    (americas,) = direct(live_db, "SELECT sum(migrants) FROM stock WHERE revision = 2024 AND year = 2024 "
                                  "AND sex = 'total' AND origin_code = 900 AND destination_code IN (904, 905)")[0]
    assert body["americas_latest"] == {"revision": 2024, "year": 2024, "migrants": americas}


def test_healthz_without_database_is_503(tmp_path):
    response = create_app(tmp_path / "missing.duckdb").server.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "no database"}


# ---- headers and limits ----


def _component_script(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return next(part.split('"')[0] for part in html.split('src="')[1:] if "_dash-component-suites" in part)


@pytest.mark.parametrize("kind", ["page", "layout", "dependencies", "asset", "script", "healthz", "callback",
                                  "download", "bad download", "unknown path", "too large"])
def test_security_headers_on_every_kind_of_response(client, kind):
    requests_by_kind = {
        "page": lambda: client.get("/country?lang=es"),
        "layout": lambda: client.get("/_dash-layout"),
        "dependencies": lambda: client.get("/_dash-dependencies"),
        "asset": lambda: client.get("/assets/style.css"),
        "script": lambda: client.get(_component_script(client)),
        "healthz": lambda: client.get("/healthz"),
        "callback": lambda: client.post("/_dash-update-component", json=routing_payload("/")),
        "download": lambda: client.get("/download/csv?dataset=stock&revision=2024&areas=904&years=2024"),
        "bad download": lambda: client.get("/download/csv?revision=1800"),
        "unknown path": lambda: client.get("/no/such/page"),
        "too large": lambda: client.post("/_dash-update-component", data=b"x" * (2 << 20), content_type="application/json"),
    }
    response = requests_by_kind[kind]()
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, (kind, name)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp


def test_callback_over_one_megabyte_is_413(client):
    limit = serving.MAX_REQUEST_BYTES
    assert client.post("/_dash-update-component", data=b" " * (limit + 1), content_type="application/json").status_code == 413
    padded = json.dumps(routing_payload("/")) + " " * (limit - 10_000)
    assert client.post("/_dash-update-component", data=padded, content_type="application/json").status_code == 200


def test_responses_name_their_build(client, live_db):
    (build_id,) = direct(live_db, "SELECT build_id FROM build")[0]
    assert client.post("/_dash-update-component", json=routing_payload("/")).headers["X-Migdash-Build"] == build_id


# ---- the callback cache ----


def test_callback_cache_follows_a_new_build(live_db, tmp_path):
    """Same request: computed once, then served from the cache, then computed again for a new build."""
    db = tmp_path / "m.duckdb"
    shutil.copy(live_db, db)
    client = create_app(db).server.test_client()
    first = client.post("/_dash-update-component", json=routing_payload("/sources"))
    again = client.post("/_dash-update-component", json=routing_payload("/sources"))
    assert (first.headers["X-Migdash-Cache"], again.headers["X-Migdash-Cache"]) == ("miss", "hit")
    assert first.data == again.data
    with duckdb.connect(str(db), read_only=True) as con:
        tables = Tables({name: con.execute(f"SELECT * FROM core.{name}").df() for name in TABLES})  # noqa: S608
    tables.frames["provenance"] = tables["provenance"].assign(citation="Rebuilt citation")
    new_build = write_database(tables, db, "fp", "test")
    after = client.post("/_dash-update-component", json=routing_payload("/sources"))
    assert after.headers["X-Migdash-Cache"] == "miss" and after.headers["X-Migdash-Build"] == new_build
    assert b"Rebuilt citation" in after.data and b"Rebuilt citation" not in first.data


def test_cache_is_bounded():
    cache = serving.CallbackCache(max_entries=3, max_bytes=1000)
    for i in range(5):
        cache.put(f"k{i}", b"x" * 100, "application/json")
    assert len(cache) == 3 and cache.get("k0") is None and cache.get("k4") is not None
    cache.put("big", b"x" * 900, "application/json")  # more than an eighth of the budget: not kept
    assert cache.get("big") is None


def test_cache_can_be_turned_off(live_db, monkeypatch):
    monkeypatch.setenv(serving.CACHE_ENV, "0")
    client = create_app(live_db).server.test_client()
    response = client.post("/_dash-update-component", json=routing_payload("/sources"))
    assert response.status_code == 200 and "X-Migdash-Cache" not in response.headers


# ---- the command line ----


def test_serve_prod_starts_gunicorn_with_workers(monkeypatch, live_db):
    calls = []
    monkeypatch.setattr(prod_serving, "serve_production", lambda *args: calls.append(args))
    assert cli.main(["serve", "--prod", "--workers", "3", "--db", str(live_db), "--port", "8123"]) == 0
    assert calls == [(live_db, "127.0.0.1", 8123, 3)]


def test_wsgi_factory_reads_migdash_db(monkeypatch, live_db):
    monkeypatch.setenv("MIGDASH_DB", str(live_db))
    assert prod_serving.wsgi().test_client().get("/healthz").get_json()["status"] == "ok"


# ---- the real thing: gunicorn on 127.0.0.1 ----


@pytest.fixture(scope="module")
def production(live_db: Path):
    before = sha256(live_db)
    with gunicorn_server(live_db, workers=2) as server:
        yield server
    assert sha256(live_db) == before, "serving wrote to the database"


def test_prod_server_runs_two_workers_and_reports_its_build(production, live_db):
    assert len(production.workers()) == 2
    health = requests.get(production.base_url + "/healthz", timeout=10)
    assert health.json()["build_id"] == direct(live_db, "SELECT build_id FROM build")[0][0]
    assert health.headers["X-Frame-Options"] == "DENY"


def test_prod_server_charts_and_limits(production):
    with requests.Session() as http:
        overview = main_callbacks(http, production.base_url, pages=("/",))[0]
        response = post_callback(http, production.base_url, overview.payload())
        assert response.status_code == 200 and "overview-trend" in response.json()["response"]
        assert http.post(production.base_url + "/_dash-update-component", data=b"x" * (2 << 20),
                         headers={"Content-Type": "application/json"}, timeout=30).status_code == 413


def test_prod_server_refuses_a_chunked_upload_over_the_limit(production):
    """Without Content-Length the limit still holds while the body is read."""
    host, port = production.base_url.removeprefix("http://").split(":")
    body = b"x" * (serving.MAX_REQUEST_BYTES + 65536)
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        try:
            for start in range(0, len(body), 65536):
                part = body[start:start + 65536]
                sock.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before the whole body is sent
        reply = sock.recv(200)
    assert reply.startswith(b"HTTP/1.1 413"), reply


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_dash_works_under_the_content_security_policy(production):
    """The overview draws its chart in Chromium with the CSP on, and the console shows no violation."""
    from bench.page_bench import chromium, load

    driver = chromium()
    try:
        drawn = load(driver, production.base_url + "/")
        assert drawn["chart_ms"] > 0 and drawn["bundles"] == ["basic"]  # plotly.js's basic bundle, under the CSP
        logs = driver.get_log("browser")
    finally:
        driver.quit()
    violations = [entry["message"] for entry in logs if "Content Security Policy" in entry["message"]]
    assert violations == []
