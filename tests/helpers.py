"""Test helpers, in two parts that share no code with the ETL:

1. An independent reader of the publisher's workbooks (python_calamine and plain loops), used
   to compute every expected figure from the publisher's own cells.
2. Generators of small workbooks (openpyxl) in UN DESA's layouts, for the error paths.
   SYNTHETIC: every number the generators write is a made-up test fixture, never data.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine
from openpyxl import Workbook

# ---------------------------------------------------------------------------------------------
# 1. Independent reader of the publisher's workbooks
# ---------------------------------------------------------------------------------------------

BLOCK_PATTERNS = {
    "total": re.compile(r"both sexes", re.IGNORECASE),
    "male": re.compile(r"\bmales?\b", re.IGNORECASE),
    "female": re.compile(r"\bfemales?\b", re.IGNORECASE),
}


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    """Every row of a sheet, as calamine reads it (cached per file version: do not mutate)."""
    stat = Path(path).stat()
    return _sheet_rows(str(path), stat.st_size, stat.st_mtime_ns, sheet)


@functools.cache
def _sheet_rows(path: str, size: int, mtime: int, sheet: str) -> list[list[object]]:
    return python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_name(sheet).to_python()


def sheet_names(path: Path) -> list[str]:
    return list(python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names)


def plain(cell: object) -> str:
    """A label as a reader would compare it: no indentation, no footnote '*', any case."""
    return str(cell).strip().rstrip("*").strip().casefold() if isinstance(cell, str) else ""


def sheet_titled(path: Path, pattern: str) -> str | None:
    """The first data sheet whose first rows hold a cell matching `pattern` (any case)."""
    regex = re.compile(pattern, re.IGNORECASE)
    for name in sheet_names(path):
        if "contents" in name.lower():
            continue
        rows = sheet_rows(path, name)
        if any(isinstance(c, str) and regex.search(c) for row in rows[:12] for c in row):
            return name
    return None


def year_row(rows: list[list[object]]) -> int:
    """The first row printing several years (1990, 1995, ...) as numbers."""
    for r, row in enumerate(rows[:60]):
        if sum(isinstance(c, float) and c in (1990.0, 1995.0, 2000.0) for c in row) >= 3:
            return r
    raise AssertionError("no row of years found")


def year_column(rows: list[list[object]], year: int, sex: str = "total") -> int:
    """Column of `year` inside the block whose label (on a row above the years) names `sex`."""
    years_at = year_row(rows)
    starts = []
    for r in range(max(0, years_at - 5), years_at):
        for c, cell in enumerate(rows[r]):
            if isinstance(cell, str) and BLOCK_PATTERNS[sex].search(cell):
                if sex == "male" and BLOCK_PATTERNS["female"].search(cell):
                    continue
                starts.append(c)
    assert starts, f"no block label for sex {sex!r} above the years"
    start = min(starts)
    for c in range(start, len(rows[years_at])):
        if rows[years_at][c] == float(year):
            return c
    raise AssertionError(f"year {year} not found in the {sex} block")


def label_rows(rows: list[list[object]], label: str) -> list[int]:
    """Every row with a cell reading `label` (indentation, '*' and case ignored)."""
    wanted = plain(label)
    return [r for r, row in enumerate(rows) if any(plain(c) == wanted for c in row[:6])]


def publisher_value(path: Path, sheet: str, label: str, year: int, sex: str = "total") -> float:
    """The publisher's cell for the row labelled `label`, column `year` of the `sex` block.

    Some aggregates are printed twice (as an SDG region and as a geographic region); all the
    rows with the label must then agree, and the common value is returned.
    """
    rows = sheet_rows(path, sheet)
    found = label_rows(rows, label)
    assert found, f"no row labelled {label!r} in {path.name} {sheet}"
    column = year_column(rows, year, sex)
    values = {rows[r][column] for r in found}
    assert len(values) == 1, f"rows labelled {label!r} disagree: {values}"
    (value,) = values
    assert isinstance(value, float), f"{label!r} {year}: {value!r} is not a number"
    return value


def code_column(rows: list[list[object]]) -> int:
    """Column headed 'Location code' / 'Code' on the header rows."""
    for row in rows[:40]:
        for c, cell in enumerate(row):
            if isinstance(cell, str) and re.fullmatch(r"(location )?code", cell.strip(), re.IGNORECASE):
                return c
    raise AssertionError("no code column")


def rows_with_code(rows: list[list[object]], code: int) -> list[int]:
    column = code_column(rows)
    return [r for r, row in enumerate(rows) if column < len(row) and row[column] == float(code)]


# ---------------------------------------------------------------------------------------------
# 2. Generated workbooks (SYNTHETIC values)
# ---------------------------------------------------------------------------------------------

YEARS_2024 = (1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024)
YEARS_2020 = (1990, 1995, 2000, 2005, 2010, 2015, 2020)
SEXES = ("total", "male", "female")
BLOCK_WORDS = {"total": "both sexes combined", "male": "males", "female": "females"}
STOCK_TITLE = "International migrant stock at mid-year by sex and by region, country or area of destination, 1990-2024"

# SYNTHETIC fixture values: (code, name, data type, total). Parts add up to their aggregates
# (World excepted), so an unbroken generated workbook passes every check of the build. No
# value (total, 60 % or 40 %) reads like a year (19xx, 20xx), so none is taken for a header.
SYNTHETIC_AREAS: tuple[tuple[int, str, str, int], ...] = (
    (900, "World", "", 7000),
    (904, "LATIN AMERICA AND THE CARIBBEAN", "", 1500),
    (915, "Caribbean", "", 500),
    (332, "Haiti", "B R", 200),
    (388, "Jamaica", "B", 300),
    (916, "Central America", "", 500),
    (484, "Mexico", "B", 500),
    (931, "South America", "", 500),
    (76, "Brazil*", "B R", 500),
    (905, "NORTHERN AMERICA", "", 2500),
    (840, "United States of America*", "B", 2500),
)


def synthetic_split(total: int) -> dict[str, int]:
    """SYNTHETIC male / female parts of a made-up total (60 % / 40 %)."""
    male = total * 3 // 5
    return {"total": total, "male": male, "female": total - male}


@dataclass
class GeneratedSheet:
    """Rows of one generated sheet, with where each value sits (0-based indexes)."""

    rows: list[list[object]]
    header_row: int
    first_data_row: int
    value_cols: dict[tuple[str, int], int]  # (sex, year) -> column
    label_cols: dict[str, int] = field(default_factory=dict)
    data_rows: dict[object, int] = field(default_factory=dict)  # code or (dest, origin) -> row

    def col(self, sex: str, year: int) -> int:
        return self.value_cols[sex, year]

    def row(self, key: object) -> int:
        return self.data_rows[key]

    def set(self, key: object, sex: str, year: int, value: object) -> None:
        self.rows[self.row(key)][self.col(sex, year)] = value

    def get(self, key: object, sex: str, year: int) -> object:
        return self.rows[self.row(key)][self.col(sex, year)]


def destination_sheet(
    *,
    top_blank_rows: int = 0,
    header_offset: int = 0,
    col_offset: int = 0,
    code_label: str = "Location code",
    title: str = STOCK_TITLE,
    sexes: Sequence[str] = SEXES,
    block_words: dict[str, str] | None = None,
    areas: Sequence[tuple[int, str, str, int]] = SYNTHETIC_AREAS,
    years: Sequence[int] = YEARS_2024,
) -> GeneratedSheet:
    """A 'by destination' Table 1 in the 2024 layout: title rows, a row of block labels,
    'Migrant notes', the header row, then one row per area. Values are SYNTHETIC.

    `top_blank_rows` empty rows go above the title (as in the publisher's 2019-2024 files, whose
    first rows are empty), `header_offset` between the title and the header, `col_offset` empty
    columns on the left.
    """
    words = {**BLOCK_WORDS, **(block_words or {})}
    pad: list[object] = [""] * col_offset
    first_value = col_offset + 5
    rows: list[list[object]] = [[""] for _ in range(top_blank_rows)]
    rows += [
        [*pad, "", "", "", "", "", "International Migrant Stock 2024: Destination (SYNTHETIC TEST FIXTURE)"],
        [*pad, "", "", "", "", "", f"Table 1: {title}"],
        [*pad, "", "", "", "", "", "POP/DB/MIG/Stock/Rev.2024"],
        [""],
        [""],
    ]
    rows += [[""] for _ in range(header_offset)]
    block_row: list[object] = [""] * first_value
    value_cols: dict[tuple[str, int], int] = {}
    for b, sex in enumerate(sexes):
        block_row += [f"International migrant stock at mid-year, {words[sex]}"] + [""] * (len(years) - 1)
        for y, year in enumerate(years):
            value_cols[sex, year] = first_value + b * len(years) + y
    rows.append(block_row)
    rows.append([""])
    rows.append([*pad, "", "", "Migrant notes"])
    header_row = len(rows)
    labels = ["Region, development group, country or area", "Coverage", "Data type", code_label]
    rows.append([*pad, "", *labels, *(list(years) * len(sexes))])
    data_rows = {}
    for index, (code, name, data_type, total) in enumerate(areas, start=1):
        parts = synthetic_split(total)
        data_rows[code] = len(rows)
        values = [parts[sex] for sex in sexes for _ in years]
        rows.append([*pad, index, name, "", data_type, code, *values])
    label_cols = {"index": col_offset, "name": col_offset + 1, "data_type": col_offset + 3, "code": col_offset + 4}
    return GeneratedSheet(rows, header_row, header_row + 1, value_cols, label_cols, data_rows)


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write rows as-is with openpyxl (empty strings become empty cells)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([None if cell == "" else cell for cell in row])
    book.save(path)
    return path


def destination_workbook(path: Path, sheet: GeneratedSheet | None = None, name: str = "Table 1") -> Path:
    """A generated 'by destination' workbook: a contents sheet plus the stock table."""
    sheet = sheet or destination_sheet()
    contents = [["Table of contents (SYNTHETIC TEST FIXTURE)"], ["Table 1", STOCK_TITLE]]
    return write_workbook(path, {"Table of contents": contents, name: sheet.rows})


# (destination code, destination name, origin code, origin name, SYNTHETIC total)
SYNTHETIC_PAIRS: tuple[tuple[int, str, int, str, int], ...] = (
    (900, "WORLD", 900, "WORLD", 9000),
    (900, "WORLD", 484, "Mexico", 3000),
    (840, "United States of America*", 900, "WORLD", 2500),
    (840, "United States of America*", 484, "Mexico", 1500),
    (840, "United States of America*", 2003, "Other", 40),
    (170, "Colombia", 862, "Venezuela (Bolivarian Republic of)", 800),
    (76, "Brazil", 862, "Venezuela (Bolivarian Republic of)", 200),
)


def origin_destination_sheet(
    pairs: Sequence[tuple[int, str, int, str, int]] = SYNTHETIC_PAIRS,
    *,
    years: Sequence[int] = YEARS_2020,
    header_offset: int = 0,
) -> GeneratedSheet:
    """An origin x destination Table 1: block label row, header row with 'Index', destination
    and origin names and codes, then years for both sexes, males, females. SYNTHETIC values."""
    first_value = 7
    rows: list[list[object]] = [
        ["International Migrant Stock 2020: Destination and origin (SYNTHETIC TEST FIXTURE)"],
        ["Table 1: International migrant stock at mid-year by sex and by region, country or area of "
         "destination and origin, 1990-2020"],
        [""],
    ]
    rows += [[""] for _ in range(header_offset)]
    block_row: list[object] = [""] * first_value
    value_cols = {}
    for b, sex in enumerate(SEXES):
        block_row += [f"International migrant stock at mid-year, {BLOCK_WORDS[sex]}"] + [""] * (len(years) - 1)
        for y, year in enumerate(years):
            value_cols[sex, year] = first_value + b * len(years) + y
    rows += [block_row, [""]]
    header_row = len(rows)
    rows.append([
        "Index", "Region, development group, country or area of destination", "Notes",
        "Location code of destination", "Type of data", "Region, development group, country or area of origin",
        "Location code of origin", *(list(years) * len(SEXES)),
    ])
    data_rows = {}
    for index, (dest, dest_name, origin, origin_name, total) in enumerate(pairs, start=1):
        parts = synthetic_split(total)
        data_rows[dest, origin] = len(rows)
        rows.append([index, dest_name, "", dest, "B", origin_name, origin,
                     *[parts[sex] for sex in SEXES for _ in years]])
    label_cols = {"destination_code": 3, "origin_code": 6}
    return GeneratedSheet(rows, header_row, header_row + 1, value_cols, label_cols, data_rows)
