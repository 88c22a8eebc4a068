"""Extract benchmark: a full CSV extract of the `stock` view, streamed by DuckDB, in seconds and
peak memory, at growing extract sizes.

No origin x destination workbook is available locally, so the sizes an origin-destination
extract would reach are made by adding SYNTHETIC origin x destination rows (random counts,
clearly not data) to a copy of the real database; only time and memory are read from them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import requests

from bench.harness import REPO, Server, gunicorn_server

ORIGIN_COUNTS = (0, 60, 150, 235)  # countries of origin per destination: 0 = the real data only
SYNTHETIC_SQL = """
INSERT INTO core.stock
SELECT r.revision, y.year, d.code, o.code, s.sex, (hash(d.code, o.code, y.year, s.sex) % 100000)::BIGINT
FROM (SELECT DISTINCT revision FROM core.stock) r
JOIN (SELECT DISTINCT revision, year FROM core.stock) y USING (revision)
CROSS JOIN (SELECT code FROM core.area WHERE kind = 'country') d
CROSS JOIN (SELECT code FROM core.area WHERE kind = 'country' ORDER BY code LIMIT ?) o
CROSS JOIN (SELECT unnest(['total', 'male', 'female']) AS sex) s
WHERE d.code <> o.code AND r.revision = 2024
"""


@dataclass(frozen=True)
class ExtractRow:
    origins: int
    rows: int
    megabytes: float
    seconds: float
    worker_peak_mb: float
    worker_growth_mb: float
    stream_peak_mb: float
    materialized_peak_mb: float


def synthetic_copy(db: Path, folder: Path, origins: int) -> Path:
    """The real database plus SYNTHETIC origin x destination rows for revision 2024."""
    target = folder / f"stock-{origins}.duckdb"
    shutil.copy(db, target)
    if origins:
        with duckdb.connect(str(target)) as con:
            con.execute(SYNTHETIC_SQL, [origins])
            con.execute("CHECKPOINT")
    return target


def extract_query(server: Server, revision: int) -> dict[str, str]:
    """Every area, year and sex of one revision, every origin: the whole of that revision."""
    with duckdb.connect(str(server_db(server)), read_only=True) as con:
        areas = [c for (c,) in con.execute("SELECT code FROM area ORDER BY code").fetchall()]
    return {"dataset": "stock", "revision": str(revision), "areas": ",".join(map(str, areas)),
            "sex": "total,male,female", "origins": "all"}


def server_db(server: Server) -> Path:
    return Path(server.process.args[server.process.args.index("--db") + 1])


class RssSampler:
    """Peak resident memory of the server's workers, sampled every 5 ms while a request runs."""

    def __init__(self, server: Server):
        self.workers = server.workers()
        self.before = {w.pid: w.memory_info().rss for w in self.workers}
        self.peak = dict(self.before)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            for worker in self.workers:
                self.peak[worker.pid] = max(self.peak[worker.pid], worker.memory_info().rss)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def growth_mb(self) -> float:
        return max(self.peak[p] - self.before[p] for p in self.peak) / 2**20

    def peak_mb(self) -> float:
        return max(self.peak.values()) / 2**20


def download(server: Server, query: dict[str, str]) -> tuple[int, int, float]:
    """(rows, bytes, seconds) of one streamed CSV download, read as it arrives."""
    started, size, lines = time.perf_counter(), 0, 0
    with requests.get(server.base_url + "/download/csv", params=query, stream=True, timeout=120) as response:
        response.raise_for_status()
        for block in response.iter_content(1 << 16):
            size += len(block)
            lines += block.count(b"\n")
    return lines - 1, size, time.perf_counter() - started


PROBE = """
import json, resource, sys, time
from readside.queries import Database, area_codes
from readside.extract_queries import Selection, extract_years, extract_chunks
from readside.extract import csv_chunks
db = Database(sys.argv[1]); mode = sys.argv[2]
selection = Selection("stock", 2024, tuple(area_codes(db)), tuple(extract_years(db, "stock", 2024)),
                      ("total", "male", "female"), True)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open("/dev/null", "wb") as out:
    if mode == "stream":
        for chunk in csv_chunks(db, selection):
            out.write(chunk)
    else:
        frame = __import__("pandas").concat(list(extract_chunks(db, selection, 10**9)))
        out.write(frame.to_csv(index=False).encode())
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "before_mb": before / 1024}))
"""


def probe_peak(db: Path, mode: str) -> float:
    """Peak RSS (MB) of a fresh process writing the revision-2024 extract, streamed or in one piece."""
    out = subprocess.run([sys.executable, "-c", PROBE, str(db), mode], cwd=REPO, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["peak_mb"]


def measure(db: Path, origins: int) -> ExtractRow:
    with gunicorn_server(db, workers=2, env={"MIGDASH_CALLBACK_CACHE": "0"}) as server:
        query = extract_query(server, 2024)
        download(server, query)  # warm-up: the worker's first DuckDB scan of this file
        with RssSampler(server) as sampler:
            rows, size, seconds = download(server, query)
    return ExtractRow(origins, rows, size / 2**20, seconds, sampler.peak_mb(), sampler.growth_mb(),
                      probe_peak(db, "stream"), probe_peak(db, "materialized"))


def whole_stock_view(db: Path) -> dict[str, float]:
    """The real `stock` view, every revision (three downloads, as the endpoint serves one each)."""
    with gunicorn_server(db, workers=2, env={"MIGDASH_CALLBACK_CACHE": "0"}) as server:
        totals = {"rows": 0, "megabytes": 0.0, "seconds": 0.0}
        for revision in (2019, 2020, 2024):
            rows, size, seconds = download(server, extract_query(server, revision))
            totals["rows"] += rows
            totals["megabytes"] += size / 2**20
            totals["seconds"] += seconds
    return totals


def run(db: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="migdash-bench-extract-") as tmp:
        rows = [measure(synthetic_copy(db, Path(tmp), n), n) for n in ORIGIN_COUNTS]
    return {"whole_stock_view": whole_stock_view(db), "rows": rows}
