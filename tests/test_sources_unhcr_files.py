"""UNHCR's files (the `refugees` R package's population.rda, the Refugee Data Finder CSV) read
from a folder and over a real HTTP server, with every expected figure computed here by an
independent read (csv module; rdata's own reader), and malformed variants that must stop the
build with an error naming the file, row and column.

Two readers of R's files: ours is pyreadr (librdata); rdata, pure Python, is the independent one
and takes 2 s for solutions.rda but 16-23 s for population.rda or asylum_applications.rda. So the
suite checks pyreadr against rdata cell for cell on solutions.rda (the same XDR strings, factors and
NA as every file of the package), and our figures against pyreadr's raw table;
MIGDASH_LONG_TESTS=1 checks every .rda file of the folder against rdata."""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.harness import http_mirror
from etl.areas import residual_code
from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy, sha256_of
from etl.sources import unhcr
from etl.sources.unhcr.rfile import read_r_file
from schemas.displacement import DisplacementSchema
from schemas.indicator import IndicatorSchema
from schemas.validate import validate
from tests.unhcr_fixtures import HEADER, HEADER_LINE, ROWS, rdf_lines, write_rdf

UNHCR_DIR = Path(os.environ.get("MIGDASH_UPSTREAM_ROOT", Path(__file__).resolve().parents[2] / "shared/data/upstream")) / "unhcr"
LONG = os.environ.get("MIGDASH_LONG_TESTS") == "1"
RDA_2025 = "population.rda"
RDA_2024 = "refugees_r_package_2024.12.0/population.rda"
RDF = "refugee_data_finder_2021-03-07/population.csv"
POLICY = FetchPolicy(timeout=10, attempts=2, backoff=0)
COUNTS = list(unhcr.DISPLACEMENT_POPULATIONS)
RDF_FIELDS = {"Refugees under UNHCR\u2019s mandate": "refugees", "Asylum-seekers": "asylum_seekers",
              "Venezuelans displaced abroad": "oip"}


@pytest.fixture(scope="module")
def unhcr_dir() -> Path:
    if not (UNHCR_DIR / RDA_2025).is_file():
        pytest.skip(f"UNHCR's original files not found in {UNHCR_DIR} (set MIGDASH_UPSTREAM_ROOT)")
    return UNHCR_DIR


