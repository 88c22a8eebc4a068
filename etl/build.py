"""Build the DuckDB database: fetch -> parse -> validate -> write a new file -> os.replace.

The served database is only ever replaced whole, after every check passed, so a reader sees
the previous build or the next one, never a mix; any failure leaves the old file untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from tqdm import tqdm

from etl import areas as area_dim
from etl import changes, completeness, loss, reconcile
from etl import claims as claim_registry
from etl import groupings as grouping_registry
from etl.ddl import DDL, SCHEMA_VERSION
from etl.errors import FetchError, ValidationFailed
from etl.fetch import FetchedFile, FetchPolicy, fetch, now_utc, resolve_location
from etl.indicators import Collected, empty_indicator, series_table
from etl.source_report import LOADED, SourceReport, asked_for, source_reports, undesa_report
from etl.sources import idmc, iom_missing_migrants, knomad, oecd, undesa_ims, unhcr, worldbank, wpp
from schemas.area import AreaSchema
from schemas.area_group import AreaGroupSchema, GroupingSchema
from schemas.asylum import AsylumApplicationSchema, AsylumDecisionSchema
from schemas.bilateral_stock import BilateralCheckSchema, BilateralStockSchema
from schemas.claim import ClaimFigureSchema, ClaimSchema
from schemas.displacement import DisplacementSchema
from schemas.displacement_flow import DisplacementFlowSchema
from schemas.durable_solution import DurableSolutionSchema
from schemas.indicator import IndicatorSchema, SeriesSchema
from schemas.internal_displacement import DisasterEventsByHazardSchema, InternalDisplacementSchema
from schemas.migration_flow import MigrationFlowSchema
from schemas.missing_migrants import MissingMigrantsCoverageSchema, MissingMigrantsSchema
from schemas.population import PopulationSchema
from schemas.provenance import ProvenanceSchema
from schemas.refugee_demographics import RefugeeDemographicsSchema
from schemas.refugee_stock import RefugeeStockSchema
from schemas.stock import StockSchema
from schemas.stock_share import StockShareSchema
from schemas.validate import validate

CODE_VERSION = "0.1.0"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = Path("data") / "migdash.duckdb"
DEFAULT_CACHE = Path("data") / "cache"
SNAPSHOT_DIR = PROJECT_ROOT / "data" / "snapshot"
# UNHCR's refugees package beside `population` (issue 25): asylum, new displacement, solutions, demographics.
UNHCR_PACKAGE_TABLES = ("asylum_application", "asylum_decision", "displacement_flow", "durable_solution",
                        "refugee_demographics")
SOURCE_TABLE_NAMES = ("displacement", *UNHCR_PACKAGE_TABLES, "bilateral_stock", "bilateral_check", "migration_flow", "missing_migrants",
                      "missing_migrants_coverage", "internal_displacement", "disaster_events_by_hazard")
DATA_TABLES = ("area", "stock", "stock_share", "population", "refugee_stock", "indicator", *SOURCE_TABLE_NAMES,
               "provenance")
CLAIM_TABLES = ("claim", "claim_figure")  # from data/claims, not from the publisher
GROUPING_TABLES = ("grouping", "area_group")  # from data/groupings: who belongs to the OAS, CARICOM...
CODE_TABLES = ("series",)  # names and units of the indicator series, from the source modules
TABLES = DATA_TABLES + CLAIM_TABLES + GROUPING_TABLES + CODE_TABLES
# Sources beside UN DESA: each may be unreachable without failing the build (see collect_indicators).
INDICATOR_SOURCES = {"worldbank": worldbank, "unhcr": unhcr, "wpp": wpp, "knomad": knomad, "oecd": oecd,
                     "iom_missing_migrants": iom_missing_migrants, "idmc": idmc}
# Tables a source fills beside `indicator`, with the filter that selects its rows in a previous build.
SOURCE_TABLES = {"unhcr": {"displacement": "TRUE", **{table: "TRUE" for table in UNHCR_PACKAGE_TABLES}},
                 "knomad": {"bilateral_stock": "source = 'knomad'", "bilateral_check": "source = 'knomad'"},
                 "oecd": {"migration_flow": "source = 'oecd'"},
                 "iom_missing_migrants": {"missing_migrants": "TRUE", "missing_migrants_coverage": "TRUE"},
                 "idmc": {"internal_displacement": "TRUE", "disaster_events_by_hazard": "TRUE"}}
SCHEMAS = {
    "claim": ClaimSchema,
    "claim_figure": ClaimFigureSchema,
    "area": AreaSchema,
    "grouping": GroupingSchema,
    "area_group": AreaGroupSchema,
    "stock": StockSchema,
    "stock_share": StockShareSchema,
    "population": PopulationSchema,
    "refugee_stock": RefugeeStockSchema,
    "indicator": IndicatorSchema,
    "displacement": DisplacementSchema,
    "asylum_application": AsylumApplicationSchema,
    "asylum_decision": AsylumDecisionSchema,
    "displacement_flow": DisplacementFlowSchema,
    "durable_solution": DurableSolutionSchema,
    "refugee_demographics": RefugeeDemographicsSchema,
    "bilateral_stock": BilateralStockSchema,
    "bilateral_check": BilateralCheckSchema,
    "migration_flow": MigrationFlowSchema,
    "missing_migrants": MissingMigrantsSchema,
    "missing_migrants_coverage": MissingMigrantsCoverageSchema,
    "internal_displacement": InternalDisplacementSchema,
    "disaster_events_by_hazard": DisasterEventsByHazardSchema,
    "series": SeriesSchema,
    "provenance": ProvenanceSchema,
}
# Columns holding M49 codes, checked against the area table (stock's are checked with its hierarchy).
AREA_COLUMNS = {"indicator": ("area_code",), "displacement": ("origin_code", "asylum_code"),
                **{table: ("origin_code", "asylum_code") for table in UNHCR_PACKAGE_TABLES},
                "bilateral_stock": ("origin_code", "destination_code"), "area_group": ("member_code",),
                "migration_flow": ("destination_code",), "missing_migrants": ("country_code",),
                "internal_displacement": ("area_code",), "disaster_events_by_hazard": ("area_code",)}
ORDER = {
    "area": "code",
    "grouping": "grouping",
    "area_group": "grouping, member_code",
    "stock": "revision, destination_code, origin_code, sex, year",
    "stock_share": "revision, area_code, sex, year",
    "population": "revision, area_code, sex, year",
    "refugee_stock": "revision, area_code, year",
    "indicator": "series, revision, variant, area_code, year",
    "displacement": "vintage, population, origin_code, asylum_code, year",
    "asylum_application": "vintage, asylum_code, origin_code, year, procedure_type, application_type, decision_level, "
                          "basis",
    "asylum_decision": "vintage, asylum_code, origin_code, year, procedure_type, decision_level, basis",
    "displacement_flow": "vintage, population, origin_code, asylum_code, year",
    "durable_solution": "vintage, solution, origin_code, asylum_code, year",
    "refugee_demographics": "vintage, asylum_code, origin_code, year, population, location, location_type, "
                            "accommodation_type, sex, age_group",
    "bilateral_stock": "source, edition, origin_code, destination_code",
    "bilateral_check": "source, edition, cell",
    "migration_flow": "flow_type, destination_code, category, year",
    "missing_migrants": "incident_id, part",
    "missing_migrants_coverage": "year",
    "internal_displacement": "vintage, area_code, cause, measure, year",
    "disaster_events_by_hazard": "vintage, area_code, hazard, year",
    "series": "code",
    "provenance": "dataset",
    "claim": "claim_id",
    "claim_figure": "claim_id, figure_id",
}


@dataclass
class Tables:
    """Every table of one build, as DataFrames, before or after validation."""

    frames: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def row_counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.frames.items()}


@dataclass
class BuildResult:
    db_path: Path
    changed: bool
    build_id: str | None
    fingerprint: str
    row_counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # notes: what was not loaded, losses accepted
    saved_mirror: str | None = None  # how to rebuild from the files kept with save_to
    sources: list[SourceReport] = field(default_factory=list)  # loaded, kept or absent, per source
    comparison: str | None = None  # changes.FIRST, COMPARED or UNREADABLE (None: no new file written)


Progress = Callable[[str], None]


def fingerprint_of(provenance: pd.DataFrame) -> str:
    """Identity of a build's inputs: schema version, claims registry, every upstream file's sha256."""
    parts = [f"schema={SCHEMA_VERSION}", f"claims={claim_registry.registry_digest()}",
             f"groupings={grouping_registry.groupings_digest()}"] + sorted(f"{d}={s}" for d, s in zip(provenance["dataset"], provenance["sha256"], strict=True))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def current_build(db_path: Path) -> dict | None:
    """The build row of an existing database, or None if there is no readable one."""
    if not db_path.is_file():
        return None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            row = con.execute("SELECT build_id, fingerprint, built_from, schema_version FROM core.build").fetchone()
    except duckdb.Error:
        return None
    return dict(zip(("build_id", "fingerprint", "built_from", "schema_version"), row, strict=True)) if row else None


def is_current_schema(db_path: Path) -> bool:
    """Whether the database was written with this code's table layout (older ones lack views)."""
    existing = current_build(db_path)
    return existing is not None and existing["schema_version"] == SCHEMA_VERSION


