"""Page load, every page: time from navigation to the first chart drawn and to the page settled,
in headless Chromium, cold (a fresh profile) and warm (a reload with the browser cache), and the
JavaScript each page decodes and transfers; this tree and a baseline commit side by side, served
alike by gunicorn, measured alternately in one run.

The times are read inside the page: a script installed before any of the page's own (CDP
Page.addScriptToEvaluateOnNewDocument) notes performance.now() when the first chart trace exists
and when the page has settled, so polling from Python adds nothing to them.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from bench.harness import REPO, Server, gunicorn_server
from tests.browser.conftest import CHROMIUM_FLAGS

# Every page, as a reader opens it from a link (no query: each page's defaults).
PAGES = ("/", "/claims", "/subregions", "/corridors", "/country", "/map", "/remittances", "/refugees",
         "/flows", "/data", "/sources", "/availability", "/check", "/briefs")
# A chart counts as drawn when plotly.js has put its first trace (or Sankey) into the SVG.
CHART = ".js-plotly-plot .main-svg .trace, .js-plotly-plot .main-svg .sankey"
# Installed before the page's scripts: notes when the first chart is drawn and when the page has
# settled (a heading, no callback in flight, every graph drawn, no DOM change for 300 ms).
PROBE = "const CHART_SELECTOR = " + repr(CHART) + ";" + """
window.__bench = {chart: null, settled: null};
(function () {
  let last = 0;
  function check() {
    const now = performance.now();
    if (window.__bench.chart === null && document.querySelector(CHART_SELECTOR)) { window.__bench.chart = now; }
  }
  function settled() {
    return document.querySelector('main h1') && !document.querySelector('[data-dash-is-loading="true"]')
      && [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'));
  }
  new MutationObserver(() => { last = performance.now(); check(); })
    .observe(document, {childList: true, subtree: true, attributes: true, characterData: true});
  (function poll() {
    if (settled() && performance.now() - last > 300) { window.__bench.settled = last; return; }
    setTimeout(poll, 50);
  })();
})();
"""
WAIT = """
const done = arguments[arguments.length - 1];
(function poll() { window.__bench && window.__bench.settled !== null ? done(window.__bench) : setTimeout(poll, 50); })();
"""
RESOURCES = """
return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
  .map(e => ({name: e.name, transfer: e.transferSize, decoded: e.decodedBodySize}));
"""
BUNDLES = "return window.migdashPlotly ? window.migdashPlotly.loads : null;"


# The baseline tree's own offline build (etl.snapshot since the snapshot left etl/build.py).
BASELINE_BUILD = """import sys
from pathlib import Path
try:
    from etl.snapshot import build_from_snapshot
except ImportError:
    from etl.build import build_from_snapshot
build_from_snapshot(Path(sys.argv[1]))
"""

def chromium(profile: str | None = None) -> webdriver.Chrome:
    """Debian's Chromium with the test suite's flags and a fresh profile (a cold cache)."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile or tempfile.mkdtemp(prefix='migdash-bench-chromium-')}")
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(60)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    return driver


@contextlib.contextmanager
def browser() -> Iterator[webdriver.Chrome]:
    """`chromium()` in a profile folder removed afterwards (a run starts hundreds of them)."""
    with tempfile.TemporaryDirectory(prefix="migdash-bench-chromium-") as profile:
        driver = chromium(profile)
        try:
            yield driver
        finally:
            driver.quit()


def is_js(url: str) -> bool:
    return urlsplit(url).path.endswith(".js")


def load(driver: webdriver.Chrome, url: str) -> dict[str, object]:
    """One navigation: ms to the first chart (None on a page without one) and to settled, bytes."""
    driver.get(url)
    marks = driver.execute_async_script(WAIT)
    entries = driver.execute_script(RESOURCES)
    return {
        "chart_ms": marks["chart"], "settled_ms": marks["settled"],
        "js_decoded": sum(e["decoded"] for e in entries if is_js(e["name"])),
        "js_transfer": sum(e["transfer"] for e in entries if is_js(e["name"])),
        "transfer": sum(e["transfer"] for e in entries),
        "requests": len(entries),
        "bundles": bundles_loaded(driver.execute_script(BUNDLES), entries),
    }


