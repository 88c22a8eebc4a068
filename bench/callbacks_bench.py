"""Callback latency under concurrent clients, served by gunicorn (2 workers) on 127.0.0.1.

Each page's main callback is requested with every combination of its revision, sex, edition,
indicator, year and language controls (what real visitors vary; at most MAX_VARIANTS of them),
by 1, 8 and 32 concurrent clients, each run bounded in requests and seconds. The text checker
is sent real paragraphs; the Briefs page's own documents (the HTML brief of a member state) are
requested too, cold (a subject and language never asked before) and cached. Three servers are
measured in turn: the app with its callback cache off, with it on (after one warm-up pass over
the combinations), and the pandas in-memory baseline.
"""

from __future__ import annotations

import itertools
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil
import requests

from bench.harness import (
    PAGES,
    PageCallback,
    Server,
    gunicorn_server,
    main_callbacks,
    percentile,
    post_callback,
    run_load,
)

# Every page with a callback of its own, the ones drawn by their layout (claims, sources) too.
BENCH_PAGES = PAGES + ("/remittances", "/refugees", "/flows", "/map", "/check", "/briefs")
VARIED = ("-revision", "-sex", "-edition", "-indicator", "-source", "-year")
MAX_VARIANTS = 48
PARAGRAPHS = {  # what a secretariat pastes into the text checker, in two languages
    "en": "In 2020 the Americas hosted 73.5 million international migrants, 58.7 million of them in Northern "
          "America and 12.5 million in Latin America and the Caribbean. About 1.8 million Venezuelans live in Colombia.",
    "es": "En 2020 las Américas acogían a 73,5 millones de migrantes internacionales, de los cuales 58,7 millones "
          "en América del Norte y 12,5 millones en América Latina y el Caribe. Unos 1,8 millones de venezolanos "
          "viven en Colombia.",
}
BRIEF_LANGS = ("en", "es", "fr", "pt")
BRIEF_SUBJECTS = {1: 12, 8: 48, 32: 80}  # (member, language) pairs per concurrency level, disjoint: 140 = 35 x 4
CONCURRENCY = (1, 8, 32)
REQUESTS = {1: 50, 8: 200, 32: 320}  # per concurrency level: bounded runs
TIME_LIMIT = 30.0  # seconds per run, whatever the count
WORKERS = 2


@dataclass(frozen=True)
class Row:
    server: str
    page: str
    callback: str
    clients: int
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    throughput: float
    cache_hits: float


def variants(callback: PageCallback) -> list[dict]:
    """Payloads over every revision x sex x language the page offers (the routing render for
    pages without a callback of their own)."""
    if callback.dependency is None:
        return [callback.payload(search=f"?lang={lang}") for lang in ("en", "es")]
    choices: dict[str, list[object]] = {}
    for item in callback.dependency["inputs"] + callback.dependency["state"]:
        key, props = f"{item['id']}.{item['property']}", callback.props.get(item["id"], {})
        if item["id"].endswith(VARIED) and item["property"] == "value" and props.get("options"):
            options = [o["value"] if isinstance(o, dict) else o for o in props.get("options", [])] or [props.get("value")]
            multi = isinstance(props.get("value"), list)  # checklists take a list of values
            choices[key] = [[o] for o in options] if multi else options
        elif item["id"].endswith("-text") and item["property"] == "value":
            choices[key] = list(PARAGRAPHS.values())
        elif item["property"] == "n_clicks":
            choices[key] = [1]
        elif item["id"].endswith("-lang"):
            choices[key] = ["en", "es"]
    keys = list(choices)
    combos = itertools.islice(itertools.product(*choices.values()), MAX_VARIANTS)
    return [callback.payload(dict(zip(keys, combo, strict=True))) for combo in combos]


def _cache_hit(response: requests.Response) -> bool:
    return response.headers.get("X-Migdash-Cache") == "hit"