def fetch_sources(
    mirror: str | None, cache_dir: Path, policy: FetchPolicy, show: bool
) -> tuple[list[tuple[undesa_ims.Dataset, FetchedFile]], list[str]]:
    """Download every dataset; optional ones that do not exist upstream are skipped, with a note.
    The same bytes under two of the datasets' names stop the build (one revision would stand for another)."""
    fetched, skipped = [], []
    for dataset in undesa_ims.DATASETS:
        location = resolve_location(dataset.url, mirror)
        with tqdm(desc=f"download {dataset.filename}", unit="B", unit_scale=True, disable=not show, leave=show) as bar:

            def advance(done: int, total: int | None, bar: tqdm = bar) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                fetched.append((dataset, fetch(undesa_ims.SOURCE, location, cache_dir, policy=policy, progress=advance)))
            except FetchError as exc:
                if dataset.required or not exc.not_found:
                    raise
                skipped.append(f"{dataset.key}: optional input, not available ({exc.detail}) at {location}")
    completeness.no_identical_copies(undesa_ims.SOURCE, [(d.filename, f.sha256) for d, f in fetched])
    return fetched, skipped


def parse_sources(fetched: list[tuple[undesa_ims.Dataset, FetchedFile]], show: bool) -> Tables:
    """Parse every fetched file into the build's tables, with one provenance row per file."""
    areas_by_revision, stock, share, population, refugees, provenance = {}, [], [], [], [], []
    for dataset, file in tqdm(fetched, desc="parse", disable=not show, leave=show):
        if dataset.layout == "destination":
            parsed = undesa_ims.parse_destination_workbook(file.path, dataset.revision)
            areas_by_revision[dataset.revision] = parsed.areas
            parts = [parsed.stock, parsed.share, parsed.population, parsed.refugees]
            stock.append(parsed.stock)
            share.append(parsed.share)
            population.append(parsed.population)
            refugees.append(parsed.refugees)
        else:
            od = undesa_ims.parse_origin_destination_workbook(file.path, dataset.revision)
            parts = [od[od["origin_code"] != undesa_ims.WORLD]]
            stock.append(parts[0])
        provenance.append(_provenance_row(dataset, file, sum(len(p) for p in parts)))
    return Tables(
        {
            **project_tables(),
            "area": area_dim.build_area_dimension(areas_by_revision),
            "stock": pd.concat(stock, ignore_index=True),
            "stock_share": pd.concat(share, ignore_index=True),
            "population": pd.concat(population, ignore_index=True),
            "refugee_stock": pd.concat(refugees, ignore_index=True),
            "provenance": pd.DataFrame(provenance),
        }
    )


