"""The only place SQL runs. Read-only, parameterized, one small function per question.

The handle (`Database`, which follows atomic replacements of the file) lives in
readside/database.py; the data page's extracts in readside/extract_queries.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from etl.areas import (
    AMERICAS_PARTS,
    AMERICAS_SUBREGIONS,
    WORLD,
)
from readside.database import Database, NoDatabase, placeholders
from readside.reporting import real_value_sql

__all__ = ["Database", "NoDatabase", "placeholders"]  # re-exported: most callers import them from here

AMERICAS_CODE = -19  # synthetic code for the Americas total (LAC + Northern America); M49's 019
SEXES = ("total", "male", "female")



# ---- questions the pages ask ----


def build_info(db: Database) -> dict[str, str]:
    row = db.rows("SELECT build_id, built_at, built_from FROM build")[0]
    return dict(zip(("build_id", "built_at", "built_from"), row, strict=True))


def revisions(db: Database) -> list[int]:
    return [r for (r,) in db.rows("SELECT DISTINCT revision FROM stock ORDER BY revision")]


def years(db: Database, revision: int) -> list[int]:
    return [y for (y,) in db.rows("SELECT DISTINCT year FROM stock WHERE revision = ? ORDER BY year", [revision])]


def americas_by_subregion(db: Database, revision: int, sex: str = "total") -> pd.DataFrame:
    """year, area_code, name_en, name_es, migrants for the four subregions of the Americas."""
    marks = ", ".join("?" for _ in AMERICAS_SUBREGIONS)
    return db.frame(
        f"""
        SELECT s.year, s.destination_code AS area_code, a.name_en, a.name_es, a.name_fr, a.name_pt, s.migrants
        FROM stock s JOIN area a ON a.code = s.destination_code
        WHERE s.revision = ? AND s.sex = ? AND s.origin_code = ? AND s.destination_code IN ({marks})
        ORDER BY s.year, s.destination_code
        """,  # noqa: S608 - only placeholders are interpolated
        [revision, sex, WORLD, *AMERICAS_SUBREGIONS],
    )


def americas_total(db: Database, revision: int, sex: str = "total") -> pd.DataFrame:
    """year, migrants for the Americas = Latin America and the Caribbean + Northern America."""
    return db.frame(
        """
        SELECT year, sum(migrants)::BIGINT AS migrants, count(*) AS parts
        FROM stock
        WHERE revision = ? AND sex = ? AND origin_code = ? AND destination_code IN (?, ?)
        GROUP BY year HAVING count(*) = 2 ORDER BY year
        """,
        [revision, sex, WORLD, *AMERICAS_PARTS],
    ).drop(columns="parts")


def world_total(db: Database, revision: int, sex: str = "total") -> pd.DataFrame:
    return db.frame(
        "SELECT year, migrants FROM stock WHERE revision = ? AND sex = ? AND origin_code = ? "
        "AND destination_code = ? ORDER BY year",
        [revision, sex, WORLD, WORLD],
    )


def provenance(db: Database) -> pd.DataFrame:
    return db.frame(
        "SELECT source, dataset, revision, vintage, url, publisher, licence, licence_url, citation, "
        "retrieved_at, sha256, rows FROM provenance ORDER BY revision DESC, dataset"
    )


def provenance_for(db: Database, revision: int) -> dict[str, str] | None:
    frame = db.frame(
        "SELECT publisher, licence, citation, url FROM provenance WHERE revision = ? "
        "AND dataset LIKE 'destination_%' LIMIT 1",
        [revision],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


# ---- pages: subregions, country profile, corridors, sources ----

NAME_COLUMNS = ("name_en", "name_es", "name_fr", "name_pt")  # an area's name in the four OAS languages
AREA_NAMES = ", ".join(f"a.{c}" for c in NAME_COLUMNS)


def stock_series(db: Database, revision: int, codes: Sequence[int], sex: str = "total") -> pd.DataFrame:
    """Destination totals: year, area_code, name_en, name_es, migrants."""
    return db.frame(
        f"""
        SELECT s.year, s.destination_code AS area_code, {AREA_NAMES}, s.migrants
        FROM stock s JOIN area a ON a.code = s.destination_code
        WHERE s.revision = ? AND s.sex = ? AND s.origin_code = ? AND s.destination_code IN ({placeholders(codes)})
        ORDER BY s.destination_code, s.year
        """,  # noqa: S608 - only placeholders are interpolated
        [revision, sex, WORLD, *codes],
    )


def stock_by_sex(db: Database, revision: int, code: int) -> pd.DataFrame:
    """year, sex, migrants for one destination (all three sexes)."""
    return db.frame(
        "SELECT year, sex, migrants FROM stock WHERE revision = ? AND origin_code = ? "
        "AND destination_code = ? ORDER BY year, sex",
        [revision, WORLD, code],
    )


def share_series(db: Database, revision: int, codes: Sequence[int], sex: str = "total") -> pd.DataFrame:
    """Migrants as % of population: year, area_code, name_en, name_es, percent_of_population."""
    return db.frame(
        f"""
        SELECT s.year, s.area_code, {AREA_NAMES}, s.percent_of_population
        FROM stock_share s JOIN area a ON a.code = s.area_code
        WHERE s.revision = ? AND s.sex = ? AND s.area_code IN ({placeholders(codes)})
        ORDER BY s.area_code, s.year
        """,  # noqa: S608
        [revision, sex, *codes],
    )


def has_origin_data(db: Database, revision: int) -> bool:
    """Whether the origin x destination workbook of this revision was loaded."""
    (count,) = db.rows("SELECT count(*) FROM stock WHERE revision = ? AND origin_code <> ?", [revision, WORLD])[0]
    return count > 0


def emigrants(db: Database, revision: int, codes: Sequence[int], sex: str = "total") -> pd.DataFrame:
    """Migrants born in each area and living anywhere (destination World): year, area_code, migrants."""
    return db.frame(
        f"""
        SELECT s.year, s.origin_code AS area_code, {AREA_NAMES}, s.migrants
        FROM stock s JOIN area a ON a.code = s.origin_code
        WHERE s.revision = ? AND s.sex = ? AND s.destination_code = ? AND s.origin_code IN ({placeholders(codes)})
        ORDER BY s.origin_code, s.year
        """,  # noqa: S608
        [revision, sex, WORLD, *codes],
    )


def countries(db: Database) -> pd.DataFrame:
    """Countries and areas for selectors: OAS member states first, then by English name."""
    return db.frame(
        "SELECT code, iso3, name_en, name_es, name_fr, name_pt, oas_member, subregion FROM area WHERE kind = 'country' "
        "ORDER BY oas_member DESC, name_en"
    )


def area_row(db: Database, code: int) -> dict | None:
    frame = db.frame("SELECT * FROM area WHERE code = ?", [code])
    return None if frame.empty else frame.iloc[0].to_dict()


def top_partners(
    db: Database, revision: int, year: int, code: int, *, direction: str, limit: int = 10, sex: str = "total"
) -> pd.DataFrame:
    """Top countries of origin of `code`'s immigrants (direction='origins') or destinations of its emigrants."""
    mine, theirs = ("destination_code", "origin_code") if direction == "origins" else ("origin_code", "destination_code")
    return db.frame(
        f"""
        SELECT s.{theirs} AS area_code, {AREA_NAMES}, s.migrants
        FROM stock s JOIN area a ON a.code = s.{theirs}
        WHERE s.revision = ? AND s.year = ? AND s.sex = ? AND s.{mine} = ? AND a.kind = 'country'
        ORDER BY s.migrants DESC LIMIT ?
        """,  # noqa: S608 - column names come from the two fixed choices above
        [revision, year, sex, code, limit],
    )


