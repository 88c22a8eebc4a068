"""World Bank remittances (the series the IOM Migration Data Portal republishes): the bulk
downloads (CSV, Excel, zip; see "bulk downloads" below) from a mirror, or the World Bank
Indicators API v2, JSON format, live or from a mirror of its pages.

Documented answer of `GET /v2/country/all/indicator/{code}?format=json&per_page=N&page=P`:
`[{"page", "pages", "per_page", "total", "sourceid", "lastupdated"}, [{"indicator": {...},
"country": {"id", "value"}, "countryiso3code", "date", "value", "unit", "obs_status",
"decimal"}, ...]]`; an error is `[{"message": [{"id", "key", "value"}]}]` with HTTP 200.
The revision of a series is its `lastupdated` date. Countries map from ISO3 to M49; of the
Bank's aggregates only those matching a UN area are kept: WLD (World, 900), LCN (Latin America
& Caribbean, 904) and NAC (North America: Bermuda, Canada, United States, 905). Their
membership differs slightly from the UN's (the UN's also counts e.g. Anguilla, Montserrat,
Greenland); the series description says so.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine

from etl import completeness
from etl.errors import FetchError, UpstreamFormatError
from etl.fetch import FetchedFile, FetchPolicy, is_url
from etl.indicators import ESTIMATE, INDICATOR_COLUMNS, Collected, SeriesInfo, m49_of_iso3
from etl.mirror import mirror_files
from etl.paged_api import digest_of, fetch_pages, page_location
from etl.provenance import Publisher

SOURCE = "worldbank"
PUBLISHER = "World Bank"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHED_BY = Publisher(SOURCE, PUBLISHER, LICENCE, LICENCE_URL)
API_BASE = "https://api.worldbank.org/v2"
PER_PAGE = 5000
AGGREGATES = {"WLD": 900, "LCN": 904, "NAC": 905}
_CITATION = "World Bank, World Development Indicators, series {code}. {url}"
_AGGREGATE_NOTE = (
    " Regional totals are the World Bank's own aggregates (Latin America & Caribbean, LCN; North "
    "America, NAC), whose membership differs slightly from the UN regions they are shown as."
)


def _series(code: str, names: tuple[str, str, str, str], unit: str, about: str) -> SeriesInfo:
    """One series with its names in English, Spanish, French and Portuguese."""
    url = f"https://data.worldbank.org/indicator/{code}"
    en, es, fr, pt = names
    return SeriesInfo(code, en, es, unit, SOURCE, LICENCE, _CITATION.format(code=code, url=url),
                      about + _AGGREGATE_NOTE, name_fr=fr, name_pt=pt)


RECEIVED, PAID, RECEIVED_GDP = "BX.TRF.PWKR.CD.DT", "BM.TRF.PWKR.CD.DT", "BX.TRF.PWKR.DT.GD.ZS"
SERIES = [
    _series(RECEIVED, ("Personal remittances, received", "Remesas personales recibidas",
                       "Envois de fonds personnels, reçus", "Remessas pessoais, recebidas"),
            "current US$", "Personal transfers and compensation of employees received, current US dollars."),
    _series(PAID, ("Personal remittances, paid", "Remesas personales pagadas", "Envois de fonds personnels, versés",
                   "Remessas pessoais, pagas"),
            "current US$", "Personal transfers and compensation of employees paid, current US dollars."),
    _series(RECEIVED_GDP, ("Personal remittances, received (% of GDP)", "Remesas personales recibidas (% del PIB)",
                           "Envois de fonds personnels, reçus (% du PIB)", "Remessas pessoais, recebidas (% do PIB)"),
            "% of GDP",
            "Personal remittances received as a share of gross domestic product."),
]


def page_url(code: str, page: int) -> str:
    return f"{API_BASE}/country/all/indicator/{code}?format=json&per_page={PER_PAGE}&page={page}"


def page_count(body: object, url: str) -> int:
    """Pages announced by a page's header; the API's error payload becomes a clear error."""
    if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
        messages = body[0]["message"] or [{}]
        text = "; ".join(f"{m.get('id', '?')} {m.get('key', '')}: {m.get('value', '')}" for m in messages)
        raise UpstreamFormatError(SOURCE, url, f"API error: {text}")
    if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict)):
        raise UpstreamFormatError(SOURCE, url, "expected [header, rows] as documented for API v2")
    pages = body[0].get("pages")
    if not isinstance(pages, int) or pages < 1:
        raise UpstreamFormatError(SOURCE, url, f"no data: the header announces pages={pages!r}, "
                                               f"total={body[0].get('total')!r}")
    return pages


def collect_api(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """From the API (or a mirror of its pages): every series, every page; rows for known areas
    only, with a count of the others."""
    frames, provenance, left_out, saved = [], [], {}, []
    for series in SERIES:
        frame, row, dropped, pages = _collect_series(series, mirror, cache_dir, policy)
        frames.append(frame)
        provenance.append(row)
        saved += pages
        for code, n in dropped.items():
            left_out[code] = left_out.get(code, 0) + n
    return Collected(pd.concat(frames, ignore_index=True), provenance, left_out, saved)


def _collect_series(
    series: SeriesInfo, mirror: str | None, cache_dir: Path, policy: FetchPolicy
) -> tuple[pd.DataFrame, dict, dict[str, int], list[tuple[str, Path]]]:
    records, files, dropped, saved = [], [], {}, []
    revision = total = None
    nulls = 0
    pages = fetch_pages(SOURCE, lambda p: page_url(series.code, p), page_count,
                        name=series.code, mirror=mirror, cache_dir=cache_dir, policy=policy)
    for page in pages:
        header, rows = page.body[0], page.body[1]  # type: ignore[index]
        if rows is None or not isinstance(rows, list) or not rows:
            raise UpstreamFormatError(SOURCE, page.file.url, f"page {page.number} of {header.get('pages')} is empty")
        revision = revision or header.get("lastupdated")
        total = header.get("total")
        files.append(page.file)
        saved.append((page.mirror_path, page.file.path))
        for position, row in enumerate(rows):
            parsed = parse_row(row, series, page.file.url, page.number, position)
            if parsed is None:
                nulls += 1
            elif isinstance(parsed, str):
                dropped[parsed] = dropped.get(parsed, 0) + 1
            else:
                records.append(parsed)
    received = len(records) + sum(dropped.values()) + nulls
    if isinstance(total, int) and received != total:
        raise UpstreamFormatError(SOURCE, files[-1].url, f"the header announces {total} rows, the pages hold {received}")
    if not revision:
        raise UpstreamFormatError(SOURCE, files[0].url, "no 'lastupdated' in the header: the revision is unknown")
    frame = pd.DataFrame(records, columns=["area_code", "year", "value"])
    frame = frame.assign(series=series.code, unit=series.unit, source=SOURCE, revision=str(revision), variant=ESTIMATE)
    return frame[INDICATOR_COLUMNS], _provenance(series, files, str(revision), len(frame)), dropped, saved


def parse_row(row: object, series: SeriesInfo, url: str, page: int, position: int) -> dict | str | None:
    """One observation; None for a null value, the publisher's code for an area left out."""
    where = f"page {page}, row {position + 1}"
    if not isinstance(row, dict):
        raise UpstreamFormatError(SOURCE, url, f"{where}: expected an object, got {row!r:.80}")
    indicator = (row.get("indicator") or {}).get("id")
    if indicator != series.code:
        raise UpstreamFormatError(SOURCE, url, f"{where}: indicator {indicator!r}, expected {series.code}")
    iso3 = str(row.get("countryiso3code") or "")
    value = row.get("value")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise UpstreamFormatError(SOURCE, url, f"{where} ({iso3}): value {value!r} is not a finite number")
    year = str(row.get("date", ""))
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        raise UpstreamFormatError(SOURCE, url, f"{where} ({iso3}): date {year!r} is not a year")
    code = AGGREGATES.get(iso3) or m49_of_iso3(iso3)
    if code is None:
        return iso3 or str((row.get("country") or {}).get("id"))
    return {"area_code": code, "year": int(year), "value": float(value)}


