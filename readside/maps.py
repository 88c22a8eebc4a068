"""What the maps ask of a build: one figure per area of the Americas, for one indicator, edition
and year. Read-only and parameterized, like readside/queries.py.

An indicator is mapped in one edition at a time (a UN DESA revision, a World Bank vintage, a
UNHCR release, a WPP edition), never mixing them, and only as published: estimates, never
projections. The protection map sums three UNHCR populations of one release (refugees,
asylum-seekers, other people in need of international protection), which UNHCR itself reports
together; the table shows each part.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.areas import AMERICAS_PARTS, WORLD
from etl.sources.unhcr import series_code
from etl.sources.worldbank import RECEIVED, RECEIVED_GDP
from readside.inputs import whole_number
from readside.queries import AREA_NAMES, Database, placeholders
from readside.reporting import real_value_sql

PROTECTION = tuple(series_code(p, "asylum") for p in ("refugees", "asylum_seekers", "oip"))


@dataclass(frozen=True)
class MapIndicator:
    """One choice of the map: where its figures live and what unit they carry."""

    key: str
    source: str  # undesa_ims | worldbank | unhcr | wpp
    unit: str  # persons | percent | usd | percent_gdp | per_thousand
    series: tuple[str, ...] = ()  # indicator series (empty: UN DESA's own tables)
    signed: bool = False  # takes negative values: a diverging colour scale around zero


INDICATORS: dict[str, MapIndicator] = {i.key: i for i in (
    MapIndicator("stock", "undesa_ims", "persons"),
    MapIndicator("share", "undesa_ims", "percent"),
    MapIndicator("remittances", "worldbank", "usd", (RECEIVED,)),
    MapIndicator("remittances_gdp", "worldbank", "percent_gdp", (RECEIVED_GDP,)),
    MapIndicator("protection", "unhcr", "persons", PROTECTION),
    MapIndicator("net_migration_rate", "wpp", "per_thousand", ("wpp.net_migration_rate",), signed=True),
    MapIndicator("net_migration", "wpp", "persons", ("wpp.net_migration",), signed=True),
)}
_UNDESA_TABLES = {"stock": "stock", "share": "stock_share"}


def americas_areas(db: Database) -> pd.DataFrame:
    """code, iso3, names, oas_member of every country or territory of the UN's Americas."""
    return db.frame(
        f"""SELECT a.code AS area_code, a.iso3, {AREA_NAMES}, a.oas_member FROM area a
            WHERE a.kind = 'country' AND a.region IN ({placeholders(AMERICAS_PARTS)}) ORDER BY a.name_en""",  # noqa: S608
        list(AMERICAS_PARTS),
    )


def editions(db: Database, key: str) -> list[str]:
    """The revisions (UN DESA) or vintages (others) holding the indicator, newest first."""
    spec = INDICATORS[key]
    if not spec.series:
        table = _UNDESA_TABLES[key]
        return [str(r) for (r,) in db.rows(f"SELECT DISTINCT revision FROM {table} ORDER BY revision DESC")]  # noqa: S608
    return [v for (v,) in db.rows("SELECT DISTINCT revision FROM indicator_vintages WHERE series = ? "
                                  "AND variant = 'estimate' ORDER BY revision DESC", [spec.series[0]])]


def years(db: Database, key: str, edition: str) -> list[int]:
    """Years the indicator has figures for in that edition, oldest first."""
    spec = INDICATORS[key]
    if not spec.series:
        sql = f"SELECT DISTINCT year FROM {_UNDESA_TABLES[key]} WHERE revision = ? ORDER BY year"  # noqa: S608
        return [y for (y,) in db.rows(sql, [_revision(edition)])]
    return [y for (y,) in db.rows(
        f"SELECT DISTINCT year FROM indicator_vintages WHERE series IN ({placeholders(spec.series)}) "  # noqa: S608
        "AND revision = ? AND variant = 'estimate' ORDER BY year", [*spec.series, edition])]


def values(db: Database, key: str, edition: str, year: int) -> pd.DataFrame:
    """area_code, iso3, names, oas_member, value (and, for protection, each population) of the
    Americas' areas that have a figure, largest first; a placeholder (the World Bank's 0 for "not
    reported": readside.reporting) is no figure, so the area is drawn as having none."""
    spec = INDICATORS[key]
    if key == "stock":
        sql = ("SELECT destination_code AS area_code, migrants::DOUBLE AS value FROM stock "
               "WHERE revision = ? AND year = ? AND sex = 'total' AND origin_code = ?")
        params: list[object] = [_revision(edition), year, WORLD]
    elif key == "share":
        sql = ("SELECT area_code, percent_of_population AS value FROM stock_share "
               "WHERE revision = ? AND year = ? AND sex = 'total'")
        params = [_revision(edition), year]
    else:
        parts = ", ".join(f"sum(value) FILTER (WHERE series = ?) AS \"{s}\"" for s in spec.series)
        sql = (f"SELECT area_code, sum(value) AS value{', ' + parts if len(spec.series) > 1 else ''} "  # noqa: S608
               f"FROM indicator_vintages i WHERE series IN ({placeholders(spec.series)}) AND revision = ? "
               f"AND year = ? AND variant = 'estimate' AND {real_value_sql('i')} GROUP BY area_code")
        params = [*(spec.series if len(spec.series) > 1 else ()), *spec.series, edition, year]
    return db.frame(
        f"""SELECT a.code AS area_code, a.iso3, {AREA_NAMES}, a.oas_member, v.* EXCLUDE (area_code)
            FROM ({sql}) v JOIN area a ON a.code = v.area_code
            WHERE a.kind = 'country' AND a.region IN ({placeholders(AMERICAS_PARTS)})
            ORDER BY v.value DESC, a.name_en""",  # noqa: S608 - fixed SQL and placeholders only
        [*params, *AMERICAS_PARTS],
    )


def _revision(edition: str) -> int:
    """UN DESA revisions are years; anything else matches no row."""
    year = whole_number(str(edition))
    return year if year is not None and len(str(edition)) == 4 else -1


def edition_source(db: Database, key: str, edition: str) -> dict | None:
    """Citation and licence of the file behind one edition of an indicator series (the World
    Bank's file of that very series where there is one), so that a map of an older vintage is
    never captioned with the newest file's citation."""
    spec = INDICATORS[key]
    frame = db.frame(
        "SELECT citation, licence FROM provenance WHERE source = ? AND vintage = ? "
        "ORDER BY contains(dataset, ?) DESC, dataset LIMIT 1",
        [spec.source, edition, spec.series[0] if spec.series else ""],
    )
    return None if frame.empty else frame.iloc[0].to_dict()
