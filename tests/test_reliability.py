"""Reliability: the database is replaced again and again under a live load, and builds are
killed halfway, without a failed request, a mixed response or a partial database.

Bounded and quick by default; MIGDASH_LONG_TESTS=1 runs the long variants (more swaps, both
cache settings, many kills at random moments).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pytest
import requests

from bench.harness import REPO, gunicorn_server, main_callbacks, post_callback, run_load
from etl.areas import AMERICAS_PARTS, AMERICAS_SUBREGIONS, WORLD
from etl.build import TABLES, UNHCR_PACKAGE_TABLES, Tables, write_database

LONG = os.environ.get("MIGDASH_LONG_TESTS") == "1"
SWAPS = 300 if LONG else 16  # 16 builds swapped under load (MIGDASH_LONG_TESTS=1: 300)
REVISION = 2024
CHANGED = 915  # Caribbean: each build moves it and its region (LAC) by the same offset
OVERVIEW_CODES = (WORLD, *AMERICAS_PARTS, *AMERICAS_SUBREGIONS)


# ---- builds that differ from each other in a way every chart shows ----


@pytest.fixture(scope="module")
def base_tables(built_db: Path) -> Tables:
    """The real build's tables cut to what the overview reads (its stock rows; no shares,
    population, refugees or other sources), so that each of the many swaps writes a small file quickly."""
    with duckdb.connect(str(built_db), read_only=True) as con:
        frames = {name: con.execute(f"SELECT * FROM core.{name}").df() for name in TABLES}  # noqa: S608
    stock = frames["stock"]
    frames["stock"] = stock[stock["destination_code"].isin(OVERVIEW_CODES)].reset_index(drop=True)
    for name in ("stock_share", "population", "refugee_stock", "indicator", "displacement", "bilateral_stock",
                 "bilateral_check", *UNHCR_PACKAGE_TABLES):
        frames[name] = frames[name].iloc[:0]
    return Tables(frames)


def offset(k: int) -> int:
    return 0 if k == 0 else 1000 * k + 1


def build_k(tables: Tables, k: int) -> Tables:
    """Build number k: the 2024 Caribbean and LAC totals raised by offset(k), every year."""
    stock = tables["stock"].copy()
    moved = (stock["revision"] == REVISION) & (stock["sex"] == "total") & stock["destination_code"].isin((CHANGED, 904))
    stock.loc[moved, "migrants"] += offset(k)
    return Tables({**tables.frames, "stock": stock})


def expected_series(tables: Tables) -> dict[int, np.ndarray]:
    """Build 0's 2024 totals by year for each subregion and for the Americas (key 0)."""
    s = tables["stock"]
    s = s[(s["revision"] == REVISION) & (s["sex"] == "total") & (s["origin_code"] == WORLD)].sort_values("year")
    series = {code: s.loc[s["destination_code"] == code, "migrants"].to_numpy() for code in AMERICAS_SUBREGIONS}
    series[0] = sum(s.loc[s["destination_code"] == code, "migrants"].to_numpy() for code in AMERICAS_PARTS)
    return series


# ---- what a response says ----


def decode(values: object) -> np.ndarray:
    """A plotly array: a list, or {'dtype': 'i4', 'bdata': base64} in plotly >= 6."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).astype(np.int64)
    return np.asarray(values, dtype=np.int64)


@dataclass(frozen=True)
class Seen:
    build: str
    series: dict[int, np.ndarray]


def read_response(response: requests.Response) -> Seen:
    figure = response.json()["response"]["overview-trend"]["figure"]
    series = {}
    for trace in figure["data"]:
        code = (trace.get("meta") or {}).get("area_code", 0)  # the total line has no area code
        series[code] = decode(trace["y"])
    return Seen(response.headers["X-Migdash-Build"], series)


DOWNLOAD_PATH = "/download/csv"
DOWNLOAD = f"{DOWNLOAD_PATH}?dataset=stock&revision={REVISION}&areas={CHANGED}&sex=total"


def read_download(response: requests.Response) -> Seen:
    """A streamed CSV of the changed subregion: its migrants by year, and the build it names."""
    records = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    rows = sorted((int(r["year"]), int(r["migrants"])) for r in records)
    if not rows or response.status_code != 200:
        raise ValueError(f"download {response.status_code}: {response.text[:200]}")
    return Seen(response.headers["X-Migdash-Build"], {CHANGED: np.array([m for _, m in rows], dtype=np.int64)})


def inconsistency(seen: Seen, k: int | None, base: dict[int, np.ndarray]) -> str | None:
    """Why a response (chart or download) is not exactly build k's (None if it is)."""
    if k is None:
        return f"response names unknown build {seen.build}"
    for code, values in base.items():
        if code not in seen.series and set(seen.series) == {CHANGED}:
            continue  # a download holds only the changed subregion
        want = values + (offset(k) if code in (CHANGED, 0) else 0)
        if not np.array_equal(seen.series.get(code), want):
            return f"build {k}: series {code} is {seen.series.get(code)}, expected {want}"
    return None


# ---- refresh while serving ----