def flows_between(db: Database, revision: int, year: int, codes: Sequence[int], sex: str = "total") -> pd.DataFrame:
    """Origin x destination stock between the given aggregate areas (plus World as destination)."""
    return db.frame(
        f"""
        SELECT origin_code, destination_code, migrants FROM stock
        WHERE revision = ? AND year = ? AND sex = ?
          AND origin_code IN ({placeholders(codes)}) AND destination_code IN ({placeholders([*codes, WORLD])})
        """,  # noqa: S608
        [revision, year, sex, *codes, *codes, WORLD],
    )


def top_corridors(db: Database, revision: int, year: int, base_year: int, limit: int = 20, sex: str = "total") -> pd.DataFrame:
    """Largest country-to-country corridors into or out of the Americas, with the stock in base_year."""
    return db.frame(
        f"""
        WITH americas AS (SELECT code FROM area WHERE kind = 'country' AND region IN ({placeholders(AMERICAS_PARTS)}))
        SELECT s.origin_code, o.name_en AS origin_en, o.name_es AS origin_es, o.name_fr AS origin_fr, o.name_pt AS origin_pt,
               s.destination_code, d.name_en AS destination_en, d.name_es AS destination_es, d.name_fr AS destination_fr, d.name_pt AS destination_pt,
               s.migrants, b.migrants AS base_migrants
        FROM stock s
        JOIN area o ON o.code = s.origin_code AND o.kind = 'country'
        JOIN area d ON d.code = s.destination_code AND d.kind = 'country'
        LEFT JOIN stock b ON b.revision = s.revision AND b.year = ? AND b.sex = s.sex
             AND b.origin_code = s.origin_code AND b.destination_code = s.destination_code
        WHERE s.revision = ? AND s.year = ? AND s.sex = ?
          AND (s.origin_code IN (SELECT code FROM americas) OR s.destination_code IN (SELECT code FROM americas))
        ORDER BY s.migrants DESC LIMIT ?
        """,  # noqa: S608
        [*AMERICAS_PARTS, base_year, revision, year, sex, limit],
    )


