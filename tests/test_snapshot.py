"""The bundled snapshot is exactly what the ETL derives from the publisher's workbooks."""

from __future__ import annotations

import json

import pandas as pd

from etl.build import DATA_TABLES, SNAPSHOT_DIR, export_snapshot

VOLATILE = ["retrieved_at", "fetched_from"]  # when and from where the bytes were read


def test_committed_snapshot_equals_a_fresh_etl_run(built_db, tmp_path):
    fresh = export_snapshot(built_db, tmp_path / "snapshot")
    for table in DATA_TABLES:
        committed = pd.read_csv(SNAPSHOT_DIR / f"{table}.csv")
        regenerated = pd.read_csv(fresh / f"{table}.csv")
        if table == "provenance":
            committed, regenerated = committed.drop(columns=VOLATILE), regenerated.drop(columns=VOLATILE)
        pd.testing.assert_frame_equal(committed, regenerated, check_exact=True, obj=f"snapshot {table}")


def test_manifest_lists_every_table_with_its_row_count():
    manifest = json.loads((SNAPSHOT_DIR / "manifest.json").read_text())
    for table in DATA_TABLES:
        rows = len(pd.read_csv(SNAPSHOT_DIR / f"{table}.csv"))
        assert manifest["files"][f"{table}.csv"]["rows"] == rows


def test_snapshot_provenance_names_publisher_licence_and_checksums(upstream_dir):
    import hashlib

    provenance = pd.read_csv(SNAPSHOT_DIR / "provenance.csv")
    assert set(provenance["licence"]) == {"CC BY 3.0 IGO"}
    for row in provenance.itertuples():
        upstream = upstream_dir / row.url.rsplit("/", 1)[-1]
        assert hashlib.sha256(upstream.read_bytes()).hexdigest() == row.sha256
