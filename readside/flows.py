"""Flows (OECD inflows), the human cost (IOM Missing Migrants) and internal displacement (IDMC).

Flows are what SICREMI reports: entries by category, not stocks, so they are never added to
the migrant stock. A total of permanent-type inflows is offered only as the sum of the
categories published for that country and year, and labelled so. Missing Migrants figures are
minimum estimates, and a year is shown with its coverage (complete, partial, not loaded):
never a zero for a year no file covers. IDMC counts people displaced inside their country.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from etl.areas import AMERICAS_PARTS
from readside.queries import AREA_NAMES, Database, placeholders

# The IOM regions of incident that make up the Americas.
AMERICAS_REGIONS = ("North America", "Central America", "Caribbean", "South America")
# A provenance row as readside/citations.py writes it in the page's language.
PROVENANCE = ", ".join(f"p.{c}" for c in ("source", "dataset", "revision", "vintage", "url", "publisher", "licence",
                                           "citation", "retrieved_at"))


def loaded(db: Database) -> set[str]:
    """Which of this module's tables hold rows in this build."""
    tables = ("migration_flow", "missing_migrants", "internal_displacement")
    return {table for table in tables if db.rows(f"SELECT count(*) FROM {table}")[0][0]}  # noqa: S608 - constants


def flow_destinations(db: Database) -> pd.DataFrame:
    """area_code, names of the Americas' countries that report OECD inflows."""
    return db.frame(
        f"""SELECT DISTINCT a.code AS area_code, {AREA_NAMES} FROM migration_flow f JOIN area a
            ON a.code = f.destination_code WHERE a.region IN ({placeholders(AMERICAS_PARTS)}) ORDER BY a.name_en""",  # noqa: S608
        list(AMERICAS_PARTS),
    )


def inflows_by_category(db: Database, code: int, flow_type: str) -> pd.DataFrame:
    """year, category, persons, status of one destination's inflows of one type."""
    return db.frame(
        "SELECT year, category, persons, status FROM migration_flow WHERE destination_code = ? AND flow_type = ? "
        "ORDER BY year, category",
        [code, flow_type],
    )


