"""ETL benchmark: the project's build, stage by stage, beside the common way of reading the same
workbooks (pandas.read_excel with openpyxl, one call per sheet).

The baseline only swaps the reader: its sheets go through the project's own label-based parser,
validation and load, and `check_same_output` proves both produce identical tables. The
difference measured is therefore exactly the reading strategy, not a weaker parser.
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
    Tables,
    collect_indicators,
    fetch_sources,
    fingerprint_of,
    parse_sources,
    validate_tables,
    write_database,
)
from etl.fetch import FetchPolicy
from etl.sources import undesa_ims
from etl.workbook import Workbook

STAGES = ("download", "parse", "validate", "load")
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
    """Parse with `read` instead of calamine for the duration (None: the project's reader)."""
    original = undesa_ims.open_workbook
    if read is not None:
        undesa_ims.open_workbook = read
    try:
        yield
    finally:
        undesa_ims.open_workbook = original


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
        # As `migdash etl --mirror DIR` does: the indicator sources have no mirror, so none are loaded.
        tables.frames["indicator"] = collect_indicators({}, True, cache, FetchPolicy(), workdir / "none.duckdb", False)[0].indicator
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