# ---- indicator series: World Bank remittances, UNHCR, UN WPP ----


def series_table(db: Database) -> pd.DataFrame:
    """code, name_en, name_es, unit, source, licence, citation, description of every series."""
    return db.frame("SELECT * FROM series ORDER BY source, code")


def series_counts(db: Database) -> dict[str, int]:
    """Observations per indicator series in this build (absent series: not loaded)."""
    return {code: int(n) for code, n in db.rows("SELECT series, count(*) FROM indicator GROUP BY series")}


def loaded_sources(db: Database) -> set[str]:
    """Indicator sources with at least one observation in this build."""
    return {source for (source,) in db.rows("SELECT DISTINCT source FROM indicator")}


# One series in one vintage (the newest when None), estimates only: parameters series, vintage, vintage.
_ONE_VINTAGE = "i.series = ? AND i.variant = 'estimate' AND (i.revision = ? OR (? IS NULL AND i.newest))"


def indicator_years(db: Database, series: str, vintage: str | None = None) -> list[int]:
    sql = f"SELECT DISTINCT year FROM indicator_vintages i WHERE {_ONE_VINTAGE} ORDER BY year"  # noqa: S608
    return [y for (y,) in db.rows(sql, [series, vintage, vintage])]


def indicator_series(db: Database, series: str, codes: Sequence[int], vintage: str | None = None) -> pd.DataFrame:
    """year, area_code, name_en, name_es, value, unit, revision for some areas, as published:
    the newest vintage of the series, or the one named (estimates only, never projections)."""
    return db.frame(
        f"""
        SELECT i.year, i.area_code, {AREA_NAMES}, i.value, i.unit, i.revision
        FROM indicator_vintages i JOIN area a ON a.code = i.area_code
        WHERE {_ONE_VINTAGE} AND i.area_code IN ({placeholders(codes)})
        ORDER BY list_position(?, i.area_code), i.year
        """,  # noqa: S608 - only placeholders are interpolated
        [series, vintage, vintage, *codes, list(codes)],
    )


