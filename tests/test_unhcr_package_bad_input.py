"""Malformed variants of the `refugees` package's files: each stops the build with an error
naming the file, and where in it (row of the data frame, column, value), and the database being
served stays byte for byte the same and keeps answering.

Each variant starts from real rows of UNHCR's file (read by the tests' own minimal reader),
changes one thing and is written back as an R data file with pyreadr (R's librdata)."""

from __future__ import annotations

import functools
import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyreadr
import pytest

from dashboard.app import create_app
from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy
from etl.sources import unhcr
from migdash import cli
from tests.rda_minimal import read_rda
from tests.test_sources_unhcr_package import UNHCR_DIR

POLICY = FetchPolicy(timeout=5, attempts=1, backoff=0)
FILE = "asylum_applications.rda"


@pytest.fixture(scope="module")
def applications() -> pd.DataFrame:
    """Real rows: the United States in 2025 (persons and cases), Mexico in 2024, and the one
    key the publisher reports both in persons and in cases."""
    if not (UNHCR_DIR / FILE).is_file():
        pytest.skip(f"UNHCR's {FILE} not found in {UNHCR_DIR} (set MIGDASH_UPSTREAM_ROOT)")
    frame = read_rda(UNHCR_DIR / FILE)["asylum_applications"]
    key = ["year", "coo_iso", "coa_iso", "procedure_type", "app_type", "dec_level"]
    both = frame[frame.duplicated(key, keep=False)]
    chosen = frame[((frame["coa_iso"] == "USA") & (frame["year"] == 2025)) |
                   ((frame["coa_iso"] == "MEX") & (frame["year"] == 2024))]
    return pd.concat([both, chosen.head(200)], ignore_index=True)


