"""OECD migration flows (SDMX-CSV with labels), on the publisher's three real files.

Expected figures are read from the raw CSV with the csv module (rows found by their codes), never
typed in. The malformed variants are the real files edited in tmp_path; the UNIT_MULT fixture's
numbers are SYNTHETIC, never data.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bench.harness import http_mirror
from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy
from etl.sources import oecd
from schemas.migration_flow import MigrationFlowSchema

OECD_DIR = Path(__file__).resolve().parents[2] / "shared/data/upstream/oecd"
FILES = {"DF_MIG_INT_PER": "standardised inflows of permanent-type migrants.csv",
         "DF_MIG_INT_TEMP": "standardised inflows of temporary migrants.csv",
         "DF_MIG": "international migration database.csv"}
POLICY = FetchPolicy(timeout=10, attempts=2, backoff=0.01)
needs_upstream = pytest.mark.skipif(
    not all((OECD_DIR / f).is_file() for f in FILES.values()),
    reason=f"OECD files not found in {OECD_DIR} (the repository is cloned beside ../shared)")


def raw_rows(dataflow: str) -> list[dict[str, str]]:
    with open(OECD_DIR / FILES[dataflow], encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def raw_value(dataflow: str, **codes: str) -> float:
    hits = [r for r in raw_rows(dataflow) if all(r[k] == v for k, v in codes.items())]
    assert len(hits) == 1, codes
    return float(hits[0]["OBS_VALUE"]) * 10 ** int(hits[0]["UNIT_MULT"])


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory):
    if not OECD_DIR.is_dir():
        pytest.skip(f"OECD files not found in {OECD_DIR}")
    return oecd.collect(str(OECD_DIR), tmp_path_factory.mktemp("oecd-cache"), POLICY)


@pytest.fixture(scope="module")
def flows(collected) -> pd.DataFrame:
    return collected.tables["migration_flow"]


def stored(flows: pd.DataFrame, flow_type: str, destination: int, year: int, category: str) -> pd.Series:
    hit = flows[(flows["flow_type"] == flow_type) & (flows["destination_code"] == destination)
                & (flows["year"] == year) & (flows["category"] == category)]
    assert len(hit) == 1, (flow_type, destination, year, category)
    return hit.iloc[0]


@needs_upstream
@pytest.mark.parametrize(("flow_type", "dataflow", "codes", "category", "m49"), [
    ("permanent", "DF_MIG_INT_PER", {"REF_AREA": "USA", "MIGRATION_TYPE": "HU", "TIME_PERIOD": "2022"},
     "humanitarian", 840),
    ("permanent", "DF_MIG_INT_PER", {"REF_AREA": "CAN", "MIGRATION_TYPE": "WO", "TIME_PERIOD": "2023"}, "work", 124),
    ("permanent", "DF_MIG_INT_PER", {"REF_AREA": "MEX", "MIGRATION_TYPE": "FA", "TIME_PERIOD": "2021"}, "family", 484),
    ("temporary", "DF_MIG_INT_TEMP", {"REF_AREA": "USA", "MIGRATION_TYPE": "SEAS", "TIME_PERIOD": "2022"}, "SEAS", 840),
    ("foreign_inflow_national", "DF_MIG",
     {"REF_AREA": "CHL", "MEASURE": "B11", "CITIZENSHIP": "W", "SEX": "_T", "TIME_PERIOD": "2022"}, "total", 152),
])
def test_flows_match_the_raw_file(flows, flow_type, dataflow, codes, category, m49):
    expected = raw_value(dataflow, **codes)
    row = stored(flows, flow_type, m49, int(codes["TIME_PERIOD"]), category)
    assert row["persons"] == pytest.approx(expected) and expected > 0


@needs_upstream
def test_every_observation_with_a_value_is_kept_with_its_status(flows):
    for flow_type, dataflow in (("permanent", "DF_MIG_INT_PER"), ("temporary", "DF_MIG_INT_TEMP"),
                                ("foreign_inflow_national", "DF_MIG")):
        rows = [r for r in raw_rows(dataflow) if r["OBS_VALUE"] != ""]
        mine = flows[flows["flow_type"] == flow_type]
        assert len(mine) == len(rows), flow_type
        assert mine["persons"].sum() == pytest.approx(sum(float(r["OBS_VALUE"]) for r in rows))
        expected_status = pd.Series([r["OBS_STATUS"] for r in rows]).value_counts().sort_index()
        assert mine["status"].value_counts().sort_index().tolist() == expected_status.tolist()


@needs_upstream
def test_table_validates_with_the_publisher_categories(collected, flows):
    MigrationFlowSchema.validate(flows)
    permanent = set(flows.loc[flows["flow_type"] == "permanent", "category"])
    assert permanent == set(oecd.PERMANENT_CATEGORIES.values())
    assert set(flows.loc[flows["flow_type"] == "temporary", "category"]) == set(oecd.TEMPORARY_CATEGORIES)
    assert set(flows.loc[flows["flow_type"] == "foreign_inflow_national", "category"]) == {"total"}
    assert collected.indicator.empty and collected.left_out == {}


@needs_upstream
def test_provenance_one_row_per_file_with_content_vintage(collected):
    rows = {p["dataset"]: p for p in collected.provenance}
    assert set(rows) == {"oecd_df_mig_int_per", "oecd_df_mig_int_temp", "oecd_df_mig"}
    assert rows["oecd_df_mig_int_per"]["vintage"].startswith("data to 2024, sha256:c5d2b760eac1")
    assert rows["oecd_df_mig"]["vintage"].startswith("data to 2023, sha256:1fbfed5e7860")
    assert all(p["licence"] == "CC BY 4.0" and p["url"].startswith("https://sdmx.oecd.org/") for p in rows.values())
    assert sorted(rel for rel, _ in collected.files) == sorted(FILES.values())


@needs_upstream
def test_http_mirror_gives_the_folder_result(collected, tmp_path):
    with http_mirror(OECD_DIR) as url:
        over_http = oecd.collect(url, tmp_path / "cache", POLICY)
    pd.testing.assert_frame_equal(over_http.tables["migration_flow"], collected.tables["migration_flow"])
    volatile = {"fetched_from", "retrieved_at"}
    assert [{k: v for k, v in p.items() if k not in volatile} for p in over_http.provenance] == \
        [{k: v for k, v in p.items() if k not in volatile} for p in collected.provenance]


@needs_upstream
def test_without_mirror_the_published_urls_are_fetched(tmp_path, monkeypatch):
    with http_mirror(OECD_DIR) as url:
        monkeypatch.setattr(oecd, "PUBLISHED_URLS", {code: url + name for code, name in FILES.items()})
        fetched = oecd.collect(None, tmp_path / "cache", POLICY)
    assert set(fetched.tables["migration_flow"]["flow_type"]) == {"permanent", "temporary", "foreign_inflow_national"}


# ---- malformed variants of the real file ----


def edited(tmp_path: Path, edit) -> Path:
    with open(OECD_DIR / FILES["DF_MIG_INT_PER"], encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows = edit(rows)
    out = tmp_path / "renamed by someone.csv"
    with open(out, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return out


@needs_upstream
def test_missing_column_names_the_column(tmp_path):
    def drop_status(rows):
        i = rows[0].index("OBS_STATUS")
        return [r[:i] + r[i + 1:] for r in rows]
    with pytest.raises(UpstreamFormatError, match="OBS_STATUS") as info:
        oecd.read_flows(edited(tmp_path, drop_status))
    assert info.value.file == "renamed by someone.csv" and info.value.row == 1


@needs_upstream
def test_non_numeric_value_names_row_and_column(tmp_path):
    def corrupt(rows):
        rows[5][rows[0].index("OBS_VALUE")] = "12 345"
        return rows
    with pytest.raises(UpstreamFormatError, match="OBS_VALUE is not a number") as info:
        oecd.read_flows(edited(tmp_path, corrupt))
    assert info.value.row == 6 and info.value.column == 16 and info.value.value == "12 345"
    assert "column Q" in str(info.value)


@needs_upstream
def test_unknown_structure_is_refused(tmp_path):
    def other(rows):
        i = rows[0].index("STRUCTURE_ID")
        for r in rows[1:]:
            r[i] = "OECD.ELS.IMD:DSD_MIG@DF_SOMETHING_ELSE(1.0)"
        return rows
    with pytest.raises(UpstreamFormatError, match="unknown dataflow") as info:
        oecd.read_flows(edited(tmp_path, other))
    assert info.value.row == 2 and info.value.column == 1


@needs_upstream
def test_duplicate_observation_names_both_rows(tmp_path):
    with pytest.raises(UpstreamFormatError, match=r"duplicate observation .*first on row 2") as info:
        oecd.read_flows(edited(tmp_path, lambda rows: [*rows, rows[1]]))
    assert info.value.row == len(raw_rows("DF_MIG_INT_PER")) + 2


def test_unit_mult_is_applied_and_other_measures_skipped(tmp_path):
    header = ["STRUCTURE", "STRUCTURE_ID", "ACTION", "REF_AREA", "CITIZENSHIP", "FREQ", "MEASURE", "SEX",
              "UNIT_MEASURE", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "UNIT_MULT"]
    sid = "OECD.ELS.IMD:DSD_MIG@DF_MIG(1.0)"
    rows = [header,  # SYNTHETIC values
            ["DATAFLOW", sid, "I", "CAN", "W", "A", "B11", "_T", "PS", "2020", "1.5", "E", "3"],
            ["DATAFLOW", sid, "I", "CAN", "W", "A", "B12", "_T", "PS", "2020", "9", "A", "0"],
            ["DATAFLOW", sid, "I", "CAN", "W", "A", "B11", "F", "PS", "2020", "9", "A", "0"]]
    path = tmp_path / "x.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    parsed = oecd.read_flows(path)
    assert parsed.flows[["destination_code", "year", "category", "persons", "status"]].values.tolist() == \
        [[124, 2020, "total", 1500.0, "E"]]


def test_not_sdmx_is_refused(tmp_path):
    path = tmp_path / "page.csv"
    path.write_text("<html>moved</html>\n")
    with pytest.raises(UpstreamFormatError, match="not an SDMX-CSV"):
        oecd.read_flows(path)


def test_copy_in_a_mirror_twice_is_refused(tmp_path):
    if not OECD_DIR.is_dir():
        pytest.skip("no OECD files")
    shutil.copy(OECD_DIR / FILES["DF_MIG"], tmp_path / "a.csv")
    shutil.copy(OECD_DIR / FILES["DF_MIG"], tmp_path / "b.csv")
    with pytest.raises(UpstreamFormatError, match=r"the same file twice .*a\.csv and b\.csv"):
        oecd.collect(str(tmp_path), tmp_path / "cache", POLICY)
