"""The only place SQL runs. Read-only, parameterized, one small function per question.

A new build replaces the database file with os.replace; `Database` notices the new inode on
the next query and attaches the new file, so the dashboard picks up builds without restart
and every query sees exactly one build. Each call uses its own cursor (DuckDB connections are
not shared across threads).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from etl.areas import (
    AMERICAS_PARTS,
    AMERICAS_SUBREGIONS,
    CARIBBEAN,
    CENTRAL_AMERICA,
    NORTHERN_AMERICA,
    SOUTH_AMERICA,
    WORLD,
)
from readside.reporting import NOT_REPORTED, not_reported_array, real_value_sql

AMERICAS_CODE = -19  # synthetic code for the Americas total (LAC + Northern America); M49's 019
SEXES = ("total", "male", "female")


class NoDatabase(RuntimeError):
    """The database file is missing: the dashboard says which command builds it."""


@dataclass(frozen=True)
class _Attached:
    inode: tuple[int, int]
    connection: duckdb.DuckDBPyConnection


class Database:
    """A read-only handle on the database file that follows atomic replacements."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._attached: _Attached | None = None

    def _connection(self) -> duckdb.DuckDBPyConnection:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise NoDatabase(f"no database at {self.path}; run `migdash etl` to build it") from None
        inode = (stat.st_dev, stat.st_ino)
        with self._lock:
            if self._attached is None or self._attached.inode != inode:
                con = duckdb.connect(":memory:")
                # The path comes from configuration, never from a request; quote it for SQL.
                quoted = str(self.path).replace("'", "''")
                con.execute(f"ATTACH '{quoted}' AS db (READ_ONLY)")
                self._attached = _Attached(inode, con)
            return self._attached.connection

    def close(self) -> None:
        """Let go of the file (a build reopens it for writing right after reading it)."""
        with self._lock:
            if self._attached is not None:
                self._attached.connection.close()
                self._attached = None

    def pinned(self) -> Database:
        """A handle fixed on the build attached now: every query through it sees that one build,
        even if a new file replaces it meanwhile (one per request keeps responses consistent)."""
        return _Pinned(self.path, self._connection())

    def frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        cursor = self._connection().cursor()
        try:
            cursor.execute("USE db")
            return cursor.execute(sql, list(params)).df()
        finally:
            cursor.close()

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        cursor = self._connection().cursor()
        try:
            cursor.execute("USE db")
            return cursor.execute(sql, list(params)).fetchall()
        finally:
            cursor.close()


class _Pinned(Database):
    def __init__(self, path: Path, connection: duckdb.DuckDBPyConnection):
        super().__init__(path)
        self._pinned = connection

    def _connection(self) -> duckdb.DuckDBPyConnection:
        return self._pinned


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


def placeholders(values: Sequence[object]) -> str:
    """One placeholder per value: the values themselves always travel as parameters."""
    return ", ".join("?" for _ in values) or "NULL"


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


# ---- extract ----
# The data page and /download/<fmt>. Identifiers in this SQL come only from EXTRACT_VIEWS (the
# allow-list); every value a user chose travels as a parameter (lists via `IN (SELECT unnest(?))`).


