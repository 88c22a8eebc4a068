"""World Bank / KNOMAD bilateral migration matrices: migrant stock by origin x destination.

KNOMAD publishes one workbook per edition, one sheet each: a title ("Bilateral Estimates of
Migrant Stocks in 2021"), a header row whose first cell reads "Destination country (across) -
Source country (down)", destinations across and origins down (both ending "Other North",
"Other South", "World"), persons, empty cell = none, notes and the citation below. Countries
are *named* (World Bank spellings), never coded: names map to ISO3 through the World Bank's own
country list (etl/reference/worldbank_country_names.csv, derived from its `Metadata_Country`
file) plus ALIASES for older spellings, and ISO3 to M49 as everywhere else. These are a second
publisher's estimates (built on UN DESA, UNHCR, OECD, Eurostat and national sources), stored in
`bilateral_stock` apart from UN DESA's `stock`, never mixed with it.

Edition: KNOMAD names a matrix by the year of its estimates ("Bilateral Migration Matrix 2021",
released December 2022), so the edition is the year in the title, and the release month, when
the citation line under the table gives one ("... Matrix 2021, December 2022."), is the
provenance `vintage`. Files are identified by that title and the header label, not by name.
(The 2021 sheet is named "BRM 2021" and its citation line says "Bilateral Remittance Matrix":
the publisher's slips; the content is migrant stock, and our citation says "Migration".)

The "World" row and column are not stored: they are checked against the sum of their parts and
every difference is returned in `tables["bilateral_check"]` (one row per finding). Differences
within rounding (see `too_far_apart`) never stop a build; larger ones mean a misread sheet and do.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from etl import areas as area_reference
from etl.errors import UpstreamFormatError, column_letter
from etl.fetch import FetchPolicy, fetch
from etl.indicators import Collected, empty_indicator, m49_of_iso3
from etl.mirror import MirroredFile, mirror_files
from etl.provenance import Publisher
from etl.workbook import MISSING_MARKERS, Rows, Workbook, find_sheet_by_title, open_workbook, text

SOURCE = "knomad"
PUBLISHER = "World Bank / KNOMAD"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHED_BY = Publisher(SOURCE, PUBLISHER, LICENCE, LICENCE_URL)
# No indicator series: the matrices fill `bilateral_stock` (and their World checks `bilateral_check`).
SERIES: list = []
DATA_PAGE = "https://www.knomad.org/data/migration/emigration"
# The direct downloads as KNOMAD published them, to the best of our knowledge: the 2013 file is
# quoted with this URL by several public projects; the 2021 one sits in the same 2022-12 folder as
# its sister file bilateral_remittance_matrix_2021_0.xlsx, under the name its public copy kept.
# Public reports say knomad.org retired these direct links in 2025 (they redirect to a page):
# a fetch then gets HTML, which stops with "not a valid .xlsx"; build from a mirror instead.
PUBLISHED_URLS = {
    2021: "https://www.knomad.org/sites/default/files/2022-12/bilateral_migration_matrix_2021_latest.xlsx",
    2013: "https://www.knomad.org/sites/default/files/2017-03/bilateralmigrationmatrix20130.xlsx",
}
TITLE = r"Bilateral Estimates of Migrant Stocks? in ((?:19|20)\d\d)"
HEADER = r"Destination country \(across\)\s*-\s*Source country \(down\)"
RELEASE = r"Bilateral \w+ Matrix (?:19|20)\d\d,\s*(\w+ (?:19|20)\d\d)"
HEADER_SEARCH_ROWS = 40
WORLD = "World"
RESIDUALS = {"Other North": "OTHER_NORTH", "Other South": "OTHER_SOUTH"}  # keys of areas.yaml residual_areas
# Areas the World Bank lists that UN M49 has no code for, kept under a documented residual code
# (areas.yaml residual_areas) so every sum over the matrix reaches the publisher's World row and
# column: Kosovo (UN DESA counts it within Serbia; folding it in would change KNOMAD's figures).
OUTSIDE_M49 = {"XKX": "XKX"}  # ISO3 -> key of areas.yaml residual_areas
NAMES_FILE = "reference/worldbank_country_names.csv"
# Spellings the World Bank's current list no longer uses (or never listed), as the 2013 and 2021
# matrices print them -> ISO3. Every name of both files is covered (tests check it).
ALIASES = {
    "Cote d'Ivoire": "CIV",  # list: Côte d'Ivoire
    "Curacao": "CUW",  # list: Curaçao
    "Czech Republic": "CZE",  # list: Czechia
    "Faeroe Islands": "FRO",  # list: Faroe Islands
    "GuineaBissau": "GNB",  # 2021 file drops the hyphen; list: Guinea-Bissau
    "Holy See": "VAT",  # not in the World Bank's list; ISO 3166 VAT
    "Korea, Dem. Rep.": "PRK",  # list: Korea, Dem. People's Rep.
    "Macedonia, FYR": "MKD",  # 2013; list: North Macedonia
    "Puerto Rico": "PRI",  # list: Puerto Rico (US)
    "Sao Tome and Principe": "STP",  # list: São Tomé and Principe
    "Swaziland": "SWZ",  # 2013; list: Eswatini
    "TimorLeste": "TLS",  # 2021 file drops the hyphen; list: Timor-Leste
    "Turkey": "TUR",  # list: Türkiye
    "Vietnam": "VNM",  # list: Viet Nam
    "Virgin Islands (U.S.)": "VIR",  # list: Virgin Islands (US)
    "Western Sahara": "ESH",  # not in the World Bank's list; ISO 3166 ESH
}
# ISO3 codes the World Bank lists that have no M49 code and no residual code: their cells would
# be left out (counted in Collected.left_out under the ISO3) but still summed in the World checks.
LEFT_OUT_ISO3: frozenset[str] = frozenset()
STOCK_COLUMNS = ["source", "edition", "year", "origin_code", "destination_code", "migrants"]
CHECK_COLUMNS = ["source", "edition", "year", "check", "origin", "destination", "cell", "published",
                 "sum_of_parts", "difference", "note"]
ROUNDING_PERSONS, ROUNDING_SHARE = 1_000, 0.01  # see too_far_apart


@dataclass(frozen=True)
class Matrix:
    """One parsed matrix: the tidy cells kept, the World-check findings, what was left out."""

    edition: int
    year: int
    release: str | None
    stock: pd.DataFrame
    checks: pd.DataFrame
    left_out: dict[str, int]


@dataclass(frozen=True)
class _Axis:
    """Names down column A or across the header row, with their 0-based positions and codes."""

    positions: list[int]
    names: list[str]
    codes: list[int | None]


def collect(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """Every matrix of the mirror (folder or URL), or the publisher's two editions without one."""
    files = _files(mirror, cache_dir, policy)
    frames, checks, provenance, left_out, seen = [], [], [], {}, {}
    for mirrored in files:
        matrix = read_matrix(mirrored.file.path, mirrored.relative)
        if matrix.edition in seen:
            raise _error(mirrored.relative, f"edition {matrix.edition} also in {seen[matrix.edition]}")
        seen[matrix.edition] = mirrored.relative
        frames.append(matrix.stock)
        checks.append(matrix.checks)
        provenance.append(_provenance(matrix, mirrored))
        for key, n in matrix.left_out.items():
            left_out[key] = left_out.get(key, 0) + n
    tables = {"bilateral_stock": pd.concat(frames, ignore_index=True),
              "bilateral_check": pd.concat(checks, ignore_index=True)}
    saved = [(m.relative, m.file.path) for m in files]
    return Collected(empty_indicator(), provenance, left_out, saved, tables)