def project_tables() -> dict[str, pd.DataFrame]:
    """The tables the project itself writes (claims, groupings, series names), not a publisher."""
    return {**claim_registry.load_registry(), **grouping_registry.load_groupings(),
            "series": series_table(all_series())}


def with_grouping_areas(tables: Tables) -> Tables:
    """The groupings become areas too (kind 'grouping'), so pickers and extracts can name them."""
    areas = tables["area"]
    areas = areas[areas["kind"] != "grouping"]
    grouped = pd.concat([areas, grouping_registry.grouping_areas(tables["grouping"])], ignore_index=True)
    return Tables({**tables.frames, "area": grouped.astype({"region": "Int64", "subregion": "Int64"})})


def all_series() -> list:
    return [series for module in INDICATOR_SOURCES.values() for series in module.SERIES]


def _provenance_row(dataset: undesa_ims.Dataset, file: FetchedFile, rows: int) -> dict:
    return undesa_ims.PUBLISHED_BY.provenance(
        dataset=dataset.key, revision=dataset.revision, url=dataset.url, files=[file], sha256=file.sha256,
        local_name=dataset.filename, citation=dataset.citation, rows=rows,
    )


def codes_in_use(tables: Tables) -> set[int]:
    """Every area code the sources beside UN DESA report."""
    return {int(code) for table, columns in AREA_COLUMNS.items() for column in columns
            for code in tables[table][column].dropna().unique()}