@dataclass(frozen=True)
class ExtractView:
    """One downloadable dataset: the view, its area and value columns, and the unit of the value."""

    view: str
    area_column: str
    value_column: str
    unit: str  # persons | percent | thousands; "per series" where each row carries its own
    has_sex: bool = True
    has_origin: bool = False  # pairs: area_column (destination or asylum) x origin_code
    by_series: bool = False  # indicator datasets: a series column, the unit per row, the vintage
    source: str = "undesa_ims"
    revision_column: str = "revision"  # what the extract calls `revision` (KNOMAD: the edition)
    world_origin: bool = True  # pairs with an origin "World" row (UN DESA): the default extract keeps only it
    extra: tuple[str, ...] = ()  # further columns carried as they are (e.g. UNHCR's population)
    extra_keys: tuple[str, ...] = ()  # those of `extra` that belong to the primary key
    relation: str = ""  # a constant SELECT deriving `revision` (and areas) for tables that have none
    sources_by_vintage: bool = False  # each row's source and licence are those of the file of its `vintage`
    revision_note: str = ""  # what `revision` means where the table has no revision of its own
    files: str = ""  # regexp of its provenance datasets, where a source has several tables (UNHCR's package)
    unit_column: str = ""  # a column naming each row's unit (UNHCR's asylum figures: persons or cases)

    @property
    def from_clause(self) -> str:
        """What the extract's SQL reads: the view, or the allow-listed derived relation."""
        return f"({self.relation})" if self.relation else self.view

    @property
    def sides(self) -> tuple[str, ...]:
        """Prefixes of the area columns: ('destination', 'origin'), ('asylum', 'origin') or ('area',)."""
        own = self.area_column.removesuffix("_code")
        return (own, "origin") if self.has_origin else (own,)


# Tables without a revision column get one derived by a constant relation (no user input in it):
# OECD's "data to YYYY" (the newest year of the file), IDMC's export year, and for Missing
# Migrants, whose table already merges every file (each year from its authority), the year of the
# newest file. IOM's regions of the Americas are given the M49 code of the UN subregion they are.
OECD_FLOWS = ("SELECT max(year) OVER (PARTITION BY vintage) AS revision, year, destination_code, vintage, category, "
              "flow_type, status, persons FROM migration_flow")
IDMC_DISPLACEMENT = ("SELECT CAST(left(vintage, 4) AS INTEGER) AS revision, year, area_code, vintage, cause, measure, "
                     "persons_rounded, persons FROM internal_displacement")
IOM_REGIONS = {"North America": NORTHERN_AMERICA, "Central America": CENTRAL_AMERICA, "Caribbean": CARIBBEAN,
               "South America": SOUTH_AMERICA}
IOM_INCIDENTS = (  # constants of this module, no input
    "SELECT (SELECT CAST(left(max(vintage), 4) AS INTEGER) FROM missing_migrants) AS revision, m.year, "  # noqa: S608
    "r.code AS region_code, "
    "m.incident_id, m.part, strftime(m.date, '%Y-%m-%d') AS date, m.region, m.country_code, m.route, m.cause, m.dead, "
    "m.missing, m.survivors, m.latitude, m.longitude, m.source_quality, m.vintage, m.dead_and_missing "
    "FROM missing_migrants m JOIN (VALUES " + ", ".join(f"('{name}', {int(code)})" for name, code in IOM_REGIONS.items())
    + ") r(region, code) ON r.region = m.region"
)

# UNHCR's refugees package beside `population` (issue 25): origin x country of asylum, each release
# side by side (`vintage`), each table citing its own file.
_PACKAGE = {"area_column": "asylum_code", "has_origin": True, "source": "unhcr", "world_origin": False}
_ASYLUM = {"has_sex": False, "unit_column": "basis", **_PACKAGE}
UNHCR_PACKAGE_VIEWS = {
    "asylum_application": ExtractView(
        "asylum_application", value_column="applied", unit="persons or cases", **_ASYLUM,
        extra=("vintage", "procedure_type", "application_type", "decision_level", "basis"),
        extra_keys=("vintage", "procedure_type", "application_type", "decision_level", "basis"),
        files="^unhcr_refugees_asylum_applications_"),
    "asylum_decision": ExtractView(
        "asylum_decision", value_column="total_decisions", unit="persons or cases", **_ASYLUM,
        extra=("vintage", "procedure_type", "decision_level", "basis", "recognized", "complementary", "rejected",
               "otherwise_closed"),
        extra_keys=("vintage", "procedure_type", "decision_level", "basis"), files="^unhcr_refugees_asylum_decisions_"),
    "displacement_flow": ExtractView(
        "displacement_flow", value_column="persons", unit="persons", has_sex=False, **_PACKAGE,
        extra=("vintage", "population"), extra_keys=("vintage", "population"), files="^unhcr_refugees_flows_"),
    "durable_solution": ExtractView(
        "durable_solution", value_column="persons", unit="persons", has_sex=False, **_PACKAGE,
        extra=("vintage", "solution"), extra_keys=("vintage", "solution"), files="^unhcr_refugees_solutions_"),
    "refugee_demographics": ExtractView(
        "refugee_demographics", value_column="persons", unit="persons", **_PACKAGE,
        extra=("vintage", "population", "location", "location_type", "accommodation_type", "age_group"),
        extra_keys=("vintage", "population", "location", "location_type", "accommodation_type", "age_group"),
        files="^unhcr_refugees_demographics_"),
}

