"""The WPP data packages' net-migration tables (`migration.txt` of wpp2024 and wpp2022) in
../shared/data/upstream/wpp, read by etl.sources.wpp and checked against an INDEPENDENT minimal
read with the csv module: no figure is typed in. Malformed variants are generated in tmp_path."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bench.harness import http_mirror
from etl import areas
from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy
from etl.sources import wpp
from schemas.indicator import IndicatorSchema
from schemas.validate import validate

UPSTREAM = Path(__file__).resolve().parents[2] / "shared/data/upstream"
WPP = UPSTREAM / "wpp"
pytestmark = pytest.mark.skipif(not WPP.is_dir(), reason=f"no WPP files in {WPP} (see PROVENANCE.md)")
POLICY = FetchPolicy(timeout=5, attempts=1, backoff=0)
CENTRAL_AMERICA = 916


def tables() -> list[Path]:
    return sorted(WPP.rglob("migration.txt"))


def read_independently(path: Path) -> tuple[list[int], bool, dict[tuple[int, int], float]]:
    """(year columns, has last.observed, {(M49, year): thousands})."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    header = rows[0]
    years = [int(h) for h in header if h.isdigit()]
    values = {(int(row[0]), int(header[j])): float(row[j]) for row in rows[1:]
              for j in range(len(header)) if header[j].isdigit() and row[j] != ""}
    return years, "last.observed" in header, values


def edition_of(years: list[int], has_last_observed: bool) -> tuple[str, int]:
    """(revision, last estimate year) from what PROVENANCE.md says of the two tables."""
    if has_last_observed:  # WPP 2024: estimates only, to the year before the edition
        return str(years[-1] + 1), years[-1]
    return "2022", 2021  # WPP 2022: estimates 1950-2021, projections 2022-2100


@pytest.fixture(scope="module")
def independent() -> dict[str, tuple[int, dict[tuple[int, int], float]]]:
    out = {}
    for path in tables():
        years, has_last, values = read_independently(path)
        revision, last_estimate = edition_of(years, has_last)
        out[revision] = (last_estimate, values)
    return out


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> wpp.Collected:
    return wpp.collect(str(WPP), tmp_path_factory.mktemp("wppcache"), POLICY)


def test_both_editions_side_by_side_with_projections_flagged(collected, independent):
    frame = collected.indicator
    assert set(frame["revision"]) == set(independent) == {"2022", "2024"}
    assert set(frame["series"]) == {"wpp.net_migration"} and set(frame["unit"]) == {"persons"}
    for revision, (last_estimate, _) in independent.items():
        rows = frame[frame["revision"] == revision]
        assert (rows.loc[rows["year"] <= last_estimate, "variant"] == "estimate").all()
        assert (rows.loc[rows["year"] > last_estimate, "variant"] == "projection").all()
    projections = frame[frame["variant"] == "projection"]
    assert set(projections["revision"]) == {"2022"} and projections["year"].min() == 2022
    assert projections["year"].max() == 2100
    validate("indicator", frame, IndicatorSchema, None)


def test_row_counts_and_every_value_match_the_independent_read(collected, independent):
    frame = collected.indicator
    known = areas.known_codes()
    for revision, (_, values) in independent.items():
        rows = frame[frame["revision"] == revision]
        expected = {key: v * 1000 for key, v in values.items() if key[0] in known}
        assert len(rows) == len(expected)
        got = dict(zip(zip(rows["area_code"], rows["year"], strict=True), rows["value"], strict=True))
        assert got == pytest.approx(expected, abs=1e-6)
        prov = next(p for p in collected.provenance if p["dataset"] == f"wpp_{revision}_migration")
        assert prov["rows"] == len(rows) and prov["revision"] == int(revision)


def test_central_america_2020_in_both_editions(collected, independent):
    frame = collected.indicator
    figures = {}
    for revision, (_, values) in independent.items():
        (value,) = frame.loc[(frame["revision"] == revision) & (frame["area_code"] == CENTRAL_AMERICA)
                             & (frame["year"] == 2020), "value"]
        assert value == pytest.approx(values[(CENTRAL_AMERICA, 2020)] * 1000, abs=1e-6)
        figures[revision] = value
    assert figures["2022"] != figures["2024"]  # the 2024 edition revised 2020


def test_areas_without_m49_are_left_out_and_counted(collected, independent):
    known = areas.known_codes()
    dropped = sum(1 for _, values in independent.values() for key in values if key[0] not in known)
    assert sum(collected.left_out.values()) == dropped
    assert any("Kosovo" in name for name in collected.left_out)


