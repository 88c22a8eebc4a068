"""Reading workbooks by their labels, and a clear error for each kind of upstream breakage.

The broken workbooks are generated (tests/helpers.py, SYNTHETIC values); each error must say
which file, which sheet and, where it applies, which row and column letter.
"""

from __future__ import annotations

import math
import zipfile

import pytest
from openpyxl.utils import get_column_letter

from etl.errors import UpstreamFormatError, column_letter
from etl.sources.undesa_ims import parse_destination_workbook
from etl.workbook import Workbook, cell_code, cell_number, locate_table, open_workbook, sex_of_block
from tests.helpers import (
    SYNTHETIC_AREAS,
    YEARS_2024,
    destination_sheet,
    destination_workbook,
    synthetic_split,
)

SOURCE = "undesa_ims"


def parse(path):
    return parse_destination_workbook(path, 2024)


def raises_format_error(path) -> UpstreamFormatError:
    with pytest.raises(UpstreamFormatError) as error:
        parse(path)
    message = str(error.value)
    assert message.startswith(f"[{SOURCE}] ")
    assert f"file {path.name}" in message and error.value.file == path.name
    return error.value


def cell_ref(row_index: int, col_index: int) -> tuple[str, str]:
    """('row N', 'column X') for 0-based indexes, computed with openpyxl, not the ETL."""
    return f"row {row_index + 1}", f"column {get_column_letter(col_index + 1)}"


# ---- the generated workbook itself parses into what was written ----


def test_generated_workbook_parses_to_the_values_written(tmp_path):
    tables = parse(destination_workbook(tmp_path / "ok.xlsx"))
    assert len(tables.stock) == len(SYNTHETIC_AREAS) * len(YEARS_2024) * 3
    for code, _, _, total in SYNTHETIC_AREAS:
        for sex, value in synthetic_split(total).items():
            got = tables.stock[(tables.stock.destination_code == code) & (tables.stock.sex == sex)]
            assert sorted(got["year"]) == list(YEARS_2024) and set(got["migrants"]) == {value}
    names = dict(zip(tables.areas["code"], tables.areas["name"], strict=True))
    assert names[840] == "United States of America" and names[76] == "Brazil"
    assert tables.sheets == {"stock": "Table 1"}
    assert tables.population.empty and tables.share.empty and tables.refugees.empty


@pytest.mark.parametrize(("header_offset", "col_offset"), [(7, 0), (0, 3), (12, 2)])
def test_header_moved_down_or_right_still_parses(tmp_path, header_offset, col_offset):
    reference = parse(destination_workbook(tmp_path / "ok.xlsx")).stock
    sheet = destination_sheet(header_offset=header_offset, col_offset=col_offset)
    shifted = parse(destination_workbook(tmp_path / "shifted.xlsx", sheet)).stock
    assert sheet.header_row == destination_sheet().header_row + header_offset
    assert shifted.equals(reference)


def test_locate_table_finds_header_and_value_columns_by_label(tmp_path):
    sheet = destination_sheet(header_offset=4)
    book = open_workbook(SOURCE, destination_workbook(tmp_path / "layout.xlsx", sheet))
    layout = locate_table(book, "Table 1", {"name": r"^region, development group", "code": r"^location code$"})
    assert layout.header_row == sheet.header_row and layout.first_data_row == sheet.first_data_row
    assert layout.label_cols == {"name": sheet.label_cols["name"], "code": sheet.label_cols["code"]}
    got = {(sex_of_block(block), int(year)): col for col, block, year in layout.value_cols}
    assert got == sheet.value_cols


# ---- each breakage: a clear error naming where ----


def test_renamed_code_label_is_reported_with_file_and_sheet(tmp_path):
    path = destination_workbook(tmp_path / "renamed.xlsx", destination_sheet(code_label="Loc. code"))
    error = raises_format_error(path)
    assert "header row not found" in str(error) and "code" in error.detail
    assert error.sheet == "Table 1" and "sheet 'Table 1'" in str(error)


