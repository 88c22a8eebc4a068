"""ETL benchmark: the project's build, stage by stage (UN DESA) and end to end from all eight
sources, per source too, beside the common way of reading the same workbooks (pandas.read_excel
with openpyxl, one call per sheet).

The baseline only swaps the reader of the .xlsx files (UN DESA, KNOMAD, IOM Missing Migrants,
IDMC: every source reading through etl.workbook.open_workbook); its sheets go through the
project's own label-based parser, validation and load, and the run checks both produce the same
tables (UN DESA: cell for cell; every source: the same row counts). The difference measured is
therefore exactly the reading strategy, not a weaker parser. The other sources read CSV, JSON,
R data or the World Bank's legacy .xls, identically on both sides.
"""

from __future__ import annotations

import contextlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from bench.harness import REPO, http_mirror
from etl.build import (
    INDICATOR_SOURCES,
    SOURCE_TABLE_NAMES,
    Tables,
    build,
    collect_indicators,
    empty_table,
    fetch_sources,
    fingerprint_of,
    parse_sources,
    validate_tables,
    with_grouping_areas,
    write_database,
)
from etl.fetch import FetchPolicy
from etl.sources import idmc, iom_missing_migrants, knomad, undesa_ims
from etl.workbook import Workbook

STAGES = ("download", "parse", "validate", "load")
# Sources whose .xlsx files go through etl.workbook.open_workbook (the reader the baseline swaps).
WORKBOOK_SOURCES = {undesa_ims.SOURCE: undesa_ims, knomad.SOURCE: knomad,
                    iom_missing_migrants.SOURCE: iom_missing_migrants, idmc.SOURCE: idmc}
SOURCES = (undesa_ims.SOURCE, *INDICATOR_SOURCES)
Reader = Callable[[str, Path], Workbook]


def pandas_reader(source: str, path: Path) -> Workbook:
    """The common way: `pd.read_excel(..., engine="openpyxl")` once per sheet, rows by loop."""
    names = pd.ExcelFile(path, engine="openpyxl").sheet_names
    sheets = {}
    for name in names:
        frame = pd.read_excel(path, sheet_name=name, header=None, engine="openpyxl")
        frame = frame.astype(object).where(frame.notna(), "")
        sheets[name] = [list(row) for row in frame.itertuples(index=False)]
    return Workbook(source, path.name, sheets)


@contextlib.contextmanager
def reader(read: Reader | None) -> Iterator[None]:
    """Parse every .xlsx with `read` instead of calamine for the duration (None: the project's)."""
    originals = {module: module.open_workbook for module in WORKBOOK_SOURCES.values()}
    if read is not None:
        for module in originals:
            module.open_workbook = read
    try:
        yield
    finally:
        for module, original in originals.items():
            module.open_workbook = original


def staged_build(mirror: str, workdir: Path, read: Reader | None = None) -> tuple[dict[str, float], Tables]:
    """One full build into a new file, timing each stage (fresh download cache every time)."""
    cache = Path(tempfile.mkdtemp(dir=workdir, prefix="cache-"))
    times: dict[str, float] = {}
    started = time.perf_counter()
    fetched, _ = fetch_sources(mirror, cache, FetchPolicy(timeout=30, attempts=1), False)
    times["download"] = time.perf_counter() - started
    with reader(read):
        started = time.perf_counter()
        tables = parse_sources(fetched, False)
        # As `migdash etl --mirror DIR` does: the indicator sources have no mirror, so none are
        # loaded, and their tables (displacement, asylum, ...) are empty.
        collected = collect_indicators({}, True, cache, FetchPolicy(), workdir / "none.duckdb", False)[0]
        tables.frames["indicator"] = collected.indicator
        for table in SOURCE_TABLE_NAMES:
            tables.frames[table] = collected.tables.get(table, empty_table(table))
        tables = with_grouping_areas(tables)
        times["parse"] = time.perf_counter() - started
    started = time.perf_counter()
    valid = validate_tables(tables, workdir / "reports")
    times["validate"] = time.perf_counter() - started
    started = time.perf_counter()
    write_database(valid, workdir / "bench.duckdb", fingerprint_of(valid["provenance"]), "upstream")
    times["load"] = time.perf_counter() - started
    times["total"] = sum(times[s] for s in STAGES)
    shutil.rmtree(cache)
    return times, valid


def check_same_output(ours: Tables, baseline: Tables) -> None:
    """Both readers must yield identical tables, or the comparison would be meaningless."""
    for name in ("area", "stock", "stock_share", "population", "refugee_stock"):
        pd.testing.assert_frame_equal(
            ours[name].reset_index(drop=True), baseline[name].reset_index(drop=True), check_dtype=False
        )


