"""The World Bank bulk downloads (CSV, Excel .xls, the API's zip) in ../shared/data/upstream/worldbank,
read by etl.sources.worldbank and checked against an INDEPENDENT minimal read of the same files
(csv module for the CSVs, python-calamine cell by cell for the .xls): no figure is typed in.
Malformed variants are generated in tmp_path from the real CSV."""

from __future__ import annotations

import csv
import shutil
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import python_calamine

from bench.harness import http_mirror
from etl.errors import UpstreamFormatError, ValidationFailed
from etl.fetch import FetchPolicy
from etl.indicators import m49_of_iso3
from etl.sources import worldbank
from schemas.indicator import IndicatorSchema
from schemas.validate import validate

UPSTREAM = Path(__file__).resolve().parents[2] / "shared/data/upstream"
WB = UPSTREAM / "worldbank"
pytestmark = pytest.mark.skipif(not WB.is_dir(), reason=f"no World Bank files in {WB} (see PROVENANCE.md)")
POLICY = FetchPolicy(timeout=5, attempts=1, backoff=0)
RECEIVED, GDP_SHARE = worldbank.RECEIVED, worldbank.RECEIVED_GDP


# ---- an independent minimal read ----

def _data_csvs() -> list[Path]:
    return sorted(p for p in WB.rglob("*.csv") if p.read_bytes().lstrip(b"\xef\xbb\xbf").startswith(b'"Data Source"'))


def _xls_files() -> list[Path]:
    return sorted(p for p in WB.rglob("*") if p.is_file() and p.read_bytes()[:4] == b"\xd0\xcf\x11\xe0")