def _files(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> list[MirroredFile]:
    if mirror:
        return mirror_files(SOURCE, mirror, cache_dir, policy)  # every file, read by its content
    return [MirroredFile(url.rsplit("/", 1)[1], fetch(SOURCE, url, cache_dir / SOURCE, policy=policy))
            for url in PUBLISHED_URLS.values()]


def _provenance(matrix: Matrix, mirrored: MirroredFile) -> dict:
    published = PUBLISHED_URLS.get(matrix.edition)
    name = published.rsplit("/", 1)[1] if published else mirrored.relative
    citation = (f"KNOMAD/World Bank, Bilateral Migration Matrix {matrix.edition}"
                f"{f', {matrix.release}' if matrix.release else ''} (file {name}), {DATA_PAGE}. "
                f"Staff estimates of migrant stock in {matrix.year}; {LICENCE}.")
    return PUBLISHED_BY.provenance(  # url: the data page, which names the file; the direct link may move
        dataset=f"knomad_bilateral_{matrix.edition}", revision=matrix.edition, url=DATA_PAGE,
        files=[mirrored.file], sha256=mirrored.file.sha256, local_name=mirrored.relative,
        citation=citation, rows=len(matrix.stock), vintage=matrix.release,
    )


# ---- one workbook ----


def read_matrix(path: Path, name: str | None = None) -> Matrix:
    """Parse one KNOMAD matrix; `name` (e.g. its path in a mirror) is what errors quote."""
    book = dataclasses.replace(open_workbook(SOURCE, path), file=name or path.name)
    sheet = cast(str, find_sheet_by_title(book, TITLE, required=True, header=HEADER))  # raises if none
    rows = book.sheet(sheet)
    header = _header_row(book, sheet, rows)
    year = _title_year(book, sheet, rows[:header])
    origins = _origins(book, sheet, rows, header)
    destinations = _destinations(book, sheet, rows[header], header)
    values = _values(book, sheet, rows, origins, destinations)
    checks = _world_checks(book, sheet, values, origins, destinations, year)
    checks = pd.concat([checks, _marker_notes(rows, origins, destinations, year)], ignore_index=True)
    stock, left_out = _tidy(values, origins, destinations, year)
    release = _release(rows[origins.positions[-1] + 1:])
    return Matrix(year, year, release, stock, checks, left_out)


def _error(file: str, detail: str) -> UpstreamFormatError:
    return UpstreamFormatError(SOURCE, file, detail)


def _header_row(book: Workbook, sheet: str, rows: Rows) -> int:
    """The row whose column A holds the header label; a label elsewhere is a shifted layout."""
    regex = re.compile(HEADER, re.IGNORECASE)
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for c, cell in enumerate(row):
            if regex.search(" ".join(text(cell).split())):
                if c == 0:
                    return r
                raise book.error("header label found outside column A: the layout has shifted",
                                 sheet=sheet, row=r + 1, column=c, value=" ".join(text(cell).split()))
    raise book.error(f"header label /{HEADER}/ not found in column A of rows 1-{HEADER_SEARCH_ROWS}",
                     sheet=sheet, row=1, column=0)


def _title_year(book: Workbook, sheet: str, rows: Rows) -> int:
    regex = re.compile(TITLE, re.IGNORECASE)
    for row in rows:
        for cell in row:
            match = regex.search(text(cell))
            if match:
                return int(match.group(1))
    raise book.error(f"title /{TITLE}/ not found above the header row", sheet=sheet, row=1, column=0)


def _release(rows: Rows) -> str | None:
    """'December 2022' from the citation line under the table, if it names a release month."""
    regex = re.compile(RELEASE, re.IGNORECASE)
    for row in rows:
        for cell in row:
            match = regex.search(text(cell))
            if match:
                return match.group(1)
    return None


def _origins(book: Workbook, sheet: str, rows: Rows, header: int) -> _Axis:
    positions, names = [], []
    for r in range(header + 1, len(rows)):
        name = text(rows[r][0]) if rows[r] else ""
        if not name:
            raise book.error("empty origin name before the 'World' row", sheet=sheet, row=r + 1, column=0)
        positions.append(r)
        names.append(name)
        if name == WORLD:
            return _axis(book, sheet, positions, names, side="origin")
    raise book.error("the origins down column A do not end with a 'World' row (truncated sheet?)",
                     sheet=sheet, row=len(rows), column=0)


def _destinations(book: Workbook, sheet: str, row: list[object], header: int) -> _Axis:
    positions, names = [], []
    for c in range(1, len(row)):
        name = text(row[c])
        if not name:
            raise book.error("empty destination name before the 'World' column", sheet=sheet,
                             row=header + 1, column=c)
        positions.append(c)
        names.append(name)
        if name == WORLD:
            return _axis(book, sheet, positions, names, side="destination", header=header)
    raise book.error("the destinations across the header row do not end with a 'World' column",
                     sheet=sheet, row=header + 1, column=len(row) - 1)


def _axis(book: Workbook, sheet: str, positions: list[int], names: list[str], *, side: str,
          header: int | None = None) -> _Axis:
    """Check the publisher's trailer and map every name (World itself gets no code)."""
    def where(i: int) -> dict[str, int]:
        return {"row": header + 1, "column": positions[i]} if header is not None else \
            {"row": positions[i] + 1, "column": 0}

    if names[-3:-1] != list(RESIDUALS):
        raise book.error(f"the {side}s do not end with 'Other North', 'Other South', 'World'",
                         sheet=sheet, value=names[-3:], **where(len(names) - 1))
    codes: list[int | None] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names[:-1]):
        if name in seen:
            raise book.error(f"{side} {name!r} listed twice", sheet=sheet, value=name, **where(i))
        seen[name] = i
        codes.append(_code(book, sheet, name, side, where(i)))
    return _Axis(positions, names, [*codes, None])