def bundles_loaded(loads: list[str] | None, entries: list[dict]) -> list[str]:
    """The plotly.js bundles a page loaded: plotly_loader.js's record, or (a tree without it)
    whether Dash's whole plotly.min.js was fetched."""
    if loads is None:
        loads = ["whole"] if any(e["name"].split("?")[0].endswith("/plotly.min.js") for e in entries) else []
    return loads or ["none"]


def one_run(server: Server, path: str) -> tuple[dict, dict]:
    """Cold load in a fresh profile, then a reload served from the browser cache."""
    with browser() as driver:
        cold = load(driver, server.base_url + path)
        warm = load(driver, server.base_url + path)
        return cold, warm


def median(values: list) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def summarize(samples: list[tuple[dict, dict]]) -> dict[str, object]:
    cold = [c for c, _ in samples]
    warm = [w for _, w in samples]
    return {
        "chart_ms_cold": median([c["chart_ms"] for c in cold]),
        "chart_ms_warm": median([w["chart_ms"] for w in warm]),
        "settled_ms_cold": median([c["settled_ms"] for c in cold]),
        "settled_ms_warm": median([w["settled_ms"] for w in warm]),
        "js_decoded": median([c["js_decoded"] for c in cold]),
        "js_transfer_cold": median([c["js_transfer"] for c in cold]),
        "js_transfer_warm": median([w["js_transfer"] for w in warm]),
        "transfer_cold": median([c["transfer"] for c in cold]),
        "requests": median([c["requests"] for c in cold]),
        "bundles": cold[-1]["bundles"] if cold else [],
        "runs": len(samples),
    }


def warm_up(server: Server, pages: tuple[str, ...]) -> None:
    """Each page once (imports, database connections and callback caches of both workers)."""
    with browser() as driver:
        for _ in range(2):
            for path in pages:
                with contextlib.suppress(TimeoutException, WebDriverException):
                    load(driver, server.base_url + path)


def run(db: Path, runs: int = 3, baseline: str | None = None, pages: tuple[str, ...] = PAGES) -> dict[str, object]:
    """This tree's pages and, with `baseline` (a git ref), that commit's, served at the same time
    by two gunicorns and measured alternately page by page, run by run."""
    with contextlib.ExitStack() as stack:
        servers = {"this tree": stack.enter_context(gunicorn_server(db, workers=2))}
        if baseline:
            servers[f"baseline {baseline}"] = stack.enter_context(baseline_server(baseline, db))
        for server in servers.values():
            warm_up(server, pages)
        samples: dict[str, dict[str, list]] = {name: {p: [] for p in pages} for name in servers}
        failures = {name: 0 for name in servers}
        for _ in range(runs):
            for path in pages:
                for name, server in servers.items():
                    try:
                        samples[name][path].append(one_run(server, path))
                    except (TimeoutException, WebDriverException):
                        failures[name] += 1
    return {name: {"pages": {p: summarize(s) for p, s in by_page.items()}, "failures": failures[name]}
            for name, by_page in samples.items()}


@contextlib.contextmanager
def baseline_server(ref: str, db: Path | None = None) -> Iterator[Server]:
    """gunicorn serving commit `ref` of this repository (its code) on 127.0.0.1, reading `db` (the
    same database as this tree, so only the code differs) or, without it, its own snapshot."""
    with tempfile.TemporaryDirectory(prefix="migdash-baseline-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), ref], check=True,
                       capture_output=True)
        try:
            if db is None:
                db = Path(tmp) / "baseline.duckdb"
                env = {**os.environ, "PYTHONPATH": str(tree)}
                subprocess.run([sys.executable, "-c", BASELINE_BUILD, str(db)],
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