EXTRACT_VIEWS: dict[str, ExtractView] = {
    "stock": ExtractView("stock", "destination_code", "migrants", "persons", has_origin=True),
    "stock_share": ExtractView("stock_share", "area_code", "percent_of_population", "percent"),
    "population": ExtractView("population", "area_code", "population_thousands", "thousands"),
    "refugee_stock": ExtractView("refugee_stock", "area_code", "refugees", "persons", has_sex=False),
    **{
        name: ExtractView(name, "area_code", "value", "per series", has_sex=False, by_series=True, source=source)
        for name, source in (("remittances", "worldbank"), ("unhcr_refugees", "unhcr"), ("net_migration", "wpp"))
    },
    "displacement": ExtractView("displacement", "asylum_code", "persons", "persons", has_sex=False, has_origin=True,
                                source="unhcr", world_origin=False, extra=("vintage", "population"),
                                extra_keys=("population",), files=r"^unhcr_(?:refugees|rdf)_[^_]+$"),
    **UNHCR_PACKAGE_VIEWS,
    "stock_by_group": ExtractView("stock_by_group", "area_code", "migrants", "persons",
                                  extra=("members_counted", "members_total")),
    "bilateral_stock": ExtractView("bilateral_stock", "destination_code", "migrants", "persons", has_sex=False,
                                   has_origin=True, source="knomad", revision_column="edition", world_origin=False),
    "migration_flow": ExtractView(
        "migration_flow", "destination_code", "persons", "persons", has_sex=False, source="oecd",
        extra=("vintage", "category", "flow_type", "status"), extra_keys=("vintage", "category", "flow_type"),
        relation=OECD_FLOWS, sources_by_vintage=True,
        revision_note="newest year of the OECD file ('data to YYYY'; the file itself is in `vintage`)"),
    "missing_migrants": ExtractView(
        "missing_migrants", "region_code", "dead_and_missing", "persons", has_sex=False, source="iom_missing_migrants",
        extra=("incident_id", "part", "date", "region", "country_code", "route", "cause", "dead", "missing", "survivors",
               "latitude", "longitude", "source_quality", "vintage"),
        extra_keys=("incident_id", "part"), relation=IOM_INCIDENTS, sources_by_vintage=True,
        revision_note="year of the newest IOM file in the build (every file merged; each row's file is in `vintage`)"),
    "internal_displacement": ExtractView(
        "internal_displacement", "area_code", "persons", "persons", has_sex=False, source="idmc",
        extra=("vintage", "cause", "measure", "persons_rounded"), extra_keys=("vintage", "cause", "measure"),
        relation=IDMC_DISPLACEMENT, sources_by_vintage=True,
        revision_note="year of IDMC's export ('Last update'; the full date is in `vintage`)"),
}


@dataclass(frozen=True)
class Selection:
    """A validated extract request (see readside.extract.parse_selection)."""

    dataset: str
    revision: int
    areas: tuple[int, ...]
    years: tuple[int, ...]
    sexes: tuple[str, ...]  # empty for datasets without sex
    all_origins: bool = False  # stock only: origin x destination rows too, not just origin World
    series: tuple[str, ...] = ()  # indicator datasets: the chosen series; empty means all of them


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


