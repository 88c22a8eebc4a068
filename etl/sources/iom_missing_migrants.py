"""IOM Missing Migrants Project: deaths and disappearances during migration, one row per incident.

Three of the site's download formats, identified by content (never by file name):

- the "all data" export (.xlsx, one sheet): header `Main ID`, `Incident ID`, `Incident Type`,
  `Region of Incident`, `Website Date`, `Incident year`, `Number of Dead`, `Minimum Estimated
  Number of Missing`, `Total Number of Dead and Missing`, `Number of Survivors`, `Cause of Death`,
  `Migration route`, `Coordinates` ("POINT (lon lat)"), `Source Quality`...; no country of
  incident. Its generation date is the workbook's own creation stamp (docProps/core.xml).
- the per-year JSON feed: an array of objects `web_id`, `region`, `reported_date`, `number_dead`,
  `number_missing`, `total_dead_and_missing`, `number_of_survivors`, `cause_death`,
  `country_of_incident`, `location_coodinates` (sic; "lat, lon"), `migration_route`,
  `source_quality`; every value a string, "" = not reported.
- the per-year CSV download: `Main ID`, `Incident ID`, `Region`, `Incident Date`
  ("Thu, 01/01/2026 - 12:00"), `Year`, `Number Dead`, `Minimum Estimated Number of Missing`,
  `Number of Survivors`, `Cause of Death`, `Coordinates` ("lat, lon"), `Migration route`,
  `Source Quality`; no total column (dead + missing) and no country of incident (its `Country of
  Origin` is the migrants' origin, not where they died).

Route names are harmonised across files with the mapping kept as data (etl/reference/
iom_routes.yaml: "Darien Gap" in the 2014-2021 export is "Darien" from 2022 on).

The incident id is the publisher's `Main ID` (xlsx, CSV) = `web_id` (JSON). One incident may have
several records with that id: the site's split incidents (the CSV gives each its own `Incident
ID`; the xlsx folds them into one row) and corrections (a record with a negative count that
amends an earlier one). All are kept, numbered `part` 1, 2... in file order, so that sums equal
the publisher's own; key (incident_id, part).

Vintage of a file: the export's generation date when it carries one (xlsx), otherwise the latest
incident date in the file (JSON, CSV carry no date of their own).

Coverage rule: a file covers year Y *completely* when its vintage falls in December of Y or later
(it was generated, or its incidents run, into Y's last month); the other years it has incidents
for it covers *partially*. Years no file has are absent (not listed).

Overlaps: files are taken newest vintage first. For a year some file covers completely, the newest
such file is the authority: newer files still add or replace incidents by id, older files' records
of that year are superseded (the site renumbers some ids between exports, e.g. 2022.MMP00035 in
the May 2022 export vs. 2022.MMP0035 in the 2022 feed, so ids alone would double-count). Elsewhere
incidents are merged by id, the newest file winning (all parts of an incident come from one file).

Licence: IOM's Missing Migrants Project data may be reproduced with attribution ("IOM Missing
Migrants Project"), as its site states; HDX publishes them under Creative Commons Attribution for
Intergovernmental Organisations, recorded here as CC BY 3.0 IGO (to be confirmed against IOM's
terms of use; the attribution travels in every citation).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import pycountry
import yaml

from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy, fetch
from etl.indicators import Collected, empty_indicator, m49_of_iso3
from etl.mirror import MirroredFile, mirror_files
from etl.provenance import Publisher
from etl.workbook import open_workbook

SOURCE = "iom_missing_migrants"
PUBLISHER = "International Organization for Migration (IOM), Missing Migrants Project"
LICENCE = "CC BY 3.0 IGO"  # Creative Commons Attribution for IGOs, as HDX lists the project's data
LICENCE_URL = "https://creativecommons.org/licenses/by/3.0/igo/"
PUBLISHED_BY = Publisher(SOURCE, PUBLISHER, LICENCE, LICENCE_URL)
SERIES: list = []
DATA_PAGE = "https://missingmigrants.iom.int/downloads"
# The per-year JSON feed as the OCHA/HDX scraper reads it, to the best of our knowledge
# (`https://missingmigrants.iom.int/global-figures/{year}/json`); the xlsx/CSV exports are generated
# on request by the site and have no stable URL. Without a mirror these years are fetched.
FEED_URL = "https://missingmigrants.iom.int/global-figures/{year}/json"
PUBLISHED_YEARS = (2022, 2023, 2024, 2025, 2026)
AMERICAS_REGIONS = ("North America", "Central America", "Caribbean", "South America")
INCIDENT_COLUMNS = ["incident_id", "part", "date", "year", "region", "country_code", "route", "dead", "missing",
                    "dead_and_missing", "survivors", "cause", "latitude", "longitude", "source_quality", "vintage"]
COVERAGE_COLUMNS = ["year", "coverage", "vintage"]
# Country names of the JSON feed (after HTML unescaping) that pycountry does not look up.
COUNTRY_ALIASES = {
    "Iran (Islamic Republic of)": "IRN",
    "Venezuela (Bolivarian Republic of)": "VEN",
    "China, Hong Kong Special Administrative Region": "HKG",
    "United States Virgin Islands": "VIR",
    "Democratic People's Republic of Korea": "PRK",
    "Republic of Korea": "KOR",
    "Lao People's Democratic Republic": "LAO",
}

# Field names per format: what each column of our table is read from.
XLSX_FIELDS = {"id": "Main ID", "date": "Website Date", "year": "Incident year", "region": "Region of Incident",
               "dead": "Number of Dead", "missing": "Minimum Estimated Number of Missing",
               "total": "Total Number of Dead and Missing", "survivors": "Number of Survivors",
               "cause": "Cause of Death", "route": "Migration route", "coordinates": "Coordinates",
               "quality": "Source Quality"}
JSON_FIELDS = {"id": "web_id", "date": "reported_date", "region": "region", "dead": "number_dead",
               "missing": "number_missing", "total": "total_dead_and_missing", "survivors": "number_of_survivors",
               "cause": "cause_death", "country": "country_of_incident", "route": "migration_route",
               "coordinates": "location_coodinates", "quality": "source_quality"}
CSV_FIELDS = {"id": "Main ID", "date": "Incident Date", "year": "Year", "region": "Region", "dead": "Number Dead",
              "missing": "Minimum Estimated Number of Missing", "survivors": "Number of Survivors",
              "cause": "Cause of Death", "route": "Migration route", "coordinates": "Coordinates",
              "quality": "Source Quality"}


@dataclass
class IncidentFile:
    """One parsed file: its records (INCIDENT_COLUMNS), vintage and the years it covers."""

    kind: str  # "xlsx export", "json feed", "csv download"
    vintage: str  # ISO date
    records: pd.DataFrame
    complete_years: set[int]
    partial_years: set[int]
    left_out: dict[str, int] = field(default_factory=dict)


def collect(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """Every file of the mirror (folder or URL), or the site's per-year JSON feeds without one."""
    files = _files(mirror, cache_dir, policy)
    parsed = [(m, read_incidents(m.file.path, m.relative)) for m in files]
    incidents, taken_from = merge([p for _, p in parsed])
    coverage = coverage_table([p for _, p in parsed])
    provenance, left_out = [], {}
    for i, (mirrored, one) in enumerate(parsed):
        provenance.append(_provenance(one, mirrored, taken_from.get(i, 0)))
        for key, n in one.left_out.items():
            left_out[key] = left_out.get(key, 0) + n
    saved = [(m.relative, m.file.path) for m in files]
    return Collected(empty_indicator(), provenance, left_out, saved,
                     {"missing_migrants": incidents, "missing_migrants_coverage": coverage})