def _code(book: Workbook, sheet: str, name: str, side: str, where: dict[str, int]) -> int | None:
    """M49 (or residual) code of a publisher's name; None for LEFT_OUT_ISO3; error if unknown."""
    if name in RESIDUALS:
        return area_reference.residual_code(RESIDUALS[name])
    iso3 = country_names().get(name) or ALIASES.get(name)
    if iso3 is None:
        raise book.error(f"{side} name not in the World Bank's country list nor in ALIASES",
                         sheet=sheet, value=name, **where)
    if iso3 in OUTSIDE_M49:
        return area_reference.residual_code(OUTSIDE_M49[iso3])
    code = m49_of_iso3(iso3)
    if code is None and iso3 not in LEFT_OUT_ISO3:
        raise book.error(f"{side} {name!r} is {iso3}, which has no M49 code in etl/reference",
                         sheet=sheet, value=name, **where)
    return code


def _values(book: Workbook, sheet: str, rows: Rows, origins: _Axis, destinations: _Axis) -> np.ndarray:
    """Persons per cell, World row and column included; empty cells and markers read as 0."""
    out = np.zeros((len(origins.positions), len(destinations.positions)))
    for i, r in enumerate(origins.positions):
        row = rows[r]
        for j, c in enumerate(destinations.positions):
            out[i, j] = _persons(book, sheet, r, c, row[c] if c < len(row) else None)
    return out


