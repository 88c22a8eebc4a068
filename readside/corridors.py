"""Who lives where, and who fled where: origin x destination questions beyond UN DESA's stock.

Three sources answer them, never summed together: UN DESA's origin x destination stock (in
`queries`, when its workbook is loaded), the World Bank/KNOMAD bilateral migration matrices
(`bilateral_stock`, a second publisher's estimates built on UN DESA's) and UNHCR's
origin x asylum pairs (`displacement`, people already counted in the migrant stock).
Subregions of the Americas are computed from country pairs; everything else is "rest of the
world" (transform.REST).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from etl.areas import AMERICAS_PARTS, AMERICAS_SUBREGIONS, NORTHERN_AMERICA
from readside import citations
from readside.queries import AREA_NAMES, Database, placeholders
from readside.text import t
from readside.transform import REST

KNOMAD = "knomad"
# Country -> node of the subregion Sankey: its subregion of the Americas (Northern America has
# no subregion level in M49, so its region stands in), else the rest of the world.
_NODE = f"""CASE WHEN {{a}}.subregion IN ({placeholders(AMERICAS_SUBREGIONS)}) THEN {{a}}.subregion
               WHEN {{a}}.region = {NORTHERN_AMERICA} THEN {NORTHERN_AMERICA} ELSE {REST} END"""


def _node(alias: str) -> str:
    return _NODE.format(a=alias)


# ---- World Bank / KNOMAD bilateral migration matrices ----


def bilateral_editions(db: Database) -> list[int]:
    """KNOMAD editions in this build, newest first."""
    return [e for (e,) in db.rows("SELECT DISTINCT edition FROM bilateral_stock WHERE source = ? ORDER BY edition DESC",
                                  [KNOMAD])]


def bilateral_year(db: Database, edition: int) -> int | None:
    rows = db.rows("SELECT max(year) FROM bilateral_stock WHERE source = ? AND edition = ?", [KNOMAD, edition])
    return rows[0][0] if rows else None


def bilateral_subregion_links(db: Database, edition: int) -> pd.DataFrame:
    """origin_code, destination_code, migrants between the Americas' subregions and the rest of
    the world, summed from country pairs (residual origins count as rest of the world)."""
    return db.frame(
        f"""
        SELECT {_node('o')} AS origin_code, {_node('d')} AS destination_code, sum(b.migrants) AS migrants
        FROM bilateral_stock b JOIN area o ON o.code = b.origin_code JOIN area d ON d.code = b.destination_code
        WHERE b.source = ? AND b.edition = ?
        GROUP BY ALL HAVING NOT (origin_code = {REST} AND destination_code = {REST})
        ORDER BY migrants DESC
        """,  # noqa: S608 - only constants and placeholders are interpolated
        [*AMERICAS_SUBREGIONS, *AMERICAS_SUBREGIONS, KNOMAD, edition],
    )


def bilateral_subregion_totals(db: Database, edition: int) -> pd.DataFrame:
    """area_code, immigrants (living in the subregion, any origin, residuals included) and
    emigrants (born there, living anywhere) per subregion of the Americas, from one matrix."""
    return db.frame(
        f"""
        WITH pairs AS (SELECT {_node('o')} AS origin, {_node('d')} AS destination, b.migrants
                       FROM bilateral_stock b JOIN area o ON o.code = b.origin_code
                       JOIN area d ON d.code = b.destination_code WHERE b.source = ? AND b.edition = ?),
        nodes AS (SELECT unnest(?) AS area_code)
        SELECT n.area_code, (SELECT sum(migrants) FROM pairs WHERE destination = n.area_code) AS immigrants,
               (SELECT sum(migrants) FROM pairs WHERE origin = n.area_code) AS emigrants
        FROM nodes n ORDER BY list_position(?, n.area_code)
        """,  # noqa: S608 - only constants and placeholders are interpolated
        [*AMERICAS_SUBREGIONS, *AMERICAS_SUBREGIONS, KNOMAD, edition, list(AMERICAS_SUBREGIONS),
         list(AMERICAS_SUBREGIONS)],
    )


def bilateral_top_corridors(db: Database, edition: int, base_edition: int | None, limit: int = 20) -> pd.DataFrame:
    """Largest country-to-country corridors into or out of the Americas in one edition, with the
    same corridor in `base_edition` (NULL where it was not listed)."""
    return db.frame(
        f"""
        WITH americas AS (SELECT code FROM area WHERE kind = 'country' AND region IN ({placeholders(AMERICAS_PARTS)}))
        SELECT b.origin_code, o.name_en AS origin_en, o.name_es AS origin_es, o.name_fr AS origin_fr, o.name_pt AS origin_pt, o.iso3 AS origin_iso3,
               b.destination_code, d.name_en AS destination_en, d.name_es AS destination_es, d.name_fr AS destination_fr, d.name_pt AS destination_pt,
               d.iso3 AS destination_iso3, b.year, b.migrants, p.migrants AS base_migrants, p.year AS base_year
        FROM bilateral_stock b
        JOIN area o ON o.code = b.origin_code AND o.kind = 'country'
        JOIN area d ON d.code = b.destination_code AND d.kind = 'country'
        LEFT JOIN bilateral_stock p ON p.source = b.source AND p.edition = ?
             AND p.origin_code = b.origin_code AND p.destination_code = b.destination_code
        WHERE b.source = ? AND b.edition = ?
          AND (b.origin_code IN (SELECT code FROM americas) OR b.destination_code IN (SELECT code FROM americas))
        ORDER BY b.migrants DESC LIMIT ?
        """,  # noqa: S608
        [*AMERICAS_PARTS, base_edition, KNOMAD, edition, limit],
    )


def bilateral_partners(db: Database, edition: int, code: int, *, direction: str, limit: int = 10) -> pd.DataFrame:
    """Where `code`'s emigrants live (direction='destinations') or where its immigrants were born
    ('origins'): area_code, names, migrants, share of the total (residuals included in it)."""
    mine, theirs = ("destination_code", "origin_code") if direction == "origins" else ("origin_code", "destination_code")
    return db.frame(
        f"""
        SELECT b.{theirs} AS area_code, {AREA_NAMES}, a.iso3, b.migrants,
               b.migrants / sum(b.migrants) OVER () AS share
        FROM bilateral_stock b JOIN area a ON a.code = b.{theirs}
        WHERE b.source = ? AND b.edition = ? AND b.{mine} = ?
        ORDER BY b.migrants DESC LIMIT ?
        """,  # noqa: S608 - column names come from the two fixed choices above
        [KNOMAD, edition, code, limit],
    )


def bilateral_totals(db: Database, edition: int, code: int) -> dict[str, int]:
    """Immigrants living in and emigrants born in `code`, summed over the matrix (residuals kept)."""
    (immigrants, emigrants), = db.rows(
        """SELECT sum(migrants) FILTER (WHERE destination_code = ?), sum(migrants) FILTER (WHERE origin_code = ?)
           FROM bilateral_stock WHERE source = ? AND edition = ?""",
        [code, code, KNOMAD, edition],
    )
    return {"immigrants": int(immigrants or 0), "emigrants": int(emigrants or 0)}


def source_comparison(db: Database, edition: int, codes: Sequence[int] | None = None) -> pd.DataFrame:
    """Per destination: the matrix's total beside UN DESA's published total (both sexes) for the
    nearest year of the newest revision, and the difference. Never a sum across sources."""
    where = f"AND n.destination_code IN ({placeholders(codes)})" if codes else ""
    return db.frame(
        f"""
        WITH k AS (SELECT destination_code, year, sum(migrants) AS knomad FROM bilateral_stock
                   WHERE source = ? AND edition = ? GROUP BY destination_code, year),
        latest AS (SELECT max(revision) AS revision FROM stock),
        u AS (SELECT s.destination_code, s.year, s.revision, s.migrants FROM stock s, latest
              WHERE s.revision = latest.revision AND s.origin_code = 900 AND s.sex = 'total'),
        nearest AS (SELECT k.destination_code, k.year, k.knomad, u.year AS undesa_year, u.revision,
                           u.migrants AS undesa
                    FROM k LEFT JOIN u ON u.destination_code = k.destination_code
                    QUALIFY row_number() OVER (PARTITION BY k.destination_code
                                               ORDER BY abs(u.year - k.year), u.year DESC) = 1)
        SELECT n.destination_code AS area_code, {AREA_NAMES}, a.iso3, a.oas_member, n.year, n.knomad,
               n.undesa_year, n.revision, n.undesa, n.knomad - n.undesa AS difference
        FROM nearest n JOIN area a ON a.code = n.destination_code
        WHERE a.kind = 'country' {where}
        ORDER BY a.oas_member DESC, n.knomad DESC
        """,  # noqa: S608
        [KNOMAD, edition, *(codes or [])],
    )


def bilateral_checks(db: Database) -> pd.DataFrame:
    """The World-check findings of every matrix: a World total that differs from the sum of its
    cells, or a publisher's marker read as none. No rows: every total equals its parts."""
    return db.frame(
        """SELECT edition, year, "check", origin, destination, cell, published, sum_of_parts, difference, note
           FROM bilateral_check WHERE source = ? ORDER BY edition DESC, "check", cell""",
        [KNOMAD],
    )


