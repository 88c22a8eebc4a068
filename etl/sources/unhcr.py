"""UNHCR population statistics: refugees, asylum-seekers, other people in need of
international protection, IDPs, stateless people..., by country of origin and of asylum.

Two ways in:

* Files (`collect_files`), identified by their content, never their name:
  - the dataset `population` of UNHCR's R package `refugees` (`population.rda`, an R data
    file, bzip2/gzip/xz-compressed "RDX2"/"RDX3" XDR serialization): one row per year x
    origin x asylum country, 1951 on, columns year, coo_iso, coa_iso and nine counts. Read
    with pyreadr (R's own librdata; `rdata` serves the tests as an independent reader).
    The file carries no release label, so releases are recognised by their sha256
    (`RELEASES`, from the upstream PROVENANCE.md); an unknown file is labelled
    "<max year>.unlabelled.<sha256[:8]>": it starts with its year (the build reads the
    revision year from the label's first four characters), stays unique per file, and never
    pretends to be a named release.
  - the Refugee Data Finder download (`population.csv`): preamble lines with "Date
    extracted:" (DD/MM/YYYY, the vintage, kept as ISO "2021-03-07"), then a header starting
    `Year,`; "-" or empty = none. Its "Venezuelans displaced abroad" is today's `oip`.
  Every origin x asylum pair is kept in the `displacement` table; UNHCR's non-country codes
  (UNK unknown origin, XXA stateless, TIB Tibetan, "various") map to the explicit residual
  areas of etl/reference/areas.yaml, so sums over origins reach UNHCR's totals.
* The Population Statistics API v1 (`collect` without a file mirror), for live fetches.

Documented answer of `GET /population/v1/population/?limit=N&page=P&yearFrom=Y&yearTo=Y&
coo_all=true` (one row per origin and year) or `coa_all=true` (per asylum country and year):
`{"page", "maxPages", "total", "items": [{"year", "coo_id", "coo_name", "coo", "coo_iso",
"coa_id", "coa_name", "coa", "coa_iso", "refugees", "asylum_seekers", "oip", ...}]}`, where a
count may be a number, a numeric string, or "-" (none reported). The side not asked for is
"-". These people are also part of UN DESA's migrant stock in their host country: never add
the two. UNHCR publishes no edition label in the API; a series' revision is the latest year
its data reaches.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadr

from etl.areas import residual_code
from etl.errors import FetchError, UpstreamFormatError
from etl.fetch import FetchPolicy, is_url
from etl.indicators import ESTIMATE, INDICATOR_COLUMNS, Collected, SeriesInfo, m49_of_iso3
from etl.mirror import MirroredFile, mirror_files
from etl.paged_api import digest_of, fetch_pages, page_location
from etl.provenance import Publisher
from etl.sources import unhcr_checks

SOURCE = "unhcr"
PUBLISHER = "UNHCR, the UN Refugee Agency"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHED_BY = Publisher(SOURCE, PUBLISHER, LICENCE, LICENCE_URL)
API_BASE = "https://api.unhcr.org/population/v1/population/"
LIMIT = 1000
FIRST_YEAR = 1990
POPULATIONS = {  # API field -> (English, Spanish); French and Portuguese in POPULATIONS_FR_PT
    "refugees": ("Refugees", "Personas refugiadas"),
    "asylum_seekers": ("Asylum-seekers", "Solicitantes de asilo"),
    "oip": ("Other people in need of international protection",
            "Otras personas con necesidad de protección internacional"),
}
POPULATIONS_FR_PT = {
    "refugees": ("Personnes réfugiées", "Refugiados"),
    "asylum_seekers": ("Demandeurs d'asile", "Solicitantes de refúgio"),
    "oip": ("Autres personnes ayant besoin d'une protection internationale",
            "Outras pessoas com necessidade de proteção internacional"),
}
SIDES = {  # query -> (area field, English, Spanish, French, Portuguese)
    "origin": ("coo_iso", "by country of origin", "por país de origen", "par pays d'origine", "por país de origem"),
    "asylum": ("coa_iso", "by country of asylum", "por país de asilo", "par pays d'asile", "por país de refúgio"),
}
CITATION = "UNHCR, Refugee Data Finder, population statistics. https://www.unhcr.org/refugee-statistics/download/"


def series_code(population: str, side: str) -> str:
    return f"unhcr.{population}.{side}"


SERIES = [
    SeriesInfo(
        series_code(population, side), f"{en} {side_en}", f"{es} {side_es}", "persons", SOURCE, LICENCE,
        CITATION,
        f"{en} under UNHCR's mandate at the end of each year, {side_en}. Already counted in the "
        "international migrant stock of the host country.",
        name_fr=f"{POPULATIONS_FR_PT[population][0]} {side_fr}", name_pt=f"{POPULATIONS_FR_PT[population][1]} {side_pt}",
    )
    for population, (en, es) in POPULATIONS.items()
    for side, (_, side_en, side_es, side_fr, side_pt) in SIDES.items()
]


def page_url(side: str, page: int, year_to: int) -> str:
    grouping = "coo_all" if side == "origin" else "coa_all"
    return (f"{API_BASE}?limit={LIMIT}&page={page}&yearFrom={FIRST_YEAR}&yearTo={year_to}"
            f"&{grouping}=true")


def page_count(body: object, url: str) -> int:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        detail = body.get("message") or body.get("error") if isinstance(body, dict) else None
        raise UpstreamFormatError(SOURCE, url, f"expected {{maxPages, items}} as documented"
                                               f"{f'; the API says: {detail}' if detail else ''}")
    pages = body.get("maxPages")
    if not isinstance(pages, int) or pages < 1:
        raise UpstreamFormatError(SOURCE, url, f"no data: maxPages={pages!r}")
    return pages


def collect(mirror: str | None, cache_dir: Path, policy: FetchPolicy, year_to: int | None = None) -> Collected:
    """Files when the mirror holds UNHCR's files; the API (live, or an API mirror) otherwise.
    A URL mirror is asked for the API's first page first: a file mirror answers 404 there,
    while an API mirror is then read without a single extra request."""
    year_to = year_to or date.today().year
    if not mirror:
        return collect_api(None, cache_dir, policy, year_to)
    first_page = page_location(page_url("origin", 1, year_to), mirror, "population-origin", 1)
    if not is_url(mirror):
        if Path(first_page).is_file():
            return collect_api(mirror, cache_dir, policy, year_to)
        return collect_files(mirror, cache_dir, policy)
    try:
        return collect_api(mirror, cache_dir, policy, year_to)
    except FetchError as exc:
        if not (exc.not_found and exc.url == first_page):
            raise
        api_error = exc
    try:
        return collect_files(mirror, cache_dir, policy)
    except FetchError as exc:
        raise FetchError(SOURCE, mirror, f"neither an API mirror ({api_error.detail}) nor a file mirror "
                                         f"({exc.detail})", not_found=exc.not_found) from exc


def collect_api(mirror: str | None, cache_dir: Path, policy: FetchPolicy, year_to: int) -> Collected:
    """The API v1 totals per origin and per asylum country (no origin x asylum pairs)."""
    frames, provenance, left_out, saved = [], [], {}, []
    for side in SIDES:
        frame, pages, dropped = _collect_side(side, mirror, cache_dir, policy, year_to)
        files = [page.file for page in pages]
        saved += [(page.mirror_path, page.file.path) for page in pages]
        revision = str(int(frame["year"].max())) if len(frame) else str(year_to)
        frames.append(frame.assign(revision=revision, variant=ESTIMATE))
        provenance.append(_provenance(side, files, revision, len(frame), year_to))
        for code, n in dropped.items():
            left_out[code] = left_out.get(code, 0) + n
    return Collected(pd.concat(frames, ignore_index=True)[INDICATOR_COLUMNS], provenance, left_out, saved)


def _collect_side(side: str, mirror: str | None, cache_dir: Path, policy: FetchPolicy, year_to: int):
    area_field = SIDES[side][0]
    records, read, dropped = [], [], {}
    pages = fetch_pages(SOURCE, lambda p: page_url(side, p, year_to), page_count,
                        name=f"population-{side}", mirror=mirror, cache_dir=cache_dir, policy=policy)
    for page in pages:
        items = page.body["items"]  # type: ignore[index]
        if not items:
            raise UpstreamFormatError(SOURCE, page.file.url, f"page {page.number} is empty")
        read.append(page)
        for position, item in enumerate(items):
            where = f"page {page.number}, item {position + 1}"
            if not isinstance(item, dict):
                raise UpstreamFormatError(SOURCE, page.file.url, f"{where}: expected an object")
            iso3 = str(item.get(area_field) or "-")
            code = m49_of_iso3(iso3)
            if code is None:
                dropped[iso3] = dropped.get(iso3, 0) + 1
                continue
            year = _year(item.get("year"), page.file.url, where)
            for population in POPULATIONS:
                value = count(item.get(population), page.file.url, f"{where} ({iso3}, {population})")
                if value is not None:
                    records.append((series_code(population, side), code, year, value))
    frame = pd.DataFrame(records, columns=["series", "area_code", "year", "value"])
    return frame.assign(unit="persons", source=SOURCE), read, dropped


def count(value: object, url: str, where: str) -> float | None:
    """A head count: a number or numeric string; "-" or null means none reported."""
    if value is None or value == "-" or value == "":
        return None
    if isinstance(value, bool):
        raise UpstreamFormatError(SOURCE, url, f"{where}: {value!r} is not a count")
    try:
        number = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except ValueError:
        raise UpstreamFormatError(SOURCE, url, f"{where}: {value!r} is not a count") from None
    if not math.isfinite(number) or number < 0:
        raise UpstreamFormatError(SOURCE, url, f"{where}: {value!r} is not a count")
    return number


def _year(value: object, url: str, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1950 <= value <= 2100:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise UpstreamFormatError(SOURCE, url, f"{where}: year {value!r} is not a year")


def _provenance(side: str, files: list, revision: str, rows: int, year_to: int) -> dict:
    return PUBLISHED_BY.provenance(
        dataset=f"unhcr_population_{side}", revision=int(revision), url=page_url(side, 1, year_to), files=files,
        sha256=digest_of(files), local_name=f"population-{side}", citation=f"{CITATION} Data to end-{revision}.",
        rows=rows,
    )


# ---- files: the `refugees` R package and the Refugee Data Finder download ----

RDA_URL = "https://github.com/PopulationStatistics/refugees (data/population.rda)"
RDF_URL = "https://www.unhcr.org/refugee-statistics/download/"
RDA_CITATION = ("UNHCR, refugees: UNHCR Refugee Population Statistics Database, R package {vintage}, "
                "dataset `population`. https://github.com/PopulationStatistics/refugees")
RDF_CITATION = "UNHCR, Refugee Data Finder, population figures extracted {vintage}. " + RDF_URL
RELEASES = {  # sha256 of population.rda -> release of the `refugees` package (upstream PROVENANCE.md)
    "66eb6872a5f34c82705be97759051703bc0f404e3ecadc9c72a5f61424a22cf8": "2025.12.1",
    "261acf0b3efb5e87fddfe794ec1b5d42fe7bc7217d80990bd7ae0bce31524e52": "2024.12.0",
}
DISPLACEMENT_POPULATIONS = ("refugees", "asylum_seekers", "oip", "returned_refugees", "idps", "returned_idps",
                            "stateless", "ooc", "hst")
DISPLACEMENT_COLUMNS = ["revision", "vintage", "year", "origin_code", "asylum_code", "population", "persons"]
# UNHCR's non-country origins/destinations -> residual area key (etl/reference/areas.yaml)
RESIDUALS = {"UNK": "UNK", "XXA": "XXA", "TIB": "TIB", "VAR": "VAR"}
RDA_FIELDS = ("year", "coo_iso", "coa_iso", *DISPLACEMENT_POPULATIONS)
RDA_LAYOUT = ("year", "coo_name", "coo", "coo_iso", "coa_name", "coa", "coa_iso", "refugees", "asylum_seekers",
              "returned_refugees", "idps", "returned_idps", "stateless", "ooc", "oip", "hst")  # as published
RDF_HEADER = {  # the download's header -> field (None: a name, not read)
    "Year": "year", "Country of origin": None, "Country of origin (ISO)": "origin", "Country of asylum": None,
    "Country of asylum (ISO)": "asylum", "Refugees under UNHCR's mandate": "refugees",
    "Asylum-seekers": "asylum_seekers", "IDPs of concern to UNHCR": "idps",
    "Venezuelans displaced abroad": "oip", "Stateless persons": "stateless", "Others of concern": "ooc",
}
RDF_NAMELESS = {"Unknown": "UNK"}  # area name -> code, where the download leaves the ISO cell empty
FIRST_DATA_YEAR, LAST_DATA_YEAR = 1951, 2100
# The data folder of the `refugees` package holds these R objects, one per .rda file.
PACKAGE_DATASETS = ("population", "asylum_applications", "asylum_decisions", "flows", "demographics", "solutions")
_RDA_MAGIC = (b"BZh", b"\x1f\x8b", b"\xfd7zXZ\x00", b"RDX2\n", b"RDX3\n")  # bzip2, gzip, xz, plain
_COMPRESSED_OPENERS = {b"BZh": bz2.open, b"\x1f\x8b": gzip.open, b"\xfd7zXZ\x00": lzma.open}


@dataclass
class Release:
    """One upstream file read into wide rows (one per year x origin x asylum), with its label.

    `rows` holds `row` (the file's row or line number, for errors), `year`, `origin`, `asylum`
    (publisher codes) and the counts (NaN = none); `columns` gives each field's position."""

    kind: str  # "rda" or "rdf"
    vintage: str
    revision: int
    rows: pd.DataFrame
    columns: dict[str, int]


def file_kind(path: Path) -> str | None:
    """'rda' (an R data file, compressed or not), 'rdf' (a Refugee Data Finder CSV) or None
    (e.g. the download's footnotes.csv), from the first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(_RDA_MAGIC[3:]):
        return "rda"
    opener = next((o for magic, o in _COMPRESSED_OPENERS.items() if head.startswith(magic)), None)
    if opener is not None:
        try:
            with opener(path) as stream:
                start = stream.read(5)
        except (OSError, EOFError, ValueError, lzma.LZMAError):
            return "rda"  # a corrupt stream: read_rda says what is wrong with it
        return "rda" if start in (b"", *_RDA_MAGIC[3:]) else None
    lines = head.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    if lines and (lines[0].startswith("Extracted:") or any(line.startswith("Year,") for line in lines[:40])):
        return "rdf"
    return None


def read_rda(path: Path, name: str) -> pd.DataFrame:
    """The `population` data frame of an R data file, as wide rows (see `Release.rows`).

    Read with pyreadr (R's librdata in a wheel: no R install, 1.5 s for 139,000 rows, where the
    pure-Python `rdata` takes 15 s; the tests check our rows against `rdata` cell for cell)."""
    try:
        frames = pyreadr.read_r(str(path))
    except Exception as exc:  # librdata reports truncation and corruption as generic errors
        raise UpstreamFormatError(SOURCE, name, f"not a readable R data file ({type(exc).__name__}: {exc}); "
                                                "truncated or corrupt download?") from None
    if "population" not in frames and len(frames) == 1 and set(frames) <= set(PACKAGE_DATASETS):
        raise OtherPackageDataset(next(iter(frames)))
    chosen = [frames["population"]] if "population" in frames else list(frames.values())
    if len(chosen) != 1:
        raise UpstreamFormatError(SOURCE, name, f"expected one data frame `population`, found {list(frames)}")
    return _wide_rda(chosen[0], name)


class OtherPackageDataset(Exception):  # noqa: N818 - a signal, not an error
    """The file is another dataset of the `refugees` package (asylum, flows, solutions...)."""

    def __init__(self, dataset: str) -> None:
        super().__init__(dataset)
        self.dataset = dataset


def _wide_rda(table: pd.DataFrame, name: str) -> pd.DataFrame:
    missing = [f for f in RDA_FIELDS if f not in table.columns]
    if missing:
        raise UpstreamFormatError(SOURCE, name, f"the data frame has no column(s) {missing}; it has "
                                                f"{list(table.columns)}")
    wide = pd.DataFrame({"row": np.arange(1, len(table) + 1), "year": _numbers(table, "year", name)})
    for field_name, column in (("origin", "coo_iso"), ("asylum", "coa_iso")):
        codes = table[column].astype(object)
        wide[field_name] = codes.where(codes.notna(), None).to_numpy()
    for population in DISPLACEMENT_POPULATIONS:
        wide[population] = _numbers(table, population, name)
    return wide


def _numbers(table: pd.DataFrame, column: str, name: str) -> np.ndarray:
    """A numeric column as float64 with NaN for R's NA; anything else names its column."""
    try:
        return pd.to_numeric(table[column], errors="raise").astype("float64").to_numpy()
    except (TypeError, ValueError):
        raise UpstreamFormatError(SOURCE, name, f"column {column} is not numeric",
                                  column=list(table.columns).index(column)) from None


def read_rdf_csv(path: Path, name: str) -> tuple[str, pd.DataFrame]:
    """(vintage, wide rows) of a Refugee Data Finder download: the preamble's extraction date
    as ISO, then the table below the header that starts with `Year,`."""
    try:
        lines = path.read_bytes().decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise UpstreamFormatError(SOURCE, name, f"not UTF-8 text: {exc}") from None
    header_at = next((i for i, line in enumerate(lines) if line.startswith("Year,")), None)
    if header_at is None:
        raise UpstreamFormatError(SOURCE, name, "no header row starting with 'Year,'", row=len(lines) + 1, column=0)
    vintage = _extraction_date(lines[:header_at], name)
    records = list(csv.reader(io.StringIO("\n".join(lines[header_at:]))))
    columns = _rdf_columns(records[0], name, header_at + 1)
    rows = [_rdf_row(cells, columns, name, header_at + 1 + offset)
            for offset, cells in enumerate(records[1:], start=1) if cells]
    if not rows:
        raise UpstreamFormatError(SOURCE, name, "no data rows below the header", row=header_at + 2, column=0)
    frame = pd.DataFrame(rows, columns=["row", "year", "origin", "asylum", *columns.values()])
    return vintage, frame.reindex(columns=["row", "year", "origin", "asylum", *DISPLACEMENT_POPULATIONS])


def _extraction_date(preamble: list[str], name: str) -> str:
    for number, cells in enumerate(csv.reader(preamble), start=1):
        if cells and cells[0].strip().rstrip(":") == "Date extracted":
            text = cells[1].strip() if len(cells) > 1 else ""
            try:
                return datetime.strptime(text.split()[0] if text else "", "%d/%m/%Y").date().isoformat()
            except ValueError:
                raise UpstreamFormatError(SOURCE, name, "'Date extracted' is not DD/MM/YYYY", row=number,
                                          column=1, value=text) from None
    raise UpstreamFormatError(SOURCE, name, "no 'Date extracted:' line in the preamble above the header",
                              row=len(preamble) + 1, column=0)


def _rdf_columns(header: list[str], name: str, row: int) -> dict[int, str]:
    """Position -> count field, after checking the header cell by cell."""
    expected = list(RDF_HEADER)
    found = [cell.strip().replace("\u2019", "'") for cell in header]
    for position, label in enumerate(expected):
        if position >= len(found) or found[position] != label:
            got = found[position] if position < len(found) else None
            raise UpstreamFormatError(SOURCE, name, f"header cell should be {label!r}", row=row, column=position,
                                      value=got)
    if len(found) > len(expected):
        raise UpstreamFormatError(SOURCE, name, "unexpected extra header cell", row=row, column=len(expected),
                                  value=found[len(expected)])
    return {p: f for p, f in enumerate(RDF_HEADER.values()) if f in DISPLACEMENT_POPULATIONS}


def _rdf_row(cells: list[str], columns: dict[int, str], name: str, row: int) -> list[object]:
    if len(cells) != len(RDF_HEADER):
        raise UpstreamFormatError(SOURCE, name, f"{len(cells)} cells where the header has {len(RDF_HEADER)} "
                                                "(a cut-off or malformed line)", row=row, column=min(len(cells), len(RDF_HEADER)) - 1)
    year = cells[0].strip()
    if not (year.isdigit() and FIRST_DATA_YEAR <= int(year) <= LAST_DATA_YEAR):
        raise UpstreamFormatError(SOURCE, name, "the year is not a year", row=row, column=0, value=cells[0])
    counts = [_cell_count(cells[p], name, row, p, f) for p, f in columns.items()]
    return [row, int(year), _rdf_code(cells[1], cells[2]), _rdf_code(cells[3], cells[4]), *counts]


def _rdf_code(area_name: str, code: str) -> str:
    """The download leaves the ISO cell of UNHCR's "Unknown" origin empty: that is UNK."""
    return code.strip() or RDF_NAMELESS.get(area_name.strip(), "")


def _cell_count(text: str, name: str, row: int, column: int, field_name: str) -> float:
    """A head count; "-" or empty means none (NaN)."""
    text = text.strip()
    if text in ("", "-"):
        return math.nan
    digits = text.replace(",", "")
    if not digits.isdigit():
        raise UpstreamFormatError(SOURCE, name, f"{field_name} is not a count", row=row, column=column, value=text)
    return float(digits)


# ---- wide rows -> the displacement table and the indicator series ----


def displacement_rows(release: Release, name: str) -> pd.DataFrame:
    """Long rows (see DISPLACEMENT_COLUMNS): one per non-zero count, every origin x asylum pair."""
    wide = release.rows
    _check_counts(wide, name, release.columns)
    _check_years(wide, name, release.columns["year"])
    origin = _area_codes(wide["origin"], wide["row"], name, release.columns["origin"], "origin")
    asylum = _area_codes(wide["asylum"], wide["row"], name, release.columns["asylum"], "asylum")
    keyed = pd.DataFrame({"row": wide["row"], "year": wide["year"].astype("int64"), "origin_code": origin,
                          "asylum_code": asylum})
    _check_unique(keyed, wide, name, release.columns["origin"])
    long = pd.concat([keyed, wide[list(DISPLACEMENT_POPULATIONS)]], axis=1).melt(
        id_vars=["year", "origin_code", "asylum_code"], value_vars=list(DISPLACEMENT_POPULATIONS),
        var_name="population", value_name="persons")
    long = long[long["persons"].notna() & (long["persons"] > 0)]
    long = long.assign(revision=release.revision, vintage=release.vintage, persons=long["persons"].astype("int64"))
    return long[DISPLACEMENT_COLUMNS].reset_index(drop=True)


def _check_counts(wide: pd.DataFrame, name: str, columns: dict[str, int]) -> None:
    for population in DISPLACEMENT_POPULATIONS:
        values = wide[population]
        filled = values.fillna(0).replace([np.inf, -np.inf], -1)
        bad = (filled < 0) | (filled != np.floor(filled))
        if bad.any():
            first = bad.idxmax()
            raise UpstreamFormatError(SOURCE, name, f"{population} is not a count", row=int(wide.at[first, "row"]),
                                      column=columns[population], value=float(values[first]))


def _check_years(wide: pd.DataFrame, name: str, column: int) -> None:
    years = wide["year"]
    bad = ~(years.between(FIRST_DATA_YEAR, LAST_DATA_YEAR) & (years == years.round()))
    if bad.any():
        first = bad.idxmax()
        raise UpstreamFormatError(SOURCE, name, "the year is not a year", row=int(wide.at[first, "row"]),
                                  column=column, value=years[first])


def area_code(code: object) -> int | None:
    """M49 code of a UNHCR ISO3 country code, or the residual area of its non-country codes."""
    if not isinstance(code, str):
        return None
    if code in RESIDUALS:
        return residual_code(RESIDUALS[code])
    return m49_of_iso3(code)


def _area_codes(codes: pd.Series, rows: pd.Series, name: str, column: int, side: str) -> pd.Series:
    mapping = {code: area_code(code) for code in codes.unique()}
    unknown = [code for code, m49 in mapping.items() if m49 is None]
    if unknown:
        first = codes.isin(unknown) | codes.isna()
        where = first.idxmax()
        raise UpstreamFormatError(SOURCE, name, f"{side} code is neither an ISO 3166 country the project knows nor "
                                                f"one of UNHCR's residual codes {sorted(RESIDUALS)}",
                                  row=int(rows[where]), column=column, value=codes[where])
    return codes.map(mapping).astype("int64")


def _check_unique(keyed: pd.DataFrame, wide: pd.DataFrame, name: str, column: int) -> None:
    repeated = keyed.duplicated(["year", "origin_code", "asylum_code"], keep=False)
    if repeated.any():
        rows = keyed.loc[repeated].sort_values(["year", "origin_code", "asylum_code", "row"]).head(2)
        first, second = rows["row"].tolist()
        pair = f"{wide.at[rows.index[0], 'origin']} -> {wide.at[rows.index[0], 'asylum']}"
        raise UpstreamFormatError(SOURCE, name, f"year {rows['year'].iloc[0]}, {pair} repeats row {first}",
                                  row=second, column=column)


def indicator_rows(displacement: pd.DataFrame) -> pd.DataFrame:
    """The indicator series from the pairs: per origin (summed over asylum countries) and per
    asylum country (summed over origins, unknown included), from 1990, per vintage."""
    kept = displacement[displacement["population"].isin(list(POPULATIONS)) & (displacement["year"] >= FIRST_YEAR)]
    frames = []
    for side, column in (("origin", "origin_code"), ("asylum", "asylum_code")):
        sums = kept.groupby(["vintage", "population", column, "year"], as_index=False)["persons"].sum()
        frames.append(pd.DataFrame({
            "series": [series_code(p, side) for p in sums["population"]], "area_code": sums[column],
            "year": sums["year"], "value": sums["persons"].astype("float64"), "unit": "persons", "source": SOURCE,
            "revision": sums["vintage"], "variant": ESTIMATE}))
    return pd.concat(frames, ignore_index=True)[INDICATOR_COLUMNS]


# ---- a mirror of files ----


def collect_files(mirror: str, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """Every UNHCR file in a mirror folder or URL (`refugees` .rda, Refugee Data Finder CSV),
    each its own vintage; files of other content (e.g. footnotes.csv) are not read."""
    found = mirror_files(SOURCE, mirror, cache_dir, policy, lambda relative: True)
    releases, frames, provenance, files, seen = [], [], [], [], {}
    for mirrored in found:
        kind = file_kind(mirrored.file.path)
        if kind is None:
            unhcr_checks.only_footnotes_unread(mirrored)  # any other unrecognised file stops the build
        if kind is None or mirrored.file.sha256 in seen:  # not UNHCR data, or the same bytes again
            continue
        seen[mirrored.file.sha256] = mirrored.relative
        try:
            release = read_release(mirrored, kind)
        except OtherPackageDataset:
            continue  # read by its own reader (issue 25): recognised, not population
        unhcr_checks.check_release(release, mirrored)  # every year promised, no cut at a line end
        _check_new_vintage(release, mirrored, releases)
        displacement = displacement_rows(release, mirrored.file.url)
        releases.append((release, mirrored.relative))
        frames.append(displacement)
        provenance.append(_file_provenance(release, mirrored, len(displacement)))
        files.append((mirrored.relative, mirrored.file.path))
    if not frames:
        raise FetchError(SOURCE, mirror, "the mirror holds no UNHCR population file (.rda or Refugee Data "
                                         "Finder CSV)", not_found=True)
    displacement = pd.concat(frames, ignore_index=True)
    return Collected(indicator_rows(displacement), provenance, {}, files, {"displacement": displacement})


def read_release(mirrored: MirroredFile, kind: str) -> Release:
    """One file read and labelled: a package release by checksum, a download by its date."""
    name, path = mirrored.file.url, mirrored.file.path
    if kind == "rdf":
        vintage, rows = read_rdf_csv(path, name)
        columns = {"year": 0, "origin": 2, "asylum": 4} | {f: p for p, f in enumerate(RDF_HEADER.values()) if f}
        return Release("rdf", vintage, int(vintage[:4]), rows, columns)
    rows = read_rda(path, name)
    max_year = int(rows["year"].max())
    vintage = RELEASES.get(mirrored.file.sha256, f"{max_year}.unlabelled.{mirrored.file.sha256[:8]}")
    columns = {"origin": RDA_LAYOUT.index("coo_iso"), "asylum": RDA_LAYOUT.index("coa_iso")}
    columns |= {f: RDA_LAYOUT.index(f) for f in ("year", *DISPLACEMENT_POPULATIONS)}
    return Release("rda", vintage, int(vintage[:4]), rows, columns)


def _check_new_vintage(release: Release, mirrored: MirroredFile, earlier: list[tuple[Release, str]]) -> None:
    for other, relative in earlier:
        if other.vintage == release.vintage:
            raise UpstreamFormatError(SOURCE, mirrored.file.url, f"vintage {release.vintage} is also the vintage "
                                                                 f"of {relative}, with different bytes")


def _file_provenance(release: Release, mirrored: MirroredFile, rows: int) -> dict:
    rda = release.kind == "rda"
    return PUBLISHED_BY.provenance(
        dataset=f"unhcr_{'refugees' if rda else 'rdf'}_{release.vintage}", revision=release.revision,
        url=RDA_URL if rda else RDF_URL, files=[mirrored.file], sha256=mirrored.file.sha256,
        local_name=mirrored.relative, citation=(RDA_CITATION if rda else RDF_CITATION).format(vintage=release.vintage),
        rows=rows, vintage=release.vintage,
    )