def _files(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> list[MirroredFile]:
    if mirror:
        return mirror_files(SOURCE, mirror, cache_dir, policy)  # every file, read by its content
    return [MirroredFile(f"{year}-json.json", fetch(SOURCE, FEED_URL.format(year=year), cache_dir / SOURCE,
                                                   policy=policy)) for year in PUBLISHED_YEARS]


def _provenance(one: IncidentFile, mirrored: MirroredFile, kept: int) -> dict:
    years = sorted(one.complete_years | one.partial_years)
    span = (f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])) if years else "no incidents"
    partial = f"; partial: {', '.join(map(str, sorted(one.partial_years)))}" if one.partial_years else ""
    citation = (f"IOM Missing Migrants Project, {one.kind} ({span}{partial}), {DATA_PAGE}, as of {one.vintage}. "
                f"{LICENCE}.")
    return PUBLISHED_BY.provenance(
        dataset=f"iom_missing_migrants_{one.kind.split()[0]}_{span}", revision=int(one.vintage[:4]),
        url=DATA_PAGE, files=[mirrored.file], sha256=mirrored.file.sha256, local_name=mirrored.relative,
        citation=citation, rows=kept, vintage=one.vintage)


# ---- merging files ----


def merge(files: list[IncidentFile]) -> tuple[pd.DataFrame, dict[int, int]]:
    """One table from overlapping files (see the module docstring), and records kept per file index."""
    order = sorted(range(len(files)), key=lambda i: files[i].vintage, reverse=True)
    taken: set[str] = set()
    closed: set[int] = set()
    frames, kept = [], {}
    for i in order:
        records = files[i].records
        first = records.drop_duplicates("incident_id")
        fresh = first[~first["incident_id"].isin(taken) & ~first["year"].isin(closed)]["incident_id"]
        chosen = records[records["incident_id"].isin(set(fresh))]
        frames.append(chosen)
        kept[i] = len(chosen)
        taken |= set(first["incident_id"])
        closed |= files[i].complete_years
    table = pd.concat(frames, ignore_index=True) if frames else _empty()
    return table.sort_values(["date", "incident_id", "part"], ignore_index=True, na_position="first"), kept


