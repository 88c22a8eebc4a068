"""Each kind of upstream breakage gives an error that names the file, sheet, row and column."""

from __future__ import annotations

import re
import shutil

import pytest

from etl.errors import UpstreamFormatError
from etl.sources.undesa_ims import parse_destination_workbook
from tests.helpers import write_workbook
from tests.workbooks import destination_rows, destination_workbook


def parse(path):
    return parse_destination_workbook(path, 2024)


def test_generated_workbook_parses(tmp_path):
    tables = parse(destination_workbook(tmp_path / "ok.xlsx"))
    assert set(tables.stock["destination_code"]) >= {900, 904, 905, 915, 916, 931}
    assert tables.areas.loc[tables.areas["code"] == 840, "name"].item() == "United States of America"


def test_header_moved_down_still_parses(tmp_path):
    tables = parse(destination_workbook(tmp_path / "shifted.xlsx", destination_rows(header_offset=7)))
    assert len(tables.stock) == len(parse(destination_workbook(tmp_path / "ok.xlsx")).stock)


def test_renamed_code_column_is_named_in_the_error(tmp_path):
    path = destination_workbook(tmp_path / "renamed.xlsx", destination_rows(code_label="Loc. code"))
    with pytest.raises(UpstreamFormatError, match=r"header row not found.*code.*renamed.xlsx.*sheet 'Table 1'"):
        parse(path)


def test_text_in_a_numeric_cell_names_row_and_column(tmp_path):
    rows = destination_rows()
    header = next(i for i, r in enumerate(rows) if "Location code" in r)
    rows[header + 3][7] = "abc"  # Caribbean, 2000, both sexes
    with pytest.raises(UpstreamFormatError) as error:
        parse(destination_workbook(tmp_path / "text.xlsx", rows))
    message = str(error.value)
    assert f"row {header + 4}" in message and "column H" in message and "'abc'" in message and "sheet 'Table 1'" in message


def test_missing_female_block_is_reported(tmp_path):
    rows = destination_rows()
    block_row = next(i for i, r in enumerate(rows) if any("females" in str(c) for c in r))
    rows[block_row] = [c if "females" not in str(c) else "" for c in rows[block_row]]
    rows[block_row][-8] = "Something else entirely"
    with pytest.raises(UpstreamFormatError, match=r"female"):
        parse(destination_workbook(tmp_path / "nofemale.xlsx", rows))


def test_duplicate_code_with_different_values_is_an_error(tmp_path):
    rows = destination_rows()
    duplicate = list(rows[-1])
    duplicate[5] = duplicate[5] + 1
    rows.append(duplicate)
    with pytest.raises(UpstreamFormatError, match=r"location code 840 appears twice with different values"):
        parse(destination_workbook(tmp_path / "dup.xlsx", rows))


def test_missing_stock_sheet_lists_the_sheets(tmp_path):
    path = write_workbook(tmp_path / "nosheet.xlsx", {"Table 2": [["Total population at mid-year by sex"]]})
    with pytest.raises(UpstreamFormatError, match=re.escape("no sheet has a title matching")):
        parse(path)


def test_truncated_file_is_not_a_valid_xlsx(tmp_path, upstream_dir):
    source = upstream_dir / "undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx"
    truncated = tmp_path / source.name
    truncated.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    with pytest.raises(UpstreamFormatError, match=r"not a valid \.xlsx file"):
        parse(truncated)


@pytest.mark.parametrize("marker", ["..", "~", "—", ""])
def test_publisher_missing_markers_leave_no_row(tmp_path, marker):
    rows = destination_rows()
    header = next(i for i, r in enumerate(rows) if "Location code" in r)
    rows[header + 4][5] = marker  # Haiti, 1990, both sexes
    stock = parse(destination_workbook(tmp_path / "missing.xlsx", rows)).stock
    haiti = stock[(stock.destination_code == 332) & (stock.sex == "total")]
    assert 1990 not in set(haiti["year"]) and len(haiti) == 7


def test_copy_of_real_file_under_another_name_parses_the_same(tmp_path, upstream_dir):
    source = upstream_dir / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
    copy = shutil.copy(source, tmp_path / "renamed-file.xlsx")
    assert len(parse_destination_workbook(copy, 2020).stock) == len(parse_destination_workbook(source, 2020).stock)