def test_missing_stock_sheet_title_lists_the_sheets(tmp_path):
    sheet = destination_sheet(title="Something else entirely, 1990-2024")
    error = raises_format_error(destination_workbook(tmp_path / "notitle.xlsx", sheet))
    assert "no sheet has a title matching /international migrant stock at mid-year by sex/" in str(error)
    assert "['Table of contents', 'Table 1']" in str(error)


def test_text_in_a_numeric_cell_names_row_and_column(tmp_path):
    sheet = destination_sheet()
    sheet.set(915, "total", 2000, "abc")  # Caribbean, 2000, both sexes
    error = raises_format_error(destination_workbook(tmp_path / "text.xlsx", sheet))
    row, column = cell_ref(sheet.row(915), sheet.col("total", 2000))
    message = str(error)
    assert "non-numeric value" in message and "sheet 'Table 1'" in message
    assert f"{row}," in message and f"{column}," in message and "value 'abc'" in message
    assert (error.row, error.column) == (sheet.row(915) + 1, sheet.col("total", 2000))


@pytest.mark.parametrize(("top_blank_rows", "col_offset"), [(1, 0), (4, 0), (0, 2)])
def test_error_cites_the_spreadsheet_row_and_column_when_the_sheet_starts_with_blanks(
    tmp_path, top_blank_rows, col_offset
):
    sheet = destination_sheet(top_blank_rows=top_blank_rows, col_offset=col_offset)
    sheet.set(915, "total", 2000, "abc")
    error = raises_format_error(destination_workbook(tmp_path / "blanks.xlsx", sheet))
    row, column = cell_ref(sheet.row(915), sheet.col("total", 2000))
    assert f"{row}," in str(error) and f"{column}," in str(error)


def test_text_in_a_code_cell_names_row_and_column(tmp_path):
    sheet = destination_sheet()
    code_col = sheet.label_cols["code"]
    sheet.rows[sheet.row(388)][code_col] = "JAM"
    error = raises_format_error(destination_workbook(tmp_path / "code.xlsx", sheet))
    row, column = cell_ref(sheet.row(388), code_col)
    assert "invalid location code" in str(error) and row in str(error) and column in str(error)


def test_missing_female_block_is_reported(tmp_path):
    sheet = destination_sheet(sexes=("total", "male"))
    error = raises_format_error(destination_workbook(tmp_path / "nofemale.xlsx", sheet))
    assert "blocks for sex ['female'] not found" in str(error) and error.sheet == "Table 1"


def test_unlabelled_female_block_is_not_taken_for_males(tmp_path):
    """Without its label, the third block must not silently become a second 'males' block."""
    sheet = destination_sheet(block_words={"female": "of unknown sex"})
    error = raises_format_error(destination_workbook(tmp_path / "unlabelled.xlsx", sheet))
    assert "female" in error.detail


def test_duplicate_code_with_different_values_is_an_error(tmp_path):
    sheet = destination_sheet()
    duplicate = list(sheet.rows[sheet.row(332)])
    duplicate[sheet.col("male", 2010)] += 1
    sheet.rows.append(duplicate)
    error = raises_format_error(destination_workbook(tmp_path / "dup.xlsx", sheet))
    row, column = cell_ref(len(sheet.rows) - 1, sheet.label_cols["code"])
    first_row, _ = cell_ref(sheet.row(332), 0)
    assert f"location code 332 appears twice with different values (first at {first_row})" in str(error)
    assert f"{row}," in str(error) and column in str(error)


def test_duplicate_code_with_identical_values_is_kept_once(tmp_path):
    """2019 prints some aggregates twice (e.g. Oceania): identical repeats are not an error."""
    sheet = destination_sheet()
    sheet.rows.append(list(sheet.rows[sheet.row(915)]))
    tables = parse(destination_workbook(tmp_path / "repeat.xlsx", sheet))
    assert len(tables.stock) == len(SYNTHETIC_AREAS) * len(YEARS_2024) * 3
    assert tables.areas["code"].tolist().count(915) == 1