def _provenance(series: SeriesInfo, files: list, revision: str, rows: int) -> dict:
    return PUBLISHED_BY.provenance(
        dataset=f"worldbank_{series.code}", revision=int(revision[:4]), url=page_url(series.code, 1), files=files,
        sha256=digest_of(files), local_name=series.code, citation=f"{series.citation} Last updated {revision}.",
        rows=rows, vintage=revision,
    )


# ---- bulk downloads: CSV, Excel and the zip the API serves for ?downloadformat=csv|excel ----
#
# What data.worldbank.org's "Download CSV/Excel" gives (and the API at BULK_URL): a wide table
# after a preamble of "Data Source" and "Last Updated Date" lines; `Country Name, Country Code,
# Indicator Name, Indicator Code, 1960 … YYYY`; an empty cell is no value. The zip holds the
# API_*.csv with Metadata_Country_*.csv / Metadata_Indicator_*.csv; the .xls holds sheet `Data`
# (same layout; its "Last Updated Date" is an Excel date) and `Metadata - Countries`. Files keep
# whatever name whoever saved them chose, so each is identified by its content: the series by
# the `Indicator Code` column, the vintage by the "Last Updated Date". Every vintage present is
# loaded side by side (revision = the vintage). A file of an indicator that is not in SERIES is
# skipped and named in `left_out` (a stray download in a remittance mirror, not a reason to stop
# the build), unless no file holds any of the series at all.
#
# Areas: ISO3 -> M49; WLD/LCN/NAC as AGGREGATES. The Bank's other aggregates (empty Region in
# the country metadata, and INX "Not classified", which the metadata never lists) and economies
# the project has no M49 code for (XKX Kosovo) are left out and counted. A code that maps to
# nothing and that the country metadata does not list is an error: the layout or the codes
# changed. Without any country metadata in the mirror, unmapped codes are left out and counted.