def cli_seconds(mirror: str, workdir: Path) -> float:
    """Wall time of `migdash etl --force` in a new process: imports, download, everything."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "migdash.cli", "etl", "--mirror", mirror, "--db", str(workdir / "cli.duckdb"),
         "--cache", str(Path(tempfile.mkdtemp(dir=workdir))), "--force", "--quiet"],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def run(upstream: Path, repeats: int) -> dict[str, object]:
    """Medians over `repeats` interleaved runs of each side, plus the CLI's cold wall time."""
    samples: dict[str, list[dict[str, float]]] = {"migdash": [], "baseline": []}
    with tempfile.TemporaryDirectory(prefix="migdash-bench-etl-") as tmp, http_mirror(upstream) as mirror:
        workdir = Path(tmp)
        staged_build(mirror, workdir)  # warm-up: imports, pandera schema compilation
        for _ in range(repeats):
            ours, ours_tables = staged_build(mirror, workdir)
            base, base_tables = staged_build(mirror, workdir, pandas_reader)
            samples["migdash"].append(ours)
            samples["baseline"].append(base)
        check_same_output(ours_tables, base_tables)
        cli = [cli_seconds(mirror, workdir) for _ in range(max(1, repeats // 2))]
    medians = {side: {stage: statistics.median(run[stage] for run in runs) for stage in (*STAGES, "total")}
               for side, runs in samples.items()}
    return {"medians": medians, "cli_seconds": statistics.median(cli), "repeats": repeats,
            "rows": ours_tables.row_counts()}


# ---- all eight sources ----


def fresh_cache(workdir: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=workdir, prefix="cache-"))


def per_source(mirrors: dict[str, str], workdir: Path, read: Reader | None = None) -> tuple[dict[str, float], dict[str, int]]:
    """Seconds to fetch (from the local mirror) and parse each source on its own, and its rows."""
    policy = FetchPolicy(timeout=60, attempts=1)
    times: dict[str, float] = {}
    rows: dict[str, int] = {}
    with reader(read):
        started = time.perf_counter()
        fetched, _ = fetch_sources(mirrors[undesa_ims.SOURCE], fresh_cache(workdir), policy, False)
        tables = parse_sources(fetched, False)
        times[undesa_ims.SOURCE] = time.perf_counter() - started
        rows[undesa_ims.SOURCE] = sum(len(tables[name]) for name in ("stock", "stock_share", "population", "refugee_stock"))
        for name, module in INDICATOR_SOURCES.items():
            if name not in mirrors:
                continue
            started = time.perf_counter()
            collected = module.collect(mirrors[name], fresh_cache(workdir), policy)
            times[name] = time.perf_counter() - started
            rows[name] = len(collected.indicator) + sum(len(frame) for frame in collected.tables.values())
    return times, rows


def full_build(mirrors: dict[str, str], workdir: Path, read: Reader | None = None) -> tuple[float, dict[str, int]]:
    """`build()` from every source's mirror into a new file, fresh download cache: seconds, rows."""
    with reader(read):
        started = time.perf_counter()
        result = build(Path(tempfile.mkdtemp(dir=workdir)) / "full.duckdb", mirrors=mirrors, cache_dir=fresh_cache(workdir),
                       policy=FetchPolicy(timeout=60, attempts=1), force=True, report_dir=workdir / "reports")
        return time.perf_counter() - started, result.row_counts


def full_cli_seconds(mirrors: dict[str, str], workdir: Path) -> float:
    """`migdash etl --mirror SOURCE=URL ... --force` for all eight sources in a new process."""
    flags = [arg for name, url in mirrors.items() for arg in ("--mirror", f"{name}={url}")]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "migdash.cli", "etl", *flags, "--db", str(workdir / "cli-all.duckdb"),
                    "--cache", str(fresh_cache(workdir)), "--force", "--quiet"],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def run_all_sources(root: Path, repeats: int) -> dict[str, object]:
    """Medians over `repeats` interleaved runs: the whole build and each source, both readers."""
    names = [name for name in SOURCES if (root / name).is_dir()]
    builds: dict[str, list[float]] = {"migdash": [], "baseline": []}
    sources: dict[str, dict[str, list[float]]] = {"migdash": {}, "baseline": {}}
    rows: dict[str, dict[str, int]] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="migdash-bench-etl-all-") as tmp, http_mirror(root) as base:
        workdir = Path(tmp)
        mirrors = {name: f"{base}{name}/" for name in names}
        full_build(mirrors, workdir)  # warm-up: imports, pandera schema compilation
        for _ in range(repeats):
            for side, read in (("migdash", None), ("baseline", pandas_reader)):
                try:
                    seconds, counts = full_build(mirrors, workdir, read)
                    builds[side].append(seconds)
                    rows[f"build {side}"] = counts
                    times, source_rows = per_source(mirrors, workdir, read)
                except Exception as exc:  # the baseline reader may not read a file the same way
                    failures[side] = f"{type(exc).__name__}: {exc}"[:300]
                    continue
                rows[side] = source_rows
                for name, value in times.items():
                    sources[side].setdefault(name, []).append(value)
        cli = full_cli_seconds(mirrors, workdir)
    same_rows = rows.get("migdash") == rows.get("baseline") and rows.get("build migdash") == rows.get("build baseline")
    return {
        "sources": names,
        "build": {side: statistics.median(v) if v else None for side, v in builds.items()},
        "per_source": {side: {n: statistics.median(v) for n, v in by.items()} for side, by in sources.items()},
        "rows": rows.get("migdash", {}), "table_rows": rows.get("build migdash", {}),
        "same_rows": same_rows, "failures": failures, "cli_seconds": cli, "repeats": repeats,
        "spreadsheet_sources": sorted(WORKBOOK_SOURCES),
    }