def read_csv_independently(path: Path) -> tuple[str, str, dict[tuple[str, int], float]]:
    """(indicator code, Last Updated Date, {(ISO3, year): value}) with the csv module."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[2][0] == "Last Updated Date" and rows[4][:2] == ["Country Name", "Country Code"]
    header = rows[4]
    values = {(row[1], int(header[j])): float(row[j]) for row in rows[5:] if row
              for j in range(4, len(header)) if header[j] and row[j] != ""}
    return rows[5][3], rows[2][1], values


def read_xls_independently(path: Path) -> tuple[str, str, dict[tuple[str, int], float]]:
    """The same from the raw `Data` sheet, cell by cell; the date cell may be a date or a serial."""
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data")
    rows = sheet.to_python(skip_empty_area=False)
    assert rows[1][0] == "Last Updated Date" and rows[3][:2] == ["Country Name", "Country Code"]
    updated = rows[1][1]
    if isinstance(updated, int | float):
        updated = date(1899, 12, 30) + timedelta(days=int(updated))
    if isinstance(updated, datetime):
        updated = updated.date()
    header = rows[3]
    values = {}
    for row in rows[4:]:
        for j in range(4, len(header)):
            if header[j] != "" and row[j] != "":
                values[(row[1], int(header[j]))] = float(row[j])
    return rows[4][3], updated.isoformat(), values


@pytest.fixture(scope="module")
def independent() -> dict[tuple[str, str], dict[tuple[str, int], float]]:
    """(code, vintage) -> values, every data file of the folder."""
    out = {}
    for path in _data_csvs():
        code, vintage, values = read_csv_independently(path)
        out[(code, vintage)] = values
    for path in _xls_files():
        code, vintage, values = read_xls_independently(path)
        out[(code, vintage)] = values
    return out


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> worldbank.Collected:
    return worldbank.collect(str(WB), tmp_path_factory.mktemp("wbcache"), POLICY)


def area_of(iso3: str) -> int | None:
    return worldbank.AGGREGATES.get(iso3) or m49_of_iso3(iso3)


def lookup(frame: pd.DataFrame, series: str, vintage: str, area: int, year: int) -> float:
    (value,) = frame.loc[(frame["series"] == series) & (frame["revision"] == vintage) & (frame["area_code"] == area)
                         & (frame["year"] == year), "value"]
    return value


# ---- the real files ----

def test_every_vintage_of_every_series_is_loaded_side_by_side(collected, independent):
    frame = collected.indicator
    assert set(frame[["series", "revision"]].drop_duplicates().itertuples(index=False, name=None)) == set(independent)
    assert frame.loc[frame["series"] == RECEIVED, "revision"].nunique() >= 2
    assert set(frame["variant"]) == {"estimate"} and set(frame["source"]) == {"worldbank"}
    datasets = [p["dataset"] for p in collected.provenance]
    assert len(datasets) == len(set(datasets)) == len(independent)
    for code, vintage in independent:
        (prov,) = [p for p in collected.provenance if p["dataset"] == f"worldbank_{code}_{vintage}"]
        assert prov["revision"] == int(vintage[:4]) and prov["vintage"] == vintage
        assert f"Last updated {vintage}" in prov["citation"]
        assert prov["url"].startswith(f"https://api.worldbank.org/v2/en/indicator/{code}?downloadformat=")
        assert prov["fetched_from"].startswith("local mirror: ")
        assert prov["rows"] == ((frame["series"] == code) & (frame["revision"] == vintage)).sum()


def test_row_counts_match_the_independent_read(collected, independent):
    frame = collected.indicator
    counts = frame.groupby(["series", "revision"]).size().to_dict()
    for key, values in independent.items():
        assert counts[key] == sum(1 for iso3, _ in values if area_of(iso3) is not None), key


def test_lcn_received_in_each_vintage_and_revisions_differ(collected, independent):
    frame = collected.indicator
    vintages = sorted(v for c, v in independent if c == RECEIVED)
    for vintage in vintages:
        values = independent[(RECEIVED, vintage)]
        lcn = {year: v for (iso3, year), v in values.items() if iso3 == "LCN"}
        assert lcn
        got = frame[(frame["series"] == RECEIVED) & (frame["revision"] == vintage) & (frame["area_code"] == 904)]
        assert dict(zip(got["year"], got["value"], strict=True)) == pytest.approx(lcn, rel=1e-12)
    assert "2023-10-26" in vintages and "2025-07-01" in vintages
    old = lookup(frame, RECEIVED, "2023-10-26", 904, 2016)
    new = lookup(frame, RECEIVED, "2025-07-01", 904, 2016)
    assert old == pytest.approx(independent[(RECEIVED, "2023-10-26")][("LCN", 2016)], rel=1e-12)
    assert new == pytest.approx(independent[(RECEIVED, "2025-07-01")][("LCN", 2016)], rel=1e-12)
    assert old != new  # a later vintage revised the figure: both are kept


def test_mexico_2022_and_aggregates(collected, independent):
    frame = collected.indicator
    checked = 0
    for (code, vintage), values in independent.items():
        if ("MEX", 2022) in values:
            assert lookup(frame, code, vintage, 484, 2022) == pytest.approx(values[("MEX", 2022)], rel=1e-12)
            checked += 1
    assert checked >= 3
    assert {900, 904, 905} <= set(frame["area_code"])
    assert "EAS" in collected.left_out and "XKX" in collected.left_out  # an aggregate, an economy without M49
    assert all(not k.startswith(("same ", "indicator ")) for k in collected.left_out)


def test_the_excel_date_and_a_serial_number_give_the_same_vintage():
    path = _xls_files()[0]
    cell = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data").to_python()[1][1]
    day = cell.date() if isinstance(cell, datetime) else cell
    serial = (day - date(1899, 12, 30)).days
    error = lambda *a, **k: AssertionError(a)  # noqa: E731
    assert worldbank._vintage(float(serial), 2, error) == day.isoformat()
    assert worldbank._vintage(day, 2, error) == day.isoformat()


def test_shares_of_gdp_over_100_are_the_publishers_figures(collected, independent):
    """Lesotho's remittances exceeded its GDP in the 1980s-90s: the reader keeps them as published."""
    frame = collected.indicator
    over = frame[(frame["series"] == GDP_SHARE) & (frame["value"] > 100)]
    for row in over.itertuples():
        iso3 = next(i for (i, y) in independent[(GDP_SHARE, row.revision)] if area_of(i) == row.area_code)
        assert row.value == pytest.approx(independent[(GDP_SHARE, row.revision)][(iso3, row.year)], rel=1e-12)


def test_over_http_the_same_as_the_folder(collected, tmp_path):
    with http_mirror(WB) as url:
        over_http = worldbank.collect(url, tmp_path / "cache", POLICY)
    pd.testing.assert_frame_equal(over_http.indicator, collected.indicator)
    assert [p["sha256"] for p in over_http.provenance] == [p["sha256"] for p in collected.provenance]
    assert all(p["fetched_from"].startswith(url) for p in over_http.provenance)
    assert over_http.left_out == collected.left_out


# ---- the zip the API serves, duplicates, stray indicators ----

def _bx_csv() -> Path:
    (path,) = [p for p in _data_csvs() if read_csv_independently(p)[0] == RECEIVED]
    return path


def _metadata_of(data_csv: Path) -> list[Path]:
    return sorted(data_csv.parent.glob(f"Metadata_*_{data_csv.name}"))


