"""The bundled snapshot: compact tables derived by this ETL (zstd Parquet + manifest.json with
each file's rows and sha256), for offline first runs and a suite that stands alone."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from etl import changes
from etl.areas import AMERICAS_PARTS
from etl.build import (
    DATA_TABLES,
    DEFAULT_DB,
    ORDER,
    SCHEMAS,
    SNAPSHOT_DIR,
    UNHCR_PACKAGE_TABLES,
    BuildResult,
    Tables,
    fingerprint_of,
    project_tables,
    validate_tables,
    with_grouping_areas,
    write_database,
)
from etl.ddl import SCHEMA_VERSION
from etl.errors import EtlError
from etl.fetch import sha256_of

# Rows a snapshot keeps (all, unless said here): groupings come from data/groupings, and the
# UNHCR package tables (world-wide) keep the rows with the Americas as origin or as asylum (issue 25).
_AMERICAS = f"(SELECT code FROM core.area WHERE kind = 'country' AND region IN {AMERICAS_PARTS})"  # noqa: S608
SNAPSHOT_ROWS = {"area": "WHERE kind <> 'grouping'",
                 **{table: f"WHERE origin_code IN {_AMERICAS} OR asylum_code IN {_AMERICAS}"
                    for table in UNHCR_PACKAGE_TABLES}}
# Nullable integer columns that pandas would otherwise read back as floats.
SNAPSHOT_DTYPES = {"area": {"region": "Int64", "subregion": "Int64"}}


def export_snapshot(db_path: Path, snapshot_dir: Path = SNAPSHOT_DIR) -> Path:
    """Write every data table as zstd-compressed Parquet plus manifest.json (rows and sha256 per
    file, the build it came from); provenance keeps each upstream file's sha256 and licence."""
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    for stale in snapshot_dir.glob("*.csv"):
        stale.unlink()
    manifest: dict = {"schema_version": SCHEMA_VERSION, "format": "parquet (zstd)", "files": {}}
    with duckdb.connect(str(db_path), read_only=True) as con:
        build_row = con.execute("SELECT build_id, built_at, fingerprint FROM core.build").fetchone()
        manifest["derived_from_build"] = dict(zip(("build_id", "built_at", "fingerprint"), build_row, strict=True))
        for name in DATA_TABLES:
            columns = ", ".join(f'"{c}"' for c in SCHEMAS[name].to_schema().columns)
            path = snapshot_dir / f"{name}.parquet"
            where = SNAPSHOT_ROWS.get(name, "")
            con.execute(f"COPY (SELECT {columns} FROM core.{name} {where} ORDER BY {ORDER[name]}) TO '{path}' "  # noqa: S608
                        "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 19)")
            (rows,) = con.execute(f"SELECT count(*) FROM core.{name} {where}").fetchone()  # noqa: S608
            manifest["files"][path.name] = {"rows": rows, "sha256": sha256_of(path)}
    (snapshot_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return snapshot_dir


def read_snapshot_table(snapshot_dir: Path, name: str) -> pd.DataFrame:
    """One snapshot table as pandas, integer columns with gaps kept as integers."""
    return pd.read_parquet(snapshot_dir / f"{name}.parquet").astype(SNAPSHOT_DTYPES.get(name, {}))


class SnapshotTampered(EtlError):
    """A snapshot file differs from the checksum its manifest records."""


def load_snapshot(snapshot_dir: Path = SNAPSHOT_DIR) -> Tables:
    """Read the snapshot back, refusing files whose sha256 differs from the manifest."""
    manifest = json.loads((snapshot_dir / "manifest.json").read_text())
    frames = project_tables()
    for name in DATA_TABLES:
        path = snapshot_dir / f"{name}.parquet"
        expected = manifest["files"][path.name]["sha256"]
        if sha256_of(path) != expected:
            raise SnapshotTampered(f"snapshot file {path} does not match its sha256 in manifest.json")
        frames[name] = read_snapshot_table(snapshot_dir, name)
    return with_grouping_areas(Tables(frames))


def build_from_snapshot(db_path: Path = DEFAULT_DB, snapshot_dir: Path = SNAPSHOT_DIR,
                        claim_statuses: changes.ClaimStatuses | None = None) -> BuildResult:
    """Offline build from the bundled snapshot, through the same validation and atomic swap (and
    the same record of what changed since the database it replaces)."""
    tables = validate_tables(load_snapshot(snapshot_dir), db_path.parent / "reports")
    fingerprint = fingerprint_of(tables["provenance"])
    compared: list[str] = []
    build_id = write_database(tables, db_path, fingerprint, "snapshot",
                              lambda tmp: compared.append(changes.record(tmp, db_path, claim_statuses)))
    return BuildResult(db_path, True, build_id, fingerprint, tables.row_counts(), comparison=compared[0])