def series_all_vintages(db: Database, series: str, codes: Sequence[int]) -> pd.DataFrame:
    """vintage, year, area_code, value of a series in every vintage (estimates), newest first."""
    return db.frame(
        f"""SELECT revision AS vintage, year, area_code, value FROM indicator_vintages
            WHERE series = ? AND variant = 'estimate' AND area_code IN ({placeholders(codes)})
            ORDER BY revision DESC, area_code, year""",  # noqa: S608 - only placeholders are interpolated
        [series, *codes],
    )


def series_vintages(db: Database, series: str) -> list[str]:
    """Every vintage of a series in this build, newest first (World Bank 'Last Updated' dates...)."""
    return [v for (v,) in db.rows("SELECT DISTINCT revision FROM indicator_vintages WHERE series = ? "
                                  "AND variant = 'estimate' ORDER BY revision DESC", [series])]


def vintage_differences(db: Database, series: str, code: int, tolerance: float = 0.005) -> pd.DataFrame:
    """year, vintage, value where the vintages of a series disagree on an area's figure by more
    than `tolerance` (relative): each later vintage rewrote that year."""
    return db.frame(
        """
        WITH v AS (SELECT year, revision AS vintage, value FROM indicator_vintages
                   WHERE series = ? AND area_code = ? AND variant = 'estimate'),
        spread AS (SELECT year FROM v GROUP BY year HAVING count(*) > 1
                   AND (max(value) - min(value)) > ? * greatest(abs(max(value)), abs(min(value))))
        SELECT v.year, v.vintage, v.value FROM v JOIN spread USING (year) ORDER BY v.year, v.vintage DESC
        """,
        [series, code, tolerance],
    )


def indicator_by_subregion(
    db: Database, series: str, subregions: Sequence[int], vintage: str | None = None
) -> pd.DataFrame:
    """Sum over the reporting countries of each subregion, per year: year, area_code, name_en,
    name_es, value, reporting (how many countries the sum covers). Only for additive units."""
    return db.frame(
        f"""
        SELECT i.year, c.subregion AS area_code, s.name_en, s.name_es, s.name_fr, s.name_pt, sum(i.value) AS value,
               count(*) AS reporting
        FROM indicator_vintages i JOIN area c ON c.code = i.area_code AND c.kind = 'country'
        JOIN area s ON s.code = c.subregion
        WHERE {_ONE_VINTAGE} AND c.subregion IN ({placeholders(subregions)})
        GROUP BY i.year, c.subregion, s.name_en, s.name_es, s.name_fr, s.name_pt ORDER BY list_position(?, c.subregion), i.year
        """,  # noqa: S608
        [series, vintage, vintage, *subregions, list(subregions)],
    )


def indicator_ranking(
    db: Database, series: str, year: int, subregions: Sequence[int], limit: int = 15, vintage: str | None = None
) -> pd.DataFrame:
    """Countries of the given subregions by value in one year, largest first; a placeholder (a 0
    that stands for "not reported": readside.reporting) is never ranked."""
    return db.frame(
        f"""
        SELECT i.area_code, a.iso3, {AREA_NAMES}, i.value, i.unit
        FROM indicator_vintages i JOIN area a ON a.code = i.area_code AND a.kind = 'country'
        WHERE {_ONE_VINTAGE} AND i.year = ? AND a.subregion IN ({placeholders(subregions)})
          AND {real_value_sql("i")}
        ORDER BY i.value DESC, a.name_en LIMIT ?
        """,  # noqa: S608
        [series, vintage, vintage, year, *subregions, limit],
    )


