"""What changed since the build this one replaces: computed once, while the build is written.

Why: after a refresh the secretariat first asks which figures were revised and which quoted
claims now read differently. The answer depends on two builds, and only the build knows both
(the previous file is replaced right after), so it is computed here, inside the new file before
it is swapped in, and stored in `core.change`; the read side only lists it.

Rows of `core.change` (`kind`):
- dataset_added / dataset_removed / dataset_updated: a provenance dataset (one upstream file or
  query: a vintage, an edition) new, gone (only with --accept-loss) or replaced (other vintage,
  other rows); old_value / new_value hold its rows;
- year_added / year_removed: a year a series holds now and did not before (or the reverse);
- figure_revised: the newest vintage of a series against the previous build's newest, for the
  same area and year, in the Americas' areas and the groupings (sums over every roster member,
  only where every member reports in both builds, and only for counts and amounts): old -> new,
  absolute and percent, ranked by size within the series (`file`: the upstream file, for datasets);
- claim_status: a quoted figure whose status in the latest revision moved (matches -> revised...).
The build row says what was compared: `comparison` is 'first build' (nothing to compare),
'compared' or 'previous unreadable', with the previous build's id and time.

Claim statuses come from the read side's checker, which the etl floor may not import: the caller
(the `migdash etl` command) passes it in as `claim_statuses(path) -> DataFrame`. Each build stores
its own statuses (`core.claim_status`), so the next build compares with what was shown then.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

ClaimStatuses = Callable[[Path], pd.DataFrame]  # database file -> claim_id, figure_id, revision, status
FIRST, COMPARED, UNREADABLE = "first build", "compared", "previous unreadable"
CHANGE_COLUMNS = ["kind", "source", "series", "area_code", "year", "old_vintage", "new_vintage", "old_value",
                  "new_value", "change", "change_percent", "rank", "unit", "claim_id", "figure_id", "old_status",
                  "new_status", "file"]
ADDITIVE_UNITS = ("persons", "current US$")  # sums over a grouping's members mean something
RELATIVE_NOISE = 1e-9  # the CSV and Excel downloads of one vintage differ in the 16th digit

DDL = """
CREATE TABLE core.change (kind VARCHAR NOT NULL, source VARCHAR, series VARCHAR, area_code INTEGER, year SMALLINT,
  old_vintage VARCHAR, new_vintage VARCHAR, old_value DOUBLE, new_value DOUBLE, change DOUBLE, change_percent DOUBLE,
  rank INTEGER, unit VARCHAR, claim_id VARCHAR, figure_id VARCHAR, old_status VARCHAR, new_status VARCHAR,
  file VARCHAR);
CREATE TABLE core.claim_status (claim_id VARCHAR, figure_id VARCHAR, revision SMALLINT, status VARCHAR,
  PRIMARY KEY (claim_id, figure_id));
CREATE VIEW change AS SELECT * FROM core.change;
CREATE VIEW claim_status AS SELECT * FROM core.claim_status;
"""


def series_values(schema: str) -> str:
    """(source, series, area_code, year, vintage, value, unit) of every comparable series in
    `schema` (core, or prev.core for the previous build)."""
    return f"""
    SELECT 'undesa_ims' AS source, 'undesa_ims.stock' AS series, destination_code AS area_code, year,
           CAST(revision AS VARCHAR) AS vintage, CAST(migrants AS DOUBLE) AS value, 'persons' AS unit
      FROM {schema}.stock WHERE origin_code = 900 AND sex = 'total'
    UNION ALL SELECT source, series, area_code, year, revision, value, unit FROM {schema}.indicator
      WHERE variant = 'estimate'
    UNION ALL SELECT source, source || '.' || flow_type || '.' || category, destination_code, year, vintage, persons,
           'persons' FROM {schema}.migration_flow
    UNION ALL SELECT 'idmc', 'idmc.' || cause || '.' || measure, area_code, year, vintage, CAST(persons AS DOUBLE),
           'persons' FROM {schema}.internal_displacement
    """  # noqa: S608 - schema names are constants of this module


def years_held(schema: str) -> str:
    """(source, series, year) of every series, every vintage, plus incidents and bilateral editions."""
    return f"""
    SELECT DISTINCT source, series, year FROM ({series_values(schema)})
    UNION SELECT 'iom_missing_migrants', 'iom_missing_migrants.incidents', year FROM {schema}.missing_migrants
    UNION SELECT source, source || '.bilateral_stock', year FROM {schema}.bilateral_stock
    """  # noqa: S608


def newest(schema: str) -> str:
    return f"SELECT * FROM ({series_values(schema)}) QUALIFY vintage = max(vintage) OVER (PARTITION BY source, series)"  # noqa: S608


REVISED = f"""
WITH americas AS (SELECT code FROM core.area WHERE code IN (904, 905) OR region IN (904, 905)),
old AS ({newest("prev.core")}), new AS ({newest("core")}),
members AS (SELECT g.grouping, g.code, m.member_code FROM core.grouping g
            JOIN core.area_group m ON m.grouping = g.grouping AND m.roster),
