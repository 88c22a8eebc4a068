"""Which area publishes what, up to which year: the `availability` view and the OAS matrix.

The view (etl/build.py) has one row per area and series, each series in its newest vintage (as
the `indicator` view): first and latest year with data, vintage, observations. A matrix with an
origin and a destination counts an area by the side its series is about (the suffix of the
series code: `.destination`, `.origin`, `.asylum`, `.incident_country`). The command line
(`migdash availability`), the /availability page and the briefs read it through this module.

A gap is a series with no row for an area in this build. For IOM's Missing Migrants it means no
incident was recorded there in the years whose files name a country (2022, 2023), not a
missing publication.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from io import StringIO

import pandas as pd

from readside.extract import neutralize
from readside.queries import AREA_NAMES, Database
from readside.text import language, name_column, strings

# Column order of the matrix and of every listing: UN DESA first, then as the README lists them.
SOURCES = ("undesa_ims", "worldbank", "unhcr", "wpp", "knomad", "oecd", "iom_missing_migrants", "idmc")
BY_SOURCE = "sources"  # matrix columns: one per source (the latest year of any of its series)
FORMATS = ("table", "csv", "markdown")
LISTING = ["area_code", "iso3", "area", "source", "series", "first_year", "latest_year", "vintage", "observations"]
GAP, BEHIND, CURRENT = "gap", "behind", "current"


def availability(db: Database, codes: Sequence[int] | None = None) -> pd.DataFrame:
    """area_code, iso3, name_en…name_pt, source, series, first_year, latest_year, vintage,
    observations: the view with area names, for every area (or only `codes`), in source order."""
    where, params = ("WHERE v.area_code IN (SELECT unnest(?))", [list(codes)]) if codes is not None else ("", [])
    frame = db.frame(
        f"""SELECT v.area_code, a.iso3, {AREA_NAMES}, v.source, v.series, v.first_year, v.latest_year,
                   v.vintage, v.observations
            FROM availability v JOIN area a ON a.code = v.area_code {where}
            ORDER BY a.name_en, v.source, v.series""",  # noqa: S608 - only constants are interpolated
        params,
    )
    return _in_source_order(frame)


def _in_source_order(frame: pd.DataFrame) -> pd.DataFrame:
    rank = {s: i for i, s in enumerate(SOURCES)}
    order = frame["source"].map(lambda s: rank.get(s, len(SOURCES)))
    keys = [c for c in ("name_en",) if c in frame.columns] + ["_rank", "series"]
    return frame.assign(_rank=order).sort_values(keys, kind="stable").drop(columns="_rank").reset_index(drop=True)


def members(db: Database, grouping: str = "oas") -> pd.DataFrame:
    """area_code, iso3, names of a grouping's roster (the 35 OAS member states, Nicaragua
    included, as everywhere in the app), by English name."""
    return db.frame(
        f"""SELECT m.member_code AS area_code, a.iso3, {AREA_NAMES} FROM area_group m
            JOIN area a ON a.code = m.member_code WHERE m.grouping = ? AND m.roster ORDER BY a.name_en""",  # noqa: S608
        [grouping],
    )


def roster_note(db: Database, lang: str, grouping: str = "oas") -> str:
    """Who the roster counts, in the reader's language (from data/groupings/<grouping>.yaml)."""
    rows = db.rows(f"SELECT roster_note_{language(lang)} FROM grouping WHERE grouping = ?", [grouping])  # noqa: S608
    return rows[0][0] if rows and rows[0][0] else ""


def series_overview(db: Database, codes: Sequence[int] | None = None) -> pd.DataFrame:
    """source, series, vintage, areas, first_year, latest_year: one row per series in this
    build (over `codes` when given), so every figure of the matrix has its vintage beside it."""
    rows = availability(db, codes)
    if rows.empty:
        return pd.DataFrame(columns=["source", "series", "vintage", "areas", "first_year", "latest_year"])
    overview = rows.groupby(["source", "series"], as_index=False).agg(
        vintage=("vintage", lambda v: ", ".join(sorted(set(", ".join(v).split(", "))))),
        areas=("area_code", "nunique"), first_year=("first_year", "min"), latest_year=("latest_year", "max"))
    return _in_source_order(overview)


def loaded_sources(db: Database) -> list[str]:
    """The sources with at least one row in the view, in column order."""
    held = {s for (s,) in db.rows("SELECT DISTINCT source FROM availability")}
    return [s for s in SOURCES if s in held]