def coverage_table(files: list[IncidentFile]) -> pd.DataFrame:
    rows = {}
    for one in sorted(files, key=lambda f: f.vintage):  # newest last: its vintage wins
        for year in one.partial_years:
            if rows.get(year, ("", ""))[0] != "complete":
                rows[year] = ("partial", one.vintage)
        for year in one.complete_years:
            rows[year] = ("complete", one.vintage)
    return pd.DataFrame([(y, c, v) for y, (c, v) in sorted(rows.items())], columns=COVERAGE_COLUMNS)


# ---- one file ----


def read_incidents(path: Path, name: str | None = None) -> IncidentFile:
    """Parse one download of any of the three formats; `name` is what errors quote."""
    file = name or path.name
    head = path.read_bytes()[:4096]
    if zipfile.is_zipfile(path):
        return _read_xlsx(path, file)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        return _read_json(path, file)
    if b"Main ID" in head:
        return _read_csv(path, file)
    raise UpstreamFormatError(SOURCE, file, "neither the xlsx export, a JSON feed (array) nor a CSV download "
                                            "(no 'Main ID' column)")


def _read_json(path: Path, file: str) -> IncidentFile:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UpstreamFormatError(SOURCE, file, f"not a JSON document: {exc}") from None
    if not isinstance(data, list):
        raise UpstreamFormatError(SOURCE, file, "the JSON feed is not an array of incidents")
    parser = _Parser(file, "json feed", JSON_FIELDS, "record")
    for n, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise UpstreamFormatError(SOURCE, file, f"record {n} is not an object", row=n)
        parser.add(n, lambda key, rec=record: rec.get(key), None)
    return parser.finish(None)


def _read_csv(path: Path, file: str) -> IncidentFile:
    try:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    except UnicodeDecodeError as exc:
        raise UpstreamFormatError(SOURCE, file, f"not UTF-8 text: {exc}") from None
    columns = _header(file, rows[0] if rows else [], CSV_FIELDS, None)
    parser = _Parser(file, "csv download", CSV_FIELDS, "row", columns)
    width = len(rows[0])
    for r, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row):
            if len(row) != width:  # the site's export ends without a line break: a cut shows as a short row
                raise UpstreamFormatError(SOURCE, file, f"{len(row)} fields where the header has {width}: a cut or "
                                                        "malformed line", row=r, column=min(len(row), width) - 1)
            parser.add(r, lambda key, row=row: row[columns[key]], None)
    return parser.finish(None)


