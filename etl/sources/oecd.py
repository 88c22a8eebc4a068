"""OECD international migration flows (International Migration Database): what SICREMI reports.

The OECD Data Explorer serves its dataflows as SDMX-CSV "with labels": STRUCTURE, STRUCTURE_ID,
STRUCTURE_NAME, ACTION, then one code column and one label column per dimension (REF_AREA,
MEASURE, MIGRATION_TYPE or CITIZENSHIP, SEX, UNIT_MEASURE...), TIME_PERIOD, OBS_VALUE,
OBS_STATUS, UNIT_MULT, DECIMALS. Columns are found by their code names, never by position, and a
file is identified by its STRUCTURE_ID (the dataflow), never by its name. Three dataflows fill
`migration_flow`:

- DF_MIG_INT_PER, standardised inflows of permanent-type migrants: flow_type "permanent", one
  row per entry category (MIGRATION_TYPE WO, FA, AC, HU, FR, OT mapped to work, family,
  accompanying_family, humanitarian, free_movement, other; the OECD publishes no total row);
- DF_MIG_INT_TEMP, standardised inflows of temporary migrants: flow_type "temporary", the
  publisher's own categories kept by code (WHM working holiday makers, SEAS seasonal workers,
  TRA trainees, INTRA intra-company transfers, OTH other temporary workers, STU students);
- DF_MIG, the International Migration Database: flow_type "foreign_inflow_national", measure B11
  "inflows of foreign population" (national definitions, not comparable across countries),
  citizenship W (world), both sexes, category "total"; its other measures are not this table's.

persons = OBS_VALUE x 10^UNIT_MULT (fractional values are the OECD's, e.g. estimated DF_MIG
inflows, and are kept as such); OBS_STATUS (A normal, E estimated, P provisional...) is kept in
`status`. An empty OBS_VALUE is "no observation" and is not stored. REF_AREA (ISO3) maps to M49;
areas without an M49 code in etl/reference are left out and counted.

Vintage: the files carry none (no extraction date, no release), so the label is derived from the
content: "data to <latest TIME_PERIOD>, sha256:<first 12 hex digits>" - two different downloads
of one dataflow never share it, the same bytes always get the same one.

Licence: the OECD's terms state that its data are made available under CC BY 4.0 (since July
2024); noted in every provenance row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl import completeness
from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy, fetch, sha256_of
from etl.indicators import Collected, empty_indicator, m49_of_iso3
from etl.mirror import MirroredFile, mirror_files
from etl.provenance import Publisher

SOURCE = "oecd"
PUBLISHER = "OECD"
LICENCE = "CC BY 4.0"  # OECD terms and conditions: data under CC BY 4.0 unless stated otherwise
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHED_BY = Publisher(SOURCE, PUBLISHER, LICENCE, LICENCE_URL)
SERIES: list = []  # no indicator series: the flows fill `migration_flow`
DATA_PAGE = "https://data-explorer.oecd.org/"
_REST = "https://sdmx.oecd.org/public/rest/data/"
_LABELS = "?dimensionAtObservation=AllDimensions&format=csvfilewithlabels"
# The OECD SDMX REST queries that give these dataflows as SDMX-CSV with labels, to the best of our
# knowledge (agency,dataflow,version/key). DF_MIG's key follows its dimension order as the CSV
# lists it (REF_AREA.CITIZENSHIP.FREQ.MEASURE.SEX.BIRTH_PLACE.EDUCATION_LEV.UNIT_MEASURE): every
# destination, citizenship W, annual, B11, both sexes. Without a mirror these are fetched.
PUBLISHED_URLS = {
    "DF_MIG_INT_PER": f"{_REST}OECD.ELS.IMD,DSD_MIG_INT@DF_MIG_INT_PER,1.0/all{_LABELS}",
    "DF_MIG_INT_TEMP": f"{_REST}OECD.ELS.IMD,DSD_MIG_INT@DF_MIG_INT_TEMP,1.0/all{_LABELS}",
    "DF_MIG": f"{_REST}OECD.ELS.IMD,DSD_MIG@DF_MIG,1.0/.W.A.B11._T...{_LABELS}",
}
FLOW_COLUMNS = ["source", "vintage", "year", "destination_code", "category", "flow_type", "persons", "status"]
KEY = ["source", "vintage", "year", "destination_code", "category", "flow_type"]
PERMANENT_CATEGORIES = {"WO": "work", "FA": "family", "AC": "accompanying_family", "HU": "humanitarian",
                        "FR": "free_movement", "OT": "other"}
# The temporary categories the OECD published in 2025 (kept by code; a new code is kept too).
TEMPORARY_CATEGORIES = {"WHM": "Working holiday makers", "SEAS": "Seasonal workers", "TRA": "Trainees",
                        "INTRA": "Intra-company transfers", "OTH": "Other temporary workers",
                        "STU": "International students"}
STRUCTURE_RE = re.compile(r"@(DF_[A-Z0-9_]+)\(([^)]*)\)")
BASE_COLUMNS = ("STRUCTURE_ID", "REF_AREA", "FREQ", "MEASURE", "UNIT_MEASURE", "TIME_PERIOD", "OBS_VALUE",
                "OBS_STATUS", "UNIT_MULT")


@dataclass(frozen=True)
class Dataflow:
    """How one OECD dataflow becomes `migration_flow` rows."""

    code: str
    flow_type: str
    name: str
    columns: tuple[str, ...]  # beyond BASE_COLUMNS
    keep: dict[str, str]  # code column -> the only code kept (other rows belong to other tables)
    category_column: str | None  # None: category "total"


DATAFLOWS = {
    "DF_MIG_INT_PER": Dataflow("DF_MIG_INT_PER", "permanent", "Standardised inflows of permanent-type migrants",
                               ("MIGRATION_TYPE",), {"MEASURE": "MIG_FLW"}, "MIGRATION_TYPE"),
    "DF_MIG_INT_TEMP": Dataflow("DF_MIG_INT_TEMP", "temporary", "Standardised inflows of temporary migrants",
                                ("MIGRATION_TYPE",), {"MEASURE": "MIG_FLW"}, "MIGRATION_TYPE"),
    "DF_MIG": Dataflow("DF_MIG", "foreign_inflow_national", "International migration database",
                       ("CITIZENSHIP", "SEX"), {"MEASURE": "B11", "CITIZENSHIP": "W", "SEX": "_T"}, None),
}


@dataclass(frozen=True)
class FlowFile:
    """One parsed SDMX-CSV file."""

    dataflow: Dataflow
    version: str
    last_year: int
    vintage: str
    flows: pd.DataFrame
    left_out: dict[str, int]


def collect(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """Every SDMX-CSV file of the mirror (folder or URL), or the OECD's three queries without one."""
    files = _files(mirror, cache_dir, policy)
    frames, provenance, left_out = [], [], {}
    for mirrored in files:
        parsed = read_flows(mirrored.file.path, mirrored.relative, sha256=mirrored.file.sha256)
        frames.append(parsed.flows)
        provenance.append(_provenance(parsed, mirrored))
        for key, n in parsed.left_out.items():
            left_out[key] = left_out.get(key, 0) + n
    flows = pd.concat(frames, ignore_index=True)
    duplicated = flows.duplicated(KEY, keep=False)
    if duplicated.any():  # the same bytes twice in a mirror
        first = flows[duplicated].iloc[0]
        raise UpstreamFormatError(SOURCE, ", ".join(m.relative for m in files),
                                  f"the same observation in two files: {dict(first[KEY])}")
    saved = [(m.relative, m.file.path) for m in files]
    return Collected(empty_indicator(), provenance, left_out, saved, {"migration_flow": flows})