@pytest.mark.parametrize("origin", ["real", "generated"])
def test_truncated_file_is_not_a_valid_xlsx(tmp_path, upstream_dir, origin):
    if origin == "real":
        data = (upstream_dir / "undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx").read_bytes()
    else:
        data = destination_workbook(tmp_path / "whole.xlsx").read_bytes()
    truncated = tmp_path / "undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx"
    truncated.write_bytes(data[: len(data) // 2])
    error = raises_format_error(truncated)
    assert "not a valid .xlsx file" in str(error)


def test_html_error_page_saved_as_xlsx_is_not_a_valid_xlsx(tmp_path):
    path = tmp_path / "page.xlsx"
    path.write_text("<html><body>403 Forbidden</body></html>")
    assert "not a valid .xlsx file" in str(raises_format_error(path))


def test_zip_that_is_not_a_workbook_cannot_be_read(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a spreadsheet")
    assert "cannot read workbook" in str(raises_format_error(path))


def test_missing_sheet_lists_the_sheets(tmp_path):
    book = open_workbook(SOURCE, destination_workbook(tmp_path / "book.xlsx"))
    with pytest.raises(UpstreamFormatError, match=r"sheet 'Table 9' not found; sheets are \['Table of contents', 'Table 1'\]"):
        book.sheet("Table 9")


def test_no_year_columns_next_to_the_header(tmp_path):
    sheet = destination_sheet()
    header = sheet.rows[sheet.header_row]
    sheet.rows[sheet.header_row] = [c if not isinstance(c, int) else f"Y{c}" for c in header]
    error = raises_format_error(destination_workbook(tmp_path / "noyears.xlsx", sheet))
    assert "no year columns" in str(error) and cell_ref(sheet.header_row, 0)[0] in str(error)


# ---- cell readers ----


@pytest.fixture
def book() -> Workbook:
    return Workbook(SOURCE, "book.xlsx", {"Table 1": []})


@pytest.mark.parametrize("marker", ["..", "...", "…", "~", "—", "", "  ", None])
def test_cell_number_reads_the_publishers_missing_markers_as_missing(book, marker):
    assert cell_number(book, "Table 1", 0, 0, marker) is None


@pytest.mark.parametrize(("cell", "expected"), [(0, 0.0), (12, 12.0), (3.5, 3.5), (1e9, 1e9)])
def test_cell_number_reads_numbers(book, cell, expected):
    assert cell_number(book, "Table 1", 0, 0, cell) == expected


@pytest.mark.parametrize("cell", ["abc", "12a", "-", True, math.nan, math.inf])
def test_cell_number_rejects_anything_else_naming_the_cell(book, cell):
    with pytest.raises(UpstreamFormatError) as error:
        cell_number(book, "Table 1", 41, 27, cell)
    assert "sheet 'Table 1', row 42, column AB" in str(error.value) and "file book.xlsx" in str(error.value)


def test_cell_code(book):
    assert cell_code(book, "Table 1", 0, 4, 900.0) == 900
    assert cell_code(book, "Table 1", 0, 4, "840") == 840
    assert cell_code(book, "Table 1", 0, 4, "") is None
    for bad in (904.5, -1, 0, "B R"):
        with pytest.raises(UpstreamFormatError, match=r"invalid location code.*row 1, column E"):
            cell_code(book, "Table 1", 0, 4, bad)


@pytest.mark.parametrize(
    ("label", "sex"),
    [
        ("International migrant stock at mid-year, both sexes combined", "total"),
        ("International migrant stock at mid-year, males", "male"),
        ("International migrant stock at mid-year, females", "female"),
        ("International migrant stock at mid-year (both sexes)", "total"),
        ("International migrant stock at mid-year (male)", "male"),
        ("International migrant stock at mid-year (female)", "female"),
        ("Total population of both sexes at mid-year (thousands)g", "total"),
        ("Total male population at mid-year (thousands)", "male"),
        ("Total female population at mid-year (thousands)", "female"),
        ("Refugees and asylum seekers as a percentage of the international migrant stock", None),
        ("", None),
    ],
)
def test_sex_of_block(label, sex):
    assert sex_of_block(label) == sex


def test_column_letter_matches_openpyxl():
    for index in range(0, 2000):
        assert column_letter(index) == get_column_letter(index + 1)
