"""UN World Population Prospects: net migration by area and year (medium variant, estimates).

The file is the Population Division's "Demographic Indicators, medium variant" CSV
(`WPP{revision}_Demographic_Indicators_Medium.csv.gz`): one row per location and year with
`LocID` (M49), `Location`, `Variant`, `Time`, `NetMigrations` (thousands) and `CNMR` (net
migrants per 1,000 population), among some sixty other columns. Rows after the revision's
last estimate year are projections and are left out: the dashboard shows what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl import areas as area_reference
from etl.errors import UpstreamFormatError
from etl.fetch import FetchedFile, FetchPolicy, fetch, resolve_location
from etl.indicators import INDICATOR_COLUMNS, Collected, SeriesInfo
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
               "where more people left than arrived. Published in thousands."),
    SeriesInfo("wpp.net_migration_rate", "Net migration rate", "Tasa de migración neta",
               "per 1,000 population", SOURCE, LICENCE, CITATION,
               "Net migration per 1,000 population during the year (medium variant, estimates)."),
]


def collect(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
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
    tidy = tidy.assign(source=SOURCE, revision=str(edition.revision))
    return tidy[INDICATOR_COLUMNS], {str(k): int(v) for k, v in left_out.items()}


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
