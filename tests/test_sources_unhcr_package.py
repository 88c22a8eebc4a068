"""The `refugees` package's datasets beside `population` (asylum applications and decisions,
flows, solutions, demographics), read from UNHCR's data folder as published. Every expected
figure is computed here from the raw .rda files by an independent minimal reader
(tests/rda_minimal.py), never through pyreadr; the readside's figures (what the pages show)
are checked against the same raw read."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl.areas import residual_code
from etl.fetch import FetchPolicy, sha256_of
from etl.sources import unhcr
from readside import asylum
from readside.queries import Database
from tests.rda_minimal import read_rda

UNHCR_DIR = Path(os.environ.get("MIGDASH_UPSTREAM_ROOT", Path(__file__).resolve().parents[2] / "shared/data/upstream")) / "unhcr"
DATASETS = ("asylum_applications", "asylum_decisions", "flows", "solutions", "demographics")
RELEASE = "2025.12.1"
DECISIONS = {"dec_recognized": "recognized", "dec_other": "complementary", "dec_rejected": "rejected",
             "dec_closed": "otherwise_closed", "dec_total": "total_decisions"}


@pytest.fixture(scope="module")
def unhcr_dir() -> Path:
    if not all((UNHCR_DIR / f"{d}.rda").is_file() for d in DATASETS):
        pytest.skip(f"UNHCR's refugees package files not found in {UNHCR_DIR} (set MIGDASH_UPSTREAM_ROOT)")
    return UNHCR_DIR


@pytest.fixture(scope="module")
def raw(unhcr_dir: Path) -> dict[str, pd.DataFrame]:
    """Each data frame as the minimal reader sees it."""
    return {d: read_rda(unhcr_dir / f"{d}.rda")[d] for d in DATASETS}


@pytest.fixture(scope="module")
def collected(unhcr_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> unhcr.Collected:
    """The five files alone, as a mirror folder (a package folder without population.rda)."""
    folder = tmp_path_factory.mktemp("package")
    for dataset in DATASETS:
        (folder / f"{dataset}.rda").symlink_to(unhcr_dir / f"{dataset}.rda")
    return unhcr.collect(str(folder), tmp_path_factory.mktemp("cache"), FetchPolicy(timeout=10, attempts=1))


def total(frame: pd.DataFrame, column: str) -> int:
    return int(np.nansum(frame[column].to_numpy(dtype=float)))


def m49(code: str) -> int:
    return unhcr.area_code(code)


def test_every_dataset_is_read_with_its_release_and_provenance(collected, unhcr_dir):
    tables = collected.tables
    assert set(tables) == set(unhcr.TABLES.values())  # no displacement: no population file in this mirror
    assert collected.indicator.empty
    by_key = {p["dataset"]: p for p in collected.provenance}
    assert sorted(by_key) == sorted(f"unhcr_refugees_{d}_{RELEASE}" for d in DATASETS)
    for dataset, table in unhcr.TABLES.items():
        row = by_key[f"unhcr_refugees_{dataset}_{RELEASE}"]
        assert row["sha256"] == sha256_of(unhcr_dir / f"{dataset}.rda")
        assert row["vintage"] == RELEASE and row["revision"] == 2025 and row["licence"] == "CC BY 4.0"
        assert row["url"] == f"https://github.com/PopulationStatistics/refugees (data/{dataset}.rda)"
        assert f"R package {RELEASE}, dataset `{dataset}`" in row["citation"]
        assert row["rows"] == len(tables[table])
        assert set(tables[table]["vintage"]) == {RELEASE} and set(tables[table]["revision"]) == {2025}


def test_applications_equal_the_raw_file(collected, raw):
    ours, theirs = collected.tables["asylum_application"], raw["asylum_applications"]
    assert len(ours) == len(theirs)  # every row, the basis kept apart
    basis = {"P": "persons", "C": "cases"}
    assert ours.groupby("basis")["applied"].sum().to_dict() == {
        basis[k]: int(v) for k, v in theirs.groupby("app_pc")["applied"].sum().items()}
    us = theirs[(theirs["coa_iso"] == "USA") & (theirs["year"] == 2025)]
    mine = ours[(ours["asylum_code"] == 840) & (ours["year"] == 2025)]
    assert mine.groupby("basis")["applied"].sum().to_dict() == {
        basis[k]: int(v) for k, v in us.groupby("app_pc")["applied"].sum().items()}
    assert set(mine["basis"]) == {"persons", "cases"}  # the United States counts both in 2025
    ven_mex = theirs[(theirs["coo_iso"] == "VEN") & (theirs["coa_iso"] == "MEX") & (theirs["year"] == 2024)]
    got = ours[(ours["origin_code"] == 862) & (ours["asylum_code"] == 484) & (ours["year"] == 2024)]
    assert got["applied"].sum() == total(ven_mex, "applied") > 0


def test_decisions_equal_the_raw_file_with_unhcr_recognition_rate(collected, raw):
    ours, theirs = collected.tables["asylum_decision"], raw["asylum_decisions"]
    assert len(ours) == len(theirs)
    for column, field in DECISIONS.items():
        assert ours[field].sum() == total(theirs, column), field
    # the publisher's total stays as published where its parts are rounded otherwise
    differs = (theirs[list(DECISIONS)[:4]].sum(axis=1) != theirs["dec_total"]).sum()
    assert differs > 0 and ((ours[list(DECISIONS.values())[:4]].sum(axis=1) != ours["total_decisions"]).sum()
                            == differs)
    mex = theirs[(theirs["coa_iso"] == "MEX") & (theirs["year"] == 2024) & (theirs["dec_pc"] == "P")]
    expected = (total(mex, "dec_recognized") + total(mex, "dec_other")) / (total(mex, "dec_total")
                                                                          - total(mex, "dec_closed"))
    got = ours[(ours["asylum_code"] == 484) & (ours["year"] == 2024) & (ours["basis"] == "persons")]
    assert (got["recognized"].sum() + got["complementary"].sum()) / (
        got["total_decisions"].sum() - got["otherwise_closed"].sum()) == pytest.approx(expected, rel=1e-12)


def test_flows_keep_every_count_and_unhcr_residual_codes(collected, raw):
    ours, theirs = collected.tables["displacement_flow"], raw["flows"]
    populations = ["refugees", "asylum_seekers", "refugee_like", "oip"]
    assert len(ours) == int((theirs[populations].fillna(0) > 0).to_numpy().sum())
    assert ours.groupby("population")["persons"].sum().to_dict() == {p: total(theirs, p) for p in populations}
    col = theirs[(theirs["coa_iso"] == "COL") & (theirs["year"] == 2022)]
    assert ours.loc[(ours["asylum_code"] == 170) & (ours["year"] == 2022) & (ours["population"] == "oip"),
                    "persons"].sum() == total(col, "oip") > 0
    # the flows dataset writes UNHCR's own codes UKN (unknown) and STA (stateless) in its ISO columns
    for code, key in (("UKN", "UNK"), ("STA", "XXA")):
        rows = theirs[theirs["coo_iso"] == code]
        assert len(rows) and ours.loc[ours["origin_code"] == residual_code(key), "persons"].sum() == \
            int(np.nansum(rows[populations].to_numpy(dtype=float)))


def test_solutions_equal_the_raw_file(collected, raw):
    ours, theirs = collected.tables["durable_solution"], raw["solutions"]
    solutions = ["returned_refugees", "resettlement", "naturalisation", "returned_idps"]
    assert ours.groupby("solution")["persons"].sum().to_dict() == {s: total(theirs, s) for s in solutions}
    us = theirs[(theirs["coa_iso"] == "USA") & (theirs["year"] == 2024)]
    assert ours.loc[(ours["asylum_code"] == 840) & (ours["year"] == 2024) & (ours["solution"] == "resettlement"),
                    "persons"].sum() == total(us, "resettlement") > 0


def test_demographics_keep_the_breakdown_only_where_published(collected, raw):
    ours, theirs = collected.tables["refugee_demographics"], raw["demographics"]
    published = (theirs["f_total"] + theirs["m_total"]) > 0
    assert len(ours) == len(theirs) + 14 * int(published.sum())  # total, then 2 sexes x (6 age groups + total)
    totals = ours[(ours["sex"] == "total") & (ours["age_group"] == "total")]
    assert totals["persons"].sum() == total(theirs, "total")
    female_children = ours[(ours["sex"] == "female") & (ours["age_group"] == "0-4")]
    assert female_children["persons"].sum() == total(theirs, "f_0_4")
    assert len(female_children) == int(published.sum())  # no invented zero where nothing is published


# ---- what the pages show (readside.asylum), against the raw files ----


@pytest.fixture(scope="module")
def db(built_db: Path) -> Database:
    return Database(built_db)


def test_a_host_that_reports_cases_is_never_added_to_persons(db, raw):
    """The United States counts part of its claims in cases: every figure stays per basis."""
    vintage = asylum.vintages(db)[0]
    theirs = raw["asylum_applications"]
    frame = asylum.by_year(db, vintage, asylum=840).set_index(["year", "basis"])
    for (year, pc), applied in theirs[theirs["coa_iso"] == "USA"].groupby(["year", "app_pc"])["applied"].sum().items():
        assert frame.loc[(int(year), {"P": "persons", "C": "cases"}[pc]), "applied"] == applied
    assert frame.loc[(2025, "persons"), "applied"] == 629_358 and frame.loc[(2025, "cases"), "applied"] == 282_594
    hosts = asylum.hosts(db, vintage, 2025)
    us = hosts[hosts["area_code"] == 840].set_index("basis")["applied"]
    assert us.to_dict() == {"persons": 629_358, "cases": 282_594}
    assert asylum.case_hosts(db, vintage, 2025)["asylum_code"].tolist() == [170, 591, 840]  # Colombia, Panama, USA


def test_recognition_rates_and_rankings_equal_the_raw_files(db, raw):
    vintage = asylum.vintages(db)[0]
    decisions = raw["asylum_decisions"]
    ven = decisions[(decisions["coo_iso"] == "VEN") & (decisions["dec_pc"] == "P") & (decisions["year"] == 2024)]
    americas = set(db.frame("SELECT iso3 FROM area WHERE kind = 'country' AND region IN (904, 905)")["iso3"])
    ven = ven[ven["coa_iso"].isin(americas)]
    expected = (total(ven, "dec_recognized") + total(ven, "dec_other")) / (total(ven, "dec_total")
                                                                          - total(ven, "dec_closed"))
    frame = asylum.by_year(db, vintage, origin=862).set_index(["year", "basis"])
    assert frame.loc[(2024, "persons"), "rate"] == pytest.approx(expected, rel=1e-12)
    applications = raw["asylum_applications"]
    mex = applications[(applications["coa_iso"] == "MEX") & (applications["year"] == 2025)]
    top = mex.groupby("coo_iso")["applied"].sum().sort_values(ascending=False).head(5)
    ranked = asylum.origins(db, vintage, 2025, asylum=484)
    ranked = ranked[ranked["basis"] == "persons"].head(5)
    assert ranked["applied"].tolist() == top.tolist()
    assert ranked["area_code"].tolist() == [m49(code) for code in top.index]


def test_flows_by_subregion_add_up_to_the_raw_file(db, raw):
    """The Sankey's links into the Americas sum every flow into a country of the Americas."""
    vintage = asylum.vintages(db, "displacement_flow")[0]
    flows = raw["flows"]
    americas = set(db.frame("SELECT iso3 FROM area WHERE kind = 'country' AND region IN (904, 905)")["iso3"])
    into = flows[(flows["year"] == 2024) & flows["coa_iso"].isin(americas)]
    links = asylum.flow_subregion_links(db, vintage, 2024)
    assert links.loc[links["destination_code"] != asylum.REST, "persons"].sum() == int(
        np.nansum(into[["refugees", "asylum_seekers", "refugee_like", "oip"]].to_numpy(dtype=float)))
    resettled = raw["solutions"]
    top = asylum.solution_countries(db, vintage, "resettlement", since=2000)
    us = top[(top["area_code"] == 840) & (top["year"] == 2016)]
    assert us["persons"].tolist() == [total(resettled[(resettled["coa_iso"] == "USA") & (resettled["year"] == 2016)],
                                            "resettlement")]
