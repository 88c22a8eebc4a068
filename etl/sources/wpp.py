"""UN World Population Prospects: net migration by area and year.

Two kinds of file. (1) From the publisher (or a mirror keeping its name), the file is the Population Division's "Demographic Indicators, medium variant" CSV
(`WPP{revision}_Demographic_Indicators_Medium.csv.gz`): one row per location and year with
`LocID` (M49), `Location`, `Variant`, `Time`, `NetMigrations` (thousands) and `CNMR` (net
migrants per 1,000 population), among some sixty other columns. Rows after the revision's
last estimate year are projections and are left out: the dashboard shows what happened.
(2) From a mirror, the WPP data packages' `migration.txt` tables, every edition side by side,
projections kept and flagged (see "migration.txt" below).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl import areas as area_reference
from etl import completeness
from etl.errors import FetchError, UpstreamFormatError
from etl.fetch import FetchedFile, FetchPolicy, fetch, is_url, resolve_location
from etl.indicators import ESTIMATE, INDICATOR_COLUMNS, PROJECTION, Collected, SeriesInfo
from etl.mirror import mirror_files
from etl.provenance import Publisher

SOURCE = "wpp"
PUBLISHER = "United Nations, Department of Economic and Social Affairs, Population Division"
LICENCE = "CC BY 3.0 IGO"
LICENCE_URL = "https://creativecommons.org/licenses/by/3.0/igo/"
PUBLISHED_BY = Publisher(SOURCE, PUBLISHER, LICENCE, LICENCE_URL)
BASE_URL = "https://population.un.org/wpp/assets/Excel%20Files/1_Indicator%20(Standard)/CSV_FILES/"
COLUMNS = {"LocID": "area_code", "Location": "location", "Variant": "variant", "Time": "year",
           "NetMigrations": "net_migration", "CNMR": "net_migration_rate"}


@dataclass(frozen=True)
class Edition:
    revision: int
    last_estimate_year: int

    @property
    def filename(self) -> str:
        return f"WPP{self.revision}_Demographic_Indicators_Medium.csv.gz"

    @property
    def url(self) -> str:
        return BASE_URL + self.filename


EDITION = Edition(2024, 2023)
CITATION = (f"United Nations, Department of Economic and Social Affairs, Population Division "
            f"({EDITION.revision}). World Population Prospects {EDITION.revision}. https://population.un.org/wpp/")
SERIES = [
    SeriesInfo("wpp.net_migration", "Net migration", "Migración neta", "persons", SOURCE, LICENCE, CITATION,
               "Immigrants minus emigrants during the year (medium variant, estimates); negative "
               "where more people left than arrived. Published in thousands.",
               name_fr="Migration nette", name_pt="Migração líquida"),
    SeriesInfo("wpp.net_migration_rate", "Net migration rate", "Tasa de migración neta",
               "per 1,000 population", SOURCE, LICENCE, CITATION,
               "Net migration per 1,000 population during the year (medium variant, estimates).",
               name_fr="Taux de migration nette", name_pt="Taxa de migração líquida"),
]


def collect_demographic_indicators(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """The Demographic Indicators CSV of EDITION, from the publisher or a mirror keeping its name."""
    file = fetch(SOURCE, resolve_location(EDITION.url, mirror), cache_dir / SOURCE, policy=policy)
    frame, left_out = parse(file, EDITION)
    provenance = PUBLISHED_BY.provenance(
        dataset=f"wpp_{EDITION.revision}_demographic_indicators", revision=EDITION.revision, url=EDITION.url,
        files=[file], sha256=file.sha256, local_name=EDITION.filename, citation=CITATION, rows=len(frame),
    )
    return Collected(frame, [provenance], left_out, [(EDITION.filename, file.path)])


def parse(file: FetchedFile, edition: Edition) -> tuple[pd.DataFrame, dict[str, int]]:
    """Tidy indicator rows for known M49 areas, estimates only."""
    table = _read(file)
    _check_every_year(table[table["variant"] == "Medium"], file.url)
    table = table[(table["variant"] == "Medium") & (table["year"] <= edition.last_estimate_year)]
    known = table["area_code"].isin(area_reference.known_codes())
    left_out = table.loc[~known, "location"].value_counts().to_dict()
    table = table[known]
    duplicated = table.duplicated(["area_code", "year"], keep=False)
    if duplicated.any():
        line = int(table.index[duplicated][0]) + 2
        raise UpstreamFormatError(SOURCE, file.url, "duplicate location and year in the medium variant",
                                  row=line, value=f"LocID {table.loc[duplicated, 'area_code'].iloc[0]}")
    frames = [
        pd.DataFrame({"series": "wpp.net_migration", "area_code": table["area_code"], "year": table["year"],
                      "value": table["net_migration"] * 1000, "unit": "persons"}),
        pd.DataFrame({"series": "wpp.net_migration_rate", "area_code": table["area_code"],
                      "year": table["year"], "value": table["net_migration_rate"], "unit": "per 1,000 population"}),
    ]
    tidy = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    tidy = tidy.assign(source=SOURCE, revision=str(edition.revision), variant=ESTIMATE)
    return tidy[INDICATOR_COLUMNS], {str(k): int(v) for k, v in left_out.items()}


def _check_every_year(medium: pd.DataFrame, where: str) -> None:
    """One row per location and year: every location has every year the table spans. A file cut
    at a line end leaves its last location with fewer years."""
    if medium.empty:
        raise UpstreamFormatError(SOURCE, where, "no row of the Medium variant")
    span = int(medium["year"].max()) - int(medium["year"].min()) + 1
    years = medium.groupby("area_code", sort=False)["year"].nunique()
    short = years[years < span]
    if len(short):
        code = int(short.index[-1])
        raise UpstreamFormatError(SOURCE, where, f"incomplete file: location {code} has {int(short.iloc[-1])} of the "
                                                 f"{span} years the table spans; the file was cut or is not the full "
                                                 "download", value=f"LocID {code}")


def _read(file: FetchedFile) -> pd.DataFrame:
    try:
        header = pd.read_csv(file.path, nrows=0, compression="infer").columns
    except Exception as exc:  # gzip and CSV errors: a truncated or non-CSV download
        raise UpstreamFormatError(SOURCE, file.url, f"not a readable CSV: {exc}") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise UpstreamFormatError(SOURCE, file.url, f"columns {missing} not found; the header has {list(header)[:15]}…")
    try:
        table = pd.read_csv(file.path, usecols=list(COLUMNS), dtype=str, compression="infer", keep_default_na=False)
    except Exception as exc:
        raise UpstreamFormatError(SOURCE, file.url, f"not a readable CSV: {exc}") from None
    table = table.rename(columns=COLUMNS)
    for column in ("area_code", "year", "net_migration", "net_migration_rate"):
        raw = table[column].str.strip()
        numbers = pd.to_numeric(raw.replace("", None), errors="coerce")
        bad = numbers.isna() & raw.ne("")
        if column in ("area_code", "year"):
            bad |= numbers.isna()
        if bad.any():
            first = int(bad.idxmax())
            raise UpstreamFormatError(SOURCE, file.url, f"non-numeric value in column {column!r}",
                                      row=first + 2, value=raw.iloc[first])
        table[column] = numbers
    return table.astype({"area_code": "int64", "year": "int64"})


# ---- the WPP data packages' tables for R: migration.txt ----
#
# `migration.txt` (PPgp/wpp2024, PPgp/wpp2022, data-raw/): tab-separated, `country_code` (M49),
# `country`, one column per year, optionally `last.observed`; annual net number of migrants in
# THOUSANDS (stored as persons, x1000). Only net migration: the rate per 1,000 population
# (`wpp.net_migration_rate`) needs population, which this table does not hold, so these files
# give no rate rows. The file names no edition: it is recognised by its sha256 (KNOWN_FILES,
# from ../shared/data/upstream/PROVENANCE.md), else by its layout (first and last year, whether
# it has `last.observed`; LAYOUTS); an unknown layout is an error rather than a guess. Years
# after the edition's last estimate year are medium-variant projections: kept, flagged
# `variant` = "projection", never mixed with the estimates.

MIGRATION_TABLE = "migration.txt"
PACKAGE_URL = "https://github.com/PPgp/wpp{revision}"
LAST_ESTIMATE_YEAR = {2022: 2021, 2024: 2023}  # edition -> last year of estimates
KNOWN_FILES = {  # sha256 of migration.txt -> edition (PROVENANCE.md)
    "19d96c718b06b1d3b80797a229340f3891814eca1771ba74c7a9d5e08e6f4dd7": 2024,
    "996c8481e51fcf31083bdeed67d99c5b6e6bcfea117ba343a107ca9257e436d4": 2022,
}
LAYOUTS = {  # (first year, last year, has last.observed) -> edition
    (1950, 2023, True): 2024,  # estimates only, 1950-2023
    (1950, 2100, False): 2022,  # estimates 1950-2021, then medium-variant projections 2022-2100
}
# Rows (locations, countries and aggregates) of each edition's published migration.txt: a table
# with fewer was cut at a line end (every row holds every year, so a cut mid-row is seen anyway).
LOCATIONS = {2024: 297, 2022: 285}
LAST_OBSERVED = "last.observed"
R_MISSING = frozenset({"", "NA"})  # R's write.table writes a missing value as NA
DEMOGRAPHIC_RE = re.compile(r"^WPP(\d{4})_Demographic_Indicators_Medium\.csv(\.gz)?$")


@dataclass(frozen=True)
class MigrationTable:
    """One migration.txt, parsed: its edition and tidy rows (projections flagged)."""

    relative: str
    file: FetchedFile
    edition: Edition
    frame: pd.DataFrame
    left_out: dict[str, int]


def collect(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """The Demographic Indicators CSV from the publisher (no mirror) or a mirror holding it under
    its published name; otherwise every migration.txt / WPP*_Demographic_Indicators_Medium.csv(.gz)
    anywhere under the mirror (folder or listed URL), each edition side by side."""
    if mirror and not is_url(mirror) and not (Path(mirror) / EDITION.filename).is_file():
        return collect_files(mirror, cache_dir, policy)
    if mirror and is_url(mirror):
        try:
            return collect_demographic_indicators(mirror, cache_dir, policy)
        except FetchError as exc:
            if not (exc.not_found and exc.url == resolve_location(EDITION.url, mirror)):
                raise
        return collect_files(mirror, cache_dir, policy)
    return collect_demographic_indicators(mirror, cache_dir, policy)


def collect_files(mirror: str, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """Every edition the mirror holds. The same edition twice: identical -> kept once, with a
    note in left_out; different -> error. A Demographic Indicators CSV wins over a migration.txt
    of its edition (it also has the rate)."""
    files = mirror_files(SOURCE, mirror, cache_dir, policy)
    for mirrored in files:
        if not _wanted(mirrored.relative):
            raise completeness.unrecognised(SOURCE, mirrored.relative, f"{MIGRATION_TABLE} tables and "
                                                                       "WPP*_Demographic_Indicators_Medium.csv(.gz)")
    frames, provenance, left_out, saved = [], [], {}, []
    demographic: dict[int, str] = {}
    for mirrored in files:
        found = DEMOGRAPHIC_RE.match(mirrored.relative.rsplit("/", 1)[-1])
        if not found:
            continue
        edition = _edition(int(found.group(1)), mirrored.file.url)
        frame, dropped = parse(mirrored.file, edition)
        if edition.revision in demographic:
            raise UpstreamFormatError(SOURCE, mirrored.file.url, f"a second Demographic Indicators file of WPP "
                                                                 f"{edition.revision} (first: {demographic[edition.revision]})")
        demographic[edition.revision] = mirrored.relative
        frames.append(frame)
        _add(left_out, dropped)
        saved.append((mirrored.relative, mirrored.file.path))
        provenance.append(PUBLISHED_BY.provenance(
            dataset=f"wpp_{edition.revision}_demographic_indicators", revision=edition.revision, url=edition.url,
            files=[mirrored.file], sha256=mirrored.file.sha256, local_name=mirrored.relative,
            citation=citation(edition.revision), rows=len(frame)))
    tables: dict[int, MigrationTable] = {}
    for mirrored in files:
        if mirrored.relative.rsplit("/", 1)[-1] != MIGRATION_TABLE:
            continue
        table = parse_migration(mirrored.relative, mirrored.file)
        revision = table.edition.revision
        if revision in demographic:
            left_out[f"WPP {revision} is read from {demographic[revision]}: {mirrored.relative}"] = len(table.frame)
        elif revision in tables:
            _check_same(tables[revision], table)
            left_out[f"same WPP {revision} table as {tables[revision].relative}: {mirrored.relative}"] = len(table.frame)
        else:
            tables[revision] = table
    for revision, table in sorted(tables.items()):
        frames.append(table.frame)
        _add(left_out, table.left_out)
        saved.append((table.relative, table.file.path))
        provenance.append(PUBLISHED_BY.provenance(
            dataset=f"wpp_{revision}_migration", revision=revision, url=PACKAGE_URL.format(revision=revision),
            files=[table.file], sha256=table.file.sha256, local_name=table.relative,
            citation=citation(revision) + f" Table {MIGRATION_TABLE} of the wpp{revision} R package.",
            rows=len(table.frame)))
    if not frames:
        raise FetchError(SOURCE, mirror, f"the mirror holds no {MIGRATION_TABLE} or {EDITION.filename}", not_found=True)
    return Collected(pd.concat(frames, ignore_index=True), provenance, left_out, saved)


def citation(revision: int) -> str:
    return (f"United Nations, Department of Economic and Social Affairs, Population Division ({revision}). "
            f"World Population Prospects {revision}. https://population.un.org/wpp/")


def _wanted(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return not any(p.startswith(".") for p in relative.split("/")) and (
        name == MIGRATION_TABLE or DEMOGRAPHIC_RE.match(name) is not None)


def _edition(revision: int, where: str) -> Edition:
    if revision not in LAST_ESTIMATE_YEAR:
        raise UpstreamFormatError(SOURCE, where, f"WPP {revision}: last estimate year unknown; known editions are "
                                                 f"{sorted(LAST_ESTIMATE_YEAR)} (etl/sources/wpp.py LAST_ESTIMATE_YEAR)")
    return Edition(revision, LAST_ESTIMATE_YEAR[revision])


def _add(into: dict[str, int], more: dict[str, int]) -> None:
    for key, n in more.items():
        into[key] = into.get(key, 0) + n


def _check_same(first: MigrationTable, second: MigrationTable) -> None:
    keys = ["series", "area_code", "year"]
    a = first.frame.set_index(keys)["value"].sort_index()
    b = second.frame.set_index(keys)["value"].sort_index()
    if not (a.index.equals(b.index) and (a.to_numpy() == b.to_numpy()).all()):
        raise UpstreamFormatError(SOURCE, second.file.url, f"WPP {second.edition.revision} is also in "
                                                           f"{first.relative} with different figures")


def parse_migration(relative: str, file: FetchedFile) -> MigrationTable:
    """Tidy net-migration rows (persons) for known M49 areas; projections flagged."""
    where = file.url
    grid = _tsv_grid(file.path.read_bytes(), where)
    if not grid:
        raise UpstreamFormatError(SOURCE, where, "empty file", row=1)
    header = [c.strip() for c in grid[0][1]]
    if "country_code" not in header:
        raise UpstreamFormatError(SOURCE, where, "column 'country_code' not found", row=1,
                                  column=0, value=header[0] if header else None)
    code_col = header.index("country_code")
    name_col = header.index("country") if "country" in header else None
    years, last_observed = [], None
    for column, label in enumerate(header):
        if label.isascii() and label.isdigit() and len(label) == 4:
            if years and int(label) != years[-1][1] + 1:
                raise UpstreamFormatError(SOURCE, where, "header changed: year columns not consecutive",
                                          row=1, column=column, value=label)
            years.append((column, int(label)))
        elif label == LAST_OBSERVED:
            last_observed = column
        elif label not in ("country_code", "country"):
            raise UpstreamFormatError(SOURCE, where, "header changed: unexpected column", row=1, column=column,
                                      value=label)
    if not years:
        raise UpstreamFormatError(SOURCE, where, "header changed: no year columns", row=1, column=len(header))
    edition = migration_edition(file, years[0][1], years[-1][1], last_observed is not None)
    known = area_reference.known_codes()
    seen: dict[int, int] = {}
    records, left_out = [], {}
    for number, cells in grid[1:]:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise UpstreamFormatError(SOURCE, where, f"row has {len(cells)} cells, the header {len(header)}: "
                                                     f"truncated or re-saved file", row=number,
                                      column=min(len(cells), len(header)) - 1)
        raw_code = cells[code_col].strip()
        if not (raw_code.isascii() and raw_code.isdigit()):
            raise UpstreamFormatError(SOURCE, where, "country_code is not an M49 code", row=number,
                                      column=code_col, value=raw_code)
        code = int(raw_code)
        if code in seen:
            raise UpstreamFormatError(SOURCE, where, f"duplicate country_code (first at row {seen[code]})",
                                      row=number, column=code_col, value=raw_code)
        seen[code] = number
        if last_observed is not None:
            observed = cells[last_observed].strip()
            if observed not in R_MISSING and not (observed.isascii() and observed.isdigit() and len(observed) == 4):
                raise UpstreamFormatError(SOURCE, where, "last.observed is not a year", row=number,
                                          column=last_observed, value=observed)
        values = []
        for column, year in years:
            text = cells[column].strip()
            if text in R_MISSING:
                continue
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise UpstreamFormatError(SOURCE, where, "not a number", row=number, column=column, value=text)
            values.append((year, value))
        if code not in known:
            name = cells[name_col].strip() if name_col is not None else raw_code
            left_out[name] = left_out.get(name, 0) + len(values)
            continue
        records += [(code, year, round(value * 1000, 3)) for year, value in values]
    if not seen:
        raise UpstreamFormatError(SOURCE, where, "no data rows after the header: truncated file", row=2, column=0)
    promised = LOCATIONS.get(edition.revision)
    if promised is not None and len(seen) < promised:
        raise UpstreamFormatError(SOURCE, where, f"incomplete file: {len(seen)} of the {promised} locations of the "
                                                 f"WPP {edition.revision} table (the last one read is on row "
                                                 f"{max(seen.values())}); the file was cut or is not the full table")
    frame = pd.DataFrame(records, columns=["area_code", "year", "value"])
    variant = np.where(frame["year"] > edition.last_estimate_year, PROJECTION, ESTIMATE)
    frame = frame.assign(series="wpp.net_migration", unit="persons", source=SOURCE,
                         revision=str(edition.revision), variant=variant)
    return MigrationTable(relative, file, edition, frame[INDICATOR_COLUMNS], left_out)


def migration_edition(file: FetchedFile, first: int, last: int, has_last_observed: bool) -> Edition:
    """The WPP edition of a migration.txt: by its sha256, else by its layout; never guessed."""
    revision = KNOWN_FILES.get(file.sha256) or LAYOUTS.get((first, last, has_last_observed))
    if revision is None:
        raise UpstreamFormatError(SOURCE, file.url, f"cannot tell which WPP edition this table is (years "
                                                    f"{first}-{last}, last.observed: {has_last_observed}); add its "
                                                    f"sha256 or layout to etl/sources/wpp.py KNOWN_FILES / LAYOUTS")
    return _edition(revision, file.url)


def _tsv_grid(data: bytes, where: str) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UpstreamFormatError(SOURCE, where, f"not UTF-8 text: {exc}") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    elif lines:
        last = lines[-1].split("\t")
        raise UpstreamFormatError(SOURCE, where, "the file ends in the middle of a line: truncated",
                                  row=len(lines), column=len(last) - 1, value=last[-1])
    return [(number, line.rstrip("\r").split("\t")) for number, line in enumerate(lines, start=1)]