def _read_xlsx(path: Path, file: str) -> IncidentFile:
    book = open_workbook(SOURCE, path)
    sheet = next((name for name, rows in book.sheets.items()
                  if rows and "Main ID" in [str(c).strip().lstrip("\ufeff") for c in rows[0]]), None)
    if sheet is None:
        raise UpstreamFormatError(SOURCE, file, f"no sheet has a 'Main ID' header in row 1; sheets are "
                                                f"{list(book.sheets)}")
    rows = book.sheets[sheet]
    columns = _header(file, rows[0], XLSX_FIELDS, sheet)
    parser = _Parser(file, "xlsx export", XLSX_FIELDS, "row", columns, sheet)
    for r, row in enumerate(rows[1:], start=2):
        if any(c not in (None, "") for c in row):
            parser.add(r, lambda key, row=row: row[columns[key]] if columns[key] < len(row) else None, sheet)
    return parser.finish(_generated(path, file))


def _header(file: str, header: list, fields: dict[str, str], sheet: str | None) -> dict[str, int]:
    positions = {str(c).strip().lstrip("\ufeff"): i for i, c in enumerate(header) if c not in (None, "")}
    missing = [f for f in fields.values() if f not in positions]
    if missing:
        raise UpstreamFormatError(SOURCE, file, f"column(s) {missing} missing from the header", sheet=sheet, row=1,
                                  value=", ".join(missing))
    return {f: positions[f] for f in fields.values()}


def _generated(path: Path, file: str) -> str | None:
    """The workbook's creation date (docProps/core.xml dcterms:created), as the site stamped it."""
    with zipfile.ZipFile(path) as archive:
        try:
            core = archive.read("docProps/core.xml").decode("utf-8", errors="replace")
        except KeyError:
            return None
    match = re.search(r"<dcterms:created[^>]*>(\d{4}-\d\d-\d\d)", core)
    return match.group(1) if match else None


class _Parser:
    """Turns records of any format into INCIDENT_COLUMNS rows, with errors naming file/record/field."""

    def __init__(self, file: str, kind: str, fields: dict[str, str], unit: str,
                 columns: dict[str, int] | None = None, sheet: str | None = None) -> None:
        self.file, self.kind, self.fields, self.unit, self.columns, self.sheet = file, kind, fields, unit, columns, sheet
        self.rows: list[dict] = []
        self.parts: dict[str, int] = {}
        self.left_out: dict[str, int] = {}

    def error(self, n: int, key: str, detail: str, value: object = None) -> UpstreamFormatError:
        name = self.fields[key]
        column = self.columns.get(name) if self.columns else None
        return UpstreamFormatError(SOURCE, self.file, f"{self.unit} {n}, field '{name}': {detail}", sheet=self.sheet,
                                   row=n, column=column, value=value)

    def add(self, n: int, get, sheet: str | None) -> None:
        def value(key: str) -> object:
            v = get(self.fields[key])
            return v.strip() if isinstance(v, str) else v

        raw_id = value("id")
        incident = _text(raw_id).lstrip("\ufeff")
        if not incident:
            raise self.error(n, "id", "no incident id", raw_id)
        when = self._date(n, value("date"))
        year = self._count(n, "year", value("year")) if "year" in self.fields else None
        if year is None:
            if when is None:
                raise self.error(n, "date", "no date and no year")
            year = when.year
        dead = self._count(n, "dead", value("dead"), negative=True)
        missing = self._count(n, "missing", value("missing"), negative=True)
        total = self._count(n, "total", value("total"), negative=True) if "total" in self.fields else None
        if total is None:
            total = (dead or 0) + (missing or 0)
        lat, lon = _coordinates(_text(value("coordinates")))
        self.parts[incident] = self.parts.get(incident, 0) + 1
        self.rows.append({
            "incident_id": incident, "part": self.parts[incident], "date": when, "year": year,
            "region": _text(value("region")) or None, "country_code": self._country(n, value("country"))
            if "country" in self.fields else None, "route": route_name(_text(value("route"))) or None,
            "dead": dead, "missing": missing, "dead_and_missing": total,
            "survivors": self._count(n, "survivors", value("survivors"), negative=True), "cause": _text(value("cause")) or None,
            "latitude": lat, "longitude": lon, "source_quality": self._count(n, "quality", value("quality")),
        })

    def _count(self, n: int, key: str, value: object, *, negative: bool = False) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise self.error(n, key, "not a whole number", value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            value = int(value)
        if not isinstance(value, int) or (value < 0 and not negative):
            raise self.error(n, key, "not a whole number" if not isinstance(value, int) else "negative", value)
        return value

    def _date(self, n: int, value: object) -> date | None:
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value)
        for pattern, fmt in ((r"\d{4}-\d\d-\d\d", "%Y-%m-%d"), (r"\d\d/\d\d/\d{4}", "%m/%d/%Y")):
            match = re.search(pattern, text)
            if match:
                try:
                    return datetime.strptime(match.group(0), fmt).date()
                except ValueError:
                    break
        raise self.error(n, "date", "not a date", value)

    def _country(self, n: int, value: object) -> int | None:
        name = html.unescape(_text(value))
        if not name or name.lower() == "unknown":
            return None
        iso3 = COUNTRY_ALIASES.get(name)
        if iso3 is None:
            try:
                iso3 = pycountry.countries.lookup(name).alpha_3
            except LookupError:
                raise self.error(n, "country", "country name not known (add it to COUNTRY_ALIASES)", name) from None
        code = m49_of_iso3(iso3)
        if code is None:
            self.left_out[iso3] = self.left_out.get(iso3, 0) + 1
        return code

    def finish(self, generated: str | None) -> IncidentFile:
        records = pd.DataFrame(self.rows, columns=INCIDENT_COLUMNS[:-1])
        dates = [r["date"] for r in self.rows if r["date"] is not None]
        vintage = generated or (max(dates).isoformat() if dates else None)
        if vintage is None:
            raise UpstreamFormatError(SOURCE, self.file, "no dated incident: the file's vintage is unknown")
        records["vintage"] = vintage
        records = _typed(records)
        years = set(records["year"].astype(int))
        complete = {y for y in years if vintage >= f"{y}-12-01"}
        return IncidentFile(self.kind, vintage, records, complete, years - complete, self.left_out)


