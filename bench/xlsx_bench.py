"""xlsx benchmark: the Excel extract of the largest dataset (the one with the most rows in its
newest revision: every area, year and origin), in seconds and peak memory, side by side with
the streamed CSV of the same selection and with two other ways of writing the same workbook:
openpyxl's write-only mode, and pandas' `DataFrame.to_excel` of the whole frame (XlsxWriter in
its default, all-in-memory mode).

Each writer runs in a fresh process, so its peak RSS (ru_maxrss) is its own; "growth" is the
peak less the process's RSS once the database is open and the modules are imported. The first
row reads the same rows and writes nothing: what DuckDB's sort and one Arrow batch cost, the
floor under every writer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.harness import REPO

WRITERS = ("read", "xlsx", "csv", "openpyxl", "pandas")
LABELS = {
    "read": "rows only: DuckDB → Arrow batches → Python values, nothing written (the floor)",
    "xlsx": "xlsx, migdash (XlsxWriter constant-memory, batch by batch)",
    "csv": "CSV, migdash (streamed)",
    "openpyxl": "xlsx, openpyxl write-only (same rows, same batches)",
    "pandas": "xlsx, pandas to_excel of the whole frame (XlsxWriter in memory)",
}
PROBE = """
import io, json, resource, sys, tempfile, time
import pandas as pd
from readside import queries
from readside.queries import Database, Selection
from readside.extract import csv_chunks, neutralize
from readside.extract_xlsx import Links, xlsx_file

def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize() / 2**20

db = Database(sys.argv[1]); dataset = sys.argv[2]; writer = sys.argv[3]
spec = queries.EXTRACT_VIEWS[dataset]
revision = queries.extract_revisions(db)[dataset][-1]
selection = Selection(dataset, revision, tuple(queries.area_codes(db)), tuple(queries.extract_years(db, dataset, revision)),
                      ("total", "male", "female") if spec.has_sex else (), spec.has_origin)
rows = queries.extract_count(db, selection)
before = rss_mb()
started = time.perf_counter()
if writer == "read":
    size = sum(len(column.to_pylist()) for batch in queries.extract_batches(db, selection, 10_000, text=neutralize)
               for column in batch.columns)
elif writer == "xlsx":
    out = xlsx_file(db, selection, "en", Links("http://h/data", "http://h/download/xlsx", "http://h/api"))
    size = out.seek(0, 2)
elif writer == "csv":
    size = sum(len(chunk) for chunk in csv_chunks(db, selection))
elif writer == "openpyxl":
    import openpyxl
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(queries.extract_columns(dataset))
    for batch in queries.extract_batches(db, selection, 50_000, text=neutralize):
        for values in zip(*(column.to_pylist() for column in batch.columns)):
            sheet.append(values)
    out = tempfile.TemporaryFile()
    book.save(out)
    size = out.tell()
else:
    frame = pd.concat([b.to_pandas() for b in queries.extract_batches(db, selection, 50_000, text=neutralize)])
    out = io.BytesIO()
    frame.to_excel(out, sheet_name="data", index=False, engine="xlsxwriter")
    size = out.tell()
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "columns": len(queries.extract_columns(dataset)), "bytes": size, "seconds": seconds,
                  "peak_mb": peak, "growth_mb": peak - before, "revision": revision}))
"""


@dataclass(frozen=True)
class XlsxRow:
    writer: str
    rows: int
    columns: int
    megabytes: float
    seconds: float
    peak_mb: float
    growth_mb: float


def largest_dataset(db: Path) -> tuple[str, int]:
    """(dataset, rows) with the most rows in its newest revision, all areas, years and origins."""
    from readside import queries
    from readside.queries import Database

    handle = Database(db)
    counts = {}
    for name, revisions in queries.extract_revisions(handle).items():
        if revisions:
            spec = queries.EXTRACT_VIEWS[name]
            sql = f"SELECT count(*) FROM {spec.from_clause} WHERE {spec.revision_column} = ?"  # noqa: S608 - allow-listed
            counts[name] = handle.rows(sql, [revisions[-1]])[0][0]
    name = max(counts, key=counts.get)
    return name, counts[name]


def probe(db: Path, dataset: str, writer: str) -> XlsxRow:
    out = subprocess.run([sys.executable, "-c", PROBE, str(db), dataset, writer], cwd=REPO, check=True,
                         capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return XlsxRow(writer, result["rows"], result["columns"], result["bytes"] / 2**20, result["seconds"],
                   result["peak_mb"], result["growth_mb"])


def run(db: Path, writers: tuple[str, ...] = WRITERS) -> dict[str, object]:
    dataset, rows = largest_dataset(db)
    return {"dataset": dataset, "rows": rows, "results": [probe(db, dataset, w) for w in writers]}


def section(result: dict) -> str:
    results = result["results"]
    ours = next(r for r in results if r.writer == "xlsx")
    results = [r for r in results if r.writer != "read"] + [r for r in results if r.writer == "read"]
    lines = ["| writer | rows × columns | MB | seconds | rows/s | peak RSS MB | growth MB | time vs ours | growth vs ours |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        size = "—" if r.writer == "read" else f"{r.megabytes:.1f}"
        lines.append(f"| {LABELS[r.writer]} | {r.rows:,} × {r.columns} | {size} | {r.seconds:.1f} | "
                     f"{r.rows / r.seconds:,.0f} | {r.peak_mb:.0f} | {r.growth_mb:.0f} | {r.seconds / ours.seconds:.2f}× | "
                     f"{r.growth_mb / max(ours.growth_mb, 1):.2f}× |")
    return (f"### xlsx extract of the largest dataset (`{result['dataset']}`, newest revision, every area, year "
            f"and origin: {result['rows']:,} rows)\n\n" + "\n".join(lines))
