"""What UNHCR's files promise, checked before a release is used (hooks called by
etl.sources.unhcr.files), kept apart from the readers:
- the only file of a mirror that is not data and still belongs there is the Refugee Data
  Finder's `footnotes.csv`; any other file the reader does not recognise stops the build;
- a release covers every year of its range: each dataset of the R package from its first year
  to the year of its label (2025.12.1 -> 2025); a Data Finder download up to the year before
  its extraction date (UNHCR publishes mid-year figures for a year in its November), unless
  the download says it was limited to chosen years;
- a Data Finder download ends with a line break and its last year lists every asylum country
  that had three or more origins the year before: a file cut at a line end fails one of these.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from etl import completeness
from etl.mirror import MirroredFile

SOURCE = "unhcr"
READS = ("the data folder of the refugees R package (population, asylum_applications, asylum_decisions, flows, "
         "demographics and solutions .rda) and the Refugee Data Finder's population.csv (with footnotes.csv)")
FOOTNOTES_HEADER = "Footnote,"


def only_footnotes_unread(mirrored: MirroredFile) -> None:
    """A file the reader did not recognise may only be the download's footnotes."""
    with open(mirrored.file.path, "rb") as handle:
        head = handle.read(64).decode("utf-8", errors="replace").lstrip("\ufeff")
    if not head.startswith(FOOTNOTES_HEADER):
        raise completeness.unrecognised(SOURCE, mirrored.relative, READS)


def check_release(release: object, mirrored: MirroredFile) -> None:
    """Every year the release promises, and no cut at a line end (`release` is unhcr.Release)."""
    name, rows = mirrored.file.url, release.rows  # type: ignore[attr-defined]
    if release.kind == "rda":  # type: ignore[attr-defined]
        every_year_of_release(name, rows["year"], release.vintage)  # type: ignore[attr-defined]
        return
    path = mirrored.file.path
    completeness.ends_with_newline(SOURCE, name, path.read_bytes())
    completeness.contiguous_years(SOURCE, name, rows["year"], through=_promised_last_year(path, release.vintage))  # type: ignore[attr-defined]
    completeness.last_year_not_cut(SOURCE, name, rows, year="year", member="asylum",
                                   member_label="asylum countries")


def every_year_of_release(name: str, years: pd.Series, vintage: str) -> None:
    """A dataset of the R package holds every year from its first to its release's year."""
    completeness.contiguous_years(SOURCE, name, years.dropna(), through=int(vintage[:4]))


def _promised_last_year(path: Path, vintage: str) -> int | None:
    """The year before the extraction date, unless the preamble's `Years:` names a selection."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        for cells in csv.reader(handle):
            first = cells[0].strip() if cells else ""
            if first == "Year":  # the header: the preamble is over
                break
            if first.lower().startswith("years:"):
                chosen = first[len("years:"):].strip() or any(c.strip() for c in cells[1:])
                if chosen:
                    return None
    return int(vintage[:4]) - 1