BULK_URL = "https://api.worldbank.org/v2/en/indicator/{code}?downloadformat={fmt}"
BULK_FILES = ("the bulk downloads' data CSV, Excel workbook or zip, and their Metadata_Country / "
              "Metadata_Indicator files")
ECONOMIES_FILE = "reference/worldbank_country_names.csv"  # the World Bank's own list of economies
BULK_HEADER = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
NOT_CLASSIFIED = frozenset({"INX"})  # "Not classified": in the data tables, never in the country metadata
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_CODE_RE = re.compile(r"^[A-Z0-9]{3}$")
_EXCEL_EPOCH = date(1899, 12, 30)
_PREAMBLE_ROWS = 10
_RELATIVE_TOLERANCE = 1e-12  # CSV cells carry 15 significant digits, the .xls full doubles

Grid = list[tuple[int, list[object]]]  # (row number as the publisher's file counts it, cells)


@dataclass(frozen=True)
class BulkTable:
    """One data table of a bulk download, parsed: where it came from and its tidy rows."""

    relative: str  # path in the mirror (and `!member` inside a zip)
    file: FetchedFile
    fmt: str  # "csv" or "excel", as the API's downloadformat names it
    code: str  # Indicator Code
    vintage: str  # Last Updated Date, ISO
    frame: pd.DataFrame  # area_code, year, value
    dropped: dict[str, int]  # publisher code -> values left out


@dataclass
class _Pending:
    """A data table read but not yet mapped to areas (that needs every file's country metadata)."""

    relative: str
    file: FetchedFile
    fmt: str
    where: str
    sheet: str | None
    grid: Grid
    own_countries: dict[str, str] | None  # code -> Region, from the same workbook or zip


def bulk_url(code: str, fmt: str) -> str:
    return BULK_URL.format(code=code, fmt=fmt)


