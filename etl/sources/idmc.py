"""IDMC Global Internal Displacement Database (GIDD): internal displacement by country and year.

Two exports, identified by their sheets and header labels (never by file name):

- the country x year export, sheet `1_Displacement_data`: ISO3, Name, Year, then for conflict and
  disaster the stock ("Stock Displacement") and the new displacements ("Internal Displacements"),
  each rounded and "(Raw)". Rows -> `internal_displacement` (persons = raw, persons_rounded =
  IDMC's rounded figure); an empty cell = no figure (not stored).
- the event-level disaster export, sheet `1_Disaster_Displacement_data`: one row per event (ISO3,
  Year, Hazard Category/Type, "Disaster Internal Displacements" rounded and "(Raw)"). Summed to
  country x year -> `internal_displacement` (cause disaster, measure new_displacements, persons =
  sum of raw, persons_rounded empty: a sum of rounded figures is not IDMC's rounding), and by
  hazard type -> `disaster_events_by_hazard`.

Vintage: the "Last update" date of the README sheet (ISO), e.g. 2023-05-11; both exports are kept
side by side. Areas without an M49 code (IDMC's AB9 Abyei Area) are left out and counted.
Licence: CC BY-NC 4.0, as IDMC's README states: note it beside every figure.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy, fetch
from etl.indicators import Collected, empty_indicator, m49_of_iso3
from etl.mirror import MirroredFile, mirror_files
from etl.provenance import Publisher
from etl.workbook import Workbook, open_workbook

SOURCE = "idmc"
PUBLISHER = "Internal Displacement Monitoring Centre (IDMC)"
LICENCE = "CC BY-NC 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-nc/4.0/"
PUBLISHED_BY = Publisher(SOURCE, PUBLISHER, LICENCE, LICENCE_URL)
SERIES: list = []
DATA_PAGE = "https://www.internal-displacement.org/database/displacement-data/"
# The GIDD downloads as IDMC's data page links them, to the best of our knowledge (the helix
# export endpoints behind "Download data"; the exact query strings may change).
PUBLISHED_URLS = {
    "country_year": "https://helix-tools-api.idmcdb.org/external-api/gidd/displacements/displacement-export/"
                    "?iso3__in=&start_year=2008&end_year=2100&release_environment=RELEASE",
    "disaster_events": "https://helix-tools-api.idmcdb.org/external-api/gidd/disasters/disaster-export/"
                       "?iso3__in=&start_year=2008&end_year=2100&release_environment=RELEASE",
}
COUNTRY_SHEET, EVENT_SHEET = "1_Displacement_data", "1_Disaster_Displacement_data"
COUNTRY_MEASURES = {  # (cause, measure) -> rounded column label ("(Raw)" appended for the raw one)
    ("conflict", "stock"): "Conflict Stock Displacement",
    ("conflict", "new_displacements"): "Conflict Internal Displacements",
    ("disaster", "new_displacements"): "Disaster Internal Displacements",
    ("disaster", "stock"): "Disaster Stock Displacement",
}
EVENT_COLUMNS = ("ISO3", "Year", "Hazard Type", "Disaster Internal Displacements",
                 "Disaster Internal Displacements (Raw)")
DISPLACEMENT_COLUMNS = ["vintage", "year", "area_code", "cause", "measure", "persons", "persons_rounded"]
HAZARD_COLUMNS = ["vintage", "year", "area_code", "hazard", "persons"]


@dataclasses.dataclass(frozen=True)
class Export:
    kind: str  # "country_year" | "disaster_events"
    vintage: str
    displacement: pd.DataFrame
    by_hazard: pd.DataFrame
    left_out: dict[str, int]


def collect(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
    files = _files(mirror, cache_dir, policy)
    exports = [(m, read_export(m.file.path, m.relative)) for m in files]
    left_out: dict[str, int] = {}
    for _, e in exports:
        for k, n in e.left_out.items():
            left_out[k] = left_out.get(k, 0) + n
    displacement = pd.concat([e.displacement for _, e in exports], ignore_index=True)
    hazards = [e.by_hazard for _, e in exports if e.kind == "disaster_events"]
    by_hazard = pd.concat(hazards, ignore_index=True) if hazards else pd.DataFrame(columns=HAZARD_COLUMNS)
    key = ["vintage", "year", "area_code", "cause", "measure"]
    if displacement.duplicated(key).any():
        raise UpstreamFormatError(SOURCE, ", ".join(m.relative for m in files),
                                  f"two exports give the same figures: {dict(displacement[displacement.duplicated(key)].iloc[0][key])}")
    provenance = [_provenance(e, m) for m, e in exports]
    return Collected(empty_indicator(), provenance, left_out, [(m.relative, m.file.path) for m in files],
                     {"internal_displacement": displacement, "disaster_events_by_hazard": by_hazard})


def _files(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> list[MirroredFile]:
    if mirror:
        return mirror_files(SOURCE, mirror, cache_dir, policy)  # every file, read by its content
    return [MirroredFile(f"{kind}.xlsx", fetch(SOURCE, url, cache_dir / SOURCE, policy=policy))
            for kind, url in PUBLISHED_URLS.items()]


def _provenance(e: Export, m: MirroredFile) -> dict:
    what = "country x year export" if e.kind == "country_year" else "disaster events export"
    return PUBLISHED_BY.provenance(
        dataset=f"idmc_gidd_{e.kind}", revision=int(e.vintage[:4]), url=DATA_PAGE, files=[m.file],
        sha256=m.file.sha256, local_name=m.relative, rows=len(e.displacement), vintage=e.vintage,
        citation=f"Internal Displacement Monitoring Centre (IDMC), Global Internal Displacement Database, "
                 f"{what}, last update {e.vintage}, {DATA_PAGE}. {LICENCE}.")


def read_export(path: Path, name: str | None = None) -> Export:
    book = dataclasses.replace(open_workbook(SOURCE, path), file=name or path.name)
    vintage = _last_update(book)
    if COUNTRY_SHEET in book.sheets:
        return _country_year(book, vintage)
    if EVENT_SHEET in book.sheets:
        return _events(book, vintage)
    raise book.error(f"neither sheet '{COUNTRY_SHEET}' nor '{EVENT_SHEET}'; sheets are {list(book.sheets)}")


def _last_update(book: Workbook) -> str:
    rows = book.sheets.get("README")
    if rows is None:
        raise book.error(f"no README sheet (it carries the 'Last update' date); sheets are {list(book.sheets)}")
    for r, row in enumerate(rows):
        line = " ".join(str(c) for c in row if c not in (None, ""))
        match = re.match(r"\s*last update\s*:?\s*(.+)", line, re.IGNORECASE)
        if match:
            value = match.group(1).strip()
            for fmt in ("%d/%m/%Y", "%B %d, %Y", "%Y-%m-%d"):
                try:
                    return datetime.strptime(value, fmt).date().isoformat()
                except ValueError:
                    pass
            raise book.error("'Last update' is not a date", sheet="README", row=r + 1, value=value)
    raise book.error("no 'Last update' line in the README sheet", sheet="README")


def _header(book: Workbook, sheet: str, needed: list[str]) -> dict[str, int]:
    rows = book.sheet(sheet)
    positions = {str(c).strip(): i for i, c in enumerate(rows[0] if rows else []) if c not in (None, "")}
    missing = [c for c in needed if c not in positions]
    if missing:
        raise book.error(f"column(s) {missing} missing from the header", sheet=sheet, row=1, value=", ".join(missing))
    return {c: positions[c] for c in needed}


def _number(book: Workbook, sheet: str, r: int, c: int, value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise book.error("not a count of persons", sheet=sheet, row=r + 1, column=c, value=value)
    return value


def _row_key(book: Workbook, sheet: str, r: int, row: list, columns: dict[str, int],
             left_out: dict[str, int]) -> tuple[int, int] | None:
    iso3, year = str(row[columns["ISO3"]] or "").strip(), row[columns["Year"]]
    if isinstance(year, float) and year.is_integer():
        year = int(year)
    if not isinstance(year, int) or not 1950 <= year <= 2100:
        raise book.error("Year is not a year", sheet=sheet, row=r + 1, column=columns["Year"], value=year)
    code = m49_of_iso3(iso3)
    if code is None:
        left_out[iso3] = left_out.get(iso3, 0) + 1
        return None
    return year, code


def _country_year(book: Workbook, vintage: str) -> Export:
    labels = [x for label in COUNTRY_MEASURES.values() for x in (label, f"{label} (Raw)")]
    columns = _header(book, COUNTRY_SHEET, ["ISO3", "Year", *labels])
    out, left_out = [], {}
    for r, row in enumerate(book.sheet(COUNTRY_SHEET)[1:], start=1):
        if all(c in (None, "") for c in row):
            continue
        key = _row_key(book, COUNTRY_SHEET, r, row, columns, left_out)
        for (cause, measure), label in COUNTRY_MEASURES.items():
            rounded = _number(book, COUNTRY_SHEET, r, columns[label], row[columns[label]])
            raw = _number(book, COUNTRY_SHEET, r, columns[f"{label} (Raw)"], row[columns[f"{label} (Raw)"]])
            if key is not None and (raw is not None or rounded is not None):
                out.append((vintage, key[0], key[1], cause, measure, raw if raw is not None else rounded, rounded))
    frame = pd.DataFrame(out, columns=DISPLACEMENT_COLUMNS)
    if frame.duplicated(["year", "area_code", "cause", "measure"]).any():
        raise book.error("a country and year listed twice", sheet=COUNTRY_SHEET)
    frame = frame.astype({"persons": "int64", "persons_rounded": "Int64"})
    return Export("country_year", vintage, frame, pd.DataFrame(columns=HAZARD_COLUMNS), left_out)


def _events(book: Workbook, vintage: str) -> Export:
    columns = _header(book, EVENT_SHEET, list(EVENT_COLUMNS))
    rows, left_out = [], {}
    for r, row in enumerate(book.sheet(EVENT_SHEET)[1:], start=1):
        if all(c in (None, "") for c in row):
            continue
        key = _row_key(book, EVENT_SHEET, r, row, columns, left_out)
        raw_c, rounded_c = columns["Disaster Internal Displacements (Raw)"], columns["Disaster Internal Displacements"]
        raw = _number(book, EVENT_SHEET, r, raw_c, row[raw_c])
        rounded = _number(book, EVENT_SHEET, r, rounded_c, row[rounded_c])
        hazard = str(row[columns["Hazard Type"]] or "").strip()
        if not hazard:
            raise book.error("no hazard type", sheet=EVENT_SHEET, row=r + 1, column=columns["Hazard Type"])
        if key is not None:
            rows.append((key[0], key[1], hazard, raw if raw is not None else (rounded or 0)))
    events = pd.DataFrame(rows, columns=["year", "area_code", "hazard", "persons"])
    by_hazard = events.groupby(["year", "area_code", "hazard"], as_index=False)["persons"].sum()
    by_hazard.insert(0, "vintage", vintage)
    totals = events.groupby(["year", "area_code"], as_index=False)["persons"].sum()
    displacement = totals.assign(vintage=vintage, cause="disaster", measure="new_displacements",
                                 persons_rounded=pd.NA)[DISPLACEMENT_COLUMNS]
    displacement = displacement.astype({"persons": "int64", "persons_rounded": "Int64"})
    return Export("disaster_events", vintage, displacement, by_hazard[HAZARD_COLUMNS], left_out)
