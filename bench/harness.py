"""What the benchmarks and the serving/reliability tests share: a real `migdash serve --prod`
(gunicorn) on 127.0.0.1, Dash callback payloads taken from the app's own layout, and a bounded
load generator. Nothing here times anything by itself: callers decide what to measure.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parents[1]
CALLBACK_URL = "/_dash-update-component"
ROUTING_OUTPUT = ".._pages_content.children..._pages_store.data.."
PAGES = ("/", "/claims", "/subregions", "/corridors", "/country", "/data", "/sources")


# ---- a static file server standing in for a publisher ----


class _QuietFiles(SimpleHTTPRequestHandler):
    """Plain static files (with Content-Length and Last-Modified), no request log on stderr."""

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def http_mirror(folder: Path) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT/) of a threaded static file server on `folder`, so that
    the ETL's real download path runs against the upstream files."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietFiles, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="upstream-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ---- a real gunicorn server ----


def free_port() -> int:
    """A port nobody listens on right now (the kernel's choice) on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A gunicorn master we started, and where it listens."""

    base_url: str
    process: subprocess.Popen
    log_path: Path

    def workers(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def serve_command(db_path: Path, port: int, workers: int) -> list[str]:
    """The production command exactly as a user types it (`migdash serve --prod`)."""
    return [sys.executable, "-m", "migdash.cli", "serve", "--prod", "--workers", str(workers),
            "--host", "127.0.0.1", "--port", str(port), "--db", str(db_path)]


@contextlib.contextmanager
def gunicorn_server(
    db_path: Path,
    *,
    workers: int = 2,
    env: dict[str, str] | None = None,
    command: Callable[[int], list[str]] | None = None,
    ready_timeout: float = 60.0,
) -> Iterator[Server]:
    """Start `migdash serve --prod` (or `command(port)`), wait until every worker answers
    /healthz, and stop it on exit, whatever happened inside."""
    port = free_port()
    argv = command(port) if command else serve_command(db_path, port, workers)
    log = Path(tempfile.mkstemp(prefix="migdash-gunicorn-", suffix=".log")[1])
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_ready(server, workers, ready_timeout)
        yield server
    finally:
        stop(process)
        log.unlink(missing_ok=True)


def wait_ready(server: Server, workers: int, timeout: float) -> None:
    """Until /healthz answers and `workers` worker processes exist (each loads the app itself)."""
    deadline = time.monotonic() + timeout
    with requests.Session() as http:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.log()}")
            with contextlib.suppress(requests.RequestException):
                if http.get(server.base_url + "/healthz", timeout=5).status_code in (200, 503) \
                        and len(server.workers()) >= workers:
                    for _ in range(4 * workers):  # every worker imports the app on first use
                        http.get(server.base_url + "/healthz", timeout=30)
                    return
            time.sleep(0.1)
    raise TimeoutError(f"server not ready after {timeout} s:\n{server.log()}")


def stop(process: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGQUIT (gunicorn's quick shutdown) to the master we started, SIGKILL to it and its own
    workers if it does not finish in time."""
    if process.poll() is not None:
        return
    children = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGQUIT)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        process.kill()
        process.wait(timeout)


# ---- Dash callback payloads, from the app's own layout ----


def post_callback(http: requests.Session, base_url: str, payload: dict, timeout: float = 30.0) -> requests.Response:
    return http.post(base_url + CALLBACK_URL, json=payload, timeout=timeout)


def routing_payload(path: str, search: str = "") -> dict:
    """What the browser sends to render a page: Dash pages' location -> content callback."""
    return {
        "output": ROUTING_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "state": [],
        "changedPropIds": ["_pages_location.pathname"],
    }


def component_props(tree: object) -> dict[str, dict]:
    """Every component with a (string) id in a layout tree: id -> its props."""
    found: dict[str, dict] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                if isinstance(props.get("id"), str):
                    found[props["id"]] = props
                stack.extend(props.values())
    return found


def outputs_of(dependency: dict) -> list[dict[str, str]]:
    """'..a.children...b.figure..' -> [{'id': 'a', 'property': 'children'}, ...]."""
    spec = dependency["output"]
    parts = spec[2:-2].split("...") if spec.startswith("..") else [spec]
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]


def callback_payload(dependency: dict, props: dict[str, dict], values: dict[str, object] | None = None) -> dict:
    """A request for `dependency` with the page's current values (or `values` by 'id.property')."""
    values = values or {}

    def current(item: dict) -> dict:
        key = f"{item['id']}.{item['property']}"
        value = values.get(key, props.get(item["id"], {}).get(item["property"]))
        return {"id": item["id"], "property": item["property"], "value": value}

    outputs = outputs_of(dependency)
    inputs = [current(i) for i in dependency["inputs"]]
    return {
        "output": dependency["output"],
        "outputs": outputs if dependency["output"].startswith("..") else outputs[0],
        "inputs": inputs,
        "state": [current(s) for s in dependency["state"]],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]],
    }