def extract_revisions(db: Database) -> dict[str, list[int]]:
    """Revisions each dataset holds (refugee estimates, for one, stop with the 2020 edition)."""
    return {key: _revisions_of(db, spec) for key, spec in EXTRACT_VIEWS.items()}


def extract_revisions_of(db: Database, dataset: str) -> list[int]:
    """Revisions one dataset holds (what a request for that dataset needs to check)."""
    return _revisions_of(db, EXTRACT_VIEWS[dataset])


def _revisions_of(db: Database, spec: ExtractView) -> list[int]:
    sql = f"SELECT DISTINCT {spec.revision_column} FROM {spec.from_clause} ORDER BY 1"  # noqa: S608 - allow-listed
    return [r for (r,) in db.rows(sql)]


def extract_series(db: Database, dataset: str) -> pd.DataFrame:
    """code, name_en, name_es, unit of the series an indicator dataset holds in this build."""
    view = EXTRACT_VIEWS[dataset].view
    sql = f"SELECT code, name_en, name_es, name_fr, name_pt, unit FROM series WHERE code IN (SELECT DISTINCT series FROM {view}) ORDER BY code"  # noqa: S608, E501 - allow-listed view
    return db.frame(sql)


def extract_years(db: Database, dataset: str, revision: int) -> list[int]:
    spec = EXTRACT_VIEWS[dataset]
    sql = f"SELECT DISTINCT year FROM {spec.from_clause} WHERE {spec.revision_column} = ? ORDER BY year"  # noqa: S608
    return [y for (y,) in db.rows(sql, [revision])]


def extract_columns(dataset: str) -> list[str]:
    """Tidy columns of an extract: codes, ISO3 and names, sex, the value, its unit, the source's
    short code, the publisher's citation and the licence (stable: the API's v1 promises them)."""
    spec = EXTRACT_VIEWS[dataset]
    if spec.has_origin:
        places = [f"{side}_{part}" for side in spec.sides for part in ("code", "iso3", *NAME_COLUMNS)]
    else:
        places = [spec.area_column, "iso3", *NAME_COLUMNS]
    sex = ["sex"] if spec.has_sex else []
    if spec.by_series:  # the publisher's value, and whether it stands for "not reported" (readside.reporting)
        return ["revision", "vintage", "year", *places, "series", "value", "unit", NOT_REPORTED, "source", "citation",
                "licence"]
    return ["revision", "year", *places, *sex, *spec.extra, spec.value_column, "unit", "source", "citation", "licence"]


def _extract_sql(selection: Selection, limit: int | None = None) -> tuple[str, list[object]]:
    """The selected observations, narrow (codes, sex or series, value) and in a stable order:
    area, origin, sex, series, year. Names are attached per batch afterwards (extract_batches),
    so the sort DuckDB does for ORDER BY holds only a few numbers per row."""
    spec = EXTRACT_VIEWS[selection.dataset]
    places = f"s.{spec.area_column}, s.origin_code" if spec.has_origin else f"s.{spec.area_column}"
    sex_column = ", s.sex" if spec.has_sex else ", s.series, s.unit, s.vintage" if spec.by_series else ""
    sex_column += "".join(f", s.{column}" for column in spec.extra)
    filters = " AND s.sex IN (SELECT unnest(?))" if spec.has_sex else ""
    params: list[object] = [selection.revision, list(selection.areas), list(selection.years)]
    params += [list(selection.sexes)] if spec.has_sex else []
    if spec.has_origin and spec.world_origin and not selection.all_origins:
        filters += " AND s.origin_code = ?"
        params.append(WORLD)
    if spec.by_series and selection.series:
        filters += " AND s.series IN (SELECT unnest(?))"
        params.append(list(selection.series))
    order = [f"s.{spec.area_column}", *(["s.origin_code"] if spec.has_origin else []),
             *(["list_position(['total', 'male', 'female'], s.sex)"] if spec.has_sex else []),
             *(["s.series"] if spec.by_series else []), *(f"s.{c}" for c in spec.extra), "s.year"]
    sql = f"""
        SELECT s.{spec.revision_column} AS revision, s.year, {places}{sex_column}, s.{spec.value_column}
        FROM {spec.from_clause} s
        WHERE s.{spec.revision_column} = ? AND s.{spec.area_column} IN (SELECT unnest(?))
          AND s.year IN (SELECT unnest(?)){filters}
        ORDER BY {", ".join(order)}
    """  # noqa: S608 - identifiers from EXTRACT_VIEWS, values as parameters
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    return sql, params