def validate_tables(tables: Tables, report_dir: Path | None) -> Tables:
    """Every pandera schema (lazy) and the cross-table reconciliations; raises on any failure."""
    valid = {name: validate(name, tables[name], SCHEMAS[name], report_dir) for name in TABLES}
    unknown = sorted(set(valid["stock"]["destination_code"]) - set(valid["area"]["code"]))
    if unknown:
        raise ValidationFailed("stock", f"destination codes not in the area table: {unknown[:20]}")
    reconcile.check_required_areas(valid["stock"])
    reconcile.check_hierarchy(valid["stock"], valid["area"])
    areas = set(valid["area"]["code"])
    for table, columns in AREA_COLUMNS.items():
        unknown = sorted(set().union(*(set(valid[table][c].dropna()) for c in columns)) - areas)
        if unknown:
            raise ValidationFailed(table, f"area codes not in the area table: {unknown[:20]}")
    units = valid["indicator"][["series", "unit"]].drop_duplicates().merge(
        valid["series"], left_on="series", right_on="code", how="left", suffixes=("", "_declared"))
    wrong = units[units["unit"] != units["unit_declared"]]
    if len(wrong):
        raise ValidationFailed("indicator", f"units differ from the series' declared unit: {wrong[['series', 'unit', 'unit_declared']].to_dict('records')}")
    return Tables(valid)


def write_database(tables: Tables, db_path: Path, fingerprint: str, built_from: str,
                   after_write: Callable[[Path], object] | None = None) -> str:
    """Write every table into a new file beside `db_path`, check it, then swap it in atomically.
    `after_write(new_file)` runs on the closed new file before the swap (what changed since the
    database it replaces is stored then, while both files exist)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(db_path)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.building")
    build_id = uuid.uuid4().hex
    try:
        with duckdb.connect(str(tmp)) as con:
            con.execute(DDL)
            for name in TABLES:
                frame = tables[name]
                con.register("incoming", frame)
                columns = ", ".join(f'"{c}"' for c in frame.columns)
                con.execute(f"INSERT INTO core.{name} ({columns}) SELECT {columns} FROM incoming ORDER BY {ORDER[name]}")  # noqa: S608 - names from constants
                con.unregister("incoming")
            counts = tables.row_counts()
            con.execute(
                "INSERT INTO core.build (build_id, built_at, code_version, schema_version, fingerprint, built_from, "
                "row_counts) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [build_id, now_utc(), CODE_VERSION, SCHEMA_VERSION, fingerprint, built_from, json.dumps(counts)],
            )
            for name, expected in counts.items():
                (got,) = con.execute(f"SELECT count(*) FROM core.{name}").fetchone()  # noqa: S608
                if got != expected:
                    raise RuntimeError(f"table {name}: wrote {expected} rows, read back {got}")
            con.execute("CHECKPOINT")
        if after_write is not None:
            after_write(tmp)
        os.replace(tmp, db_path)
        _fsync_dir(db_path.parent)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()
    return build_id


def remove_stale_partials(db_path: Path) -> None:
    """Delete half-written files left by a build that was killed (their process is gone)."""
    for partial in db_path.parent.glob(f".{db_path.name}.*.building*"):
        pid = partial.name.split(".")[-3] if partial.name.endswith(".building") else partial.name.split(".")[-4]
        if pid.isdigit() and not _alive(int(pid)):
            partial.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def collect_indicators(
    mirrors: dict[str, str], offline: bool, cache_dir: Path, policy: FetchPolicy, previous: Path, show: bool
) -> tuple[Collected, list[SourceReport]]:
    """Every source beside UN DESA, each on its own: the ones asked for are read (a broken file
    stops the build), the others, and the unreachable ones, keep the previous build's rows."""
    loaded, why = read_sources(mirrors, offline, cache_dir, policy, show)
    kept = carry_over(previous, [name for name in INDICATOR_SOURCES if name not in loaded])
    reports = source_reports(INDICATOR_SOURCES, mirrors, offline, loaded, why,
                             {n: c.provenance for n, c in kept.items()}, kept)
    return join_sources({**loaded, **kept}), reports