def server_callbacks(http: requests.Session, base_url: str) -> list[dict]:
    """Every callback the server runs (clientside ones never reach it)."""
    deps = http.get(base_url + "/_dash-dependencies", timeout=30).json()
    return [d for d in deps if not d.get("clientside_function")]


def page_layout(http: requests.Session, base_url: str, path: str, search: str = "") -> dict[str, dict]:
    response = post_callback(http, base_url, routing_payload(path, search))
    response.raise_for_status()
    return component_props(response.json()["response"]["_pages_content"]["children"])


@dataclass(frozen=True)
class PageCallback:
    """A page's main callback: the one with the most outputs among those its layout feeds, or
    the page's rendering itself for pages drawn entirely by their layout (claims, sources)."""

    page: str
    name: str
    dependency: dict | None
    props: dict[str, dict]

    def payload(self, values: dict[str, object] | None = None, search: str = "") -> dict:
        if self.dependency is None:
            return routing_payload(self.page, search)
        return callback_payload(self.dependency, self.props, values)


def main_callbacks(http: requests.Session, base_url: str, pages: Sequence[str] = PAGES) -> list[PageCallback]:
    deps = [d for d in server_callbacks(http, base_url) if d["output"] != ROUTING_OUTPUT]
    found = []
    for page in pages:
        props = page_layout(http, base_url, page)
        fed = [d for d in deps if all(i["id"] in props for i in d["inputs"])]
        best = max(fed, key=lambda d: len(outputs_of(d)), default=None)
        name = outputs_of(best)[0]["id"].split("-")[0] + " callback" if best else "page render"
        found.append(PageCallback(page, name, best, props))
    return found


# ---- bounded load ----


@dataclass
class LoadResult:
    """Latencies (s) of the successful requests, what failed, and the wall time of the run."""

    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.failures)


Check = Callable[[requests.Response], str | None]


def run_load(
    send: Callable[[requests.Session, int], requests.Response],
    *,
    clients: int,
    per_client: int,
    time_limit: float,
    check: Check | None = None,
    stop_when: threading.Event | None = None,
) -> LoadResult:
    """`clients` threads, each sending at most `per_client` requests (`send(session, i)`), all
    stopping at `time_limit` seconds or when `stop_when` is set: bounded in count and time."""
    result, lock = LoadResult(), threading.Lock()
    deadline = time.monotonic() + time_limit

    def client(number: int) -> None:
        with requests.Session() as http:
            for i in range(per_client):
                if time.monotonic() > deadline or (stop_when is not None and stop_when.is_set()):
                    return
                started = time.perf_counter()
                try:
                    response = send(http, number * per_client + i)
                    problem = f"HTTP {response.status_code}" if response.status_code != 200 else None
                    problem = problem or (check(response) if check else None)
                except requests.RequestException as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                took = time.perf_counter() - started
                with lock:
                    (result.failures.append(problem) if problem else result.latencies.append(took))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + 60)
    result.elapsed = time.perf_counter() - began
    return result


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]