@pytest.fixture(scope="module")
def collected(unhcr_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> unhcr.Collected:
    return unhcr.collect(str(unhcr_dir), tmp_path_factory.mktemp("cache"), POLICY)


@pytest.fixture(scope="module")
def population_2025(unhcr_dir: Path) -> pd.DataFrame:
    """The 2025.12.1 data frame as the R file holds it (cross-checked against rdata's reader in
    test_r_files_read_as_rdata_reads_them), before any of our conversions."""
    return read_r_file(unhcr_dir / RDA_2025, RDA_2025)[1]


def cross_checked_files() -> list[str]:
    if not LONG or not UNHCR_DIR.is_dir():
        return ["solutions.rda"]
    return sorted(str(p.relative_to(UNHCR_DIR)) for p in UNHCR_DIR.rglob("*.rda"))


def same_column(ours: pd.Series, theirs: pd.Series) -> bool:
    """Equal cell for cell, R's NA on both sides in the same cells."""
    missing = ours.isna().to_numpy()
    if not np.array_equal(missing, theirs.isna().to_numpy()):
        return False
    if pd.api.types.is_numeric_dtype(ours) and pd.api.types.is_numeric_dtype(theirs):
        return np.array_equal(ours.to_numpy("float64")[~missing], theirs.to_numpy("float64")[~missing])
    return ours[~missing].astype(str).tolist() == theirs[~missing].astype(str).tolist()


@pytest.fixture(scope="module")
def rdf_rows(unhcr_dir: Path) -> list[dict[str, str]]:
    """The download's data rows as plain dicts, read with the csv module."""
    lines = (unhcr_dir / RDF).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Year,"))
    return list(csv.DictReader(lines[start:]))


def vintage(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    return frame[frame["vintage"] == label]


def value(indicator: pd.DataFrame, series: str, area: int, year: int, revision: str) -> float:
    (v,) = indicator.loc[(indicator["series"] == series) & (indicator["area_code"] == area)
                         & (indicator["year"] == year) & (indicator["revision"] == revision), "value"]
    return v


def count(cell: str) -> int:
    return 0 if cell in ("", "-") else int(cell)


# ---- the real files ----

PACKAGE_OTHERS = ["asylum_applications", "asylum_decisions", "demographics", "flows", "solutions"]


def test_every_file_is_read_once_with_its_vintage_and_provenance(collected):
    others = [f"{d}.rda" for d in PACKAGE_OTHERS]  # read by their own readers (test_sources_unhcr_package.py)
    assert sorted(r for r, _ in collected.files) == sorted([RDA_2025, RDA_2024, RDF, *others])  # footnotes.csv not data
    by_dataset = {p["dataset"]: p for p in collected.provenance}
    population = ["unhcr_rdf_2021-03-07", "unhcr_refugees_2024.12.0", "unhcr_refugees_2025.12.1"]
    assert sorted(by_dataset) == sorted([*population, *(f"unhcr_refugees_{d}_2025.12.1" for d in PACKAGE_OTHERS)])
    assert {d: by_dataset[d]["revision"] for d in population} == {
        "unhcr_rdf_2021-03-07": 2021, "unhcr_refugees_2024.12.0": 2024, "unhcr_refugees_2025.12.1": 2025}
    assert by_dataset["unhcr_refugees_2025.12.1"]["sha256"] == sha256_of(UNHCR_DIR / RDA_2025)
    assert by_dataset["unhcr_refugees_2025.12.1"]["fetched_from"] == f"local mirror: {RDA_2025}"
    assert by_dataset["unhcr_rdf_2021-03-07"]["url"] == "https://www.unhcr.org/refugee-statistics/download/"
    displacement = collected.tables["displacement"]
    for key in population:
        assert by_dataset[key]["rows"] == len(vintage(displacement, by_dataset[key]["vintage"]))
    assert displacement.groupby("vintage")["revision"].unique().map(list).to_dict() == {
        "2021-03-07": [2021], "2024.12.0": [2024], "2025.12.1": [2025]}


def test_tables_pass_their_schemas(collected):
    validate("displacement", collected.tables["displacement"], DisplacementSchema, None)
    validate("indicator", collected.indicator, IndicatorSchema, None)
    assert collected.indicator["year"].min() == unhcr.FIRST_YEAR
    assert collected.tables["displacement"]["year"].min() == 1951
    assert set(collected.indicator["revision"]) == {"2021-03-07", "2024.12.0", "2025.12.1"}


@pytest.mark.parametrize("relative", cross_checked_files())
def test_r_files_read_as_rdata_reads_them(unhcr_dir, relative):
    """pyreadr (our reader) and rdata (an independent, pure-Python one) give the same table."""
    rdata = pytest.importorskip("rdata")
    name, ours = read_r_file(unhcr_dir / relative, relative)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*tbl", category=UserWarning)  # rdata: tibble read as a frame
        theirs = rdata.read_rda(unhcr_dir / relative)[name]
    assert list(ours.columns) == list(theirs.columns) and len(ours) == len(theirs) > 1000
    assert [c for c in ours.columns if not same_column(ours[c], theirs[c])] == []


def test_rda_counts_are_all_kept(collected, population_2025):
    """Every non-zero count of the 2025.12.1 release, totalled per population type."""
    ours = vintage(collected.tables["displacement"], "2025.12.1")
    theirs = population_2025[COUNTS].fillna(0)
    assert ours.groupby("population")["persons"].sum().to_dict() == {
        p: int(theirs[p].sum()) for p in COUNTS if theirs[p].sum()}
    assert len(ours) == int((theirs > 0).sum().sum())
    assert ours["year"].max() == int(population_2025["year"].max())


def test_rda_figures_and_unknown_origins_kept(collected, population_2025):
    frame, indicator = population_2025, collected.indicator
    last = int(frame["year"].max())
    us = frame[(frame["coa_iso"] == "USA") & (frame["year"] == last)]
    assert value(indicator, "unhcr.refugees.asylum", 840, last, "2025.12.1") == us["refugees"].sum()
    col = frame[(frame["coa_iso"] == "COL") & (frame["coo_iso"] == "VEN") & (frame["year"] == 2020)]
    venezuelans = col[["refugees", "asylum_seekers", "oip"]].fillna(0).to_numpy().sum()
    displacement = vintage(collected.tables["displacement"], "2025.12.1")
    pair = displacement[(displacement["origin_code"] == 862) & (displacement["asylum_code"] == 170)
                        & (displacement["year"] == 2020) & displacement["population"].isin(["refugees", "asylum_seekers", "oip"])]
    assert pair["persons"].sum() == venezuelans > 0
    for code in ("UNK", "XXA", "TIB"):  # UNHCR's non-country origins -> explicit residual areas
        rows = frame[(frame["coo_iso"] == code) & (frame["year"] == last)]
        kept = displacement[(displacement["origin_code"] == unhcr.area_code(code)) & (displacement["year"] == last)]
        assert kept["persons"].sum() == rows[COUNTS].fillna(0).to_numpy().sum() > 0, code
    # the asylum side sums over every origin, unknown included
    de = frame[(frame["coa_iso"] == "DEU") & (frame["year"] == last)]
    assert (de["coo_iso"] == "UNK").any()
    assert value(indicator, "unhcr.asylum_seekers.asylum", 276, last, "2025.12.1") == de["asylum_seekers"].sum()


def test_rdf_csv_figures(collected, rdf_rows):
    displacement = vintage(collected.tables["displacement"], "2021-03-07")
    col = [r for r in rdf_rows if r["Year"] == "2020" and r["Country of origin (ISO)"] == "VEN"
           and r["Country of asylum (ISO)"] == "COL"]
    expected = sum(count(r[h]) for r in col for h in RDF_FIELDS)
    pair = displacement[(displacement["origin_code"] == 862) & (displacement["asylum_code"] == 170)
                        & (displacement["year"] == 2020) & displacement["population"].isin(list(RDF_FIELDS.values()))]
    assert pair["persons"].sum() == expected > 1_000_000
    hosted = [r for r in rdf_rows if r["Year"] == "2020" and r["Country of asylum (ISO)"] == "USA"]
    refugees = sum(count(r["Refugees under UNHCR\u2019s mandate"]) for r in hosted)
    assert value(collected.indicator, "unhcr.refugees.asylum", 840, 2020, "2021-03-07") == refugees > 0
    unknown = [r for r in rdf_rows if r["Country of origin"].strip() == "Unknown" and r["Year"] == "2019"]
    assert unknown and all(r["Country of origin (ISO)"] == "" for r in unknown)
    kept = displacement[(displacement["origin_code"] == residual_code("UNK")) & (displacement["year"] == 2019)]
    assert kept["persons"].sum() == sum(count(r[h]) for r in unknown for h in HEADER_FIELDS) > 0
    cells = sum(1 for r in rdf_rows for h in HEADER_FIELDS if count(r[h]))
    assert len(displacement) == cells


HEADER_FIELDS = [*RDF_FIELDS, "IDPs of concern to UNHCR", "Stateless persons", "Others of concern"]


def test_http_mirror_gives_the_folder_result(unhcr_dir, collected, tmp_path):
    with http_mirror(unhcr_dir) as url:
        over_http = unhcr.collect(url, tmp_path / "cache", POLICY)
    pd.testing.assert_frame_equal(over_http.tables["displacement"], collected.tables["displacement"])
    pd.testing.assert_frame_equal(over_http.indicator, collected.indicator)
    assert [r for r, _ in over_http.files] == [r for r, _ in collected.files]
    moving = {"fetched_from", "retrieved_at"}
    strip = lambda rows: [{k: v for k, v in p.items() if k not in moving} for p in rows]  # noqa: E731
    assert strip(over_http.provenance) == strip(collected.provenance)
    assert all(p["fetched_from"].startswith(url) for p in over_http.provenance)


# ---- generated files: the layout, and what must stop the build ----

def collect_one(folder: Path, tmp_path: Path) -> unhcr.Collected:
    return unhcr.collect(str(folder), tmp_path / "cache", POLICY)


def test_generated_download_dashes_and_unknown_origin(tmp_path):
    write_rdf(tmp_path / "m", rdf_lines())
    got = collect_one(tmp_path / "m", tmp_path).tables["displacement"]
    validate("displacement", got, DisplacementSchema, None)
    assert set(got["vintage"]) == {"2021-03-07"} and set(got["revision"]) == {2021}
    ven_2020 = got[(got["origin_code"] == 862) & (got["year"] == 2020)].set_index("population")["persons"]
    assert ven_2020.to_dict() == {"refugees": 110, "oip": 3100}  # "-" and 0 are not stored
    assert got.loc[got["origin_code"] == residual_code("UNK"), "persons"].tolist() == [7]


def raises_at(folder: Path, tmp_path: Path, row: int, column: str, *fragments: str) -> UpstreamFormatError:
    with pytest.raises(UpstreamFormatError) as error:
        collect_one(folder, tmp_path)
    message = str(error.value)
    assert "population.csv" in message and f"row {row}," in message and f"column {column}" in message, message
    for fragment in fragments:
        assert fragment in message, message
    return error.value


def test_missing_preamble(tmp_path):
    write_rdf(tmp_path / "m", rdf_lines(preamble=False))
    raises_at(tmp_path / "m", tmp_path, 1, "A", "no 'Date extracted:' line")


def test_changed_header(tmp_path):
    write_rdf(tmp_path / "m", rdf_lines(header=HEADER.replace("Asylum-seekers", "Asylum seekers")))
    raises_at(tmp_path / "m", tmp_path, HEADER_LINE, "G", "should be 'Asylum-seekers'", "'Asylum seekers'")


def test_missing_header(tmp_path):
    write_rdf(tmp_path / "m", rdf_lines(header="Annee,x"))
    raises_at(tmp_path / "m", tmp_path, len(rdf_lines()) + 1, "A", "no header row")


def test_truncated_download(tmp_path):
    path = write_rdf(tmp_path / "m", rdf_lines())
    data = path.read_bytes()
    path.write_bytes(data[: -len(b",0,0\n")])  # cut inside the last row
    raises_at(tmp_path / "m", tmp_path, HEADER_LINE + len(ROWS), "I", "cells where the header has 11")


@pytest.mark.parametrize("bad", ["abc", "12.5", "-3", "5²", "٣"])  # non-ASCII digits are no count either
def test_non_count_cell(tmp_path, bad):
    rows = [*ROWS[:3], ROWS[3].replace(",500,", f",{bad},"), *ROWS[4:]]
    write_rdf(tmp_path / "m", rdf_lines(rows))
    raises_at(tmp_path / "m", tmp_path, HEADER_LINE + 4, "H", "idps is not a count", repr(bad))


def test_duplicate_pair(tmp_path):
    write_rdf(tmp_path / "m", rdf_lines([*ROWS, ROWS[1].replace(",110,", ",1,")]))
    raises_at(tmp_path / "m", tmp_path, HEADER_LINE + len(ROWS) + 1, "C",
              f"year 2020, VEN -> COL repeats row {HEADER_LINE + 2}")


@pytest.mark.parametrize(("code", "column", "side"), [("QQQ", "C", "origin"), ("", "C", "origin"), ("XKX", "E", "asylum")])
def test_unknown_code(tmp_path, code, column, side):
    row = ROWS[4].replace("HTI", code) if side == "origin" else ROWS[4].replace("USA", code)
    write_rdf(tmp_path / "m", rdf_lines([*ROWS[:4], row]))
    raises_at(tmp_path / "m", tmp_path, HEADER_LINE + 5, column, f"{side} code is neither", f"value {code!r}")


def test_truncated_rda_names_the_file(unhcr_dir, tmp_path):
    """R's reader stops inside a cut-off stream without saying where: the error names the file
    and says what to suspect."""
    folder = tmp_path / "m"
    folder.mkdir()
    data = (unhcr_dir / RDA_2024).read_bytes()
    (folder / "population.rda").write_bytes(data[: len(data) // 2])
    with pytest.raises(UpstreamFormatError, match="not a readable R data file") as error:
        collect_one(folder, tmp_path)
    assert "population.rda" in str(error.value) and "truncated or corrupt" in str(error.value)


@pytest.mark.parametrize("magic", [b"\xfd7zXZ\x00", b"BZh9", b"\x1f\x8b\x08"])
def test_corrupt_compressed_rda(tmp_path, magic):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "data.bin").write_bytes(magic + np.random.default_rng(1).bytes(4000))
    with pytest.raises(UpstreamFormatError, match="not a readable R data file") as error:
        collect_one(folder, tmp_path)
    assert "data.bin" in str(error.value)


def test_files_are_recognised_by_content_not_name(tmp_path):
    folder = tmp_path / "m"
    write_rdf(folder, rdf_lines(), name="download (3).txt")
    (folder / "footnotes.csv").write_text("Footnote,Year,x\n")
    got = collect_one(folder, tmp_path)
    assert [r for r, _ in got.files] == ["download (3).txt"]


def test_unknown_release_is_labelled_by_year_and_checksum(unhcr_dir, tmp_path):
    """Same data, other bytes (gzip instead of bzip2): not a known release, so not named as one."""
    folder = tmp_path / "m"
    folder.mkdir()
    data = gzip.compress(bz2.decompress((unhcr_dir / RDA_2024).read_bytes()), compresslevel=1)
    (folder / "population.rda").write_bytes(data)
    got = collect_one(folder, tmp_path)
    label = f"2024.unlabelled.{hashlib.sha256(data).hexdigest()[:8]}"
    assert set(got.tables["displacement"]["vintage"]) == {label} and set(got.indicator["revision"]) == {label}
    assert [p["dataset"] for p in got.provenance] == [f"unhcr_refugees_{label}"]
    assert got.provenance[0]["revision"] == 2024


def test_the_same_bytes_twice_stop_the_build_naming_both(tmp_path):
    write_rdf(tmp_path / "m" / "a", rdf_lines())
    write_rdf(tmp_path / "m" / "b", rdf_lines())
    with pytest.raises(UpstreamFormatError, match=r"the same file twice .*a/population\.csv and b/population\.csv"):
        collect_one(tmp_path / "m", tmp_path)


def test_two_files_claiming_one_vintage_stop_the_build(tmp_path):
    write_rdf(tmp_path / "m" / "a", rdf_lines())
    write_rdf(tmp_path / "m" / "b", rdf_lines(ROWS[:2]))
    with pytest.raises(UpstreamFormatError, match="vintage 2021-03-07 is also the vintage of a/population.csv"):
        collect_one(tmp_path / "m", tmp_path)