def _files(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> list[MirroredFile]:
    if mirror:
        return mirror_files(SOURCE, mirror, cache_dir, policy)  # every file, read by its content
    return [MirroredFile(f"{code}.csv", fetch(SOURCE, url, cache_dir / SOURCE, policy=policy))
            for code, url in PUBLISHED_URLS.items()]


def _provenance(parsed: FlowFile, mirrored: MirroredFile) -> dict:
    flow = parsed.dataflow
    citation = (f"OECD, {flow.name} ({flow.code}, version {parsed.version}), International Migration "
                f"Database, OECD Data Explorer, data to {parsed.last_year}. {LICENCE}.")
    return PUBLISHED_BY.provenance(
        dataset=f"oecd_{flow.code.lower()}", revision=parsed.last_year, url=PUBLISHED_URLS[flow.code],
        files=[mirrored.file], sha256=mirrored.file.sha256, local_name=mirrored.relative,
        citation=citation, rows=len(parsed.flows), vintage=parsed.vintage)


# ---- one file ----


def read_flows(path: Path, name: str | None = None, *, sha256: str | None = None) -> FlowFile:
    """Parse one SDMX-CSV file; `name` (its path in a mirror) is what errors quote."""
    file = name or path.name
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UpstreamFormatError(SOURCE, file, f"not UTF-8 text: {exc}") from None
    rows = list(csv.reader(io.StringIO(content, newline="")))
    if not rows or "STRUCTURE_ID" not in rows[0]:
        raise UpstreamFormatError(SOURCE, file, "not an SDMX-CSV file: no STRUCTURE_ID column in the header",
                                  row=1)
    completeness.ends_with_newline(SOURCE, file, raw)  # the Data Explorer ends every line with CRLF
    header = rows[0]
    dataflow, version = _dataflow(file, header, rows)
    columns = _columns(file, header, (*BASE_COLUMNS, *dataflow.columns))
    kept, left_out, seen = [], {}, {}
    for r, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise UpstreamFormatError(SOURCE, file, f"{len(row)} fields where the header has {len(header)}", row=r)
        cell = {c: row[i].strip() for c, i in columns.items()}
        if any(cell[c] != code for c, code in dataflow.keep.items()):
            continue  # another measure, citizenship or sex: not a migration_flow row
        _check(file, r, columns, cell, "FREQ", {"A"})
        _check(file, r, columns, cell, "UNIT_MEASURE", {"PS"})
        if cell["OBS_VALUE"] == "":
            continue  # no observation
        year = _year(file, r, columns, cell["TIME_PERIOD"])
        persons = _number(file, r, columns, "OBS_VALUE", cell["OBS_VALUE"]) * 10 ** _unit_mult(file, r, columns, cell)
        category = _category(file, r, columns, dataflow, cell)
        key = (cell["REF_AREA"], year, category)
        if key in seen:
            raise UpstreamFormatError(SOURCE, file, f"duplicate observation {key} (first on row {seen[key]})",
                                      row=r, column=columns["TIME_PERIOD"], value=cell["TIME_PERIOD"])
        seen[key] = r
        code = m49_of_iso3(cell["REF_AREA"])
        if code is None:
            left_out[cell["REF_AREA"]] = left_out.get(cell["REF_AREA"], 0) + 1
            continue
        kept.append((year, code, category, persons, cell["OBS_STATUS"]))
    if not seen:
        raise UpstreamFormatError(SOURCE, file, f"no observation of {dataflow.code} with {dataflow.keep}")
    last_year = max(year for _, year, _ in seen)
    vintage = f"data to {last_year}, sha256:{(sha256 or sha256_of(path))[:12]}"
    flows = pd.DataFrame(kept, columns=["year", "destination_code", "category", "persons", "status"])
    flows = flows.assign(source=SOURCE, vintage=vintage, flow_type=dataflow.flow_type)[FLOW_COLUMNS]
    flows = flows.astype({"year": "int64", "destination_code": "int64", "persons": "float64"})
    flows = flows.sort_values(["destination_code", "year", "category"], ignore_index=True)
    return FlowFile(dataflow, version, last_year, vintage, flows, left_out)


def _dataflow(file: str, header: list[str], rows: list[list[str]]) -> tuple[Dataflow, str]:
    column = header.index("STRUCTURE_ID")
    ids = {row[column].strip() for row in rows[1:] if len(row) > column and row[column].strip()}
    if len(ids) != 1:
        raise UpstreamFormatError(SOURCE, file, f"expected one STRUCTURE_ID, found {sorted(ids)}", row=2,
                                  column=column)
    structure = ids.pop()
    match = STRUCTURE_RE.search(structure)
    if not match or match.group(1) not in DATAFLOWS:
        raise UpstreamFormatError(SOURCE, file, f"unknown dataflow; this source reads {sorted(DATAFLOWS)}",
                                  row=2, column=column, value=structure)
    return DATAFLOWS[match.group(1)], match.group(2)


def _columns(file: str, header: list[str], needed: tuple[str, ...]) -> dict[str, int]:
    positions = {name.strip(): i for i, name in enumerate(header)}
    missing = [c for c in needed if c not in positions]
    if missing:
        raise UpstreamFormatError(SOURCE, file, f"column(s) {missing} missing from the header", row=1,
                                  value=", ".join(missing))
    return {c: positions[c] for c in needed}


def _check(file: str, r: int, columns: dict[str, int], cell: dict[str, str], column: str, allowed: set[str]) -> None:
    if cell[column] not in allowed:
        raise UpstreamFormatError(SOURCE, file, f"{column} must be one of {sorted(allowed)}", row=r,
                                  column=columns[column], value=cell[column])


def _year(file: str, r: int, columns: dict[str, int], value: str) -> int:
    if not re.fullmatch(r"(19|20)\d\d", value):
        raise UpstreamFormatError(SOURCE, file, "TIME_PERIOD is not a year", row=r, column=columns["TIME_PERIOD"],
                                  value=value)
    return int(value)


def _number(file: str, r: int, columns: dict[str, int], column: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise UpstreamFormatError(SOURCE, file, f"{column} is not a number", row=r, column=columns[column],
                                  value=value)
    return number


def _unit_mult(file: str, r: int, columns: dict[str, int], cell: dict[str, str]) -> int:
    value = cell["UNIT_MULT"] or "0"
    if not re.fullmatch(r"-?\d+", value):
        raise UpstreamFormatError(SOURCE, file, "UNIT_MULT is not an integer power of ten", row=r,
                                  column=columns["UNIT_MULT"], value=cell["UNIT_MULT"])
    return int(value)


def _category(file: str, r: int, columns: dict[str, int], dataflow: Dataflow, cell: dict[str, str]) -> str:
    if dataflow.category_column is None:
        return "total"
    code = cell[dataflow.category_column]
    if dataflow.flow_type == "permanent":
        if code not in PERMANENT_CATEGORIES:
            raise UpstreamFormatError(SOURCE, file, f"unknown permanent entry category; known: "
                                      f"{sorted(PERMANENT_CATEGORIES)}", row=r,
                                      column=columns[dataflow.category_column], value=code)
        return PERMANENT_CATEGORIES[code]
    if not re.fullmatch(r"[A-Z0-9_]+", code):
        raise UpstreamFormatError(SOURCE, file, "entry category is not an SDMX code", row=r,
                                  column=columns[dataflow.category_column], value=code)
    return code