def permanent_totals(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """year, area_code, names, persons, categories: permanent-type inflows summed over the
    categories published for that year (how many is in `categories`)."""
    return db.frame(
        f"""SELECT f.year, f.destination_code AS area_code, {AREA_NAMES}, sum(f.persons) AS persons,
                   count(*) AS categories
            FROM migration_flow f JOIN area a ON a.code = f.destination_code
            WHERE f.flow_type = 'permanent' AND f.destination_code IN ({placeholders(codes)})
            GROUP BY ALL ORDER BY a.name_en, f.year""",  # noqa: S608
        list(codes),
    )


def coverage(db: Database) -> pd.DataFrame:
    """year, coverage (complete | partial), vintage: the years the loaded IOM files cover."""
    return db.frame("SELECT year, coverage, vintage FROM missing_migrants_coverage ORDER BY year")


def file_covering(db: Database, year: int) -> dict | None:
    """The provenance row (citation, licence...) of the IOM file that covers `year` (the newest
    file wins an overlap, as in the build), so a year's map cites the file its incidents come from."""
    found = db.frame(
        f"""SELECT {PROVENANCE} FROM missing_migrants_coverage c
           JOIN provenance p ON p.source = 'iom_missing_migrants' AND p.vintage = c.vintage
           WHERE c.year = ? LIMIT 1""",  # noqa: S608 - constant columns
        [int(year)],
    ).to_dict("records")
    return found[0] if found else None


NOT_COVERED = "none"  # the coverage of a year no loaded file covers: a gap, never a zero


def dead_and_missing_by_year(db: Database) -> pd.DataFrame:
    """year, dead_and_missing (all parts of every incident in the Americas' regions), coverage:
    every year from the first to the last a file covers, a year no file covers (IOM's 2024 and
    2025 in this build) with coverage 'none' and no figure, so a chart shows the gap instead of
    drawing the partial year after it as a collapse."""
    return db.frame(
        f"""WITH span AS (SELECT unnest(range(min(year), max(year) + 1)) AS year FROM missing_migrants_coverage)
            SELECT s.year, CASE WHEN c.year IS NULL THEN NULL ELSE coalesce(sum(m.dead_and_missing), 0) END
                   AS dead_and_missing, coalesce(c.coverage, '{NOT_COVERED}') AS coverage
            FROM span s LEFT JOIN missing_migrants_coverage c ON c.year = s.year
            LEFT JOIN missing_migrants m ON m.year = c.year AND m.region IN ({placeholders(AMERICAS_REGIONS)})
            GROUP BY s.year, c.year, c.coverage ORDER BY s.year""",  # noqa: S608 - constants and placeholders only
        list(AMERICAS_REGIONS),
    )


def dead_and_missing_by_route(db: Database, year: int, limit: int = 10) -> pd.DataFrame:
    """route, regions, dead_and_missing in the Americas in one year, largest first: one row per
    route across regions (the US-Mexico border crossing is in two); incidents with no route named
    are grouped per region."""
    return db.frame(
        f"""SELECT coalesce(route, '— (' || region || ')') AS route,
                   string_agg(DISTINCT region, ', ' ORDER BY region) AS region, sum(dead_and_missing) AS dead_and_missing
            FROM missing_migrants WHERE year = ? AND region IN ({placeholders(AMERICAS_REGIONS)})
            GROUP BY 1 ORDER BY dead_and_missing DESC LIMIT ?""",  # noqa: S608
        [year, *AMERICAS_REGIONS, limit],
    )


def internal_displacement_ranking(db: Database, year: int, cause: str, measure: str = "new_displacements",
                                  limit: int = 15) -> pd.DataFrame:
    """area_code, names, sids, persons: the Americas' countries by displacement in one year."""
    return db.frame(
        f"""SELECT d.area_code, {AREA_NAMES}, a.sids, d.persons FROM internal_displacement d
            JOIN area a ON a.code = d.area_code
            WHERE d.year = ? AND d.cause = ? AND d.measure = ? AND a.region IN ({placeholders(AMERICAS_PARTS)})
              AND d.vintage = (SELECT max(vintage) FROM internal_displacement WHERE cause = ? AND measure = ?)
            ORDER BY d.persons DESC LIMIT ?""",  # noqa: S608
        [year, cause, measure, *AMERICAS_PARTS, cause, measure, limit],
    )


def internal_displacement_years(db: Database, cause: str) -> list[int]:
    return [y for (y,) in db.rows("SELECT DISTINCT year FROM internal_displacement WHERE cause = ? ORDER BY year",
                                  [cause])]


def incidents(db: Database, year: int) -> pd.DataFrame:
    """incident_id, date, region, route, cause, dead_and_missing, latitude, longitude: one row
    per incident in the Americas in `year`, its parts summed (a split or corrected record is one
    event) and placed where its first located part is; largest first. Incidents whose
    corrections net to nothing are left out."""
    return db.frame(
        f"""SELECT incident_id, strftime(min(date), '%Y-%m-%d') AS date, min(region) AS region,
                   arg_min(route, part) AS route, arg_min(cause, part) AS cause,
                   sum(dead_and_missing) AS dead_and_missing,
                   arg_min(latitude, part) FILTER (WHERE latitude IS NOT NULL AND longitude IS NOT NULL) AS latitude,
                   arg_min(longitude, part) FILTER (WHERE latitude IS NOT NULL AND longitude IS NOT NULL) AS longitude
            FROM missing_migrants WHERE year = ? AND region IN ({placeholders(AMERICAS_REGIONS)})
            GROUP BY incident_id HAVING sum(dead_and_missing) > 0
            ORDER BY dead_and_missing DESC, date, incident_id""",  # noqa: S608 - only placeholders
        [year, *AMERICAS_REGIONS],
    )


# ---- one country's panels on the country profile ----

def flow_citations(db: Database, code: int, flow_type: str) -> list[dict]:
    """citation, licence of the OECD files one destination's inflows of one type come from: each
    flow type is its own OECD dataset (DF_MIG_INT_PER, DF_MIG), so a chart cites its own."""
    return db.frame(
        f"""SELECT DISTINCT {PROVENANCE} FROM migration_flow f
           JOIN provenance p ON p.source = f.source AND p.vintage = f.vintage
           WHERE f.destination_code = ? AND f.flow_type = ? ORDER BY p.dataset""",  # noqa: S608 - constant columns
        [code, flow_type],
    ).to_dict("records")


def complete_permanent_totals(db: Database, code: int) -> pd.DataFrame:
    """year, persons, categories: one destination's permanent-type inflows summed only in the years
    where every category it publishes in any year is present, so a missing category never
    passes for a fall in the total."""
    return db.frame(
        """WITH p AS (SELECT year, category, persons FROM migration_flow
                      WHERE destination_code = ? AND flow_type = 'permanent')
           SELECT year, sum(persons) AS persons, count(DISTINCT category) AS categories FROM p GROUP BY year
           HAVING count(DISTINCT category) = (SELECT count(DISTINCT category) FROM p) ORDER BY year""",
        [code],
    )


def foreign_inflows(db: Database, code: int) -> pd.DataFrame:
    """year, persons: inflows of foreign population by nationality (national definitions)."""
    return db.frame(
        "SELECT year, persons FROM migration_flow WHERE destination_code = ? "
        "AND flow_type = 'foreign_inflow_national' ORDER BY year",
        [code],
    )


def country_displacement(db: Database, code: int) -> pd.DataFrame:
    """year, disaster, conflict, disaster_vintage, conflict_vintage: one country's new internal
    displacements per year, each cause from the newest IDMC release that publishes it (the
    disaster and conflict files are released apart); a year a cause has no figure is null."""
    return db.frame(
        """WITH newest AS (SELECT cause, max(vintage) AS vintage FROM internal_displacement
                           WHERE measure = 'new_displacements' GROUP BY cause),
           d AS (SELECT d.year, d.cause, d.persons, d.vintage FROM internal_displacement d
                 JOIN newest n ON n.cause = d.cause AND n.vintage = d.vintage
                 WHERE d.area_code = ? AND d.measure = 'new_displacements')
           SELECT year, max(persons) FILTER (WHERE cause = 'disaster') AS disaster,
                  max(persons) FILTER (WHERE cause = 'conflict') AS conflict,
                  max(vintage) FILTER (WHERE cause = 'disaster') AS disaster_vintage,
                  max(vintage) FILTER (WHERE cause = 'conflict') AS conflict_vintage
           FROM d GROUP BY year ORDER BY year""",
        [code],
    )


def idmc_citations(db: Database, vintages: Sequence[str]) -> list[dict]:
    """citation, licence (CC BY-NC 4.0) of the IDMC releases a country's series come from."""
    if not vintages:
        return []
    return db.frame(
        f"""SELECT DISTINCT {PROVENANCE} FROM provenance p WHERE p.source = 'idmc'
            AND p.vintage IN ({placeholders(vintages)}) ORDER BY p.dataset""",  # noqa: S608 - only placeholders
        list(vintages),
    ).to_dict("records")


def displacement_citations(db: Database, cause: str, year: int) -> list[dict]:
    """The IDMC files one cause's new displacements of `year` come from: the disaster figures
    and the conflict figures are two exports, each cited for its own chart."""
    vintages = [v for (v,) in db.rows("SELECT DISTINCT vintage FROM internal_displacement WHERE cause = ? "
                                      "AND year = ? AND measure = 'new_displacements'", [cause, int(year)])]
    return idmc_citations(db, vintages)


def country_named_years(db: Database) -> list[int]:
    """The years whose loaded IOM files name the country of an incident (the others name only a
    region, so a country's count is only known for these)."""
    return [int(y) for (y,) in db.rows(
        "SELECT DISTINCT year FROM missing_migrants WHERE country_code IS NOT NULL ORDER BY year")]


def country_dead_and_missing(db: Database, code: int) -> pd.DataFrame:
    """year, dead_and_missing: migrants recorded dead or missing in one country, for each year whose
    files name countries (0 there means none recorded, a year not listed means not known)."""
    return db.frame(
        """WITH named AS (SELECT DISTINCT year FROM missing_migrants WHERE country_code IS NOT NULL)
           SELECT n.year, coalesce(sum(m.dead_and_missing), 0) AS dead_and_missing
           FROM named n LEFT JOIN missing_migrants m ON m.year = n.year AND m.country_code = ?
           GROUP BY n.year ORDER BY n.year""",
        [code],
    )