def column_keys(db: Database, columns: str = BY_SOURCE) -> list[str]:
    """The matrix's columns: every source, or the series of one source held in this build."""
    if columns == BY_SOURCE:
        return list(SOURCES)
    return [s for (s,) in db.rows("SELECT DISTINCT series FROM availability WHERE source = ? ORDER BY series",
                                  [columns])]


def parse_columns(value: object) -> str:
    """'sources' or a known source key; anything else (hostile URLs too) gives 'sources'."""
    return value if isinstance(value, str) and value in SOURCES else BY_SOURCE


def shape_matrix(rows: pd.DataFrame, roster: pd.DataFrame, keys: Sequence[str], key_column: str) -> pd.DataFrame:
    """Pure: one row per member (roster order, members without any data kept), one column per
    key holding the latest year with data (nullable integer; missing = a gap). `rows` has
    area_code, `key_column` and latest_year; several rows per cell keep the latest."""
    latest = (rows[rows[key_column].isin(keys)].groupby(["area_code", key_column])["latest_year"].max()
              .unstack(key_column).reindex(columns=list(keys)))
    matrix = roster.set_index("area_code").join(latest, how="left")
    for key in keys:
        matrix[key] = matrix[key].astype("Int64")
    return matrix.reset_index()


def cell_status(matrix: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Pure: per cell 'gap' (no data), 'behind' (earlier than the latest year any member has in
    that column) or 'current'."""
    status = pd.DataFrame(index=matrix.index)
    for key in keys:
        newest = matrix[key].max()
        status[key] = [GAP if pd.isna(v) else BEHIND if v < newest else CURRENT for v in matrix[key]]
    return status


def member_matrix(db: Database, lang: str = "en", columns: str = BY_SOURCE, grouping: str = "oas") -> pd.DataFrame:
    """area_code, iso3, name (in `lang`), then one column per source (or per series of the
    source `columns`): the latest year with data, <NA> where there is none."""
    roster = members(db, grouping)
    keys = column_keys(db, columns)
    rows = availability(db, [int(c) for c in roster["area_code"]])
    key_column = "source" if columns == BY_SOURCE else "series"
    matrix = shape_matrix(rows, roster, keys, key_column)
    matrix = matrix.rename(columns={name_column(lang): "name"})
    matrix = matrix.sort_values("name", key=lambda names: names.map(_sort_key), kind="stable")
    return matrix[["area_code", "iso3", "name", *keys]].reset_index(drop=True)


def _sort_key(name: str) -> str:
    """Alphabetical order in the reader's language: 'Équateur' among the E, not after 'Z'."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


def series_label(code: str, lang: str, names: dict[str, str] | None = None) -> str:
    """A series' name: the `series` view's (World Bank, UNHCR, WPP), else this feature's strings."""
    if names and code in names:
        return names[code]
    return strings(lang).get(f"availability.series.{code}", code)


def series_names(db: Database, lang: str) -> dict[str, str]:
    return dict(db.rows(f"SELECT code, {name_column(lang)} FROM series"))  # noqa: S608 - column from an allow-list


def source_label(source: str, lang: str) -> str:
    return strings(lang).get(f"availability.source.{source}", source)


# ---- the command line ----


def listing(db: Database, grouping: str | None = None) -> pd.DataFrame:
    """One row per area and series (English area names), for `migdash availability`."""
    codes = [int(c) for c in members(db, grouping)["area_code"]] if grouping else None
    if grouping and not codes:
        raise ValueError(f"no grouping {grouping!r} in this build; see the grouping view (oas, caricom, sica…)")
    return availability(db, codes).rename(columns={"name_en": "area"})[LISTING]


def render(frame: pd.DataFrame, fmt: str) -> str:
    """The listing as a plain-text table, CSV or a Markdown table."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {FORMATS}")
    if fmt == "csv":
        buffer = StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue()
    if fmt == "markdown":
        return markdown(frame)
    return frame.to_string(index=False) + "\n"


def markdown(frame: pd.DataFrame) -> str:
    cells = frame.astype(object).where(frame.notna(), "")
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in cells.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def matrix_csv(db: Database, lang: str, columns: object) -> str:
    """The member-state matrix as the page shows it (latest year per cell, empty = gap) as CSV."""
    matrix = member_matrix(db, lang, parse_columns(columns))
    return render(matrix.assign(name=matrix["name"].map(neutralize)), "csv")