def test_the_apis_zip_reads_the_same_as_its_csv(tmp_path):
    csv_path = _bx_csv()
    plain, zipped = tmp_path / "plain", tmp_path / "zipped"
    plain.mkdir()
    zipped.mkdir()
    for path in [csv_path, *_metadata_of(csv_path)]:
        shutil.copy(path, plain / path.name)
    with zipfile.ZipFile(zipped / "download.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for path in [csv_path, *_metadata_of(csv_path)]:
            archive.write(path, path.name)
    a = worldbank.collect(str(plain), tmp_path / "c1", POLICY)
    b = worldbank.collect(str(zipped), tmp_path / "c2", POLICY)
    pd.testing.assert_frame_equal(a.indicator, b.indicator)
    assert a.left_out == b.left_out
    (prov,) = b.provenance
    assert prov["url"] == worldbank.bulk_url(RECEIVED, "csv") and prov["fetched_from"] == "local mirror: download.zip!" + csv_path.name


def test_the_same_vintage_twice_is_kept_once_with_a_note(tmp_path):
    csv_path = _bx_csv()
    shutil.copy(csv_path, tmp_path / "a.csv")
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as archive:
        archive.write(csv_path, csv_path.name)
    got = worldbank.collect(str(tmp_path), tmp_path / "cache", POLICY)
    assert len(got.provenance) == 1 and got.provenance[0]["fetched_from"] == "local mirror: a.csv"
    (note,) = [k for k in got.left_out if k.startswith("same ")]
    assert f"b.zip!{csv_path.name}" in note and "a.csv" in note
    assert got.left_out[note] == len(got.indicator)


def test_the_same_vintage_twice_with_different_figures_is_an_error(tmp_path):
    lines = _bx_csv().read_text(encoding="utf-8-sig").splitlines(keepends=True)
    (tmp_path / "a.csv").write_text("".join(lines), encoding="utf-8-sig")
    at = next(i for i, line in enumerate(lines) if '"MEX"' in line)
    cells = next(csv.reader([lines[at]]))
    column = next(j for j in range(len(cells) - 2, 4, -1) if cells[j])
    cells[column] = str(float(cells[column]) * 2)
    lines[at] = ",".join(f'"{c}"' for c in cells) + "\r\n"
    (tmp_path / "b.csv").write_text("".join(lines), encoding="utf-8-sig")
    with pytest.raises(UpstreamFormatError, match="with different figures") as error:
        worldbank.collect(str(tmp_path), tmp_path / "cache", POLICY)
    assert "a.csv" in str(error.value) and "b.csv" in str(error.value) and "484" in str(error.value)


def test_an_indicator_that_is_no_series_here_is_skipped_with_a_note(tmp_path):
    csv_path = _bx_csv()
    shutil.copy(csv_path, tmp_path / csv_path.name)
    text = csv_path.read_text(encoding="utf-8-sig").replace(f'"{RECEIVED}"', '"SP.POP.TOTL"')
    (tmp_path / "population.csv").write_text(text, encoding="utf-8-sig")
    got = worldbank.collect(str(tmp_path), tmp_path / "cache", POLICY)
    assert set(got.indicator["series"]) == {RECEIVED}
    assert any(k.startswith("indicator SP.POP.TOTL") and "population.csv" in k for k in got.left_out)
    (tmp_path / csv_path.name).unlink()
    with pytest.raises(UpstreamFormatError, match="no file in the mirror holds one of the series"):
        worldbank.collect(str(tmp_path), tmp_path / "cache", POLICY)


# ---- malformed variants of the real CSV ----

def _lines() -> list[str]:
    return _bx_csv().read_text(encoding="utf-8-sig").splitlines(keepends=True)


def _line_of(lines: list[str], iso3: str) -> int:
    return next(i for i, line in enumerate(lines) if next(csv.reader([line]), ["", ""])[1:2] == [iso3])


def _spoiled(tmp_path: Path, lines: list[str], *, metadata: bool = True) -> str:
    folder = tmp_path / "mirror"
    folder.mkdir(parents=True)
    (folder / "bad.csv").write_text("".join(lines), encoding="utf-8-sig", newline="")
    if metadata:
        for path in _metadata_of(_bx_csv()):
            shutil.copy(path, folder / path.name)
    return str(folder)


def _error(tmp_path: Path, lines: list[str], **kw) -> UpstreamFormatError:
    with pytest.raises(UpstreamFormatError) as error:
        worldbank.collect(_spoiled(tmp_path, lines, **kw), tmp_path / "cache", POLICY)
    assert error.value.file.endswith("bad.csv") and "bad.csv" in str(error.value)
    assert error.value.row is not None and error.value.column is not None
    return error.value


def _set_cell(lines: list[str], index: int, column: int, text: str) -> None:
    cells = next(csv.reader([lines[index]]))
    cells[column] = text
    lines[index] = ",".join(f'"{c}"' for c in cells) + "\r\n"


def test_missing_preamble(tmp_path):
    lines = _lines()
    error = _error(tmp_path, lines[4:])
    assert "missing preamble" in error.detail and error.row == 1 and error.column == 0


def test_changed_header(tmp_path):
    lines = _lines()
    lines[4] = lines[4].replace('"Country Code"', '"Country ISO3"')
    error = _error(tmp_path, lines)
    assert "header changed" in error.detail and (error.row, error.column, error.value) == (5, 1, "Country ISO3")


def test_truncated_file(tmp_path):
    lines = _lines()
    cut = "".join(lines)[: len("".join(lines)) // 2]
    error = _error(tmp_path, [cut])
    assert "truncated" in error.detail and error.row == cut.count("\n") + 1


def test_truncated_xls(tmp_path):
    folder = tmp_path / "mirror"
    folder.mkdir()
    data = _xls_files()[0].read_bytes()
    (folder / "bad.xls").write_bytes(data[: len(data) // 3])
    with pytest.raises(UpstreamFormatError, match="cannot read the Excel workbook") as error:
        worldbank.collect(str(folder), tmp_path / "cache", POLICY)
    assert error.value.file.endswith("bad.xls")


@pytest.mark.parametrize("bad", ["..", "n/a", "12a"])
def test_non_numeric_cell(tmp_path, bad):
    lines = _lines()
    at = _line_of(lines, "MEX")
    header = next(csv.reader([lines[4]]))
    column = header.index("2010")
    _set_cell(lines, at, column, bad)
    error = _error(tmp_path, lines)
    assert "not a number" in error.detail and (error.row, error.column, error.value) == (at + 1, column, bad)
    assert f"row {at + 1}" in str(error) and "column " in str(error)


def test_duplicate_country_row(tmp_path):
    lines = _lines()
    at = _line_of(lines, "MEX")
    lines.insert(at + 1, lines[at])
    error = _error(tmp_path, lines)
    assert "duplicate country row" in error.detail and f"first at row {at + 1}" in error.detail
    assert (error.row, error.column, error.value) == (at + 2, 1, "MEX")


def test_unknown_iso3_is_an_error_when_the_metadata_does_not_list_it(tmp_path):
    lines = _lines()
    at = _line_of(lines, "MEX")
    _set_cell(lines, at, 1, "ZZZ")
    error = _error(tmp_path, lines)
    assert "ZZZ" in error.detail and (error.row, error.column, error.value) == (at + 1, 1, "ZZZ")
    # without any country metadata in the mirror, an unmapped code is left out and counted, and the
    # World Bank's own list of economies (committed) still says that Mexico's row is missing
    with pytest.raises(UpstreamFormatError, match=r"incomplete file: 1 country or aggregate rows missing \(MEX\)"):
        worldbank.collect(_spoiled(tmp_path / "bare", lines, metadata=False), tmp_path / "cache", POLICY)
    lines.insert(at + 1, lines[at].replace('"ZZZ"', '"MEX"'))
    got = worldbank.collect(_spoiled(tmp_path / "bare2", lines, metadata=False), tmp_path / "cache", POLICY)
    assert got.left_out["ZZZ"] > 0 and 484 in set(got.indicator["area_code"])


def test_a_share_of_gdp_in_the_wrong_unit_is_rejected_by_the_schema(tmp_path):
    """US$ amounts filed under the % of GDP series: the reader loads them, the schema stops them."""
    lines = [line.replace(f'"{RECEIVED}"', f'"{GDP_SHARE}"') for line in _lines()]
    got = worldbank.collect(_spoiled(tmp_path, lines), tmp_path / "cache", POLICY)
    assert set(got.indicator["unit"]) == {"% of GDP"}
    with pytest.raises(ValidationFailed, match="a share of GDP lies within") as error:
        validate("indicator", got.indicator, IndicatorSchema, None)
    assert error.value.table == "indicator"


def test_the_real_files_validate_except_for_shares_over_100(collected):
    """Everything but the % of GDP series' real >100 values (Lesotho) passes the schema as it is."""
    frame = collected.indicator
    kept = frame[~((frame["series"] == GDP_SHARE) & (frame["value"] > 100))]
    validate("indicator", kept, IndicatorSchema, None)
