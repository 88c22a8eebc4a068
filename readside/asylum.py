"""Asylum claims and decisions, new displacement across borders and durable solutions: the
tables read from UNHCR's `refugees` package beside `population` (etl/sources/unhcr/package.py).

Rules every page and brief follows through this module:
- Persons and cases are never added: every sum is per `basis` ('persons' or 'cases'; a case
  may hold several persons), and a host that counts cases is named as such.
- The total recognition rate is UNHCR's: (recognised + complementary protection) divided by
  the substantive decisions, i.e. the total minus the claims otherwise closed. It is computed
  from sums of those columns (never by averaging rates), and is absent, not 0, where there
  was no substantive decision.
- Hosts are the countries of the Americas: what this dashboard is about, and what the bundled
  snapshot holds completely (it keeps the rows with the Americas as origin or as asylum). A
  country outside the Americas is shown only with its applicants from the Americas.
- Sums over members of a grouping say nothing about members that did not report.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from etl.areas import AMERICAS_PARTS, AMERICAS_SUBREGIONS, NORTHERN_AMERICA
from readside.queries import AREA_NAMES, Database, placeholders
from readside.text import name_column
from readside.transform import REST

TABLES = ("asylum_application", "asylum_decision", "displacement_flow", "durable_solution", "refugee_demographics")
BASES = ("persons", "cases")
FLOW_POPULATIONS = ("refugees", "asylum_seekers", "refugee_like", "oip")
SOLUTIONS = ("resettlement", "naturalisation", "returned_refugees")  # shown on the pages (returned IDPs stay home)
SOLUTION_SIDE = {"resettlement": "asylum_code", "naturalisation": "asylum_code", "returned_refugees": "origin_code",
                 "returned_idps": "origin_code"}
DECISION_COLUMNS = ("recognized", "complementary", "rejected", "otherwise_closed", "total_decisions")
AMERICAS = f"SELECT code FROM area WHERE kind = 'country' AND region IN ({placeholders(AMERICAS_PARTS)})"  # noqa: S608
# Country -> node of a subregion Sankey: its subregion of the Americas (Northern America has no
# subregion level in M49, so its region stands in), else the rest of the world.
_NODE = f"""CASE WHEN {{a}}.subregion IN ({placeholders(AMERICAS_SUBREGIONS)}) THEN {{a}}.subregion
               WHEN {{a}}.region = {NORTHERN_AMERICA} THEN {NORTHERN_AMERICA} ELSE {REST} END"""
# (recognised + complementary) / (total - otherwise closed), from sums; NULL without a substantive decision
RATE = ("CASE WHEN sum(total_decisions) - sum(otherwise_closed) > 0 THEN (sum(recognized) + sum(complementary))"
        " / (sum(total_decisions) - sum(otherwise_closed)) END")


def _node(alias: str) -> str:
    return _NODE.format(a=alias)


def _codes(value: int | Sequence[int] | None) -> list[int] | None:
    """One area, several (a grouping's members) or None (any)."""
    if value is None:
        return None
    return [int(value)] if isinstance(value, int) else [int(v) for v in value]


def loaded(db: Database) -> set[str]:
    """The package tables holding rows in this build."""
    union = " UNION ALL ".join(f"SELECT '{t}' FROM (SELECT 1 FROM {t} LIMIT 1)" for t in TABLES)  # noqa: S608
    return {name for (name,) in db.rows(union)}


def americas_countries(db: Database) -> list[int]:
    return [c for (c,) in db.rows(AMERICAS + " ORDER BY code", list(AMERICAS_PARTS))]


def vintages(db: Database, table: str = "asylum_application") -> list[str]:
    """Releases a package table holds, newest first."""
    if table not in TABLES:
        raise ValueError(table)
    return [v for (v,) in db.rows(f"SELECT DISTINCT vintage FROM {table} ORDER BY vintage DESC")]  # noqa: S608


# ---- asylum applications and decisions ----


def _scope(origins: list[int] | None, hosts: list[int] | None) -> tuple[str, list[object]]:
    """WHERE clause of a selection: origins (any when None) into hosts (the Americas' when None)."""
    host = "list_contains(?::INTEGER[], asylum_code)" if hosts is not None else f"asylum_code IN ({AMERICAS})"
    return (f"vintage = ? AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], origin_code)) AND {host}",
            [origins, origins, *([hosts] if hosts is not None else AMERICAS_PARTS)])


def asylum_years(db: Database, vintage: str) -> list[int]:
    """Years with applications lodged in the Americas, oldest first."""
    where, params = _scope(None, None)
    return [y for (y,) in db.rows(f"SELECT DISTINCT year FROM asylum_application WHERE {where} ORDER BY year",  # noqa: S608
                                  [vintage, *params])]


def by_year(db: Database, vintage: str, *, origin: int | Sequence[int] | None = None,
            asylum: int | Sequence[int] | None = None) -> pd.DataFrame:
    """year, basis, applied, recognized, complementary, rejected, otherwise_closed,
    total_decisions, rate (0-1), reporting: claims from `origin` (any) lodged in and decided by
    `asylum` (the Americas' countries when None), per year and basis, and how many hosts
    reported claims or decisions that year. A figure nobody reported is NA."""
    where, params = _scope(_codes(origin), _codes(asylum))
    sums = ", ".join(f"sum({c}) AS {c}" for c in DECISION_COLUMNS)
    return db.frame(
        f"""
        WITH a AS (SELECT year, basis, sum(applied) AS applied FROM asylum_application WHERE {where} GROUP BY ALL),
             d AS (SELECT year, basis, {sums}, {RATE} AS rate FROM asylum_decision WHERE {where} GROUP BY ALL),
             r AS (SELECT year, basis, count(DISTINCT asylum_code) AS reporting FROM (
                     SELECT year, basis, asylum_code FROM asylum_application WHERE {where}
                     UNION ALL SELECT year, basis, asylum_code FROM asylum_decision WHERE {where}) GROUP BY ALL)
        SELECT year, basis, a.applied, {", ".join(f"d.{c}" for c in DECISION_COLUMNS)}, d.rate, r.reporting
        FROM a FULL JOIN d USING (year, basis) JOIN r USING (year, basis) ORDER BY year, list_position(?, basis)
        """,  # noqa: S608 - constants and placeholders only
        [vintage, *params, vintage, *params, vintage, *params, vintage, *params, list(BASES)],
    )


def hosts(db: Database, vintage: str, year: int, *, origin: int | Sequence[int] | None = None,
          asylum: int | Sequence[int] | None = None) -> pd.DataFrame:
    """asylum_code, names, basis, applied, total_decisions, rate: each country of the Americas
    (or of `asylum`) where people from `origin` (anyone) lodged or had decided claims in `year`,
    per basis, largest first within each basis."""
    return _ranking(db, vintage, year, "asylum_code", _codes(origin), _codes(asylum))


def origins(db: Database, vintage: str, year: int, *, asylum: int | Sequence[int] | None = None) -> pd.DataFrame:
    """origin_code, names, basis, applied, total_decisions, rate: the origins of the claims
    lodged in (decided by) `asylum` (the Americas' countries) in `year`, per basis, largest first."""
    return _ranking(db, vintage, year, "origin_code", None, _codes(asylum))


def _ranking(db: Database, vintage: str, year: int, side: str, origins_: list[int] | None,
             hosts_: list[int] | None) -> pd.DataFrame:
    where, params = _scope(origins_, hosts_)
    return db.frame(
        f"""
        WITH a AS (SELECT {side} AS area_code, basis, sum(applied) AS applied FROM asylum_application
                   WHERE {where} AND year = ? GROUP BY ALL),
             d AS (SELECT {side} AS area_code, basis, sum(total_decisions) AS total_decisions, {RATE} AS rate
                   FROM asylum_decision WHERE {where} AND year = ? GROUP BY ALL)
        SELECT area_code, {AREA_NAMES}, basis, x.applied, x.total_decisions, x.rate
        FROM (SELECT * FROM a FULL JOIN d USING (area_code, basis)) x JOIN area a ON a.code = x.area_code
        ORDER BY list_position(?, basis), x.applied DESC NULLS LAST, x.total_decisions DESC NULLS LAST, a.name_en
        """,  # noqa: S608 - `side` is one of two column names fixed above
        [vintage, *params, year, vintage, *params, year, list(BASES)],
    )


def by_host_year(db: Database, vintage: str, *, asylum: int | Sequence[int] | None = None) -> pd.DataFrame:
    """asylum_code, year, basis, applied, recognized, complementary, rejected, otherwise_closed,
    total_decisions, rate (0-1): by_year for each host of `asylum` (the Americas' countries when
    None) apart, so its sums per year and basis are by_year's. A figure not reported is NA."""
    where, params = _scope(None, _codes(asylum))
    sums = ", ".join(f"sum({c}) AS {c}" for c in DECISION_COLUMNS)
    return db.frame(
        f"""
        WITH a AS (SELECT asylum_code, year, basis, sum(applied) AS applied FROM asylum_application
                   WHERE {where} GROUP BY ALL),
             d AS (SELECT asylum_code, year, basis, {sums}, {RATE} AS rate FROM asylum_decision
                   WHERE {where} GROUP BY ALL)
        SELECT asylum_code, year, basis, a.applied, {", ".join(f"d.{c}" for c in DECISION_COLUMNS)}, d.rate
        FROM a FULL JOIN d USING (asylum_code, year, basis) ORDER BY asylum_code, year, list_position(?, basis)
        """,  # noqa: S608 - constants and placeholders only
        [vintage, *params, vintage, *params, list(BASES)],
    )


def case_hosts(db: Database, vintage: str, year: int, *, origin: int | Sequence[int] | None = None,
               asylum: int | Sequence[int] | None = None) -> pd.DataFrame:
    """asylum_code, names, applied, total_decisions: the hosts (of the Americas, or `asylum`)
    counting claims from `origin` (anyone) in cases rather than persons in `year`, with those
    cases (so a page can label them)."""
    where, params = _scope(_codes(origin), _codes(asylum))
    return db.frame(
        f"""
        WITH c AS (SELECT asylum_code, applied, 0 AS total_decisions FROM asylum_application
                   WHERE {where} AND year = ? AND basis = 'cases'
                   UNION ALL SELECT asylum_code, 0, total_decisions FROM asylum_decision
                   WHERE {where} AND year = ? AND basis = 'cases')
        SELECT c.asylum_code, {AREA_NAMES}, sum(applied) AS applied, sum(total_decisions) AS total_decisions
        FROM c JOIN area a ON a.code = c.asylum_code GROUP BY ALL ORDER BY a.name_en
        """,  # noqa: S608
        [vintage, *params, year, vintage, *params, year],
    )


def in_americas(db: Database, code: int) -> bool:
    return bool(db.rows(f"SELECT 1 FROM ({AMERICAS}) WHERE code = ?", [*AMERICAS_PARTS, code]))  # noqa: S608


def country_years(db: Database, vintage: str, code: int) -> pd.DataFrame:
    """by_year for one country's asylum system; outside the Americas, its applicants from the
    Americas only (what every build, the snapshot included, holds in full)."""
    if in_americas(db, code):
        return by_year(db, vintage, asylum=code)
    return by_year(db, vintage, origin=americas_countries(db), asylum=code)


def country_origins(db: Database, vintage: str, year: int, code: int) -> pd.DataFrame:
    """origins() for one country's asylum system (outside the Americas: applicants from it)."""
    ranked = origins(db, vintage, year, asylum=code)
    return ranked if in_americas(db, code) else ranked[ranked["area_code"].isin(americas_countries(db))]


# ---- new displacement across borders (UNHCR's flows) ----


def flow_years(db: Database, vintage: str) -> list[int]:
    """Years since 1990 with new displacement from or into the Americas, oldest first."""
    return [y for (y,) in db.rows(
        f"""SELECT DISTINCT year FROM displacement_flow WHERE vintage = ? AND year >= 1990
            AND (origin_code IN ({AMERICAS}) OR asylum_code IN ({AMERICAS})) ORDER BY year""",  # noqa: S608
        [vintage, *AMERICAS_PARTS, *AMERICAS_PARTS])]


def flow_subregion_links(db: Database, vintage: str, year: int) -> pd.DataFrame:
    """origin_code, destination_code (subregion nodes, REST = rest of the world), one column
    per population type and persons (their sum): people newly displaced across borders in
    `year` between the Americas' subregions and the rest of the world. Residual origins
    ('unknown', stateless) count as rest of the world; rest -> rest is left out."""
    by_population = ", ".join(f"sum(f.persons) FILTER (WHERE f.population = '{p}') AS {p}" for p in FLOW_POPULATIONS)
    return db.frame(
        f"""
        SELECT {_node('o')} AS origin_code, {_node('h')} AS destination_code, {by_population},
               sum(f.persons) AS persons
        FROM displacement_flow f JOIN area o ON o.code = f.origin_code JOIN area h ON h.code = f.asylum_code
        WHERE f.vintage = ? AND f.year = ?
        GROUP BY ALL HAVING NOT (origin_code = {REST} AND destination_code = {REST})
        ORDER BY persons DESC
        """,  # noqa: S608 - constants and placeholders only
        [*AMERICAS_SUBREGIONS, *AMERICAS_SUBREGIONS, vintage, year],
    )


def flow_subregion_trend(db: Database, vintage: str, since: int = 1990) -> pd.DataFrame:
    """year, area_code (subregion), persons: people newly displaced into each subregion of the
    Americas (from anywhere, the subregion itself included), per year since `since`."""
    return db.frame(
        f"""
        SELECT f.year, {_node('h')} AS area_code, sum(f.persons) AS persons
        FROM displacement_flow f JOIN area h ON h.code = f.asylum_code
        WHERE f.vintage = ? AND f.year >= ?
        GROUP BY ALL HAVING area_code <> {REST} ORDER BY area_code, f.year
        """,  # noqa: S608
        [*AMERICAS_SUBREGIONS, vintage, since],
    )


def flows_into(db: Database, vintage: str, code: int) -> pd.DataFrame:
    """year, population, persons newly displaced into one country, per year."""
    return db.frame("SELECT year, population, sum(persons) AS persons FROM displacement_flow "
                    "WHERE vintage = ? AND asylum_code = ? GROUP BY ALL ORDER BY year, population", [vintage, code])


# ---- durable solutions ----


def solution_years(db: Database, vintage: str, solution: str) -> list[int]:
    side = SOLUTION_SIDE[solution]
    return [y for (y,) in db.rows(
        f"SELECT DISTINCT year FROM durable_solution WHERE vintage = ? AND solution = ? AND {side} IN ({AMERICAS}) "  # noqa: S608
        "ORDER BY year", [vintage, solution, *AMERICAS_PARTS])]


def solution_countries(db: Database, vintage: str, solution: str, *, since: int, limit: int = 6) -> pd.DataFrame:
    """year, area_code, names, persons for the countries of the Americas with most people
    resettled in / naturalised by them (or returned to them) since `since`, per year."""
    side = SOLUTION_SIDE[solution]
    return db.frame(
        f"""
        WITH rows AS (SELECT {side} AS area_code, year, sum(persons) AS persons FROM durable_solution
                      WHERE vintage = ? AND solution = ? AND year >= ? AND {side} IN ({AMERICAS}) GROUP BY ALL),
             top AS (SELECT area_code, sum(persons) AS total FROM rows GROUP BY area_code
                     ORDER BY total DESC, area_code LIMIT ?)
        SELECT r.year, r.area_code, {AREA_NAMES}, r.persons
        FROM rows r JOIN top USING (area_code) JOIN area a ON a.code = r.area_code
        ORDER BY top.total DESC, r.area_code, r.year
        """,  # noqa: S608 - `side` comes from SOLUTION_SIDE
        [vintage, solution, since, *AMERICAS_PARTS, limit],
    )


def solutions_of(db: Database, vintage: str, code: int) -> pd.DataFrame:
    """year, solution, persons for one country: resettled in it, naturalised by it, returned to it."""
    return db.frame(
        """SELECT year, solution, sum(persons) AS persons FROM durable_solution WHERE vintage = ?
           AND ((solution IN ('resettlement', 'naturalisation') AND asylum_code = ?)
                OR (solution = 'returned_refugees' AND origin_code = ?))
           GROUP BY ALL ORDER BY year, solution""",
        [vintage, code, code])


def solutions_in(db: Database, vintage: str, codes: Sequence[int], *, since: int | None = None) -> pd.DataFrame:
    """year, solution, area_code, persons for each of `codes` (resettled into it, naturalised by
    it, refugees returned to it: SOLUTIONS), per year since `since` (every year when None)."""
    side = " ".join(f"WHEN '{s}' THEN {SOLUTION_SIDE[s]}" for s in SOLUTIONS)
    return db.frame(
        f"""
        WITH s AS (SELECT year, solution, CASE solution {side} END AS area_code, persons FROM durable_solution
                   WHERE vintage = ? AND list_contains(?, solution) AND (?::INTEGER IS NULL OR year >= ?))
        SELECT year, solution, area_code, sum(persons) AS persons FROM s
        WHERE list_contains(?::INTEGER[], area_code) GROUP BY ALL ORDER BY year, solution, area_code
        """,  # noqa: S608 - solution names and columns from SOLUTION_SIDE
        [vintage, list(SOLUTIONS), since, since, [int(c) for c in codes]])


def names(db: Database, codes: Sequence[int], lang: str) -> list[str]:
    """The areas' names in `lang`, alphabetically."""
    column = name_column(lang)
    return [n for (n,) in db.rows(f"SELECT {column} FROM area WHERE list_contains(?, code) ORDER BY {column}",  # noqa: S608
                                  [list(codes)])]
