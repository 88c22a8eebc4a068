"""Groupings the UN's M49 does not have: the OAS member states, CARICOM, SICA, CAN, Mercosur.

Their figures are always sums of the members' published country figures (UN DESA publishes
none for them), said so wherever they are shown, with the members that have no figure named.
Two ways to count the members: the roster (`roster`: "the 35 member states" the Committee's
documents speak of; a grouping's present members otherwise) or the members in each year
(`dated`): a member counts in year Y if it had joined by then and had not left by 1 July of
Y, the reference date of UN DESA's mid-year stock (Nicaragua counts in 2023, not in 2024).
"""

from __future__ import annotations

import pandas as pd

from etl.areas import AMERICAS_PARTS, WORLD
from readside.queries import AREA_NAMES, Database, placeholders
from readside.reporting import real_value_sql

ROSTER, DATED = "roster", "dated"
# A membership row `m` covers year `s.year` (annual data, reference date 1 July).
_IN_YEAR = """CAST(left(m.since, 4) AS INTEGER) <= s.year AND (m.until IS NULL
  OR (length(m.until) = 4 AND CAST(m.until AS INTEGER) > s.year)
  OR (length(m.until) = 10 AND CAST(m.until AS DATE) > make_date(s.year, 7, 1)))"""


def _membership(mode: str) -> str:
    return _IN_YEAR if mode == DATED else "m.roster"


def groupings(db: Database) -> pd.DataFrame:
    """grouping, code, names and roster notes in four languages, source."""
    return db.frame("SELECT * FROM grouping ORDER BY code")


def grouping_of_code(db: Database, code: int) -> str | None:
    rows = db.rows("SELECT grouping FROM grouping WHERE code = ?", [code])
    return rows[0][0] if rows else None


def members(db: Database, grouping: str) -> pd.DataFrame:
    """member_code, iso3, names, since, until, roster, note of one grouping's members."""
    return db.frame(
        f"""SELECT m.member_code, a.iso3, {AREA_NAMES}, m.since, m.until, m.roster, m.note
            FROM area_group m JOIN area a ON a.code = m.member_code WHERE m.grouping = ?
            ORDER BY a.name_en""",  # noqa: S608 - only a constant column list is interpolated
        [grouping],
    )


def group_total(db: Database, grouping: str, revision: int, sex: str, mode: str = ROSTER) -> pd.DataFrame:
    """year, migrants (sum of the members' published stock), members_counted (members with a
    figure that year), members_total (members that year)."""
    return db.frame(
        f"""
        WITH years AS (SELECT DISTINCT year FROM stock WHERE revision = ?),
        expected AS (SELECT s.year, m.member_code FROM years s JOIN area_group m ON m.grouping = ?
                     AND {_membership(mode)})
        SELECT e.year, sum(s.migrants) AS migrants, count(s.migrants) AS members_counted,
               count(*) AS members_total
        FROM expected e LEFT JOIN stock s ON s.revision = ? AND s.year = e.year AND s.sex = ?
             AND s.destination_code = e.member_code AND s.origin_code = ?
        GROUP BY e.year ORDER BY e.year
        """,  # noqa: S608 - only a constant condition is interpolated
        [revision, grouping, revision, sex, WORLD],
    )


def group_by_subregion(db: Database, grouping: str, revision: int, sex: str, mode: str = ROSTER) -> pd.DataFrame:
    """year, area_code (the member's subregion), names, migrants: the grouping split by UN subregion."""
    return db.frame(
        f"""
        SELECT s.year, c.subregion AS area_code, {AREA_NAMES}, sum(s.migrants) AS migrants
        FROM stock s JOIN area_group m ON m.member_code = s.destination_code AND m.grouping = ?
        JOIN area c ON c.code = s.destination_code JOIN area a ON a.code = c.subregion
        WHERE s.revision = ? AND s.sex = ? AND s.origin_code = ? AND {_membership(mode)}
        GROUP BY ALL ORDER BY area_code, s.year
        """,  # noqa: S608
        [grouping, revision, sex, WORLD],
    )


def without_data(db: Database, grouping: str, revision: int, year: int, mode: str = ROSTER) -> pd.DataFrame:
    """Members (that year) with no published stock in that revision and year: named, never hidden."""
    return db.frame(
        f"""
        SELECT m.member_code, {AREA_NAMES} FROM area_group m JOIN area a ON a.code = m.member_code,
               (SELECT ? AS year) s
        WHERE m.grouping = ? AND {_membership(mode)} AND NOT EXISTS (
          SELECT 1 FROM stock x WHERE x.revision = ? AND x.year = s.year AND x.destination_code = m.member_code
            AND x.origin_code = ? AND x.sex = 'total')
        ORDER BY a.name_en
        """,  # noqa: S608
        [year, grouping, revision, WORLD],
    )


def americas_outside(db: Database, grouping: str, revision: int, year: int, sex: str) -> pd.DataFrame:
    """Countries and territories of the UN's Americas that are not on the grouping's roster
    (Puerto Rico, Aruba, Bermuda, Greenland…): code, names, migrants that year."""
    return db.frame(
        f"""
        SELECT a.code, a.iso3, {AREA_NAMES}, s.migrants
        FROM area a LEFT JOIN stock s ON s.destination_code = a.code AND s.revision = ? AND s.year = ?
             AND s.sex = ? AND s.origin_code = ?
        WHERE a.kind = 'country' AND a.region IN ({placeholders(AMERICAS_PARTS)})
          AND a.code NOT IN (SELECT member_code FROM area_group WHERE grouping = ? AND roster)
        ORDER BY s.migrants DESC NULLS LAST, a.name_en
        """,  # noqa: S608
        [revision, year, sex, WORLD, *AMERICAS_PARTS, grouping],
    )


