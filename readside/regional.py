"""Regional series of an indicator with the members behind each year (readside.reporting).

The Remittances page draws Latin America and the Caribbean and Northern America as the World
Bank publishes them (its own aggregates) and the Caribbean, Central America and South America
as sums of their countries (the World Bank publishes none for them). Either way a year is only
as complete as the countries reporting it: every row says how many reported, how many were
expected, what share of the usual figure they stand for and whether the year is complete, so
a page can draw a partial year apart and never compare it with a complete one.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from etl.areas import (
    AMERICAS_PARTS,
    CARIBBEAN,
    CENTRAL_AMERICA,
    LATIN_AMERICA_AND_CARIBBEAN,
    NORTHERN_AMERICA,
    SOUTH_AMERICA,
)
from readside import reporting
from readside.queries import AREA_NAMES, NAME_COLUMNS, Database, placeholders

# What the page draws, in this order: (code, publisher's aggregate?) — the subregions of LAC are sums.
REGIONS = ((LATIN_AMERICA_AND_CARIBBEAN, True), (CARIBBEAN, False), (CENTRAL_AMERICA, False), (SOUTH_AMERICA, False),
           (NORTHERN_AMERICA, True))
COLUMNS = ["year", "area_code", *NAME_COLUMNS, "value", "reporting", "expected", "share", "complete", "missing"]
_VINTAGE = "i.series = ? AND i.variant = 'estimate' AND (i.revision = ? OR (? IS NULL AND i.newest))"


def country_rows(db: Database, series: str, vintage: str | None = None) -> pd.DataFrame:
    """area_code, year, value, unit, region, subregion of every country of the Americas (the
    publisher's values, placeholders included: the rules of readside.reporting judge them)."""
    return db.frame(
        f"""SELECT i.area_code, i.year, i.value, i.unit, a.region, a.subregion
            FROM indicator_vintages i JOIN area a ON a.code = i.area_code AND a.kind = 'country'
            WHERE {_VINTAGE} AND a.region IN ({placeholders(AMERICAS_PARTS)}) ORDER BY 1, 2""",  # noqa: S608
        [series, vintage, vintage, *AMERICAS_PARTS],
    )


def regional_series(db: Database, series: str, vintage: str | None = None, source: str = "worldbank") -> pd.DataFrame:
    """COLUMNS for LAC, its three subregions and Northern America, one row per year: the
    publisher's aggregate or the sum of the countries' real figures, with its coverage."""
    countries = country_rows(db, series, vintage)
    unit = str(countries["unit"].iloc[0]) if not countries.empty else ""
    names = db.frame(f"SELECT a.code AS area_code, {AREA_NAMES} FROM area a WHERE a.code IN "  # noqa: S608
                     f"({placeholders([c for c, _ in REGIONS])})", [c for c, _ in REGIONS])
    published = db.frame(
        f"""SELECT i.area_code, i.year, i.value FROM indicator_vintages i
            WHERE {_VINTAGE} AND i.area_code IN ({placeholders([c for c, own in REGIONS if own])})""",  # noqa: S608
        [series, vintage, vintage, *[c for c, own in REGIONS if own]],
    )
    parts = []
    for code, own in REGIONS:
        members = countries[(countries["region"] == code) | (countries["subregion"] == code)]
        if own:
            frame = reporting.real(published[published["area_code"] == code], unit)
            cover = reporting.aggregate_coverage(members, frame["year"], source, unit=unit)
            part = frame.drop(columns="area_code").merge(cover, on="year", how="left")
        else:
            part = reporting.sum_over_members(members, source, unit=unit)
        if not part.empty:
            parts.append(part.assign(area_code=code))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True).merge(names, on="area_code", how="left")
    out["complete"] = out["complete"].astype(bool)
    order = {code: i for i, (code, _) in enumerate(REGIONS)}
    return out.sort_values(["area_code", "year"], key=lambda c: c.map(order) if c.name == "area_code" else c,
                           ignore_index=True)[COLUMNS]


def ranking_coverage(db: Database, series: str, codes: Sequence[int], vintage: str | None = None,
                     source: str = "worldbank") -> pd.DataFrame:
    """The coverage, per year, of a ranking of `codes` (the top receivers of the Americas)."""
    countries = country_rows(db, series, vintage)
    unit = str(countries["unit"].iloc[0]) if not countries.empty else ""
    return reporting.coverage_for(countries[countries["area_code"].isin(set(codes))], source, codes, unit=unit)