def _persons(book: Workbook, sheet: str, r: int, c: int, value: object) -> float:
    if value is None or (isinstance(value, str) and text(value) in MISSING_MARKERS):
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise book.error("non-numeric value in the matrix", sheet=sheet, row=r + 1, column=c, value=value)
    if not math.isfinite(value) or value < 0 or not float(value).is_integer():
        raise book.error("not a count of persons (whole, not negative)", sheet=sheet, row=r + 1,
                         column=c, value=value)
    return float(value)


def _marker_notes(rows: Rows, origins: _Axis, destinations: _Axis, year: int) -> pd.DataFrame:
    """The publisher's markers ('…', '..') inside the matrix: read as none, but said so."""
    notes = []
    for i, r in enumerate(origins.positions):
        for j, c in enumerate(destinations.positions):
            value = text(rows[r][c]) if c < len(rows[r]) else ""
            if value:  # numbers give "", and anything else non-numeric has already stopped
                notes.append(_check_row(year, "missing_marker", origins.names[i], destinations.names[j], r, c,
                                        math.nan, math.nan, f"publisher's marker {value!r} read as none"))
    return pd.DataFrame(notes, columns=CHECK_COLUMNS)


def _world_checks(book: Workbook, sheet: str, values: np.ndarray, origins: _Axis, destinations: _Axis,
                  year: int) -> pd.DataFrame:
    """Every World total that differs from the sum of its parts (rounding: reported; more: error)."""
    parts = values[:-1, :-1]
    last_r, last_c = origins.positions[-1], destinations.positions[-1]
    found = []
    for j, total in enumerate(parts.sum(axis=0)):
        found.append(("destination_total", WORLD, destinations.names[j], last_r, destinations.positions[j],
                      values[-1, j], total, "World row vs. the sum over origins"))
    for i, total in enumerate(parts.sum(axis=1)):
        found.append(("origin_total", origins.names[i], WORLD, origins.positions[i], last_c,
                      values[i, -1], total, "World column vs. the sum over destinations"))
    found.append(("world_total", WORLD, WORLD, last_r, last_c, values[-1, -1], parts.sum(),
                  "World x World vs. the sum of every cell"))
    rows = []
    for check, origin, destination, r, c, published, total, note in found:
        if published != total:
            if too_far_apart(published, total):
                raise book.error(f"{note}: published {published:,.0f}, parts sum to {total:,.0f}",
                                 sheet=sheet, row=r + 1, column=c)
            rows.append(_check_row(year, check, origin, destination, r, c, published, total, note))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def too_far_apart(published: float, total: float) -> bool:
    """More than rounding: over ROUNDING_PERSONS and over ROUNDING_SHARE of the larger figure.
    Such a gap means the sheet was misread (or corrupted), not that KNOMAD rounded."""
    gap = abs(published - total)
    return gap > ROUNDING_PERSONS and gap > ROUNDING_SHARE * max(abs(published), abs(total))


