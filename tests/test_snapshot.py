"""The bundled snapshot is exactly what the ETL derives from the publishers' files."""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from etl.build import DATA_TABLES, SNAPSHOT_DIR
from etl.snapshot import export_snapshot, read_snapshot_table

VOLATILE = ["retrieved_at", "fetched_from"]  # when and from where the bytes were read
LICENCES = {"CC BY 3.0 IGO", "CC BY 4.0", "CC BY-NC 4.0"}  # IDMC is non-commercial


def test_committed_snapshot_equals_a_fresh_etl_run(upstream_dir, built_db, tmp_path):
    """A build from ../shared (every publisher folder, over HTTP) exports the committed snapshot."""
    fresh = export_snapshot(built_db, tmp_path / "snapshot")
    for table in DATA_TABLES:
        committed, regenerated = read_snapshot_table(SNAPSHOT_DIR, table), read_snapshot_table(fresh, table)
        if table == "provenance":
            committed, regenerated = committed.drop(columns=VOLATILE), regenerated.drop(columns=VOLATILE)
        pd.testing.assert_frame_equal(committed, regenerated, check_exact=True, obj=f"snapshot {table}")


def test_manifest_lists_every_table_with_its_row_count_and_checksum():
    manifest = json.loads((SNAPSHOT_DIR / "manifest.json").read_text())
    for table in DATA_TABLES:
        entry = manifest["files"][f"{table}.parquet"]
        assert entry["rows"] == len(read_snapshot_table(SNAPSHOT_DIR, table))
        assert entry["sha256"] == hashlib.sha256((SNAPSHOT_DIR / f"{table}.parquet").read_bytes()).hexdigest()


def test_snapshot_holds_every_source_and_vintage():
    provenance = read_snapshot_table(SNAPSHOT_DIR, "provenance")
    assert {"undesa_ims", "worldbank", "unhcr", "wpp", "knomad", "oecd", "iom_missing_migrants", "idmc"} <= set(
        provenance["source"])
    indicator = read_snapshot_table(SNAPSHOT_DIR, "indicator")
    vintages = indicator.groupby("series")["revision"].nunique()
    assert vintages["BX.TRF.PWKR.CD.DT"] >= 2 and vintages["wpp.net_migration"] >= 2
    assert len(read_snapshot_table(SNAPSHOT_DIR, "displacement")) > 100_000
    assert set(read_snapshot_table(SNAPSHOT_DIR, "bilateral_stock")["edition"]) >= {2013, 2021}


def test_snapshot_provenance_names_publisher_licence_and_checksums(upstream_root):
    """Every upstream file behind the snapshot is one of the publishers' files, byte for byte."""
    provenance = read_snapshot_table(SNAPSHOT_DIR, "provenance")
    assert set(provenance["licence"]) <= LICENCES
    assert provenance["url"].str.startswith("https://").all()
    upstream = {hashlib.sha256(p.read_bytes()).hexdigest() for p in upstream_root.rglob("*") if p.is_file()}
    assert set(provenance["sha256"]) <= upstream


def test_snapshot_is_compact():
    size = sum(p.stat().st_size for p in SNAPSHOT_DIR.iterdir())
    assert size < 5_000_000, f"the snapshot weighs {size:,} bytes"


def test_snapshot_keeps_flows_the_human_cost_and_internal_displacement():
    assert {"permanent", "temporary", "foreign_inflow_national"} <= set(
        read_snapshot_table(SNAPSHOT_DIR, "migration_flow")["flow_type"])
    coverage = read_snapshot_table(SNAPSHOT_DIR, "missing_migrants_coverage").set_index("year")["coverage"]
    assert coverage[2022] == "complete" and 2024 not in coverage.index
    assert set(read_snapshot_table(SNAPSHOT_DIR, "internal_displacement")["cause"]) == {"conflict", "disaster"}