def swap_under_load(live: Path, tables: Tables, url: str, payloads: list[dict], clients: int) -> tuple[dict[str, int], list[Seen], list[str]]:
    """Rebuild the served file SWAPS times while `clients` post chart requests and download CSVs; bounded."""
    builds, seen, stop = {}, [], threading.Event()
    lock = threading.Lock()

    def send(http: requests.Session, i: int) -> requests.Response:
        if i % 3 == 2:  # every third request downloads the changed subregion's CSV
            return http.get(url + DOWNLOAD, timeout=30)
        return post_callback(http, url, payloads[i % len(payloads)])

    def check(response: requests.Response) -> str | None:
        try:
            item = read_download(response) if DOWNLOAD_PATH in response.url else read_response(response)
        except (KeyError, ValueError, TypeError) as exc:
            return f"unreadable response: {exc!r}"
        with lock:
            seen.append(item)
        return None

    load: dict[str, object] = {}
    runner = threading.Thread(target=lambda: load.update(result=run_load(
        send, clients=clients, per_client=5000, time_limit=120, check=check, stop_when=stop)))
    runner.start()
    try:
        for k in range(1, SWAPS + 1):
            builds[write_database(build_k(tables, k), live, f"swap-{k}", "test")] = k
            time.sleep(0.01)
    finally:
        time.sleep(0.3)  # let requests on the last build land too
        stop.set()
        runner.join(180)
    return builds, seen, load["result"].failures  # type: ignore[union-attr]


@pytest.mark.parametrize("cache", ["0", "512"] if LONG else ["0"])
def test_database_swapped_while_serving(cache, base_tables, tmp_path):
    live = tmp_path / "live.duckdb"
    builds = {write_database(build_k(base_tables, 0), live, "swap-0", "test"): 0}
    base = expected_series(base_tables)
    with gunicorn_server(live, workers=2, env={"MIGDASH_CALLBACK_CACHE": cache}) as server:
        with requests.Session() as http:
            overview = main_callbacks(http, server.base_url, pages=("/",))[0]
        payloads = [overview.payload({"overview-lang.data": lang}) for lang in ("en", "es")]
        new, seen, failures = swap_under_load(live, base_tables, server.base_url, payloads, clients=6 if LONG else 3)
        builds.update(new)
        final = requests.get(server.base_url + "/healthz", timeout=10).json()["build_id"]
    assert failures == [], failures[:5]
    problems = [p for s in seen if (p := inconsistency(s, builds.get(s.build), base))]
    assert problems == [], problems[:5]
    assert len(seen) > SWAPS and len({s.build for s in seen}) >= SWAPS // 2, "the load did not overlap the swaps"
    downloads = [s for s in seen if set(s.series) == {CHANGED}]
    assert len(downloads) > len(seen) // 5 and len({s.build for s in downloads}) > 5, "downloads did not overlap"
    assert builds[final] == SWAPS
    assert not list(tmp_path.glob("*.building*"))


def test_mixed_response_would_be_detected(base_tables):
    """The check itself: a response whose subregions come from one build and total from another fails."""
    base = expected_series(base_tables)
    good = {code: values + (offset(3) if code in (CHANGED, 0) else 0) for code, values in base.items()}
    assert inconsistency(Seen("b3", good), 3, base) is None
    mixed = {**good, 0: base[0] + offset(4)}
    assert inconsistency(Seen("b3", mixed), 3, base) is not None
    assert inconsistency(Seen("b3", good), 4, base) is not None


# ---- a build killed halfway ----


def etl_process(mirror: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "migdash.cli", "etl", "--mirror", str(mirror), "--db", str(db), "--force", "--quiet"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def kill_when(process: subprocess.Popen, ready: Callable[[], bool], timeout: float = 60) -> bool:
    """SIGKILL the build (a process this test started) as soon as `ready()`; False if it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if ready():
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            return True
        time.sleep(0.002)
    process.wait(10)
    return False


def assert_complete(db: Path) -> str:
    """The file at `db` is one whole build: one build row, every table as long as it says."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT build_id, row_counts FROM build").fetchall()
        assert len(rows) == 1
        build_id, counts = rows[0]
        for table, expected in json.loads(counts).items():
            assert con.execute(f"SELECT count(*) FROM core.{table}").fetchone()[0] == expected  # noqa: S608
    return build_id


def kill_moments(seed: int) -> list[tuple[str, float]]:
    """Random moments from start (imports, parse, ...), and with MIGDASH_LONG_TESTS=1 also while
    the new file is being written (test_build's killed-build test kills it there every run)."""
    rng = random.Random(seed)
    randoms = [("random", rng.uniform(0.3, 3.5)) for _ in range(25 if LONG else 1)]
    return [("writing", 0.0), *randoms] if LONG else randoms


def test_killed_build_leaves_no_partial_database(built_db, upstream_dir, tmp_path):
    db = tmp_path / "migdash.duckdb"
    shutil.copy(built_db, db)
    before = assert_complete(db)
    for how, delay in kill_moments(seed=20261123):
        process, started = etl_process(upstream_dir, db), time.monotonic()
        if how == "writing":
            killed = kill_when(process, lambda: any(tmp_path.glob("*.building")))
        else:
            killed = kill_when(process, lambda at=started + delay: time.monotonic() > at)
        assert killed or process.returncode == 0, process.stderr.read().decode()
        process.stderr.close()
        before = assert_complete(db)  # whatever the moment: the old build or a whole new one
    finished = etl_process(upstream_dir, db)
    _, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err.decode()
    assert assert_complete(db) != before
    assert not list(tmp_path.glob("*.building*")), "the next build did not clear the partial files"


def test_stale_partials_are_removed_only_for_dead_builds(tmp_path, base_tables):
    """A partial file of a killed build goes; one of a running build (this process) stays."""
    db = tmp_path / "m.duckdb"
    dead = tmp_path / f".m.duckdb.{2**22 + 12345}.abcd1234.building"
    alive = tmp_path / f".m.duckdb.{os.getpid()}.abcd1234.building"
    dead.write_bytes(b"partial")
    alive.write_bytes(b"partial")
    write_database(build_k(base_tables, 0), db, "fp", "test")
    assert not dead.exists() and alive.exists()
    assert assert_complete(db)

