"""UNHCR's stock of people in need of protection, by country of origin x country of asylum:
refugees, asylum-seekers, other people in need of international protection, IDPs, stateless
people..., into the `displacement` table and the indicator series.

Two files carry it, identified by their content (etl/sources/unhcr/files.py):
- the dataset `population` of UNHCR's R package `refugees` (`population.rda`): one row per
  year x origin x asylum country, 1951 on, columns year, coo_iso, coa_iso and nine counts;
- the Refugee Data Finder download (`population.csv`): preamble lines with "Date extracted:"
  (DD/MM/YYYY, the vintage, kept as ISO "2021-03-07"), then a header starting `Year,`; "-" or
  empty = none. Its "Venezuelans displaced abroad" is today's `oip`.
Every origin x asylum pair is kept in the `displacement` table (UNHCR's non-country codes map
to explicit residual areas, see common.py). These people are also part of UN DESA's migrant
stock in their host country: never add the two.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import UpstreamFormatError
from etl.indicators import ESTIMATE, INDICATOR_COLUMNS
from etl.sources.unhcr.common import (
    FIRST_YEAR,
    POPULATIONS,
    RESIDUALS,
    SOURCE,
    area_code,
    series_code,
)
from etl.sources.unhcr.rfile import PACKAGE_CITATION, PACKAGE_URL, numbers, release_label

RDA_URL = f"{PACKAGE_URL} (data/population.rda)"
RDF_URL = "https://www.unhcr.org/refugee-statistics/download/"
RDA_CITATION = PACKAGE_CITATION.replace("{dataset}", "population")
RDF_CITATION = "UNHCR, Refugee Data Finder, population figures extracted {vintage}. " + RDF_URL
DISPLACEMENT_POPULATIONS = ("refugees", "asylum_seekers", "oip", "returned_refugees", "idps", "returned_idps",
                            "stateless", "ooc", "hst")
DISPLACEMENT_COLUMNS = ["revision", "vintage", "year", "origin_code", "asylum_code", "population", "persons"]
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


def rda_release(table: pd.DataFrame, name: str, sha256: str) -> Release:
    """The package's `population` data frame, labelled with its release (by checksum)."""
    rows = wide_rows(table, name)
    vintage = release_label(sha256, int(np.nanmax(rows["year"])) if len(rows) else 0)
    columns = {"origin": RDA_LAYOUT.index("coo_iso"), "asylum": RDA_LAYOUT.index("coa_iso")}
    columns |= {f: RDA_LAYOUT.index(f) for f in ("year", *DISPLACEMENT_POPULATIONS)}
    return Release("rda", vintage, int(vintage[:4]), rows, columns)


def rdf_release(path: Path, name: str) -> Release:
    """A Refugee Data Finder download, labelled with its extraction date."""
    vintage, rows = read_rdf_csv(path, name)
    columns = {"year": 0, "origin": 2, "asylum": 4} | {f: p for p, f in enumerate(RDF_HEADER.values()) if f}
    return Release("rdf", vintage, int(vintage[:4]), rows, columns)


def wide_rows(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """The `population` data frame of the package as wide rows (see `Release.rows`)."""
    missing = [f for f in RDA_FIELDS if f not in table.columns]
    if missing:
        raise UpstreamFormatError(SOURCE, name, f"the data frame has no column(s) {missing}; it has "
                                                f"{list(table.columns)}")
    wide = pd.DataFrame({"row": np.arange(1, len(table) + 1), "year": numbers(table, "year", name)})
    for field_name, column in (("origin", "coo_iso"), ("asylum", "coa_iso")):
        codes = table[column].astype(object)
        wide[field_name] = codes.where(codes.notna(), None).to_numpy()
    for population in DISPLACEMENT_POPULATIONS:
        wide[population] = numbers(table, population, name)
    return wide


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
    if not (year.isascii() and year.isdigit() and FIRST_DATA_YEAR <= int(year) <= LAST_DATA_YEAR):
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
    if not (digits.isascii() and digits.isdigit()):
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


