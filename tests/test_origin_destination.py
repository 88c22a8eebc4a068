"""The origin x destination parser: on generated workbooks in the publisher's layout (SYNTHETIC
values), and on the real files whenever they are present in the upstream directory."""

from __future__ import annotations

import pytest
from openpyxl.utils import get_column_letter

from etl.errors import UpstreamFormatError
from etl.sources import undesa_ims
from schemas.common import PUBLISHED_YEARS, SEX_SUM_MIN_ABS, SEX_SUM_TOLERANCE
from tests.helpers import (
    SEXES,
    SYNTHETIC_PAIRS,
    YEARS_2020,
    origin_destination_sheet,
    synthetic_split,
    write_workbook,
)

COLUMNS = ["revision", "year", "destination_code", "origin_code", "sex", "migrants"]
OD_DATASETS = [d for d in undesa_ims.DATASETS if d.layout == "origin_destination"]


def od_workbook(tmp_path, sheet=None, name="od.xlsx"):
    sheet = sheet or origin_destination_sheet()
    return write_workbook(tmp_path / name, {"Table 1": sheet.rows})


def parse(path, revision=2020):
    return undesa_ims.parse_origin_destination_workbook(path, revision)


def test_rows_codes_sexes_and_values(tmp_path):
    frame = parse(od_workbook(tmp_path))
    assert list(frame.columns) == COLUMNS
    assert len(frame) == len(SYNTHETIC_PAIRS) * len(YEARS_2020) * len(SEXES)
    assert set(frame["revision"]) == {2020} and set(frame["sex"]) == set(SEXES)
    assert sorted(frame["year"].unique()) == list(YEARS_2020)
    pairs = set(zip(frame["destination_code"], frame["origin_code"], strict=True))
    assert pairs == {(dest, origin) for dest, _, origin, _, _ in SYNTHETIC_PAIRS}
    for dest, _, origin, _, total in SYNTHETIC_PAIRS:
        for sex, value in synthetic_split(total).items():
            got = frame[(frame.destination_code == dest) & (frame.origin_code == origin) & (frame.sex == sex)]
            assert set(got["migrants"]) == {value}, (dest, origin, sex)
    assert frame["migrants"].dtype == "int64"


def test_other_origin_is_kept(tmp_path):
    """'Other' (code 2003: origins the publisher does not break down) is a real part of the total."""
    frame = parse(od_workbook(tmp_path))
    other = frame[(frame.origin_code == 2003) & (frame.sex == "total")]
    assert len(other) == len(YEARS_2020)
    expected = next(total for dest, _, origin, _, total in SYNTHETIC_PAIRS if origin == 2003)
    assert set(other["migrants"]) == {expected} and set(other["destination_code"]) == {840}


def test_header_moved_down_still_parses(tmp_path):
    reference = parse(od_workbook(tmp_path))
    shifted = parse(od_workbook(tmp_path, origin_destination_sheet(header_offset=9), "shifted.xlsx"))
    assert shifted.equals(reference)


def test_missing_markers_leave_no_row(tmp_path):
    sheet = origin_destination_sheet()
    sheet.set((840, 484), "female", 1995, "..")
    sheet.set((840, 484), "male", 1995, "~")
    frame = parse(od_workbook(tmp_path, sheet))
    pair = frame[(frame.destination_code == 840) & (frame.origin_code == 484) & (frame.year == 1995)]
    assert list(pair["sex"]) == ["total"]
    assert len(frame) == len(SYNTHETIC_PAIRS) * len(YEARS_2020) * len(SEXES) - 2


def test_duplicate_pair_is_an_error_naming_both_rows(tmp_path):
    sheet = origin_destination_sheet()
    first = sheet.row((840, 484))
    sheet.rows.append(list(sheet.rows[first]))
    path = od_workbook(tmp_path, sheet, "dup.xlsx")
    with pytest.raises(UpstreamFormatError) as error:
        parse(path)
    message = str(error.value)
    assert f"duplicate destination x origin pair 840 x 484 (first at row {first + 1})" in message
    assert f"row {len(sheet.rows)}" in message and "file dup.xlsx" in message and "sheet 'Table 1'" in message