TextCell = Callable[[str | None], str | None]


def _lookup(keys: list, values: list, text: TextCell):
    """(key array, label array) for vectorised code -> label lookups in Arrow."""
    import pyarrow

    return pyarrow.array(keys), pyarrow.array([text(v) for v in values], type=pyarrow.string())


def extract_batches(
    db: Database, selection: Selection, rows_per_batch: int = 100_000, *, limit: int | None = None,
    text: TextCell | None = None,
) -> Iterator:
    """The tidy extract (its first `limit` rows, or all) as pyarrow RecordBatches, in
    `extract_columns` order; `text` rewrites every label once (the CSV's formula protection).

    DuckDB sorts and streams only the narrow rows; names, ISO3, citations and constants are
    attached per batch with Arrow's vectorised take from lookup arrays built once. No Python
    runs per row and the sort stays narrow, so time and memory stay small for millions of rows
    (see bench/RESULTS.md). A relation (`cursor.sql`) is read batch by batch as DuckDB produces
    it, whereas Arrow from an `execute()` result first copies every row."""
    import pyarrow
    import pyarrow.compute as pc

    text = text or (lambda value: value)
    spec = EXTRACT_VIEWS[selection.dataset]
    labels = _labels(db, selection)
    areas = labels.areas.astype(object).where(labels.areas.notna(), None)
    lookups = {part: _lookup([int(c) for c in areas.index], areas[part].tolist(), text)
               for part in ("iso3", *NAME_COLUMNS)}
    citations = _lookup(list(labels.series_citations), list(labels.series_citations.values()), text)
    files = labels.vintage_files
    by_vintage = {"citation": _lookup(list(files), [c for c, _ in files.values()], text),
                  "licence": _lookup(list(files), [lic for _, lic in files.values()], text)} \
        if spec.sources_by_vintage else {}
    # indicator rows carry their own unit, and each series its own citation; flow rows their file's
    constants = {"licence": labels.licence} if spec.by_series else {"unit": labels.unit} if spec.sources_by_vintage \
        else {"unit": labels.unit, "citation": labels.citation, "licence": labels.licence}
    constants["source"] = spec.source  # the short code; the citation has its own column
    if spec.unit_column:  # each row's unit is in one of its columns (persons or cases)
        constants.pop("unit")
    constants = {name: text(value) for name, value in constants.items()}
    sides = [(f"{side}_", f"{side}_code") for side in spec.sides] if spec.has_origin else [("", spec.area_column)]
    names = extract_columns(selection.dataset)

    def take(lookup, keys):
        return pc.take(lookup[1], pc.index_in(keys, value_set=lookup[0]))

    def tidy(batch):
        columns = {name: batch.column(name) for name in batch.schema.names}
        for prefix, code in sides:
            for part, lookup in lookups.items():
                columns[prefix + part] = take(lookup, columns[code])
        if spec.by_series:
            columns["citation"] = take(citations, columns["series"])
            columns[NOT_REPORTED] = not_reported_array(columns["value"], columns["unit"])
        columns.update({part: take(lookup, columns["vintage"]) for part, lookup in by_vintage.items()})
        for name in spec.extra:
            columns[name] = _text_column(columns[name], text)
        if spec.unit_column:
            columns["unit"] = columns[spec.unit_column]
        for name, value in constants.items():
            columns[name] = pyarrow.repeat(pyarrow.scalar(value, pyarrow.string()), batch.num_rows)
        return pyarrow.RecordBatch.from_arrays([columns[n] for n in names], names=names)

    sql, params = _extract_sql(selection, limit)
    cursor = db._connection().cursor()
    try:
        cursor.execute("USE db")
        for batch in cursor.sql(sql, params=params).to_arrow_reader(rows_per_batch):
            yield tidy(batch)
    finally:
        cursor.close()