def _check_row(year: int, check: str, origin: str, destination: str, r: int, c: int, published: float,
               total: float, note: str) -> dict:
    return {"source": SOURCE, "edition": year, "year": year, "check": check, "origin": origin,
            "destination": destination, "cell": f"{column_letter(c)}{r + 1}", "published": published,
            "sum_of_parts": total, "difference": published - total, "note": note}


def _tidy(values: np.ndarray, origins: _Axis, destinations: _Axis, year: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """Non-zero cells between areas with a code; cells of LEFT_OUT_ISO3 areas counted apart."""
    parts = values[:-1, :-1]
    origin_codes = np.array(origins.codes[:-1], dtype=object)
    destination_codes = np.array(destinations.codes[:-1], dtype=object)
    i, j = np.nonzero(parts > 0)
    kept = np.array([origin_codes[a] is not None and destination_codes[b] is not None for a, b in zip(i, j, strict=True)],
                    dtype=bool)
    left_out: dict[str, int] = {}
    for a, b in zip(i[~kept], j[~kept], strict=True):
        for name, code in ((origins.names[a], origin_codes[a]), (destinations.names[b], destination_codes[b])):
            if code is None:
                iso3 = country_names().get(name) or ALIASES.get(name) or name
                left_out[iso3] = left_out.get(iso3, 0) + 1
                break
    frame = pd.DataFrame({
        "source": SOURCE, "edition": year, "year": year,
        "origin_code": origin_codes[i[kept]].astype("int64"),
        "destination_code": destination_codes[j[kept]].astype("int64"),
        "migrants": parts[i[kept], j[kept]].astype("int64"),
    }, columns=STOCK_COLUMNS)
    return frame, left_out


# ---- the World Bank's country names ----


@cache
def country_names() -> dict[str, str]:
    """World Bank country name -> ISO3, from the committed reference table."""
    table = resources.files("etl").joinpath(NAMES_FILE).read_text(encoding="utf-8")
    return {row["name"]: row["iso3"] for row in csv.DictReader(table.splitlines())}


def country_name_table(metadata_csv: Path) -> pd.DataFrame:
    """(name, iso3) of every economy in a World Bank `Metadata_Country_*.csv` (rows with a Region;
    an empty Region marks an aggregate such as 'Latin America & Caribbean')."""
    meta = pd.read_csv(metadata_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    economies = meta[meta["Region"].str.strip() != ""]
    return pd.DataFrame({"name": economies["TableName"].str.strip(), "iso3": economies["Country Code"].str.strip()},
                        ).sort_values("name", kind="stable").reset_index(drop=True)


def write_country_names(metadata_csv: Path, out: Path | None = None) -> Path:
    """Regenerate etl/reference/worldbank_country_names.csv from the World Bank's metadata file
    (`python -m etl.sources.knomad .../Metadata_Country_*.csv`); tests check the two agree."""
    out = out or Path(str(resources.files("etl").joinpath(NAMES_FILE)))
    country_name_table(metadata_csv).to_csv(out, index=False, lineterminator="\n")
    return out


if __name__ == "__main__":
    import sys

    print(write_country_names(Path(sys.argv[1])))