sizes AS (SELECT grouping, count(*) AS total FROM members GROUP BY grouping),
grouped_old AS (SELECT o.source, o.series, m.code AS area_code, o.year, any_value(o.vintage) AS vintage,
                       sum(o.value) AS value, any_value(o.unit) AS unit, count(*) AS n, any_value(z.total) AS total
                FROM old o JOIN members m ON m.member_code = o.area_code JOIN sizes z ON z.grouping = m.grouping
                WHERE o.unit IN {ADDITIVE_UNITS} GROUP BY o.source, o.series, m.code, o.year),
grouped_new AS (SELECT n.source, n.series, m.code AS area_code, n.year, any_value(n.vintage) AS vintage,
                       sum(n.value) AS value, any_value(n.unit) AS unit, count(*) AS n, any_value(z.total) AS total
                FROM new n JOIN members m ON m.member_code = n.area_code JOIN sizes z ON z.grouping = m.grouping
                WHERE n.unit IN {ADDITIVE_UNITS} GROUP BY n.source, n.series, m.code, n.year),
pairs AS (
  SELECT o.source, o.series, o.area_code, o.year, o.vintage AS old_vintage, n.vintage AS new_vintage,
         o.value AS old_value, n.value AS new_value, n.unit
  FROM old o JOIN new n USING (source, series, area_code, year) WHERE o.area_code IN (SELECT code FROM americas)
  UNION ALL
  SELECT o.source, o.series, o.area_code, o.year, o.vintage, n.vintage, o.value, n.value, n.unit
  FROM grouped_old o JOIN grouped_new n USING (source, series, area_code, year)
  WHERE o.n = o.total AND n.n = n.total)
SELECT 'figure_revised' AS kind, source, series, area_code, year, old_vintage, new_vintage, old_value, new_value,
       new_value - old_value AS change,
       CASE WHEN old_value <> 0 THEN 100 * (new_value / old_value - 1) END AS change_percent,
       row_number() OVER (PARTITION BY source, series ORDER BY abs(new_value - old_value) DESC, area_code, year) AS rank,
       unit
FROM pairs
WHERE abs(new_value - old_value) > {RELATIVE_NOISE} * greatest(abs(old_value), abs(new_value))
"""  # noqa: S608

DATASETS = """
SELECT CASE WHEN o.dataset IS NULL THEN 'dataset_added' WHEN n.dataset IS NULL THEN 'dataset_removed'
            ELSE 'dataset_updated' END AS kind,
       coalesce(n.source, o.source) AS source, coalesce(n.dataset, o.dataset) AS series,
       o.vintage AS old_vintage, n.vintage AS new_vintage, o.rows AS old_value, n.rows AS new_value,
       regexp_replace(coalesce(n.fetched_from, o.fetched_from), '^local mirror: ', '') AS file
FROM core.provenance n FULL JOIN prev.core.provenance o ON o.dataset = n.dataset
WHERE o.dataset IS NULL OR n.dataset IS NULL OR o.sha256 IS DISTINCT FROM n.sha256 OR o.rows IS DISTINCT FROM n.rows
   OR o.vintage IS DISTINCT FROM n.vintage
