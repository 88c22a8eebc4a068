"""The data page's extracts and /download/<fmt>: which datasets can be downloaded (the
allow-list EXTRACT_VIEWS), their columns, and the rows of a validated selection, streamed.

Identifiers in this SQL come only from EXTRACT_VIEWS; every value a user chose travels as a
parameter (lists via `IN (SELECT unnest(?))`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd

from etl.areas import CARIBBEAN, CENTRAL_AMERICA, NORTHERN_AMERICA, SOUTH_AMERICA, WORLD
from readside.database import Database
from readside.queries import NAME_COLUMNS
from readside.reporting import NOT_REPORTED, not_reported_array

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