def read_sources(mirrors: dict[str, str], offline: bool, cache_dir: Path, policy: FetchPolicy, show: bool
                 ) -> tuple[dict[str, Collected], dict[str, str]]:
    """The sources asked for, read; and why each other source was not (unreachable, no mirror).
    Data that arrives but is malformed or incomplete stops the build, as for UN DESA."""
    loaded, why = {}, {}
    for name in tqdm(INDICATOR_SOURCES, desc="indicator sources", disable=not show, leave=show):
        if not asked_for(name, mirrors, offline):
            why[name] = f"no mirror given for it (--mirror {name}=DIR_OR_URL)"
            continue
        try:
            loaded[name] = INDICATOR_SOURCES[name].collect(mirrors.get(name), cache_dir, policy)
        except FetchError as exc:
            why[name] = f"unreachable: {exc}"
    return loaded, why


def join_sources(collected_by: dict[str, Collected]) -> Collected:
    """One Collected from every source's, in the publishers' order whatever order they were read in."""
    frames, provenance, files, tables = [], [], [], {}
    for name in INDICATOR_SOURCES:
        if name not in collected_by:
            continue
        collected = collected_by[name]
        frames.append(collected.indicator)
        provenance.extend(collected.provenance)
        files += [(f"{name}/{relative}", path) for relative, path in collected.files]
        for table, frame in collected.tables.items():
            tables.setdefault(table, []).append(frame)
    indicator = pd.concat([f for f in frames if len(f)] or [empty_indicator()], ignore_index=True)
    joined = {table: pd.concat(parts, ignore_index=True) for table, parts in tables.items()}
    return Collected(indicator, provenance, files=files, tables=joined)


def save_mirror(files: list[tuple[str, Path]], root: Path) -> str:
    """Copy the bytes a build fetched into a directory mirror (one folder per source), so the
    same inputs can be rebuilt offline, in CI or on another machine; returns how to use it."""
    for relative, path in files:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    sources = sorted({relative.split("/", 1)[0] for relative, _ in files})
    mirrors = " ".join(f"--mirror {s}={root / s}" for s in sources)
    return f"saved {len(files)} upstream files to {root}; rebuild from them with: migdash etl {mirrors}"


