"""IDMC GIDD exports, on the two real workbooks; expected figures read with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bench.harness import http_mirror
from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy
from etl.sources import idmc
from schemas.internal_displacement import DisasterEventsByHazardSchema, InternalDisplacementSchema

IDMC_DIR = Path(__file__).resolve().parents[2] / "shared/data/upstream/idmc"
COUNTRY = "IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx"
EVENTS = "IDMC_GIDD_Disasters_Internal_Displacement_Data.xlsx"
POLICY = FetchPolicy(timeout=10, attempts=2, backoff=0.01)
needs_upstream = pytest.mark.skipif(not all((IDMC_DIR / f).is_file() for f in (COUNTRY, EVENTS)),
                                    reason=f"IDMC workbooks not found in {IDMC_DIR}")


def sheet(name: str, title: str) -> tuple[list[str], list[tuple]]:
    book = openpyxl.load_workbook(IDMC_DIR / name, read_only=True, data_only=True)
    rows = list(book[title].iter_rows(values_only=True))
    book.close()
    return [str(c) for c in rows[0]], rows[1:]


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory):
    if not IDMC_DIR.is_dir():
        pytest.skip(f"IDMC workbooks not found in {IDMC_DIR}")
    return idmc.collect(str(IDMC_DIR), tmp_path_factory.mktemp("idmc-cache"), POLICY)


@needs_upstream
def test_haiti_2021_disaster_new_displacements(collected):
    d = collected.tables["internal_displacement"]
    header, rows = sheet(COUNTRY, idmc.COUNTRY_SHEET)
    raw = next(r for r in rows if r[0] == "HTI" and r[2] == 2021)
    hit = d[(d.vintage == "2023-05-11") & (d.area_code == 332) & (d.year == 2021) & (d.cause == "disaster")
            & (d.measure == "new_displacements")]
    assert hit["persons"].tolist() == [raw[header.index("Disaster Internal Displacements (Raw)")]]
    assert hit["persons_rounded"].tolist() == [raw[header.index("Disaster Internal Displacements")]]
    header, rows = sheet(EVENTS, idmc.EVENT_SHEET)
    expected = sum(r[header.index("Disaster Internal Displacements (Raw)")] for r in rows
                   if r[0] == "HTI" and r[2] == 2021)
    hit = d[(d.vintage == "2025-05-13") & (d.area_code == 332) & (d.year == 2021)]
    assert hit["persons"].tolist() == [expected]
    hazards = collected.tables["disaster_events_by_hazard"]
    assert hazards[(hazards.area_code == 332) & (hazards.year == 2021)]["persons"].sum() == expected


@needs_upstream
def test_tables_validate_and_provenance(collected):
    InternalDisplacementSchema.validate(collected.tables["internal_displacement"])
    DisasterEventsByHazardSchema.validate(collected.tables["disaster_events_by_hazard"])
    assert {p["vintage"] for p in collected.provenance} == {"2023-05-11", "2025-05-13"}
    assert all(p["licence"] == "CC BY-NC 4.0" for p in collected.provenance)
    assert set(collected.left_out) <= {"AB9", "XKX"}


@needs_upstream
def test_http_mirror_gives_the_folder_result(collected, tmp_path):
    with http_mirror(IDMC_DIR) as url:
        over_http = idmc.collect(url, tmp_path / "cache", POLICY)
    for table in ("internal_displacement", "disaster_events_by_hazard"):
        pd.testing.assert_frame_equal(over_http.tables[table], collected.tables[table])


def edited(tmp_path: Path, edit) -> Path:
    book = openpyxl.load_workbook(IDMC_DIR / COUNTRY)
    edit(book)
    out = tmp_path / "export.xlsx"
    book.save(out)
    return out


@needs_upstream
def test_renamed_sheet_is_named(tmp_path):
    def rename(book):
        book[idmc.COUNTRY_SHEET].title = "Data"
    with pytest.raises(UpstreamFormatError, match="1_Displacement_data") as info:
        idmc.read_export(edited(tmp_path, rename))
    assert info.value.file == "export.xlsx"


@needs_upstream
def test_missing_column_is_named(tmp_path):
    def drop(book):
        book[idmc.COUNTRY_SHEET]["J1"] = "Something else"
    with pytest.raises(UpstreamFormatError, match="Disaster Stock Displacement") as info:
        idmc.read_export(edited(tmp_path, drop))
    assert info.value.sheet == idmc.COUNTRY_SHEET and info.value.row == 1


@needs_upstream
def test_non_numeric_value_names_sheet_row_column(tmp_path):
    def corrupt(book):
        book[idmc.COUNTRY_SHEET]["I3"] = "n/a"  # SYNTHETIC
    with pytest.raises(UpstreamFormatError, match="not a count") as info:
        idmc.read_export(edited(tmp_path, corrupt))
    assert (info.value.sheet, info.value.row, info.value.column) == (idmc.COUNTRY_SHEET, 3, 8)
