"""Paragraph checker benchmark: CPU per request for a 20,000-character text (the page's limit).

The text is the evaluation corpus (tests/data/scan_corpus.yaml, four languages, eight sources)
repeated to 20,000 characters. Measured in this process, CPU time (time.process_time) and wall
time, median of repeated runs: reading alone (language, clauses, ties) and the whole check
(reading + every revision and vintage + refreshed paragraph); the first request of a process,
which builds the area lexicon and loads the language models, apart. The language detector's
memory is the RSS it adds. With `--scan-baseline REF` the same text goes through the checker of
that git ref (e.g. the main before issue 23), in a subprocess on the same database.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import psutil

from bench.harness import REPO

TARGET_CHARS = 20_000
REPEATS = 5
TARGET_SECONDS = 1.0


def text_of(chars: int = TARGET_CHARS) -> str:
    import yaml

    items = yaml.safe_load((REPO / "tests" / "data" / "scan_corpus.yaml").read_text(encoding="utf-8"))
    paragraphs = [" ".join(item["text"].split()) for item in items]
    out = ""
    while True:
        for paragraph in paragraphs:
            if len(out) + len(paragraph) + 2 > chars:
                return out
            out += paragraph + "\n\n"


def _timed(call) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    call()
    return time.process_time() - cpu, time.perf_counter() - wall


def run(db: Path, baseline: str | None = None) -> dict:
    from readside import scan
    from readside.queries import Database
    from readside.scan.language import detector
    from readside.scan.places import Lexicon

    process = psutil.Process()
    before = process.memory_info().rss
    first_detector = _timed(lambda: detector().detect_language_of("En 2020 vivían en las Américas"))
    detector_mb = (process.memory_info().rss - before) / 2**20
    handle, text = Database(db), text_of()
    first_lexicon = _timed(lambda: Lexicon.load(handle))
    reads = [_timed(lambda: scan.read(text, Lexicon.load(handle))) for _ in range(REPEATS)]
    scans = [_timed(lambda: scan.scan(handle, text)) for _ in range(REPEATS)]
    result = scan.scan(handle, text)
    out = {
        "chars": len(text), "figures": len(result.found), "tied": sum(f.understood for f in result.found),
        "detector_first_s": first_detector[1], "detector_mb": detector_mb, "lexicon_first_s": first_lexicon[1],
        "read_cpu_s": statistics.median(c for c, _ in reads), "read_wall_s": statistics.median(w for _, w in reads),
        "scan_cpu_s": statistics.median(c for c, _ in scans), "scan_wall_s": statistics.median(w for _, w in scans),
        "repeats": REPEATS,
    }
    if baseline:
        out["baseline"] = {"ref": baseline, **_baseline(baseline, db, text)}
    return out


def _baseline(ref: str, db: Path, text: str) -> dict:
    """The checker of `ref`, on the same text and database, timed in its own process."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "readside", "etl", "schemas", "data"],
                             capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory(prefix="migdash-scan-baseline-") as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as bundle:
            bundle.extractall(tmp, filter="data")
        (Path(tmp) / "text.txt").write_text(text, encoding="utf-8")
        code = ("import json, statistics, sys, time; from readside import scan; from readside.queries import Database\n"
                f"db = Database({str(db)!r}); text = open('text.txt', encoding='utf-8').read(); runs = []\n"
                f"for _ in range({REPEATS}):\n"
                "    c, w = time.process_time(), time.perf_counter(); r = scan.scan(db, text, 'en')\n"
                "    runs.append((time.process_time() - c, time.perf_counter() - w))\n"
                "print(json.dumps({'scan_cpu_s': statistics.median(c for c, _ in runs), "
                "'scan_wall_s': statistics.median(w for _, w in runs), 'tied': sum(f.understood for f in r.found), "
                "'figures': len(r.found)}))")
        done = subprocess.run([sys.executable, "-c", code], cwd=tmp, capture_output=True, text=True, check=True,
                              env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"})
        return json.loads(done.stdout.strip().splitlines()[-1])


def section(result: dict) -> str:
    """Markdown for bench/run.py."""
    base = result.get("baseline")
    rows = [
        ["whole check (read, tie, every revision and vintage, refresh): CPU", f"{result['scan_cpu_s']:.3f} s",
         f"{base['scan_cpu_s']:.3f} s" if base else "", f"{base['scan_cpu_s'] / result['scan_cpu_s']:.1f}×" if base else ""],
        ["whole check: wall", f"{result['scan_wall_s']:.3f} s", f"{base['scan_wall_s']:.3f} s" if base else "", ""],
        ["reading alone (language, clauses, ties): CPU", f"{result['read_cpu_s']:.3f} s", "", ""],
        ["figures found / tied", f"{result['figures']} / {result['tied']}",
         f"{base['figures']} / {base['tied']}" if base else "", ""],
        ["first request of a process: language models", f"{result['detector_first_s']:.3f} s, +{result['detector_mb']:.0f} MB RSS", "", ""],
        ["first request of a process: area lexicon", f"{result['lexicon_first_s']:.3f} s", "", ""],
    ]
    head = ["measure", "this tree"] + ([f"baseline {base['ref']}", "baseline / this"] if base else ["", ""])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]
    verdict = "within" if result["scan_cpu_s"] < TARGET_SECONDS else "OVER"
    return (f"### Paragraph checker ({result['chars']:,} characters, median of {result['repeats']} runs)\n\n"
            + "\n".join(lines) + f"\n\nTarget: under {TARGET_SECONDS:g} s of CPU per 20,000 characters: {verdict}.")
