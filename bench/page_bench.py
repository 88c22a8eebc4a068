"""Page load: time from navigation to the overview chart drawn in headless Chromium, and what
the page transfers (cold profile, then a reload with the browser cache), served by gunicorn.

The time is read inside the page (performance.now() when the first trace of the chart exists,
found by a MutationObserver), so polling from Python adds nothing to it.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import requests
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from bench.harness import REPO, Server, gunicorn_server
from tests.browser.conftest import CHROMIUM_FLAGS

CHART = "#overview-trend .main-svg .scatterlayer .trace"
WAIT_FOR_CHART = """
const done = arguments[arguments.length - 1];
const found = () => document.querySelector(arguments[0]);
if (found()) { done(performance.now()); return; }
new MutationObserver((_, observer) => {
  if (found()) { observer.disconnect(); done(performance.now()); }
}).observe(document, {childList: true, subtree: true});
"""
TRANSFER = """
const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
return entries.map(e => ({name: e.name, transfer: e.transferSize, encoded: e.encodedBodySize,
                          decoded: e.decodedBodySize, type: e.initiatorType}));
"""


def chromium() -> webdriver.Chrome:
    """Debian's Chromium with the test suite's flags and a fresh profile (a cold cache)."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='migdash-bench-chromium-')}")
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(30)
    return driver


def load(driver: webdriver.Chrome, url: str) -> tuple[float, list[dict]]:
    """(ms to the first chart trace, every resource the page fetched)."""
    driver.get(url)
    ms = driver.execute_async_script(WAIT_FOR_CHART, CHART)
    return float(ms), driver.execute_script(TRANSFER)


SETTLE_PAGES = ("/remittances", "/refugees", "/country")
# Resolves with performance.now() once no Dash callback is in flight and every graph has drawn:
# what a reader waits for before the page stops changing.
WAIT_FOR_SETTLED = """
const done = arguments[arguments.length - 1];
const settled = () => document.querySelector('main h1') && !document.querySelector('[data-dash-is-loading="true"]')
  && [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'));
const poll = () => settled() ? done(performance.now()) : setTimeout(poll, 50);
setTimeout(poll, 300);
"""


def settle_times(server: Server) -> dict[str, float]:
    """ms from navigation until each heavy page has settled, in one warm browser (scripts cached)."""
    driver = chromium()
    driver.set_script_timeout(60)
    try:
        driver.get(server.base_url + "/")
        driver.execute_async_script(WAIT_FOR_SETTLED)
        out = {}
        for path in SETTLE_PAGES:
            driver.get(server.base_url + path)
            out[path] = float(driver.execute_async_script(WAIT_FOR_SETTLED))
        return out
    finally:
        driver.quit()


def gzip_bytes(entries: list[dict]) -> int:
    """What the same responses would weigh gzip-compressed (by a reverse proxy, say)."""
    total = 0
    with requests.Session() as http:
        for entry in entries:
            if entry["type"] in ("navigation", "link", "script", "other", "css"):
                total += len(gzip.compress(http.get(entry["name"], timeout=30).content, 6))
            else:  # callback responses (POST): estimate from the decoded size
                total += entry["decoded"] // 4
    return total


def one_run(server: Server) -> tuple[float, float, list[dict], list[dict]]:
    """Cold load in a fresh profile, then a reload served from the browser cache."""
    driver = chromium()
    try:
        ms, entries = load(driver, server.base_url + "/")
        warm_ms, warm_entries = load(driver, server.base_url + "/")
        return ms, warm_ms, entries, warm_entries
    finally:
        driver.quit()


def measure(server: Server, runs: int) -> dict[str, object]:
    cold, warm, failures = [], [], 0
    resources: list[dict] = []
    warm_entries: list[dict] = []
    for _ in range(runs + 3):  # a few spare attempts for a browser that never draws the chart
        if len(cold) == runs:
            break
        try:
            ms, warm_ms, resources, warm_entries = one_run(server)
        except TimeoutException:
            failures += 1
            continue
        cold.append(ms)
        warm.append(warm_ms)
    settles = [settle_times(server) for _ in range(runs)]
    return {
        **{f"settled_ms {path}": statistics.median(s[path] for s in settles) for path in SETTLE_PAGES},
        "first_chart_ms_cold": statistics.median(cold),
        "first_chart_ms_warm": statistics.median(warm),
        "requests": len(resources),
        "transfer_bytes_cold": sum(e["transfer"] for e in resources),
        "decoded_bytes": sum(e["decoded"] for e in resources),
        "transfer_bytes_warm": sum(e["transfer"] for e in warm_entries),
        "gzip_bytes_estimate": gzip_bytes(resources),
        "largest": sorted(((e["transfer"], e["name"].rsplit("/", 1)[-1][:60]) for e in resources), reverse=True)[:4],
        "runs": len(cold),
        "timeouts": failures,
    }


def run(db: Path, runs: int = 5, baseline: str | None = None) -> dict[str, object]:
    """This tree's overview; with `baseline` (a git ref), that commit's too, served the same way
    from a worktree with its own snapshot database, measured alternately in the same run."""
    with gunicorn_server(db, workers=2) as server:
        result = measure(server, runs)
    if baseline:
        with baseline_server(baseline) as server:
            result["baseline"] = {"ref": baseline, **measure(server, runs)}
    return result


@contextlib.contextmanager
def baseline_server(ref: str) -> Iterator[Server]:
    """gunicorn serving commit `ref` of this repository (its code, its snapshot), on 127.0.0.1."""
    with tempfile.TemporaryDirectory(prefix="migdash-baseline-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), ref], check=True,
                       capture_output=True)
        try:
            db = Path(tmp) / "baseline.duckdb"
            env = {**os.environ, "PYTHONPATH": str(tree)}
            subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from etl.build import "
                            "build_from_snapshot; build_from_snapshot(Path(sys.argv[1]))", str(db)],
                           cwd=tree, env=env, check=True, capture_output=True)
            wsgi = "dashboard.server:wsgi()" if (tree / "dashboard/server.py").read_text().count("def wsgi") \
                else "dashboard.production:wsgi()"

            def command(port: int) -> list[str]:
                return ["bash", "-c", f"cd {tree} && MIGDASH_DB={db} PYTHONPATH={tree} exec {sys.executable} -m "
                                      f"gunicorn --workers 2 --threads 4 --bind 127.0.0.1:{port} '{wsgi}'"]

            with gunicorn_server(db, workers=2, command=command) as server:
                yield server
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], capture_output=True)