def provenance_of(db: Database, source: str, edition: object) -> dict | None:
    """Publisher, licence, citation and release of one edition of a source (matched on its
    release label or its year), so each chart can name exactly the file it draws."""
    frame = db.frame(
        """SELECT publisher, licence, citation, vintage, revision FROM provenance
           WHERE source = ? AND (vintage = ? OR CAST(revision AS VARCHAR) = ?) ORDER BY dataset LIMIT 1""",
        [source, str(edition), str(edition)],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def knomad_source_line(db: Database, edition: int, lang: str) -> str:
    """Publisher, edition, release and licence of one KNOMAD matrix, and what it is built on (so no
    chart from it can pass for UN DESA's own figures)."""
    info = provenance_of(db, KNOMAD, edition) or {}
    return t(lang, "flows.knomad_source", publisher=citations.publisher(info.get("publisher", "World Bank / KNOMAD"), lang),
             edition=edition, vintage=citations.date(info.get("vintage", edition), lang),
             licence=info.get("licence", "CC BY 4.0"))


# ---- UNHCR: origin x asylum pairs ----


def displacement_vintages(db: Database) -> list[str]:
    """UNHCR releases in this build, newest first (e.g. 2025.12.1, 2024.12.0, 2021-03-07)."""
    return [v for (v,) in db.rows("SELECT DISTINCT vintage FROM displacement ORDER BY vintage DESC")]


def displacement_years(db: Database, vintage: str, populations: Sequence[str] | None = None) -> list[int]:
    """Years since 1990 of one release, oldest first; with `populations`, only years in which one
    of them is reported (so a chart of those populations is never empty)."""
    where = f"AND population IN ({placeholders(populations)})" if populations else ""
    sql = f"SELECT DISTINCT year FROM displacement WHERE vintage = ? AND year >= 1990 {where} ORDER BY year"  # noqa: S608
    return [y for (y,) in db.rows(sql, [vintage, *(populations or [])])]


def _member_codes(value: int | Sequence[int] | None) -> list[int] | None:
    """One area, several (a grouping's members) or None (any)."""
    if value is None:
        return None
    return [int(value)] if isinstance(value, int) else [int(v) for v in value]


def displacement_pairs(
    db: Database, vintage: str, year: int, populations: Sequence[str], *, origin: int | Sequence[int] | None = None,
    asylum: int | Sequence[int] | None = None, limit: int = 25,
) -> pd.DataFrame:
    """Largest origin -> asylum pairs of one year (optionally from one origin or into one host,
    or from / into any of several: a grouping's members): origin_code, origin names, asylum_code,
    asylum names, persons."""
    origins, hosts = _member_codes(origin), _member_codes(asylum)
    return db.frame(
        f"""
        SELECT d.origin_code, o.name_en AS origin_en, o.name_es AS origin_es, o.name_fr AS origin_fr, o.name_pt AS origin_pt,
               d.asylum_code, h.name_en AS asylum_en, h.name_es AS asylum_es, h.name_fr AS asylum_fr, h.name_pt AS asylum_pt, sum(d.persons) AS persons
        FROM displacement d JOIN area o ON o.code = d.origin_code JOIN area h ON h.code = d.asylum_code
        WHERE d.vintage = ? AND d.year = ? AND d.population IN ({placeholders(populations)})
          AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], d.origin_code))
          AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], d.asylum_code))
        GROUP BY ALL ORDER BY persons DESC, origin_en, asylum_en LIMIT ?
        """,  # noqa: S608
        [vintage, year, *populations, origins, origins, hosts, hosts, limit],
    )


def displacement_trend(
    db: Database, vintage: str, populations: Sequence[str], *, origin: int | Sequence[int] | None = None,
    asylum: int | Sequence[int] | None = None,
) -> pd.DataFrame:
    """year, persons from one origin (anywhere) or into one host (from anywhere), or from / into
    any of several (a grouping's members), per year."""
    origins, hosts = _member_codes(origin), _member_codes(asylum)
    return db.frame(
        f"""
        SELECT year, sum(persons) AS persons FROM displacement
        WHERE vintage = ? AND year >= 1990 AND population IN ({placeholders(populations)})
          AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], origin_code))
          AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], asylum_code))
        GROUP BY year ORDER BY year
        """,  # noqa: S608
        [vintage, *populations, origins, origins, hosts, hosts],
    )


def displacement_subregion_links(db: Database, vintage: str, year: int, populations: Sequence[str]) -> pd.DataFrame:
    """origin_code, destination_code, persons between the Americas' subregions and the rest of
    the world (residual origins such as 'unknown' count as rest of the world)."""
    return db.frame(
        f"""
        SELECT {_node('o')} AS origin_code, {_node('h')} AS destination_code, sum(d.persons) AS migrants
        FROM displacement d JOIN area o ON o.code = d.origin_code JOIN area h ON h.code = d.asylum_code
        WHERE d.vintage = ? AND d.year = ? AND d.population IN ({placeholders(populations)})
        GROUP BY ALL HAVING NOT (origin_code = {REST} AND destination_code = {REST})
        ORDER BY migrants DESC
        """,  # noqa: S608
        [*AMERICAS_SUBREGIONS, *AMERICAS_SUBREGIONS, vintage, year, *populations],
    )


# ---- WPP: net migration by subregion ----


def net_migration_editions(db: Database) -> list[str]:
    """WPP editions with net-migration estimates in this build, newest first."""
    return [r for (r,) in db.rows("SELECT DISTINCT revision FROM indicator_vintages WHERE series = "
                                  "'wpp.net_migration' AND variant = 'estimate' ORDER BY revision DESC")]


def net_migration_by_area(db: Database, edition: str, codes: Sequence[int]) -> pd.DataFrame:
    """year, area_code, names, value (persons; estimates only, never projections) per area."""
    return db.frame(
        f"""
        SELECT i.year, i.area_code, {AREA_NAMES}, i.value
        FROM indicator_vintages i JOIN area a ON a.code = i.area_code
        WHERE i.series = 'wpp.net_migration' AND i.variant = 'estimate' AND i.revision = ?
          AND i.area_code IN ({placeholders(codes)})
        ORDER BY list_position(?, i.area_code), i.year
        """,  # noqa: S608
        [edition, *codes, list(codes)],
    )