"""

YEARS = f"""
WITH old AS ({years_held("prev.core")}), new AS ({years_held("core")})
SELECT 'year_added' AS kind, source, series, year FROM (SELECT * FROM new EXCEPT SELECT * FROM old)
UNION ALL
SELECT 'year_removed', source, series, year FROM (SELECT * FROM old EXCEPT SELECT * FROM new)
"""  # noqa: S608


def record(tmp: Path, previous: Path, claim_statuses: ClaimStatuses | None) -> str:
    """Compare the new database file `tmp` with `previous` (the file it replaces) and store the
    result in `tmp`; returns the comparison's state (FIRST, COMPARED or UNREADABLE)."""
    statuses = _statuses(claim_statuses, tmp)
    old_statuses = _previous_statuses(previous, claim_statuses) if previous.is_file() else None
    with duckdb.connect(str(tmp)) as con:
        if statuses is not None:
            con.register("statuses", statuses)
            con.execute("INSERT INTO core.claim_status SELECT claim_id, figure_id, revision, status FROM statuses")
        state = _compare(con, previous, old_statuses) if previous.is_file() else _state(con, FIRST)
        con.execute("CHECKPOINT")
    return state


def _compare(con: duckdb.DuckDBPyConnection, previous: Path, old_statuses: pd.DataFrame | None) -> str:
    quoted = str(previous).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS prev (READ_ONLY)")
    except duckdb.Error:
        return _state(con, UNREADABLE)
    try:
        built = con.execute("SELECT build_id, built_at FROM prev.core.build").fetchone()
        frames = [con.execute(sql).df() for sql in (DATASETS, YEARS, REVISED)]
    except duckdb.Error:
        return _state(con, UNREADABLE)
    finally:
        con.execute("DETACH prev")
    frames.append(_claim_changes(old_statuses, con))
    changes = pd.concat([f.reindex(columns=CHANGE_COLUMNS) for f in frames if len(f)] or
                        [pd.DataFrame(columns=CHANGE_COLUMNS)], ignore_index=True)
    con.register("changes", changes.astype({"area_code": "Int64", "year": "Int64", "rank": "Int64"}))
    con.execute(f"INSERT INTO core.change ({', '.join(CHANGE_COLUMNS)}) SELECT {', '.join(CHANGE_COLUMNS)} "  # noqa: S608
                "FROM changes")
    con.unregister("changes")
    return _state(con, COMPARED, *built) if built else _state(con, UNREADABLE)


def _state(con: duckdb.DuckDBPyConnection, state: str, build_id: str | None = None, built_at: str | None = None) -> str:
    con.execute("UPDATE core.build SET comparison = ?, compared_with = ?, compared_built_at = ?",
                [state, build_id, built_at])
    return state


def _statuses(claim_statuses: ClaimStatuses | None, path: Path) -> pd.DataFrame | None:
    return None if claim_statuses is None else claim_statuses(path)


def _previous_statuses(previous: Path, claim_statuses: ClaimStatuses | None) -> pd.DataFrame | None:
    """What the previous build stored; for a build older than that table, recomputed if possible."""
    try:
        with duckdb.connect(str(previous), read_only=True) as con:
            return con.execute("SELECT claim_id, figure_id, revision, status FROM core.claim_status").df()
    except duckdb.Error:
        pass
    try:
        return _statuses(claim_statuses, previous)
    except Exception:  # noqa: BLE001 - an older layout the checker cannot read: statuses unknown
        return None


def _claim_changes(old: pd.DataFrame | None, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    new = con.execute("SELECT claim_id, figure_id, revision, status FROM core.claim_status").df()
    if old is None or new.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    both = old.merge(new, on=["claim_id", "figure_id"], how="outer", suffixes=("_old", "_new"))
    moved = both[(both["status_old"] != both["status_new"])]
    return pd.DataFrame({
        "kind": "claim_status", "claim_id": moved["claim_id"], "figure_id": moved["figure_id"],
        "old_vintage": moved["revision_old"].map(_revision), "new_vintage": moved["revision_new"].map(_revision),
        "old_status": moved["status_old"], "new_status": moved["status_new"]})


def _revision(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(int(value))