def indicator_provenance(db: Database, source: str) -> dict[str, str] | None:
    """Publisher, licence, citation and retrieval time of a source's newest file."""
    frame = db.frame(
        "SELECT publisher, licence, citation, retrieved_at, revision FROM provenance WHERE source = ? "
        "ORDER BY vintage DESC, dataset LIMIT 1",
        [source],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


# ---- claims ----


def claims(db: Database) -> pd.DataFrame:
    return db.frame("SELECT * FROM claim ORDER BY document_date DESC, claim_id")


def claim_figures(db: Database) -> pd.DataFrame:
    return db.frame("SELECT * FROM claim_figure ORDER BY claim_id, figure_id")


def claim_area_totals(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """Destination totals (all origins) of `codes`: revision, year, destination_code, sex, migrants.

    One query for every area the claims name, in every revision: the checker then sums, subtracts
    and interpolates in Python instead of asking one question per figure, year and revision.
    """
    return db.frame(
        f"""
        SELECT revision, year, destination_code, sex, migrants FROM stock
        WHERE origin_code = ? AND destination_code IN ({placeholders(codes)})
        ORDER BY revision, year, destination_code, sex
        """,  # noqa: S608 - only placeholders are interpolated
        [WORLD, *codes],
    )


def area_names(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """code, name_en, name_es of `codes` (to name the series of a claim)."""
    return db.frame(
        f"SELECT code, name_en, name_es, name_fr, name_pt FROM area WHERE code IN ({placeholders(codes)}) ORDER BY code",  # noqa: S608
        list(codes),
    )


def provenance_citation(db: Database, revision: int) -> dict | None:
    """What a citation of one revision needs: publisher, dataset, citation, URL, licence, access date."""
    frame = db.frame(
        "SELECT publisher, dataset, revision, citation, url, licence, retrieved_at FROM provenance "
        "WHERE revision = ? AND dataset LIKE 'destination_%' ORDER BY dataset LIMIT 1",
        [revision],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def quoted_stock_points(db: Database, areas: Sequence[int]) -> pd.DataFrame:
    """Quoted stock figures (in millions) for exactly this set of areas: year, value, document_title."""
    key = ",".join(str(c) for c in sorted(areas))
    return db.frame(
        """
        SELECT f.year, f.value, f.sex, c.document_title, c.claim_id
        FROM claim_figure f JOIN claim c USING (claim_id)
        WHERE f.metric = 'stock' AND f.unit = 'million' AND array_to_string(list_sort(string_split(f.areas, ',')::INTEGER[]), ',') = ?
        ORDER BY f.year
        """,
        [key],
    )


def area_codes(db: Database) -> list[int]:
    return [c for (c,) in db.rows("SELECT code FROM area ORDER BY code")]


def areas_for_selector(db: Database) -> pd.DataFrame:
    """Every area, Americas subregions and OAS members first, for the data page's selector."""
    return db.frame(
        f"""
        SELECT code, iso3, name_en, name_es, name_fr, name_pt, kind, oas_member FROM area
        ORDER BY code IN ({placeholders(AMERICAS_SUBREGIONS)}) DESC, code IN ({placeholders(AMERICAS_PARTS)}) DESC,
                 oas_member DESC, kind = 'country' DESC, name_en
        """,  # noqa: S608 - only placeholders are interpolated
        [*AMERICAS_SUBREGIONS, *AMERICAS_PARTS],
    )


def oas_member_codes(db: Database) -> list[int]:
    return [c for (c,) in db.rows("SELECT code FROM area WHERE oas_member ORDER BY name_en")]


# ---- serving ----


def data_revisions(db: Database) -> list[dict[str, object]]:
    """Every upstream file behind the build (dataset, revision, sha256, retrieval time).

    /healthz reports it so a load balancer or a rollout script can tell which data each worker
    serves, and check a copied artifact against the files it was built from.
    """
    rows = db.rows("SELECT dataset, revision, sha256, retrieved_at FROM provenance ORDER BY dataset")
    return [
        {"dataset": dataset, "revision": int(revision), "sha256": sha256, "retrieved_at": retrieved_at}
        for dataset, revision, sha256, retrieved_at in rows
    ]