# Units whose country figures add up to a grouping figure. Shares (% of GDP, per 1,000
# population) do not: a grouping's share needs its own numerator and denominator.
SUMMABLE_UNITS = ("current US$", "persons")
_ROSTER = "SELECT member_code FROM area_group WHERE grouping = ? AND roster"


class NotSummable(ValueError):
    """A series whose country figures cannot be added (a share): never offered for a grouping."""


def stock_by_group(db: Database, grouping: str, revision: int) -> pd.DataFrame:
    """year, sex, migrants, members_counted, members_total from the view `stock_by_group`
    (the roster's published stock summed), for the trend and the sex split of a grouping."""
    return db.frame(
        "SELECT year, sex, migrants, members_counted, members_total FROM stock_by_group "
        "WHERE grouping = ? AND revision = ? ORDER BY year, sex",
        [grouping, revision],
    )


def is_summable(db: Database, series: str) -> bool:
    """Whether a series' country figures may be summed (its unit is a count or an amount)."""
    rows = db.rows("SELECT unit FROM series WHERE code = ?", [series])
    return bool(rows) and rows[0][0] in SUMMABLE_UNITS


def indicator_by_group(db: Database, grouping: str, series: str) -> pd.DataFrame:
    """year, value (sum of the roster members' figures in the newest vintage), members_counted,
    members_total, unit, vintage: placeholders (readside.reporting) are neither summed nor counted.
    Raises NotSummable for a share such as % of GDP."""
    if not is_summable(db, series):
        raise NotSummable(series)
    return db.frame(
        f"""
        WITH members AS ({_ROSTER})
        SELECT i.year, sum(i.value) AS value, count(*) AS members_counted,
               (SELECT count(*) FROM members) AS members_total, any_value(i.unit) AS unit,
               any_value(i.revision) AS vintage
        FROM indicator i JOIN members m ON m.member_code = i.area_code
        WHERE i.series = ? AND {real_value_sql("i")}
        GROUP BY i.year ORDER BY i.year
        """,  # noqa: S608 - only a constant subquery is interpolated
        [grouping, series],
    )


def indicator_members_without(db: Database, grouping: str, series: str, year: int) -> pd.DataFrame:
    """Roster members with no figure of the series that year (newest vintage): named, never hidden."""
    return db.frame(
        f"""
        SELECT m.member_code, {AREA_NAMES} FROM area_group m JOIN area a ON a.code = m.member_code
        WHERE m.grouping = ? AND m.roster AND NOT EXISTS (
          SELECT 1 FROM indicator i WHERE i.series = ? AND i.year = ? AND i.area_code = m.member_code
            AND {real_value_sql("i")})
        ORDER BY a.name_en
        """,  # noqa: S608 - only a constant column list is interpolated
        [grouping, series, year],
    )


# Roster members' stock and population the same year, revision and sex: the pairs a share
# of the grouping may be computed from (a member with one and not the other is left out).
_PAIRS = f"""
    WITH members AS ({_ROSTER})
    SELECT s.year, s.destination_code AS member_code, s.migrants, p.population_thousands
    FROM stock s JOIN members m ON m.member_code = s.destination_code
    JOIN population p ON p.revision = s.revision AND p.year = s.year AND p.area_code = s.destination_code
         AND p.sex = s.sex
    WHERE s.revision = ? AND s.sex = ? AND s.origin_code = ? AND s.migrants IS NOT NULL
      AND p.population_thousands > 0"""  # noqa: S608 - only a constant subquery is interpolated


def population_share(db: Database, grouping: str, revision: int, sex: str = "total") -> pd.DataFrame:
    """year, migrants, population, percent_of_population = sum(stock) / sum(population) over the
    roster members having both that year, members_counted, members_total. Never an average of
    the members' percentages, which would weigh Saint Kitts and Nevis like the United States."""
    return db.frame(
        f"""
        WITH pairs AS ({_PAIRS})
        SELECT year, sum(migrants) AS migrants, sum(population_thousands) * 1000 AS population,
               100.0 * sum(migrants) / (sum(population_thousands) * 1000.0) AS percent_of_population,
               count(*) AS members_counted,
               (SELECT count(*) FROM area_group WHERE grouping = ? AND roster) AS members_total
        FROM pairs GROUP BY year ORDER BY year
        """,  # noqa: S608 - only constant SQL is interpolated
        [grouping, revision, sex, WORLD, grouping],
    )


def share_members_without(db: Database, grouping: str, revision: int, year: int, sex: str = "total") -> pd.DataFrame:
    """Roster members left out of the share that year: without the stock or the population."""
    return db.frame(
        f"""
        WITH pairs AS ({_PAIRS})
        SELECT m.member_code, {AREA_NAMES} FROM area_group m JOIN area a ON a.code = m.member_code
        WHERE m.grouping = ? AND m.roster
          AND m.member_code NOT IN (SELECT member_code FROM pairs WHERE year = ?)
        ORDER BY a.name_en
        """,  # noqa: S608 - only constant SQL is interpolated
        [grouping, revision, sex, WORLD, grouping, year],
    )
