"""The one benchmark command: `python bench/run.py` (or `make bench`). Prints markdown tables.

Everything runs side by side in one process tree on this machine: the ETL against its pandas +
openpyxl baseline, callbacks under gunicorn at 1/8/32 clients against a pandas in-memory
baseline, the streamed extract at growing sizes, the page load in headless Chromium, and a
worker's memory. Every load is bounded in requests and seconds. Results go to bench/RESULTS.md
by hand, with the machine and what the figures mean.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from dataclasses import asdict, is_dataclass
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `python bench/run.py` puts bench/ first, not the repository
    sys.path.insert(0, str(REPO))

import psutil  # noqa: E402

from bench import callbacks_bench, etl_bench, extract_bench, page_bench, scan_bench  # noqa: E402
from etl.build import build_from_snapshot  # noqa: E402

SECTIONS = ("etl", "callbacks", "extract", "page", "scan")
DEFAULT_UPSTREAM = REPO.parent / "shared" / "data" / "upstream" / "undesa_ims"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("duckdb", "dash", "plotly", "pandas", "gunicorn"))
    return (f"{cpu}; {psutil.cpu_count()} logical CPUs; {psutil.virtual_memory().total / 2**30:.1f} GiB RAM; "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}; {versions}")


def table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def etl_section(result: dict) -> str:
    ours, base = result["medians"]["migdash"], result["medians"]["baseline"]
    rows = [[stage, f"{ours[stage]:.3f}", f"{base[stage]:.3f}", f"{base[stage] / ours[stage]:.1f}×"]
            for stage in (*etl_bench.STAGES, "total")]
    return (f"### ETL (median of {result['repeats']} runs, seconds)\n\n"
            + table(["stage", "migdash (calamine)", "baseline (pandas + openpyxl per sheet)", "speed-up"], rows)
            + f"\n\n`migdash etl --force` end to end in a new process (imports included): "
              f"{result['cli_seconds']:.2f} s. Rows: {result['rows']}. Both readers produced identical tables.")


def callbacks_section(result: dict) -> str:
    rows = [[r.server, r.page, r.callback, r.clients, r.requests, r.failures, f"{1000 * r.p50:.0f}",
             f"{1000 * r.p95:.0f}", f"{1000 * r.p99:.0f}", f"{r.throughput:.0f}", f"{100 * r.cache_hits:.0f}%"]
            for r in result["rows"]]
    memory = "; ".join(f"{k}: RSS {v['rss_mb']:.0f} MB (USS {v['uss_mb']:.0f} MB)" for k, v in result["memory"].items())
    return ("### Callbacks (gunicorn, 2 workers × 4 threads, 127.0.0.1; latency in ms)\n\n"
            + table(["server", "page", "callback", "clients", "requests", "failed", "p50", "p95", "p99", "req/s", "cache hits"], rows)
            + f"\n\nLargest worker after the run: {memory}.")


def extract_section(result: dict) -> str:
    whole = result["whole_stock_view"]
    rows = [[r.origins or "real data only", f"{r.rows:,}", f"{r.megabytes:.1f}", f"{r.seconds:.2f}",
             f"{r.worker_peak_mb:.0f}", f"{r.worker_growth_mb:.0f}", f"{r.stream_peak_mb:.0f}", f"{r.materialized_peak_mb:.0f}"]
            for r in result["rows"]]
    return ("### Extract (CSV of revision 2024, every area, year, sex and origin)\n\n"
            + f"Whole real `stock` view over HTTP (3 revisions): {whole['rows']:,} rows, {whole['megabytes']:.1f} MB, "
              f"{whole['seconds']:.2f} s.\n\n"
            + table(["SYNTHETIC origins per destination", "rows", "MB", "seconds (HTTP)", "worker peak RSS MB",
                     "worker growth MB", "streamed: process peak MB", "materialized: process peak MB"], rows))


PAGE_ROWS = [
    ("first chart drawn, cold profile", lambda r: f"{r['first_chart_ms_cold']:.0f} ms", "first_chart_ms_cold"),
    ("first chart drawn, reload (browser cache)", lambda r: f"{r['first_chart_ms_warm']:.0f} ms", "first_chart_ms_warm"),
    *[(f"{path} settled (callbacks done, charts drawn)", lambda r, k=f"settled_ms {path}": f"{r[k]:.0f} ms",
       f"settled_ms {path}") for path in page_bench.SETTLE_PAGES],
    ("requests", lambda r: str(r["requests"]), "requests"),
    ("transferred, cold", lambda r: f"{r['transfer_bytes_cold'] / 2**20:.2f} MB", "transfer_bytes_cold"),
    ("transferred, reload", lambda r: f"{r['transfer_bytes_warm'] / 2**10:.0f} kB", "transfer_bytes_warm"),
    ("decoded (uncompressed) size", lambda r: f"{r['decoded_bytes'] / 2**20:.2f} MB", "decoded_bytes"),
    ("largest", lambda r: ", ".join(f"{n} {s / 2**20:.2f} MB" for s, n in r["largest"]), None),
]


def page_section(result: dict) -> str:
    base = result.get("baseline")
    head = ["measure", "this tree"] + ([f"baseline {base['ref']}", "this / baseline"] if base else [])
    rows = []
    for label, shown, key in PAGE_ROWS:
        row = [label, shown(result)]
        if base:
            ratio = f"{result[key] / base[key]:.2f}×" if key and base[key] else ""
            row += [shown(base), ratio]
        rows.append(row)
    return (f"### Page load (overview, headless Chromium, median of {result['runs']} runs; "
            f"{result['timeouts']} timed out)\n\n" + table(head, rows))


def build_database(folder: Path) -> Path:
    """The database every serving benchmark reads: what `make run` serves (the bundled
    snapshot, every source), so the pages are measured with the data users see."""
    return build_from_snapshot(folder / "bench.duckdb").db_path


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--only", action="append", choices=SECTIONS, help="run only these sections (repeatable)")
    args.add_argument("--repeats", type=int, default=5, help="ETL runs per side (medians)")
    args.add_argument("--upstream", type=Path, default=Path(os.environ.get("MIGDASH_UPSTREAM_DIR", DEFAULT_UPSTREAM)))
    args.add_argument("--json", type=Path, help="also write the raw results here")
    args.add_argument("--page-baseline", help="git ref whose overview the page bench measures side by side")
    args.add_argument("--scan-baseline", help="git ref whose paragraph checker the scan bench measures side by side")
    opts = args.parse_args(argv)
    sections = opts.only or list(SECTIONS)
    print(f"## Benchmarks\n\nMachine: {machine()}\n", flush=True)
    raw: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="migdash-bench-") as tmp:
        db = build_database(Path(tmp))
        runners = {
            "etl": (lambda: etl_bench.run(opts.upstream, opts.repeats), etl_section),
            "callbacks": (lambda: callbacks_bench.run(db), callbacks_section),
            "extract": (lambda: extract_bench.run(db), extract_section),
            "page": (lambda: page_bench.run(db, baseline=opts.page_baseline), page_section),
            "scan": (lambda: scan_bench.run(db, baseline=opts.scan_baseline), scan_bench.section),
        }
        for name in sections:
            measure, render = runners[name]
            raw[name] = measure()
            print(render(raw[name]) + "\n", flush=True)
    if opts.json:
        opts.json.write_text(json.dumps(raw, indent=2, default=lambda o: asdict(o) if is_dataclass(o) else str(o)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