def collect(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """From a bulk-download mirror (folder or listed URL) when it holds bulk files; from the API
    (or a mirror of its pages, `<code>/page-<n>.json`) otherwise."""
    if mirror and not is_url(mirror):
        if any((Path(mirror) / s.code / "page-1.json").is_file() for s in SERIES):
            return collect_api(mirror, cache_dir, policy)
        return collect_bulk(mirror, cache_dir, policy)
    if mirror:
        first_page = page_location(page_url(SERIES[0].code, 1), mirror, SERIES[0].code, 1)
        try:
            return collect_api(mirror, cache_dir, policy)
        except FetchError as exc:
            if not (exc.not_found and exc.url == first_page):
                raise
        return collect_bulk(mirror, cache_dir, policy)  # no API answer there: a mirror of files
    return collect_api(None, cache_dir, policy)


def collect_bulk(mirror: str, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """Every bulk file under `mirror` (any name, any sub-folder), every vintage side by side."""
    files = mirror_files(SOURCE, mirror, cache_dir, policy)
    pending, countries, left_out, saved = [], {}, {}, []
    for mirrored in files:
        found, found_countries, recognised = read_bulk_file(mirrored.relative, mirrored.file)
        if not recognised:
            raise completeness.unrecognised(SOURCE, mirrored.relative, BULK_FILES)
        saved.append((mirrored.relative, mirrored.file.path))
        pending += found
        countries.update(found_countries)
    tables = [parse_pending(p, p.own_countries if p.own_countries is not None else (countries or None))
              for p in pending]
    known = {s.code: s for s in SERIES}
    kept: dict[tuple[str, str], BulkTable] = {}
    for table in tables:
        if table.code not in known:
            left_out[f"indicator {table.code} is not a series of this dashboard: {table.relative}"] = len(table.frame)
            continue
        key = (table.code, table.vintage)
        if key in kept:
            _check_same(kept[key], table)
            left_out[f"same {table.code} vintage {table.vintage} as {kept[key].relative}: {table.relative}"] = len(table.frame)
            continue
        kept[key] = table
        for code, n in table.dropped.items():
            left_out[code] = left_out.get(code, 0) + n
    if not kept:
        raise UpstreamFormatError(SOURCE, mirror, f"no file in the mirror holds one of the series {sorted(known)}; "
                                                  f"left out: {sorted(left_out)}")
    frames, provenance = [], []
    for (code, vintage), table in sorted(kept.items()):
        series = known[code]
        frames.append(table.frame.assign(series=code, unit=series.unit, source=SOURCE, revision=vintage,
                                         variant=ESTIMATE)[INDICATOR_COLUMNS])
        provenance.append(PUBLISHED_BY.provenance(
            dataset=f"worldbank_{code}_{vintage}", revision=int(vintage[:4]), url=bulk_url(code, table.fmt),
            files=[table.file], sha256=table.file.sha256, local_name=table.relative,
            citation=f"{series.citation} Last updated {vintage}.", rows=len(table.frame), vintage=vintage))
    return Collected(pd.concat(frames, ignore_index=True), provenance, left_out, saved)


def _check_same(first: BulkTable, second: BulkTable) -> None:
    """The same series and vintage twice (e.g. as CSV and as Excel) must hold the same figures."""
    a = first.frame.set_index(["area_code", "year"])["value"].sort_index()
    b = second.frame.set_index(["area_code", "year"])["value"].sort_index()
    if a.index.equals(b.index) and np.allclose(a.to_numpy(), b.to_numpy(), rtol=_RELATIVE_TOLERANCE, atol=0):
        return
    differ = a.index.symmetric_difference(b.index)
    if len(differ):
        detail = f"(area, year) {differ[0]} is in one and not the other"
    else:
        bad = ~np.isclose(a.to_numpy(), b.to_numpy(), rtol=_RELATIVE_TOLERANCE, atol=0)
        where = a.index[bad][0]
        detail = f"(area, year) {where}: {a[where]!r} against {b[where]!r}"
    raise UpstreamFormatError(SOURCE, second.relative, f"series {second.code} vintage {second.vintage} is also in "
                                                       f"{first.relative} with different figures: {detail}")


# ---- reading one file ----

def read_bulk_file(relative: str, file: FetchedFile) -> tuple[list[_Pending], dict[str, str], bool]:
    """The data tables and the country metadata (code -> Region) one file holds, by content;
    the flag is False for a file that is no World Bank bulk file at all."""
    data = file.path.read_bytes()
    return _read_bytes(data, relative, file, file.url)


def _read_bytes(data: bytes, relative: str, file: FetchedFile, where: str
                ) -> tuple[list[_Pending], dict[str, str], bool]:
    if data.startswith(_OLE_MAGIC):
        return _read_xls(data, relative, file, where)
    if data.startswith(_ZIP_MAGIC):
        return _read_zip(data, relative, file, where)
    kind = _text_kind(data)
    if kind == "data":
        return [_Pending(relative, file, "csv", where, None, _csv_grid(data, where), None)], {}, True
    if kind == "countries":
        return [], _countries_from_grid(_csv_grid(data, where), where, None), True
    return [], {}, kind == "indicators"


def _text_kind(data: bytes) -> str:
    head = data[:4096].decode("utf-8-sig", errors="replace").lstrip()
    first = next(csv.reader(io.StringIO(head.split("\n", 1)[0])), [""])
    label = first[0].strip() if first else ""
    if label in ("Data Source", "Last Updated Date", BULK_HEADER[0]):
        return "data"
    if label == "Country Code" and "Region" in [c.strip() for c in first]:
        return "countries"
    if label == "INDICATOR_CODE":
        return "indicators"
    return "other"


def _csv_grid(data: bytes, where: str) -> Grid:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UpstreamFormatError(SOURCE, where, f"not UTF-8 text: {exc}") from None
    if not text.endswith("\n"):
        partial = next(csv.reader([text.rsplit("\n", 1)[-1]]), [])
        raise UpstreamFormatError(SOURCE, where, "the file ends in the middle of a line: truncated",
                                  row=text.count("\n") + 1, column=max(len(partial) - 1, 0),
                                  value=partial[-1] if partial else None)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    grid: Grid = []
    try:
        for cells in reader:
            grid.append((reader.line_num, cells))
    except csv.Error as exc:
        raise UpstreamFormatError(SOURCE, where, f"not a readable CSV (truncated?): {exc}", row=reader.line_num) from None
    return grid


def _read_xls(data: bytes, relative: str, file: FetchedFile, where: str
              ) -> tuple[list[_Pending], dict[str, str], bool]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    except Exception as exc:  # calamine's own error types: a truncated or corrupt workbook
        raise UpstreamFormatError(SOURCE, where, f"cannot read the Excel workbook (truncated?): {exc}") from None
    if "Data" not in sheets:
        raise UpstreamFormatError(SOURCE, where, f"sheet 'Data' not found; sheets are {list(sheets)}")
    grid = [(number, row) for number, row in enumerate(sheets["Data"], start=1)]
    meta_sheet = "Metadata - Countries"
    countries = (_countries_from_grid(list(enumerate(sheets[meta_sheet], start=1)), where, meta_sheet)
                 if meta_sheet in sheets else None)
    return [_Pending(relative, file, "excel", where, "Data", grid, countries)], countries or {}, True


def _read_zip(data: bytes, relative: str, file: FetchedFile, where: str
              ) -> tuple[list[_Pending], dict[str, str], bool]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise UpstreamFormatError(SOURCE, where, f"not a readable zip archive (truncated?): {exc}") from None
    tables, countries, recognised = [], {}, False
    for name in sorted(members):
        found, found_countries, ok = _read_bytes(members[name], f"{relative}!{name}", file, f"{where}!{name}")
        tables += found
        countries.update(found_countries)
        recognised |= ok
    fmt = "csv" if all(t.fmt == "csv" for t in tables) else "excel"
    own = countries or None
    return [_Pending(t.relative, t.file, fmt, t.where, t.sheet, t.grid, t.own_countries or own) for t in tables], \
        countries, recognised


def _countries_from_grid(grid: Grid, where: str, sheet: str | None) -> dict[str, str]:
    """Country metadata: code -> Region ('' for the Bank's aggregates)."""
    rows = [(n, cells) for n, cells in grid if any(_cell_text(c) for c in cells)]
    if not rows:
        raise UpstreamFormatError(SOURCE, where, "empty country metadata", sheet=sheet)
    number, header = rows[0]
    labels = [_cell_text(c) for c in header]
    if "Country Code" not in labels or "Region" not in labels:
        raise UpstreamFormatError(SOURCE, where, f"country metadata header lacks 'Country Code' or 'Region': {labels[:6]}",
                                  sheet=sheet, row=number)
    code_col, region_col = labels.index("Country Code"), labels.index("Region")
    out = {}
    for number, cells in rows[1:]:
        code = _cell_text(cells[code_col]) if code_col < len(cells) else ""
        if not _CODE_RE.match(code):
            raise UpstreamFormatError(SOURCE, where, "country metadata: not a country code", sheet=sheet,
                                      row=number, column=code_col, value=code)
        out[code] = _cell_text(cells[region_col]) if region_col < len(cells) else ""
    return out


# ---- one data table ----

def parse_pending(table: _Pending, countries: dict[str, str] | None) -> BulkTable:
    """Check the layout and map the areas; `countries` (code -> Region) decides what an
    unmapped code is: an aggregate or an economy to leave out, or an error if it is not listed."""
    where, sheet, grid = table.where, table.sheet, table.grid

    def error(detail: str, **at: object) -> UpstreamFormatError:
        return UpstreamFormatError(SOURCE, where, detail, sheet=sheet, **at)  # type: ignore[arg-type]

    vintage, header_at = _preamble(grid, error)
    number, header = grid[header_at]
    for column, label in enumerate(BULK_HEADER):
        found = _cell_text(header[column]) if column < len(header) else ""
        if found != label:
            raise error(f"header changed: expected {label!r}", row=number, column=column, value=found)
    years = _year_columns(header, number, error)
    width = len(header)
    code = None
    seen: dict[str, int] = {}
    records, dropped = [], {}
    for number, cells in grid[header_at + 1:]:
        if not any(_cell_text(c) for c in cells):
            continue
        if table.fmt == "csv" and len(cells) < width:
            raise error(f"row has {len(cells)} cells, the header {width}: truncated or re-saved file",
                        row=number, column=len(cells))
        indicator = _cell_text(cells[3])
        code = code or indicator
        if indicator != code:
            raise error(f"indicator {indicator!r} in a table of {code!r}", row=number, column=3, value=indicator)
        iso3 = _cell_text(cells[1])
        if not _CODE_RE.match(iso3):
            raise error("not a country code", row=number, column=1, value=cells[1])
        if iso3 in seen:
            raise error(f"duplicate country row (first at row {seen[iso3]})", row=number, column=1, value=iso3)
        seen[iso3] = number
        values = []
        for column, year in years:
            value = _number(cells[column] if column < len(cells) else "", error, number, column)
            if value is not None:
                values.append((year, value))
        for column in range(years[-1][0] + 1, len(cells)):
            if _cell_text(cells[column]) or isinstance(cells[column], int | float) and not isinstance(cells[column], bool):
                raise error("a value beyond the last year column", row=number, column=column, value=cells[column])
        listed_as_aggregate = countries is not None and countries.get(iso3) == ""
        area = AGGREGATES.get(iso3) or (None if listed_as_aggregate else m49_of_iso3(iso3))
        if area is None:
            if countries is not None and iso3 not in countries and iso3 not in NOT_CLASSIFIED:
                raise error(f"country code {iso3} ({_cell_text(cells[0])}) has no M49 code and the country metadata "
                            f"does not list it as a World Bank aggregate or economy", row=number, column=1, value=iso3)
            if values:
                dropped[iso3] = dropped.get(iso3, 0) + len(values)
            continue
        records += [(area, year, value) for year, value in values]
    if code is None:
        raise error("no data rows after the header: truncated file", row=grid[header_at][0] + 1, column=0)
    _check_every_economy(table, countries, seen)
    frame = pd.DataFrame(records, columns=["area_code", "year", "value"])
    return BulkTable(table.relative, table.file, table.fmt, code, vintage, frame, dropped)


def _check_every_economy(table: _Pending, countries: dict[str, str] | None, seen: dict[str, int]) -> None:
    """A table has a row for every code of the country metadata (its own, else the mirror's; without
    any, the World Bank's list of economies in etl/reference): a file cut at a line end lacks the
    codes that sort after the cut."""
    if countries is not None:
        expected, promised_by = set(countries), "the World Bank's country metadata lists them"
    else:
        expected, promised_by = economies(), f"the World Bank's list of economies ({ECONOMIES_FILE}) lists them"
    completeness.missing_expected(SOURCE, table.where, "country or aggregate rows", expected, seen,
                                  promised_by=promised_by)


@cache
def economies() -> frozenset[str]:
    """ISO3 of every economy the World Bank lists (its Metadata_Country file, committed)."""
    text = resources.files("etl").joinpath(ECONOMIES_FILE).read_text(encoding="utf-8")
    return frozenset(row["iso3"] for row in csv.DictReader(text.splitlines()))


def _preamble(grid: Grid, error: Callable[..., UpstreamFormatError]) -> tuple[str, int]:
    """The vintage ("Last Updated Date") and the index of the header row in `grid`."""
    source = updated = None
    for index, (number, cells) in enumerate(grid[:_PREAMBLE_ROWS]):
        label = _cell_text(cells[0]) if cells else ""
        if label == "Data Source":
            source = number
        elif label == "Last Updated Date":
            updated = (number, cells[1] if len(cells) > 1 else "")
        elif label:
            if source is None or updated is None:
                missing = "'Data Source'" if source is None else "'Last Updated Date'"
                raise error(f"missing preamble: no {missing} line before the header", row=number, column=0,
                            value=label)
            return _vintage(updated[1], updated[0], error), index
    raise error("no header row within the first rows: truncated or not a World Bank bulk file",
                row=grid[-1][0] if grid else 1)


def _vintage(cell: object, row: int, error: Callable[..., UpstreamFormatError]) -> str:
    """ISO date of a "Last Updated Date" cell: a CSV string, or an Excel date (or serial number)."""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, int | float) and not isinstance(cell, bool) and 1 <= cell < 2_958_466:
        return (_EXCEL_EPOCH + timedelta(days=int(cell))).isoformat()
    text = _cell_text(cell)
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise error("'Last Updated Date' is not a date", row=row, column=1, value=cell) from None


def _year_columns(header: list[object], row: int, error: Callable[..., UpstreamFormatError]) -> list[tuple[int, int]]:
    years: list[tuple[int, int]] = []
    for column in range(len(BULK_HEADER), len(header)):
        cell = header[column]
        label = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else _cell_text(cell) or (
            str(cell) if isinstance(cell, int) and not isinstance(cell, bool) else "")
        if not label:
            continue  # the CSV's trailing comma
        if not (label.isascii() and label.isdigit() and len(label) == 4) or (years and int(label) <= years[-1][1]):
            raise error("header changed: expected increasing year columns", row=row, column=column, value=cell)
        if years and column != years[-1][0] + 1:
            raise error("header changed: a gap between the year columns", row=row, column=column, value=cell)
        years.append((column, int(label)))
    if not years:
        raise error("header changed: no year columns", row=row, column=len(BULK_HEADER))
    return years


def _number(cell: object, error: Callable[..., UpstreamFormatError], row: int, column: int) -> float | None:
    """A cell's value: None when empty, a finite number, or an error naming the cell."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise error("not a number", row=row, column=column, value=cell)
    try:
        value = float(cell)
    except ValueError:
        raise error("not a number", row=row, column=column, value=cell) from None
    if not math.isfinite(value):
        raise error("not a finite number", row=row, column=column, value=cell)
    return value


def _cell_text(cell: object) -> str:
    return cell.strip() if isinstance(cell, str) else ""