def previous_provenance(db_path: Path, sources: list[str]) -> dict[str, list[dict]]:
    """The provenance rows a previous build holds per source (what a build that keeps them cites,
    and what its fingerprint is made of): cheap, no data rows are read."""
    if not sources or not is_current_schema(db_path):
        return {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        prov = con.execute("SELECT * FROM core.provenance WHERE list_contains(?, source)", [sources]).df()
    return {source: rows.to_dict("records") for source, rows in prov.groupby("source")}


def carry_over(db_path: Path, sources: list[str]) -> dict[str, Collected]:
    """The rows and provenance a previous build holds for each of `sources` (none if there is no
    build or it was written with another table layout)."""
    if not sources:
        return {}
    if not is_current_schema(db_path):
        return {s: Collected(empty_indicator(), tables=empty_source_tables(s)) for s in sources}
    out = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        for source in sources:
            rows = con.execute("SELECT * FROM core.indicator WHERE source = ?", [source]).df()
            prov = con.execute("SELECT * FROM core.provenance WHERE source = ?", [source]).df()
            tables = {table: con.execute(f"SELECT * FROM core.{table} WHERE {where}").df()  # noqa: S608 - constants
                      for table, where in SOURCE_TABLES.get(source, {}).items()}
            out[source] = Collected(rows, prov.to_dict("records"), tables=tables)
    return out


def carried_over(db_path: Path, source: str) -> Collected:
    """One source's rows and provenance in a previous build (see carry_over)."""
    return carry_over(db_path, [source])[source]


def empty_source_tables(source: str) -> dict[str, pd.DataFrame]:
    return {table: empty_table(table) for table in SOURCE_TABLES.get(source, {})}


def empty_table(table: str) -> pd.DataFrame:
    """A table with no rows but the schema's columns (a source that is not loaded)."""
    columns = SCHEMAS[table].to_schema().columns
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def build(
    db_path: Path = DEFAULT_DB,
    *,
    mirror: str | None = None,
    mirrors: dict[str, str] | None = None,
    cache_dir: Path = DEFAULT_CACHE,
    force: bool = False,
    policy: FetchPolicy | None = None,
    show_progress: bool = False,
    report_dir: Path | None = None,
    save_to: Path | None = None,
    accept_loss: frozenset[str] = frozenset(),
    claim_statuses: changes.ClaimStatuses | None = None,
) -> BuildResult:
    """Rebuild from the publishers (or mirrors); a no-op when the inputs did not change.
    With `save_to`, the fetched bytes are also kept there as a directory mirror.

    `mirror` is UN DESA's mirror; `mirrors` maps any source name to its own. Given any mirror,
    the build is offline: sources without one are not fetched from the publisher. A build that
    would hold less than the database it replaces is refused (etl.loss) unless `accept_loss`
    names the source (or "all"). What changed since that database is stored in the new one
    (etl.changes), with the claims' statuses when `claim_statuses` is given.
    """
    mirrors = dict(mirrors or {})
    undesa_mirror = mirror or mirrors.get(undesa_ims.SOURCE)
    offline = bool(undesa_mirror or mirrors)
    policy = policy or FetchPolicy()
    fetched, skipped = fetch_sources(undesa_mirror, cache_dir, policy, show_progress)
    loaded, why = read_sources(mirrors, offline, cache_dir, policy, show_progress)
    previous = loss.previous_holdings(db_path)  # before any previous row is read: a loss stops the build early
    skipped += loss.refuse_losses(previous, loss.holdings(*_provenance_and_tables(loaded)), set(loaded), accept_loss)
    keep = [name for name in INDICATOR_SOURCES if name not in loaded]
    kept_provenance = previous_provenance(db_path, keep)
    reports = source_reports(INDICATOR_SOURCES, mirrors, offline, loaded, why, kept_provenance)
    skipped += [r.line() for r in reports if r.state != LOADED]
    saved = None
    if save_to is not None:
        saved = save_mirror([(f"{undesa_ims.SOURCE}/{d.filename}", f.path) for d, f in fetched]
                            + join_sources(loaded).files, save_to)
    indicator_provenance = [p for name in INDICATOR_SOURCES
                            for p in (loaded[name].provenance if name in loaded else kept_provenance.get(name, []))]
    inputs = pd.DataFrame({"dataset": [d.key for d, _ in fetched] + [p["dataset"] for p in indicator_provenance],
                           "sha256": [f.sha256 for _, f in fetched] + [p["sha256"] for p in indicator_provenance]})
    fingerprint = fingerprint_of(inputs)
    existing = current_build(db_path)
    if not force and existing and existing["fingerprint"] == fingerprint and existing["built_from"] == "upstream":
        return BuildResult(db_path, False, existing["build_id"], fingerprint, skipped=skipped, saved_mirror=saved,
                           sources=[undesa_report(fetched)] + reports)
    tables = parse_sources(fetched, show_progress)
    undesa_holdings = loss.holdings(tables["provenance"], {})
    kept = carry_over(db_path, keep)  # the kept sources' rows, read only now that the build will be written
    indicators = join_sources({**loaded, **kept})
    tables.frames["indicator"] = indicators.indicator
    for table in SOURCE_TABLE_NAMES:
        tables.frames[table] = indicators.tables.get(table, empty_table(table))
    tables.frames["area"] = area_dim.add_countries_beyond(tables["area"], codes_in_use(tables))
    tables = with_grouping_areas(tables)
    tables.frames["provenance"] = pd.concat([tables["provenance"], pd.DataFrame(indicators.provenance)],
                                            ignore_index=True) if indicators.provenance else tables["provenance"]
    compared: list[str] = []
    with tqdm(total=2, desc="validate + load", disable=not show_progress, leave=show_progress) as bar:
        valid = validate_tables(tables, report_dir or db_path.parent / "reports")
        # After validation (a malformed workbook is reported as such first): UN DESA's holdings, and
        # the kept sources' (empty when the previous database has another table layout).
        skipped += loss.refuse_losses(previous, undesa_holdings, {undesa_ims.SOURCE}, accept_loss)
        skipped += loss.refuse_losses(previous, loss.holdings(*_provenance_and_tables(kept)), set(kept), accept_loss)
        bar.update()
        build_id = write_database(valid, db_path, fingerprint, "upstream",
                                  lambda tmp: compared.append(changes.record(tmp, db_path, claim_statuses)))
        bar.update()
    return BuildResult(db_path, True, build_id, fingerprint, valid.row_counts(), skipped, saved,
                       [undesa_report(fetched, valid.row_counts())] + reports, compared[0])


def _provenance_and_tables(collected_by: dict[str, Collected]) -> tuple[list[dict], dict[str, pd.DataFrame]]:
    joined = join_sources(collected_by)
    return joined.provenance, joined.tables