def _typed(records: pd.DataFrame) -> pd.DataFrame:
    out = records.copy()
    out["date"] = pd.to_datetime(out["date"])
    for c in ("year", "part"):
        out[c] = out[c].astype("int64")
    for c in ("country_code", "dead", "missing", "survivors", "source_quality"):
        out[c] = out[c].astype("Int64")
    out["dead_and_missing"] = out["dead_and_missing"].astype("int64")
    for c in ("latitude", "longitude"):
        out[c] = out[c].astype("float64")
    return out[INCIDENT_COLUMNS]


def _empty() -> pd.DataFrame:
    return _typed(pd.DataFrame({c: [] for c in INCIDENT_COLUMNS}))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _coordinates(value: str) -> tuple[float | None, float | None]:
    """(lat, lon) from "lat, lon" (JSON, CSV) or "POINT (lon lat)" (xlsx); free text -> (None, None)."""
    point = re.fullmatch(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", value)
    if point:
        lat, lon = float(point.group(2)), float(point.group(1))
    else:
        pair = re.fullmatch(r"(-?[\d.]+)\s*,\s*(-?[\d.]+)", value)
        if not pair:
            return None, None
        lat, lon = float(pair.group(1)), float(pair.group(2))
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else (None, None)


@cache
def route_names() -> dict[str, str]:
    """Older route names -> the name the newest files use (etl/reference/iom_routes.yaml)."""
    text = resources.files("etl").joinpath("reference/iom_routes.yaml").read_text(encoding="utf-8")
    return {str(old): str(new) for old, new in (yaml.safe_load(text)["routes"] or {}).items()}


def route_name(route: str) -> str:
    """One name per route across files: "Darien Gap" (2014-2021 export) is "Darien" (2022-)."""
    return route_names().get(route, route)


def americas(incidents: pd.DataFrame) -> pd.DataFrame:
    """Incidents in the regions of the Americas, as IOM names them."""
    return incidents[incidents["region"].isin(AMERICAS_REGIONS)]