def measure(server: Server, name: str, callback: PageCallback, payloads: list[dict]) -> Iterator[Row]:
    hits: list[bool] = []

    def send(http: requests.Session, i: int) -> requests.Response:
        response = post_callback(http, server.base_url, payloads[i % len(payloads)])
        hits.append(_cache_hit(response))
        return response

    for clients in CONCURRENCY:
        hits.clear()
        total = REQUESTS[clients]
        result = run_load(send, clients=clients, per_client=max(1, total // clients), time_limit=TIME_LIMIT)
        ok = result.latencies or [float("nan")]
        yield Row(name, callback.page, callback.name, clients, result.requests, len(result.failures),
                  percentile(ok, 50), percentile(ok, 95), percentile(ok, 99),
                  len(result.latencies) / result.elapsed, sum(hits) / max(1, len(hits)))


def warm(server: Server, payloads: list[dict], rounds: int) -> None:
    """Every payload several times on new connections: a kept-alive connection stays with one
    worker, so only fresh ones reach (and warm) every worker's cache."""
    for payload in payloads * rounds:
        with requests.Session() as http:
            http.headers["Connection"] = "close"
            post_callback(http, server.base_url, payload)


def worker_memory(server: Server) -> dict[str, float]:
    """Resident and unique memory (MB) of the largest worker, now."""
    infos = [w.memory_full_info() for w in server.workers()]
    biggest = max(infos, key=lambda m: m.rss)
    return {"rss_mb": biggest.rss / 2**20, "uss_mb": biggest.uss / 2**20}


def _baseline_command(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--threads", "4", "--bind",
            f"127.0.0.1:{port}", "--access-logfile", "-", "bench.baseline_app:wsgi()"]


def run_server(db: Path, name: str, *, cache: bool, baseline: bool = False, pages: tuple[str, ...] | None = None) -> tuple[list[Row], dict]:
    env = {"MIGDASH_CALLBACK_CACHE": "512" if cache else "0", "MIGDASH_DB": str(db)}
    rows: list[Row] = []
    with gunicorn_server(db, workers=WORKERS, env=env, command=_baseline_command if baseline else None) as server:
        with requests.Session() as http:
            callbacks = main_callbacks(http, server.base_url, BENCH_PAGES)
        for callback in callbacks:
            if pages and callback.page not in pages:
                continue
            payloads = variants(callback)
            warm(server, payloads, rounds=6 if cache else 1)
            rows += list(measure(server, name, callback, payloads))
        if not baseline:
            rows += list(measure_briefs(server, name, member_states(db)))
        memory = worker_memory(server)
    return rows, memory


def member_states(db: Path) -> list[int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [code for (code,) in con.execute("SELECT code FROM area WHERE oas_member ORDER BY code").fetchall()]


def measure_briefs(server: Server, name: str, areas: list[int]) -> Iterator[Row]:
    """GET /brief/html for member states: cold (each subject and language asked for the first
    time on this server: disjoint sets per concurrency level), then the same ones again (the
    brief cache of each worker). Bounded by the 140 subjects x languages there are."""
    keys = [(area, lang) for lang in BRIEF_LANGS for area in areas]
    sizes = BRIEF_SUBJECTS
    start = 0
    for clients in CONCURRENCY:
        chosen = keys[start:start + sizes[clients]]
        start += sizes[clients]
        for state in ("cold", "cached"):
            if state == "cached":
                warm_get(server, chosen, rounds=4)

            def send(http: requests.Session, i: int, chosen=chosen) -> requests.Response:
                area, lang = chosen[i % len(chosen)]
                return http.get(f"{server.base_url}/brief/html?area={area}&lang={lang}", timeout=60)

            result = run_load(send, clients=clients, per_client=max(1, len(chosen) // clients), time_limit=TIME_LIMIT * 2)
            ok = result.latencies or [float("nan")]
            yield Row(name, "/briefs", f"HTML brief, {state}", clients, result.requests, len(result.failures),
                      percentile(ok, 50), percentile(ok, 95), percentile(ok, 99),
                      len(result.latencies) / result.elapsed, float("nan"))  # its own cache: no hit header


def warm_get(server: Server, keys: list[tuple[int, str]], rounds: int) -> None:
    """Each brief on new connections (a kept-alive one stays with one worker)."""
    for area, lang in keys * rounds:
        with requests.Session() as http:
            http.headers["Connection"] = "close"
            http.get(f"{server.base_url}/brief/html?area={area}&lang={lang}", timeout=60)


def run(db: Path) -> dict[str, object]:
    uncached, memory_uncached = run_server(db, "migdash, cache off", cache=False)
    cached, memory_cached = run_server(db, "migdash, cache on", cache=True)
    baseline, memory_baseline = run_server(db, "pandas in-memory baseline", cache=False, baseline=True, pages=("/",))
    return {
        "rows": uncached + cached + baseline,
        "memory": {"cache off": memory_uncached, "cache on": memory_cached, "baseline": memory_baseline},
        "cpus": psutil.cpu_count(),
        "overview_p95_8": {r.server: r.p95 for r in uncached + cached + baseline if r.page == "/" and r.clients == 8},
        "median_p95": statistics.median(r.p95 for r in cached),
    }
