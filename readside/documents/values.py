"""Values per area and year that the talking points and charts are made of: the only SQL of the
documents package (parameterized), each with the vintage and citation it comes from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import pandas as pd
from babel.dates import format_skeleton

from etl.areas import AMERICAS_PARTS, WORLD
from readside import availability, corridors, queries
from readside.documents.subjects import oas_members
from readside.queries import Database
from readside.text import LOCALES, language, t

LAC = 904
RECEIVED, RECEIVED_GDP, PAID = "BX.TRF.PWKR.CD.DT", "BX.TRF.PWKR.DT.GD.ZS", "BM.TRF.PWKR.CD.DT"
# UNHCR: refugees, asylum-seekers and other people in need of international protection.
PROTECTION = ("refugees", "asylum_seekers", "oip")
UNHCR_ORIGIN = tuple(f"unhcr.{p}.origin" for p in PROTECTION)
UNHCR_ASYLUM = tuple(f"unhcr.{p}.asylum" for p in PROTECTION)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def stock(db: Database, codes: Sequence[int], sex: str = "total", revision: int | None = None) -> pd.DataFrame:
    """area_code, year, value: migrant stock (destination totals) in the newest revision."""
    revision = revision or latest_revision(db)
    return db.frame(
        "SELECT destination_code AS area_code, year, migrants::DOUBLE AS value FROM stock WHERE revision = ? "
        "AND sex = ? AND origin_code = ? AND destination_code IN (SELECT unnest(?)) ORDER BY 1, 2",
        [revision, sex, WORLD, list(codes)],
    )


def share(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """area_code, year, value: migrants as % of population (newest revision), as published."""
    return db.frame(
        "SELECT area_code, year, percent_of_population AS value FROM stock_share WHERE revision = ? "
        "AND sex = 'total' AND area_code IN (SELECT unnest(?)) ORDER BY 1, 2",
        [latest_revision(db), list(codes)],
    )


def women_share(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    total, female = stock(db, codes), stock(db, codes, "female")
    both = total.merge(female, on=["area_code", "year"], suffixes=("_t", "_f"))
    return both.assign(value=100 * both["value_f"] / both["value_t"])[["area_code", "year", "value"]]


def indicator(db: Database, series: Sequence[str], codes: Sequence[int]) -> pd.DataFrame:
    """area_code, year, value: the sum of the series (newest vintage of each, estimates)."""
    return db.frame(
        "SELECT area_code, year, sum(value) AS value FROM indicator_vintages WHERE newest AND variant = 'estimate' "
        "AND series IN (SELECT unnest(?)) AND area_code IN (SELECT unnest(?)) GROUP BY ALL ORDER BY 1, 2",
        [list(series), list(codes)],
    )


def emigrants(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """area_code, year, value: emigrants born in the area living anywhere, per KNOMAD edition."""
    return db.frame(
        "SELECT origin_code AS area_code, year, sum(migrants)::DOUBLE AS value FROM bilateral_stock "
        "WHERE source = 'knomad' AND origin_code IN (SELECT unnest(?)) GROUP BY ALL ORDER BY 1, 2",
        [list(codes)],
    )


def disaster_displacement(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """area_code, year, value: new displacements by disasters (IDMC, newest vintage)."""
    return db.frame(
        "SELECT area_code, year, persons::DOUBLE AS value FROM internal_displacement WHERE cause = 'disaster' "
        "AND measure = 'new_displacements' AND area_code IN (SELECT unnest(?)) AND vintage = "
        "(SELECT max(vintage) FROM internal_displacement WHERE cause = 'disaster' AND measure = 'new_displacements') "
        "ORDER BY 1, 2",
        [list(codes)],
    )


def americas_stock(db: Database, sex: str = "total", revision: int | None = None) -> pd.Series:
    """year -> migrants in the UN's Americas (LAC + Northern America) in a revision."""
    frame = stock(db, AMERICAS_PARTS, sex, revision)
    counted = frame.groupby("year")["value"].agg(["sum", "count"])
    return counted.loc[counted["count"] == len(AMERICAS_PARTS), "sum"]


def latest_revision(db: Database) -> int:
    return queries.revisions(db)[-1]


def vintage_of(db: Database, series: str) -> str | None:
    rows = db.rows("SELECT max(revision) FROM indicator_vintages WHERE newest AND series = ?", [series])
    return rows[0][0] if rows else None


def citation(db: Database, source: str, vintage: object, dataset: str = "%") -> str:
    """The publisher's own citation of one file behind the build (English, as published)."""
    rows = db.rows("SELECT citation FROM provenance WHERE source = ? AND vintage = ? AND dataset LIKE ? "
                   "ORDER BY dataset LIMIT 1", [source, str(vintage), dataset])
    return rows[0][0] if rows else source


def idmc_vintage(db: Database) -> str | None:
    rows = db.rows("SELECT max(vintage) FROM internal_displacement WHERE cause = 'disaster' "
                   "AND measure = 'new_displacements'")
    return rows[0][0] if rows else None


def displacement_vintage(db: Database) -> str | None:
    vintages = corridors.displacement_vintages(db)
    return vintages[0] if vintages else None


def source_coverage(db: Database) -> pd.DataFrame:
    """source, vintage, latest (year), members (OAS member states with a figure that year): one
    row per source in the build, read from the `availability` view (readside/availability.py),
    so the brief and the /availability page never disagree."""
    rows = availability.availability(db, oas_members(db))
    out = []
    for source, frame in rows.groupby("source", sort=False):
        latest = int(frame["latest_year"].max())
        newest = frame[frame["latest_year"] == latest]
        out.append({"source": source, "vintage": ", ".join(sorted(set(newest["vintage"]))), "latest": latest,
                    "members": int(newest["area_code"].nunique())})
    return pd.DataFrame(out, columns=["source", "vintage", "latest", "members"])


def latest_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int | None]:
    """The rows of the latest year in a frame, and that year (None when empty)."""
    if frame.empty:
        return frame, None
    year = int(frame["year"].max())
    return frame[frame["year"] == year], year


def oecd_vintage(db: Database, dataset: str = "oecd_df_mig_int_per") -> str:
    """The release of one OECD dataset in this build ('data to 2024, sha256:…'), or ''."""
    rows = db.rows("SELECT vintage FROM provenance WHERE source = 'oecd' AND dataset = ? LIMIT 1", [dataset])
    return rows[0][0] if rows else ""


def edition_label(vintage: object, lang: str = "en") -> str:
    """A vintage as a reader sees it, in the reader's language: 'data to 2024' for the OECD's
    'data to 2024, sha256:1fbf…' (the digest identifies the file in the sources list, not in a
    source line), 'diciembre de 2022' for KNOMAD's 'December 2022'; dates and release numbers
    (2025-07-01, 2025.12.1) as published."""
    text = str(vintage).split(", sha256:")[0]
    data_to = re.fullmatch(r"data to (\d{4})", text)
    if data_to:
        return t(lang, "documents.data_to", year=data_to.group(1))
    month = re.fullmatch(r"([A-Z][a-z]+) (\d{4})", text)
    if month and month.group(1) in MONTHS:
        when = dt.date(int(month.group(2)), MONTHS.index(month.group(1)) + 1, 1)
        return format_skeleton("yMMMM", when, locale=LOCALES[language(lang)])
    return text