def _text_column(column, text: TextCell):
    """A text column of the table itself through `text` (formula protection), once per distinct
    value: IOM's routes and causes come from a publisher's free text, not from our area list."""
    import pyarrow
    import pyarrow.compute as pc

    if not pyarrow.types.is_string(column.type):
        return column
    encoded = pc.dictionary_encode(column)
    dictionary = pyarrow.array([text(v) for v in encoded.dictionary.to_pylist()], type=pyarrow.string())
    return pc.take(dictionary, encoded.indices)


@dataclass(frozen=True)
class _Labels:
    """What every row of one extract shares or looks up: area names by code, unit, citation, licence."""

    areas: pd.DataFrame  # indexed by code: iso3, name_en, name_es
    series_citations: dict[str, str]  # indicator datasets: each series' own citation
    unit: str
    citation: str | None
    licence: str | None
    vintage_files: dict[str, tuple[str, str]]  # the source's files by vintage: (citation, licence)


def _labels(db: Database, selection: Selection) -> _Labels:
    areas = db.frame("SELECT code, iso3, name_en, name_es, name_fr, name_pt FROM area").set_index("code")
    spec = EXTRACT_VIEWS[selection.dataset]
    rows = db.rows(
        "SELECT citation, licence FROM provenance WHERE revision = ? AND source = ? AND regexp_matches(dataset, ?) "
        "ORDER BY dataset NOT LIKE 'destination%', dataset LIMIT 1",
        [selection.revision, spec.source, spec.files],
    )
    citation, licence = rows[0] if rows else (None, None)
    citations = dict(db.rows("SELECT code, citation FROM series"))
    files = {vintage: (citation, licence) for vintage, citation, licence in db.rows(
        "SELECT vintage, citation, licence FROM provenance WHERE source = ? AND regexp_matches(dataset, ?) "
        "ORDER BY dataset DESC", [spec.source, spec.files])}
    return _Labels(areas, citations, spec.unit, citation, licence, files)


def extract_vintages(db: Database, dataset: str, revision: int) -> list[str]:
    """The files (by vintage) behind one revision of a dataset whose rows name their file."""
    spec = EXTRACT_VIEWS[dataset]
    sql = f"SELECT DISTINCT vintage FROM {spec.from_clause} WHERE {spec.revision_column} = ? ORDER BY 1"  # noqa: S608
    return [v for (v,) in db.rows(sql, [revision])]


def extract_chunks(db: Database, selection: Selection, rows_per_chunk: int = 50_000) -> Iterator[pd.DataFrame]:
    """The whole extract, streamed as tidy DataFrames of at most `rows_per_chunk` rows."""
    for batch in extract_batches(db, selection, rows_per_chunk):
        yield batch.to_pandas()


def extract_count(db: Database, selection: Selection) -> int:
    """Rows of a selection (the xlsx extract refuses more than a worksheet holds before writing)."""
    sql, params = _extract_sql(selection)
    return int(db.rows(f"SELECT count(*) FROM ({sql})", params)[0][0])  # noqa: S608 - wraps the query above


def extract_preview(db: Database, selection: Selection, limit: int = 200) -> tuple[pd.DataFrame, int]:
    """The first `limit` rows and the total row count of a selection."""
    total = extract_count(db, selection)
    frames = [batch.to_pandas() for batch in extract_batches(db, selection, limit=limit)]
    first = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=extract_columns(selection.dataset))
    return first, int(total)


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