def write(folder: Path, frame: pd.DataFrame, name: str = "asylum_applications", file: str = FILE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pyreadr.write_rdata(str(folder / file), frame.reset_index(drop=True), df_name=name, compress="gzip")
    return folder


def collect(folder: Path, tmp_path: Path) -> unhcr.Collected:
    return unhcr.collect(str(folder), tmp_path / "cache", POLICY)


def renamed_column(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={"app_pc": "pc"})


def cases_relabelled_as_persons(frame: pd.DataFrame) -> pd.DataFrame:
    """The row the publisher counts in cases beside a row in persons, relabelled persons."""
    out = frame.copy()
    out.loc[1, "app_pc"] = out.loc[0, "app_pc"]
    return out


def basis_missing(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.loc[5, "app_pc"] = None
    return out


def basis_unknown(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.loc[6, "app_pc"] = "PC"
    return out


def unknown_country(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.loc[7, "coa_iso"] = "QQQ"
    return out


def negative_count(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.loc[8, "applied"] = -3.0
    return out


def fractional_year(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.loc[9, "year"] = 2024.5
    return out


# variant -> (row of the data frame, column letter, what the message says)
VARIANTS = {
    "renamed column": (renamed_column, None, None, r"has no column\(s\) \['app_pc'\]"),
    "cases mixed into persons": (cases_relabelled_as_persons, 2, "D", r"repeats row 1"),
    "basis missing": (basis_missing, 6, "K", r"app_pc: neither P \(persons\) nor C \(cases\)"),
    "basis unknown": (basis_unknown, 7, "K", r"app_pc: neither P \(persons\) nor C \(cases\).*value 'PC'"),
    "unknown code": (unknown_country, 8, "G", r"asylum code is neither an ISO 3166 country.*value 'QQQ'"),
    "negative count": (negative_count, 9, "L", r"applied: not a count.*value -3\.0"),
    "fractional year": (fractional_year, 10, "A", r"year: not a year.*value 2024\.5"),
}


@pytest.mark.parametrize("case", list(VARIANTS))
def test_malformed_variant_names_file_row_and_column(case, applications, tmp_path):
    mutate, row, column, pattern = VARIANTS[case]
    write(tmp_path / "m", mutate(applications))
    with pytest.raises(UpstreamFormatError) as error:
        collect(tmp_path / "m", tmp_path)
    message = str(error.value)
    assert FILE in message and re.search(pattern, message), message
    if row is not None:
        assert f"row {row}," in message and f"column {column}" in message, message


def test_the_real_rows_written_back_are_read(applications, tmp_path):
    """The control: the writer changes nothing the reader minds (so each variant's one change
    is what stops it), and the publisher's key in persons and in cases stays two rows."""
    got = collect(write(tmp_path / "m", applications), tmp_path).tables["asylum_application"]
    assert len(got) == len(applications) and got["applied"].sum() == applications["applied"].sum()
    assert set(got.iloc[:2]["basis"]) == {"persons", "cases"}


def test_truncated_file_names_the_file(tmp_path):
    if not (UNHCR_DIR / FILE).is_file():
        pytest.skip(f"UNHCR's {FILE} not found in {UNHCR_DIR}")
    folder = tmp_path / "m"
    folder.mkdir()
    data = (UNHCR_DIR / FILE).read_bytes()
    (folder / FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(UpstreamFormatError, match="not a readable R data file.*truncated or corrupt") as error:
        collect(folder, tmp_path)
    assert FILE in str(error.value)


def test_a_file_holding_another_r_object_is_an_error(applications, tmp_path):
    """The package's data folder as published holds six datasets; anything else is named."""
    write(tmp_path / "m", applications.head(5), name="unrwa", file="unrwa.rda")
    with pytest.raises(UpstreamFormatError, match=r"holding \['unrwa'\].*named after a dataset") as error:
        collect(tmp_path / "m", tmp_path)
    assert "unrwa.rda" in str(error.value)


def test_empty_decision_count_and_age_groups_that_do_not_add_up(tmp_path):
    if not (UNHCR_DIR / "demographics.rda").is_file():
        pytest.skip(f"UNHCR's files not found in {UNHCR_DIR}")
    decisions = read_rda(UNHCR_DIR / "asylum_decisions.rda")["asylum_decisions"].head(50).copy()
    decisions.loc[4, "dec_total"] = None
    write(tmp_path / "d", decisions, name="asylum_decisions", file="asylum_decisions.rda")
    with pytest.raises(UpstreamFormatError, match=r"dec_total: empty where a count is published.*row 5, column O"):
        collect(tmp_path / "d", tmp_path)
    people = read_rda(UNHCR_DIR / "demographics.rda")["demographics"]
    people = people[people["f_total"] > 0].head(30).copy()
    people.iloc[2, people.columns.get_loc("f_0_4")] += 1
    write(tmp_path / "g", people, name="demographics", file="demographics.rda")
    with pytest.raises(UpstreamFormatError, match=r"f_total: the age groups do not add up to f_total.*row 3"):
        collect(tmp_path / "g", tmp_path)


# ---- through the command line: the served database stays as it was ----


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def served(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str, object]:
    live = tmp_path_factory.mktemp("served") / "migdash.duckdb"
    shutil.copy(built_db, live)
    with duckdb.connect(str(live), read_only=True) as con:
        (build_id,) = con.execute("SELECT build_id FROM build").fetchone()
    return live, sha256(live), build_id, create_app(live).server.test_client()


@pytest.mark.parametrize("case", ["renamed column", "cases mixed into persons", "unknown code", "truncated file"])
def test_the_command_refuses_and_the_served_database_is_untouched(case, applications, served, upstream_dir,
                                                                   tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "FetchPolicy", functools.partial(FetchPolicy, attempts=1, backoff=0))
    folder = tmp_path / "unhcr"
    if case == "truncated file":
        folder.mkdir()
        data = (UNHCR_DIR / FILE).read_bytes()
        (folder / FILE).write_bytes(data[: len(data) * 2 // 3])
        expected = "not a readable R data file"
    else:
        write(folder, VARIANTS[case][0](applications))
        expected = VARIANTS[case][3]
    live, digest, build_id, client = served
    code = cli.main(["etl", "--mirror", str(upstream_dir), "--mirror", f"unhcr={folder}", "--db", str(live),
                     "--cache", str(tmp_path / "cache"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "the previous database (if any) was left unchanged" in err and "Traceback" not in err
    assert "[unhcr]" in err and FILE in err and re.search(expected, err), err
    assert sha256(live) == digest, "the served database was modified"
    assert client.get("/healthz").get_json()["build_id"] == build_id
    assert not list(live.parent.glob("*.building*"))