@pytest.mark.parametrize("blank", ["destination_code", "origin_code"])
def test_row_with_only_one_code_is_an_error(tmp_path, blank):
    sheet = origin_destination_sheet()
    row = sheet.row((170, 862))
    sheet.rows[row][sheet.label_cols[blank]] = ""
    path = od_workbook(tmp_path, sheet, "onecode.xlsx")
    with pytest.raises(UpstreamFormatError, match="row has only one of the two location codes") as error:
        parse(path)
    assert f"row {row + 1})" in str(error.value) and "file onecode.xlsx" in str(error.value)


def test_text_in_a_value_cell_names_row_and_column(tmp_path):
    sheet = origin_destination_sheet()
    sheet.set((76, 862), "male", 2010, "n/a")
    with pytest.raises(UpstreamFormatError) as error:
        parse(od_workbook(tmp_path, sheet))
    letter = get_column_letter(sheet.col("male", 2010) + 1)
    assert f"row {sheet.row((76, 862)) + 1}, column {letter}, value 'n/a'" in str(error.value)


def test_renamed_origin_code_label_is_reported(tmp_path):
    sheet = origin_destination_sheet()
    sheet.rows[sheet.header_row][sheet.label_cols["origin_code"]] = "Origin code"
    with pytest.raises(UpstreamFormatError, match=r"header row not found.*origin_code.*sheet 'Table 1'"):
        parse(od_workbook(tmp_path, sheet))


def test_missing_female_block_is_reported(tmp_path):
    sheet = origin_destination_sheet()
    block_row = sheet.header_row - 2
    female_col = sheet.col("female", YEARS_2020[0])
    assert "females" in sheet.rows[block_row][female_col]
    sheet.rows[block_row][female_col] = "International migrant stock at mid-year, unknown"
    with pytest.raises(UpstreamFormatError, match=r"blocks for sex \['female'\] not found"):
        parse(od_workbook(tmp_path, sheet))


@pytest.mark.parametrize("dataset", OD_DATASETS, ids=lambda d: d.key)
def test_real_origin_destination_file_when_present(upstream_dir, dataset):
    path = upstream_dir / dataset.filename
    if not path.is_file():
        pytest.skip(f"{dataset.filename} not in {upstream_dir} (not obtained yet, see PROVENANCE.md)")
    frame = parse(path, dataset.revision)
    assert list(frame.columns) == COLUMNS
    assert set(frame["sex"]) == set(SEXES) and set(frame["revision"]) == {dataset.revision}
    assert set(frame["year"]) <= set(PUBLISHED_YEARS[dataset.revision])
    assert not frame.duplicated(["year", "destination_code", "origin_code", "sex"]).any()
    assert (frame["migrants"] >= 0).all()
    assert (frame["destination_code"] > 0).all() and (frame["origin_code"] > 0).all()
    wide = frame.pivot_table(index=["year", "destination_code", "origin_code"], columns="sex", values="migrants")
    gap = (wide["male"] + wide["female"] - wide["total"]).abs().dropna()
    assert (gap <= (wide.loc[gap.index, "total"] * SEX_SUM_TOLERANCE).clip(lower=SEX_SUM_MIN_ABS)).all()
    # The World x World cell equals the World total of the same revision's destination workbook.
    destination = next(d for d in undesa_ims.DATASETS if d.layout == "destination" and d.revision == dataset.revision)
    stock = undesa_ims.parse_destination_workbook(upstream_dir / destination.filename, dataset.revision).stock
    world = stock[(stock.destination_code == 900) & (stock.sex == "total")].set_index("year")["migrants"]
    od_world = frame[(frame.destination_code == 900) & (frame.origin_code == 900) & (frame.sex == "total")]
    assert od_world.set_index("year")["migrants"].to_dict() == world.loc[od_world["year"]].to_dict()
