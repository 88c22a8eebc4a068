"""The one benchmark command: `python bench/run.py` (or `make bench`). Prints markdown tables.

Everything runs side by side in one process tree on this machine, on a database built from all
eight sources in ../shared (the bundled snapshot without it): the ETL against its pandas +
openpyxl baseline (UN DESA stage by stage; all eight sources end to end and per source),
callbacks under gunicorn at 1/8/32 clients against a pandas in-memory baseline, the streamed
extract at growing sizes, every page's load in headless Chromium beside a baseline commit
(`--page-baseline`, default the main before issue 20), and a worker's memory. Every load is
bounded in requests and seconds. The tables go into bench/RESULTS.md with the machine and the
load it was under (`uptime` before and after is printed).
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

from bench import (  # noqa: E402
    callbacks_bench,
    etl_bench,
    extract_bench,
    page_bench,
    report_bench,
    scan_bench,
    xlsx_bench,
)
from bench.harness import http_mirror  # noqa: E402
from etl.build import build  # noqa: E402
from etl.fetch import FetchPolicy  # noqa: E402
from etl.snapshot import build_from_snapshot  # noqa: E402

SECTIONS = ("etl", "etl-all", "callbacks", "extract", "page", "scan", "xlsx", "report")
UPSTREAM_ROOT = Path(os.environ.get("MIGDASH_UPSTREAM_ROOT", REPO.parent / "shared" / "data" / "upstream"))
DEFAULT_UPSTREAM = UPSTREAM_ROOT / "undesa_ims"
PAGE_BASELINE = "e76b527"  # main before issue 20: the whole plotly.js on every page


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
             f"{1000 * r.p95:.0f}", f"{1000 * r.p99:.0f}", f"{r.throughput:.0f}", "—" if r.cache_hits != r.cache_hits else f"{100 * r.cache_hits:.0f}%"]
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


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value / 1e6:.2f}"


def page_section(result: dict) -> str:
    """One row per page: this tree beside the baseline, cold and warm, and the JavaScript."""
    ours = result["this tree"]
    base_name = next((name for name in result if name.startswith("baseline")), None)
    base = result.get(base_name) if base_name else None
    head = ["page", "first chart cold ms", "first chart warm ms", "settled cold ms", "JS decoded MB", "JS transferred MB",
            "plotly.js"]
    rows = []
    for path, r in ours["pages"].items():
        b = base["pages"][path] if base else None

        def pair(key: str, show, r=r, b=b) -> str:
            return show(r[key]) + (f" / {show(b[key])}" if b else "")

        rows.append([path, pair("chart_ms_cold", _ms), pair("chart_ms_warm", _ms), pair("settled_ms_cold", _ms),
                     pair("js_decoded", _mb), pair("js_transfer_cold", _mb),
                     "+".join(r["bundles"]) + (f" / {'+'.join(b['bundles'])}" if b else "")])
    runs = max((r["runs"] for r in ours["pages"].values()), default=0)
    note = f"this tree / {base_name}" if base else "this tree"
    failures = f"; failed loads: {ours['failures']}" + (f" / {base['failures']}" if base else "")
    return (f"### Page load (headless Chromium, each page cold in a fresh profile then reloaded; median of "
            f"{runs} runs; {note}{failures})\n\n" + table(head, rows))


def etl_all_section(result: dict) -> str:
    ours, base = result["per_source"]["migdash"], result["per_source"]["baseline"]
    spreadsheet = set(result["spreadsheet_sources"])
    rows = []
    for name in result["sources"]:
        mine, theirs = ours.get(name), base.get(name)
        compared = name in spreadsheet and mine and theirs
        rows.append([name, f"{result['rows'].get(name, 0):,}", f"{mine:.3f}" if mine else "—",
                     f"{theirs:.3f}" if compared else "same reader",
                     f"{theirs / mine:.1f}×" if compared else ""])
    build_ours, build_base = result["build"]["migdash"], result["build"]["baseline"]
    rows.append(["**whole build** (fetch, parse, validate, load)", f"{sum(result['table_rows'].values()):,} table rows",
                 f"**{build_ours:.2f}**" if build_ours else "—", f"{build_base:.2f}" if build_base else "—",
                 f"{build_base / build_ours:.1f}×" if build_ours and build_base else ""])
    failed = "; ".join(f"{side}: {why}" for side, why in result["failures"].items())
    return (f"### ETL, all eight sources (median of {result['repeats']} runs, seconds, files served over HTTP from 127.0.0.1)\n\n"
            + table(["source", "rows", "migdash", "baseline (pandas + openpyxl for .xlsx)", "speed-up"], rows)
            + f"\n\n`migdash etl` with every `--mirror`, `--force`, in a new process (imports included): "
              f"{result['cli_seconds']:.2f} s. Both readers gave the same row counts: {result['same_rows']}."
            + (f" Failures: {failed}." if failed else ""))


def report_section(result: dict) -> str:
    chart = result["chart"]
    rows = [["content (queries, talking points)", f"{result['content'][0]:.1f}", f"{result['content'][1]:.1f}"],
            [f"charts ({result['figures']} figures, matplotlib)", f"{result['charts'][0]:.1f}", f"{result['charts'][1]:.1f}"],
            ["HTML (one file)", f"{result['html']:.1f}", ""],
            ["PDF prints (Chromium, twice for the contents' page numbers)", f"{result['pdf_prints']:.1f}", ""],
            [f"**whole PDF** ({result['pages']} pages; target {result['target']:.0f} s)", f"**{result['total_pdf']:.1f}**",
             f"{result['total_pdf'] / result['target']:.2f} × target"],
            ["whole HTML", f"{result['total_html']:.1f}", ""],
            ["a country brief's PDF (for scale)", f"{result['brief_pdf']:.1f}", ""]]
    return (f"### Regional report ({result['lang']}; seconds, wall and this process's CPU)\n\n"
            + table(["stage", "wall s", "CPU s / ratio"], rows)
            + f"\n\nOne line chart, median of {chart['charts']} × 3: fixed margins {1000 * chart['ours']:.0f} ms, "
              f"tight_layout (the baseline) {1000 * chart['baseline']:.0f} ms: "
              f"{chart['baseline'] / chart['ours']:.1f}× faster. HTML {result['html_mb']:.1f} MB, PDF {result['pdf_mb']:.1f} MB.")


def build_database(folder: Path) -> Path:
    """The database every serving benchmark reads: a build from all eight sources in ../shared
    (served over HTTP from 127.0.0.1, the real download path), or the bundled snapshot without it."""
    present = {name: f"{name}/" for name in etl_bench.SOURCES if (UPSTREAM_ROOT / name).is_dir()}
    if undesa_ims_present():
        with http_mirror(UPSTREAM_ROOT) as base:
            mirrors = {name: base + path for name, path in present.items()}
            return build(folder / "bench.duckdb", mirrors=mirrors, cache_dir=folder / "cache",
                         policy=FetchPolicy(timeout=60, attempts=2)).db_path
    return build_from_snapshot(folder / "bench.duckdb").db_path


def undesa_ims_present() -> bool:
    return (UPSTREAM_ROOT / "undesa_ims").is_dir()


def load_now() -> str:
    """The machine's load average (1, 5, 15 minutes): other work on it slows every figure."""
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--only", action="append", choices=SECTIONS, help="run only these sections (repeatable)")
    args.add_argument("--repeats", type=int, default=5, help="ETL runs per side (medians)")
    args.add_argument("--upstream", type=Path, default=Path(os.environ.get("MIGDASH_UPSTREAM_DIR", DEFAULT_UPSTREAM)))
    args.add_argument("--json", type=Path, help="also write the raw results here")
    args.add_argument("--page-baseline", default=PAGE_BASELINE,
                      help=f"git ref whose pages are measured side by side (default {PAGE_BASELINE}; '' for none)")
    args.add_argument("--page-runs", type=int, default=3, help="cold + warm loads of each page per side (medians)")
    args.add_argument("--scan-baseline", help="git ref whose paragraph checker the scan bench measures side by side")
    opts = args.parse_args(argv)
    sections = opts.only or list(SECTIONS)
    print(f"## Benchmarks\n\nMachine: {machine()}\n\nLoad average (1, 5, 15 min) at the start: {load_now()}\n",
          flush=True)
    raw: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="migdash-bench-") as tmp:
        db = build_database(Path(tmp))
        runners = {
            "etl": (lambda: etl_bench.run(opts.upstream, opts.repeats), etl_section),
            "etl-all": (lambda: etl_bench.run_all_sources(UPSTREAM_ROOT, max(1, opts.repeats // 2)), etl_all_section),
            "callbacks": (lambda: callbacks_bench.run(db), callbacks_section),
            "extract": (lambda: extract_bench.run(db), extract_section),
            "page": (lambda: page_bench.run(db, runs=opts.page_runs, baseline=opts.page_baseline or None), page_section),
            "scan": (lambda: scan_bench.run(db, baseline=opts.scan_baseline), scan_bench.section),
            "xlsx": (lambda: xlsx_bench.run(db), xlsx_bench.section),
            "report": (lambda: report_bench.run(db), report_section),
        }
        for name in sections:
            measure, render = runners[name]
            raw[name] = measure()
            print(render(raw[name]) + "\n", flush=True)
    print(f"Load average at the end: {load_now()}", flush=True)
    if opts.json:
        opts.json.write_text(json.dumps(raw, indent=2, default=lambda o: asdict(o) if is_dataclass(o) else str(o)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
