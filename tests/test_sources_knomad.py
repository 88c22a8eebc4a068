"""The World Bank/KNOMAD bilateral migration matrices, on the publisher's two real workbooks.

Every expected figure is read from the raw sheet by an independent reader (openpyxl, rows and
columns found by the names the publisher prints), never typed in. The malformed variants are
generated into tmp_path; their numbers are SYNTHETIC test fixtures, never data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bench.harness import http_mirror
from etl import areas
from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy
from etl.groupings import roster_iso3
from etl.indicators import m49_of_iso3
from etl.sources import knomad
from schemas.bilateral_stock import BilateralCheckSchema, BilateralStockSchema
from tests.helpers import write_workbook

UPSTREAM = Path(__file__).resolve().parents[2] / "shared/data/upstream"
KNOMAD_DIR = UPSTREAM / "knomad"
FILES = {2021: "bilateral_migration_matrix_2021_latest.xlsx", 2013: "Mig2013.xlsx"}
WB_METADATA = UPSTREAM / "worldbank/Metadata_Country_API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv"
POLICY = FetchPolicy(timeout=10, attempts=2, backoff=0.01)
needs_upstream = pytest.mark.skipif(
    not all((KNOMAD_DIR / f).is_file() for f in FILES.values()),
    reason=f"KNOMAD workbooks not found in {KNOMAD_DIR} (the repository is cloned beside ../shared)")


# ---- an independent reader of the raw sheet ----


class RawMatrix:
    """The sheet as openpyxl reads it: cells addressed by the printed origin and destination."""

    def __init__(self, path: Path) -> None:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        self.rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        header = next(i for i, r in enumerate(self.rows) if str(r[0] or "").startswith("Destination country"))
        self.columns = {str(v).strip(): c for c, v in enumerate(self.rows[header]) if c and v}
        self.destinations = list(self.columns)
        self.origins = []
        for row in self.rows[header + 1:]:
            self.origins.append(str(row[0]).strip())
            if self.origins[-1] == "World":
                break
        self.row_of = {name: header + 1 + i for i, name in enumerate(self.origins)}

    def cell(self, origin: str, destination: str) -> object:
        return self.rows[self.row_of[origin]][self.columns[destination]]

    def persons(self, origin: str, destination: str) -> int:
        value = self.cell(origin, destination)
        return int(value) if isinstance(value, int | float) else 0


@pytest.fixture(scope="module")
def raw() -> dict[int, RawMatrix]:
    if not all((KNOMAD_DIR / f).is_file() for f in FILES.values()):
        pytest.skip(f"KNOMAD workbooks not found in {KNOMAD_DIR}")
    return {edition: RawMatrix(KNOMAD_DIR / name) for edition, name in FILES.items()}


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory):
    if not KNOMAD_DIR.is_dir():
        pytest.skip(f"KNOMAD workbooks not found in {KNOMAD_DIR}")
    return knomad.collect(str(KNOMAD_DIR), tmp_path_factory.mktemp("knomad-cache"), POLICY)


@pytest.fixture(scope="module")
def stock(collected) -> pd.DataFrame:
    return collected.tables["bilateral_stock"]


def stored(stock: pd.DataFrame, edition: int, origin: int, destination: int) -> int:
    hit = stock[(stock["edition"] == edition) & (stock["origin_code"] == origin)
                & (stock["destination_code"] == destination)]
    assert len(hit) == 1, (edition, origin, destination)
    return int(hit["migrants"].iloc[0])


# ---- the real workbooks ----


@needs_upstream
@pytest.mark.parametrize(("edition", "origin", "destination", "codes"), [
    (2021, "Mexico", "United States", (484, 840)),
    (2021, "Venezuela, RB", "Colombia", (862, 170)),
    (2013, "Mexico", "United States", (484, 840)),
    (2013, "Haiti", "Dominican Republic", (332, 214)),
])
def test_corridors_match_the_raw_sheet(stock, raw, edition, origin, destination, codes):
    expected = raw[edition].persons(origin, destination)
    assert expected > 0
    assert stored(stock, edition, *codes) == expected


@needs_upstream
def test_tables_validate_and_carry_editions(collected, stock):
    BilateralStockSchema.validate(stock)
    BilateralCheckSchema.validate(collected.tables["bilateral_check"])
    assert sorted(stock["edition"].unique()) == [2013, 2021]
    assert (stock["year"] == stock["edition"]).all()  # KNOMAD names a matrix by its estimates' year
    assert stock["migrants"].dtype == "int64" and (stock["migrants"] > 0).all()
    assert collected.indicator.empty


@needs_upstream
def test_every_oas_member_state_is_an_origin_and_a_destination(stock):
    oas = roster_iso3("oas")
    codes = {iso3: m49_of_iso3(iso3) for iso3 in oas}
    assert None not in codes.values()
    for edition in FILES:
        rows = stock[stock["edition"] == edition]
        assert set(codes.values()) <= set(rows["origin_code"]), edition
        assert set(codes.values()) <= set(rows["destination_code"]), edition


@needs_upstream
def test_residuals_are_kept_and_world_is_not(stock, raw):
    north, south = areas.residual_code("OTHER_NORTH"), areas.residual_code("OTHER_SOUTH")
    assert stored(stock, 2021, north, 840) == raw[2021].persons("Other North", "United States")
    assert stored(stock, 2013, 840, south) == raw[2013].persons("United States", "Other South")
    assert not stock["origin_code"].isin([900]).any() and not stock["destination_code"].isin([900]).any()


@needs_upstream
def test_world_totals_equal_their_parts_with_kosovo_kept_under_its_own_code(collected, stock, raw):
    """Kosovo has no M49 code: its row and column are kept under the documented residual code, so
    the sums reach the publisher's printed World row (the USA's immigrants in 2013 among them)."""
    checks = collected.tables["bilateral_check"]
    assert checks[checks["check"] != "missing_marker"].empty  # both editions add up exactly
    kosovo_code = areas.residual_code("XKX")
    for edition, sheet in raw.items():
        rows = stock[stock["edition"] == edition]
        assert rows["migrants"].sum() == sheet.persons("World", "World")
        to_us = rows[(rows["origin_code"] == kosovo_code) & (rows["destination_code"] == 840)]["migrants"].sum()
        assert to_us == sheet.persons("Kosovo", "United States")
        assert rows.loc[rows["origin_code"] == kosovo_code, "migrants"].sum() == sheet.persons("Kosovo", "World")
        assert rows.loc[rows["destination_code"] == 840, "migrants"].sum() == sheet.persons("World", "United States")
    assert collected.left_out == {}


@needs_upstream
def test_publisher_markers_are_reported(collected, raw):
    expected = {(edition, o, d) for edition, sheet in raw.items()
                for o in sheet.origins for d in sheet.destinations if isinstance(sheet.cell(o, d), str)}
    markers = collected.tables["bilateral_check"].query("check == 'missing_marker'")
    assert set(zip(markers["edition"], markers["origin"], markers["destination"], strict=True)) == expected


@needs_upstream
def test_provenance_one_row_per_file(collected):
    rows = {p["dataset"]: p for p in collected.provenance}
    assert set(rows) == {"knomad_bilateral_2013", "knomad_bilateral_2021"}
    assert rows["knomad_bilateral_2021"]["vintage"] == "December 2022"
    assert all(p["url"].startswith("https://www.knomad.org/") and p["licence"] == "CC BY 4.0" for p in rows.values())
    assert sorted(rel for rel, _ in collected.files) == sorted(FILES.values())


@needs_upstream
def test_http_mirror_gives_the_folder_result(collected, tmp_path):
    with http_mirror(KNOMAD_DIR) as url:
        over_http = knomad.collect(url, tmp_path / "cache", POLICY)
    for table in ("bilateral_stock", "bilateral_check"):
        pd.testing.assert_frame_equal(over_http.tables[table], collected.tables[table])
    volatile = {"fetched_from", "retrieved_at"}
    strip = [{k: v for k, v in p.items() if k not in volatile} for p in collected.provenance]
    assert [{k: v for k, v in p.items() if k not in volatile} for p in over_http.provenance] == strip
    assert [rel for rel, _ in over_http.files] == [rel for rel, _ in collected.files]
    assert over_http.left_out == collected.left_out


@needs_upstream
def test_without_mirror_the_published_urls_are_fetched(collected, tmp_path, monkeypatch):
    with http_mirror(KNOMAD_DIR) as url:
        monkeypatch.setattr(knomad, "PUBLISHED_URLS", {e: url + name for e, name in FILES.items()})
        fetched = knomad.collect(None, tmp_path / "cache", POLICY)
    pd.testing.assert_frame_equal(
        fetched.tables["bilateral_stock"].sort_values(["edition", "origin_code", "destination_code"], ignore_index=True),
        collected.tables["bilateral_stock"].sort_values(["edition", "origin_code", "destination_code"], ignore_index=True))


# ---- the names ----


@pytest.mark.skipif(not WB_METADATA.is_file(), reason=f"World Bank metadata file not found: {WB_METADATA}")
def test_committed_name_table_is_what_the_generator_makes():
    committed = pd.read_csv(Path(knomad.__file__).parents[1] / knomad.NAMES_FILE, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(committed, knomad.country_name_table(WB_METADATA))


def test_aliases_are_needed_and_map_to_known_areas():
    names = knomad.country_names()
    for alias, iso3 in knomad.ALIASES.items():
        assert alias not in names, f"{alias} is in the World Bank's list: drop the alias"
        assert m49_of_iso3(iso3) is not None, alias
    assert {iso3 for iso3 in names.values() if m49_of_iso3(iso3) is None} == \
        set(knomad.LEFT_OUT_ISO3) | set(knomad.OUTSIDE_M49)


# ---- generated layouts (SYNTHETIC figures) ----

NAMES = ["Mexico", "United States", "Kosovo", "Other North", "Other South"]
CELLS = [[0, 900, 0, 5, 0], [30, 0, 0, 0, 4], [0, 0, 0, 0, 0], [2, 70, 0, 0, 0], [60, 100, 0, 0, 1]]


def synthetic_rows(cells: list[list[object]] = CELLS) -> list[list[object]]:
    numbers = [[c if isinstance(c, int) else 0 for c in row] for row in cells]
    by_origin = [sum(row) for row in numbers]
    by_destination = [sum(col) for col in zip(*numbers, strict=True)]
    body = [[name, *[c or "" for c in row], by_origin[i]] for i, (name, row) in enumerate(zip(NAMES, cells, strict=True))]
    return [
        ["Bilateral Estimates of Migrant Stocks in 2021"],
        ["Destination country (across)      -      Source country (down) ", *NAMES, "World"],
        *body,
        ["World", *by_destination, sum(by_origin)],
        [],
        ["When using the data, please cite: KNOMAD/World Bank Bilateral Remittance Matrix 2021, December 2022."],
    ]


def write(tmp_path: Path, rows: list[list[object]], name: str = "matrix.xlsx") -> Path:
    return write_workbook(tmp_path / name, {"BRM 2021": rows})


def test_synthetic_matrix_reads_and_moves_with_its_header(tmp_path):
    base = knomad.read_matrix(write(tmp_path, synthetic_rows()))
    assert (base.edition, base.year, base.release) == (2021, 2021, "December 2022")
    assert base.checks.empty and base.left_out == {}
    assert stored(base.stock, 2021, 484, 840) == 900
    assert stored(base.stock, 2021, areas.residual_code("OTHER_SOUTH"), 484) == 60
    moved = synthetic_rows()
    moved[1:1] = [[], ["SYNTHETIC note above the table"], []]
    pd.testing.assert_frame_equal(knomad.read_matrix(write(tmp_path, moved, "moved.xlsx")).stock, base.stock)


def test_kosovo_cells_are_kept_under_their_residual_code(tmp_path):
    cells = [row[:] for row in CELLS]
    cells[2][0], cells[0][2] = 7, 3  # Kosovo -> Mexico, Mexico -> Kosovo
    matrix = knomad.read_matrix(write(tmp_path, synthetic_rows(cells)))
    kosovo = areas.residual_code("XKX")
    assert matrix.left_out == {} and matrix.checks.empty
    assert (stored(matrix.stock, 2021, kosovo, 484), stored(matrix.stock, 2021, 484, kosovo)) == (7, 3)
    assert matrix.stock["migrants"].sum() == sum(map(sum, [[c for c in row if isinstance(c, int)] for row in cells]))


def test_world_differences_are_reported_or_stop(tmp_path):
    rows = synthetic_rows()
    rows[7][2] += 3  # World row, United States column: 3 persons of rounding
    rows[7][-1] += 3
    checks = knomad.read_matrix(write(tmp_path, rows)).checks
    assert set(checks["check"]) == {"destination_total", "world_total"}
    us = checks[checks["check"] == "destination_total"].iloc[0]
    assert (us["destination"], us["cell"], us["difference"]) == ("United States", "C8", 3)
    rows[7][2] += 5_000  # far beyond rounding: a misread sheet
    with pytest.raises(UpstreamFormatError, match=r"row 8, column C"):
        knomad.read_matrix(write(tmp_path, rows, "far.xlsx"))


def test_unknown_country_name_stops(tmp_path):
    rows = synthetic_rows()
    rows[3][0] = "Atlantis"
    with pytest.raises(UpstreamFormatError, match=r"file bad\.xlsx.*row 4, column A, value 'Atlantis'"):
        knomad.read_matrix(write(tmp_path, rows, "bad.xlsx"))


def test_shifted_header_stops(tmp_path):
    rows = synthetic_rows()
    rows[1] = ["", *rows[1]]
    with pytest.raises(UpstreamFormatError, match=r"file shifted\.xlsx.*row 2, column B"):
        knomad.read_matrix(write(tmp_path, rows, "shifted.xlsx"))


def test_missing_header_label_stops(tmp_path):
    rows = synthetic_rows()
    rows[1][0] = "Country"
    with pytest.raises(UpstreamFormatError, match=r"header label.*file nolabel\.xlsx.*row 1, column A"):
        knomad.read_matrix(write(tmp_path, rows, "nolabel.xlsx"))


def test_non_numeric_cell_stops(tmp_path):
    rows = synthetic_rows()
    rows[2][3] = "12 345"
    with pytest.raises(UpstreamFormatError, match=r"file text\.xlsx.*row 3, column D, value '12 345'"):
        knomad.read_matrix(write(tmp_path, rows, "text.xlsx"))


def test_missing_world_row_stops(tmp_path):
    rows = synthetic_rows()[:6]
    with pytest.raises(UpstreamFormatError, match=r"'World' row.*file cut\.xlsx.*column A"):
        knomad.read_matrix(write(tmp_path, rows, "cut.xlsx"))


def test_truncated_file_stops(tmp_path):
    whole = write(tmp_path, synthetic_rows()).read_bytes()
    cut = tmp_path / "truncated.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(UpstreamFormatError, match=r"truncated.*file truncated\.xlsx"):
        knomad.read_matrix(cut)


def test_a_file_without_the_title_is_not_a_matrix(tmp_path):
    rows = synthetic_rows()
    rows[0] = ["Bilateral Remittance Estimates for 2021 (SYNTHETIC)"]
    with pytest.raises(UpstreamFormatError, match=r"no sheet has a title.*file other\.xlsx"):
        knomad.read_matrix(write(tmp_path, rows, "other.xlsx"))


def test_duplicate_edition_in_a_mirror_stops(tmp_path):
    folder = tmp_path / "mirror"
    (folder / "copy").mkdir(parents=True)
    write(folder, synthetic_rows(), "a.xlsx")
    shutil.copyfile(folder / "a.xlsx", folder / "copy" / "b.xlsx")
    with pytest.raises(UpstreamFormatError, match=r"the same file twice .*a\.xlsx and copy/b\.xlsx"):
        knomad.collect(str(folder), tmp_path / "cache", POLICY)
    other = synthetic_rows()
    other[1:1] = [["SYNTHETIC note: another download of the same edition"]]
    write(folder / "copy", other, "b.xlsx")
    with pytest.raises(UpstreamFormatError, match=r"edition 2021 also in a\.xlsx.*file copy/b\.xlsx"):
        knomad.collect(str(folder), tmp_path / "cache", POLICY)