def test_edition_is_known_without_the_checksum(tmp_path, independent):
    """A table whose bytes differ from the known files is recognised by its layout."""
    for path in tables():
        target = tmp_path / "m" / path.parent.name / "migration.txt"
        target.parent.mkdir(parents=True)
        target.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # new sha256, same table
    got = wpp.collect(str(tmp_path / "m"), tmp_path / "cache", POLICY)
    assert set(got.indicator["revision"]) == set(independent)
    assert all(p["sha256"] not in wpp.KNOWN_FILES for p in got.provenance)


def test_unknown_layout_is_an_error_not_a_guess(tmp_path):
    rows = [line.split("\t") for line in tables()[-1].read_text().splitlines()]
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "migration.txt").write_text("".join("\t".join(r[:-2]) + "\n" for r in rows))  # last year dropped
    with pytest.raises(UpstreamFormatError, match="cannot tell which WPP edition"):
        wpp.collect(str(folder), tmp_path / "cache", POLICY)


def test_over_http_the_same_as_the_folder(collected, tmp_path):
    with http_mirror(WPP) as url:
        over_http = wpp.collect(url, tmp_path / "cache", POLICY)
    pd.testing.assert_frame_equal(over_http.indicator, collected.indicator)
    assert [p["sha256"] for p in over_http.provenance] == [p["sha256"] for p in collected.provenance]
    assert all(p["fetched_from"].startswith(url) for p in over_http.provenance)


def test_the_same_edition_twice(tmp_path):
    source = tables()[0]
    for name in ("a", "b"):
        (tmp_path / "m" / name).mkdir(parents=True)
        shutil.copy(source, tmp_path / "m" / name / "migration.txt")
    with pytest.raises(UpstreamFormatError, match=r"the same file twice .*a/migration\.txt and b/migration\.txt"):
        wpp.collect(str(tmp_path / "m"), tmp_path / "c1", POLICY)  # identical bytes: one rule, every source
    (tmp_path / "m" / "b" / "migration.txt").write_bytes(source.read_bytes().replace(b"\n", b"\r\n"))
    got = wpp.collect(str(tmp_path / "m"), tmp_path / "c1", POLICY)  # the same table, other bytes: kept once
    (note,) = [k for k in got.left_out if k.startswith("same WPP")]
    assert "a/migration.txt" in note and "b/migration.txt" in note and len(got.provenance) == 1
    lines = source.read_text().splitlines(keepends=True)
    cells = lines[5].split("\t")
    cells[10] = str(float(cells[10]) + 1)
    (tmp_path / "m" / "b" / "migration.txt").write_text("".join(lines[:5]) + "\t".join(cells) + "".join(lines[6:]))
    with pytest.raises(UpstreamFormatError, match="with different figures"):
        wpp.collect(str(tmp_path / "m"), tmp_path / "c2", POLICY)


# ---- malformed variants ----

def _lines() -> list[str]:
    return tables()[-1].read_text().splitlines(keepends=True)


def _error(tmp_path: Path, text: str) -> UpstreamFormatError:
    folder = tmp_path / "m" / "wpp"
    folder.mkdir(parents=True)
    (folder / "migration.txt").write_text(text)
    with pytest.raises(UpstreamFormatError) as error:
        wpp.collect(str(tmp_path / "m"), tmp_path / "cache", POLICY)
    assert error.value.file.endswith("wpp/migration.txt") and "migration.txt" in str(error.value)
    assert error.value.row is not None and error.value.column is not None
    return error.value


@pytest.mark.parametrize("bad", ["..", "abc", "1,5"])
def test_non_numeric_cell(tmp_path, bad):
    lines = _lines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{CENTRAL_AMERICA}\t"))
    cells = lines[at].split("\t")
    column = lines[0].split("\t").index("2020")
    cells[column] = bad
    lines[at] = "\t".join(cells)
    error = _error(tmp_path, "".join(lines))
    assert "not a number" in error.detail and (error.row, error.column, error.value) == (at + 1, column, bad)


def test_missing_country_code_column(tmp_path):
    lines = _lines()
    lines[0] = lines[0].replace("country_code", "LocID", 1)
    error = _error(tmp_path, "".join(lines))
    assert "'country_code' not found" in error.detail and (error.row, error.column) == (1, 0)


def test_duplicate_country_code(tmp_path):
    lines = _lines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{CENTRAL_AMERICA}\t"))
    lines.insert(at + 1, lines[at])
    error = _error(tmp_path, "".join(lines))
    assert f"first at row {at + 1}" in error.detail and (error.row, error.column) == (at + 2, 0)


def test_truncated_file(tmp_path):
    text = "".join(_lines())
    cut = text[: len(text) // 2]
    error = _error(tmp_path, cut)
    assert "truncated" in error.detail and error.row == cut.count("\n") + 1


def test_row_cut_short(tmp_path):
    lines = _lines()
    lines[7] = "\t".join(lines[7].split("\t")[:20]) + "\n"
    error = _error(tmp_path, "".join(lines))
    assert "truncated" in error.detail and (error.row, error.column) == (8, 19)
