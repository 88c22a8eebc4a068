"""UN DESA International Migrant Stock: where the workbooks live and how to read them.

Two layouts are read:
- "by sex and destination" workbooks (revisions 2019, 2020, 2024): one sheet per table
  (migrant stock, total population, stock as % of population, refugees where published),
  one row per area (world, groups, regions, subregions, countries), year columns per sex;
- "by sex, destination and origin" workbooks (2020, 2024): one row per destination x origin
  pair with `Location code of destination`, `Location code of origin` and year columns.
`parse` only reshapes what the publisher printed; harmonizing areas happens in etl.areas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl import areas as areas_reference
from etl.provenance import Publisher
from etl.workbook import (
    TableLayout,
    Workbook,
    cell_code,
    cell_number,
    find_sheet_by_title,
    locate_table,
    open_workbook,
    sex_of_block,
    text,
)

SOURCE = "undesa_ims"
PUBLISHER = "United Nations, Department of Economic and Social Affairs, Population Division"
LICENCE = "CC BY 3.0 IGO"
LICENCE_URL = "https://creativecommons.org/licenses/by/3.0/igo/"
PUBLISHED_BY = Publisher(SOURCE, PUBLISHER, LICENCE, LICENCE_URL)
BASE_URL = "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
LANDING_PAGE = "https://www.un.org/development/desa/pd/content/international-migrant-stock"
WORLD = 900  # origin code of destination totals, as published


@dataclass(frozen=True)
class Dataset:
    """One upstream file of this source."""

    key: str
    revision: int
    layout: str  # "destination" | "origin_destination"
    filename: str
    required: bool = True

    @property
    def url(self) -> str:
        return BASE_URL + self.filename

    @property
    def citation(self) -> str:
        return (
            f"United Nations Department of Economic and Social Affairs, Population Division "
            f"({self.revision}). International Migrant Stock {self.revision}."
        )


DATASETS: tuple[Dataset, ...] = (
    Dataset("destination_2024", 2024, "destination", "undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx"),
    Dataset("destination_2020", 2020, "destination", "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"),
    Dataset("destination_2019", 2019, "destination", "undesa_pd_2019_migrant_stock_total_dataset.xlsx"),
    Dataset(
        "origin_destination_2024", 2024, "origin_destination",
        "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx", required=False,
    ),
    Dataset(
        "origin_destination_2020", 2020, "origin_destination",
        "undesa_pd_2020_ims_stock_by_sex_destination_and_origin.xlsx", required=False,
    ),
)

NAME_LABEL = r"^(region, development group, country or area|major area, region, country or area)"
CODE_LABEL = r"^(location code|code)$"
DATA_TYPE_LABEL = r"^(type of data|data type)"
TITLES = {
    "stock": r"international migrant stock at mid-year by sex",
    "population": r"total population at mid-year by sex",
    "share": r"international migrant stock as a percentage of the total population",
    "refugees": r"refugee stock",
}


@dataclass
class DestinationTables:
    """Tidy frames parsed from one "by destination" workbook."""

    revision: int
    areas: pd.DataFrame  # code, name, data_type, row_index (the publisher's row number, in order)
    stock: pd.DataFrame  # revision, year, destination_code, origin_code, sex, migrants
    share: pd.DataFrame  # revision, year, area_code, sex, percent_of_population
    population: pd.DataFrame  # revision, year, area_code, sex, population_thousands
    refugees: pd.DataFrame  # revision, year, area_code, refugees
    sheets: dict[str, str] = field(default_factory=dict)  # table -> sheet it came from


def clean_name(cell: object) -> str:
    """Area name without the publisher's indentation and trailing footnote asterisk."""
    return text(cell).rstrip("*").strip()


def parse_destination_workbook(path: Path, revision: int) -> DestinationTables:
    book = open_workbook(SOURCE, path)
    sheets = {key: find_sheet_by_title(book, pat, required=key == "stock", header=CODE_LABEL) for key, pat in TITLES.items()}
    stock_records, areas = _read_area_table(book, sheets["stock"], _by_sex, with_areas=True)
    by_index = {index: (code, name) for code, name, _, index in areas}
    _require_sexes(book, sheets["stock"], {sex for _, _, sex, _ in stock_records})
    stock = _frame(stock_records, revision, "migrants")
    stock = stock.rename(columns={"area_code": "destination_code"})
    stock.insert(3, "origin_code", WORLD)
    stock["migrants"] = stock["migrants"].round().astype("int64")

    def optional(key: str, value_name: str, keep: Callable[[str, str], str | None]) -> pd.DataFrame:
        if sheets[key] is None:
            return _frame([], revision, value_name)
        records, _ = _read_area_table(book, sheets[key], keep, with_areas=False, by_index=by_index)
        return _frame(records, revision, value_name)

    share = optional("share", "percent_of_population", _by_sex)
    population = optional("population", "population_thousands", _by_sex)
    refugees = optional("refugees", "refugees", _refugee_block)
    refugees = refugees.drop(columns="sex")
    refugees["refugees"] = refugees["refugees"].round().astype("int64")
    return DestinationTables(
        revision=revision,
        areas=pd.DataFrame(areas, columns=["code", "name", "data_type", "row_index"]),
        stock=stock,
        share=share,
        population=population,
        refugees=refugees,
        sheets={k: v for k, v in sheets.items() if v},
    )


def parse_origin_destination_workbook(path: Path, revision: int) -> pd.DataFrame:
    """Stock by destination x origin x sex: revision, year, destination_code, origin_code, sex, migrants."""
    book = open_workbook(SOURCE, path)
    sheet = find_sheet_by_title(book, TITLES["stock"], required=False) or "Table 1"
    layout = locate_table(
        book,
        sheet,
        {
            "destination_code": r"^location code of destination$",
            "origin_code": r"^location code of origin$",
        },
        {"destination_name": r"or area of destination$", "origin_name": r"or area of origin$"},
    )
    rows = book.sheet(sheet)
    columns = [(c, sex_of_block(block), int(year)) for c, block, year in layout.value_cols if year.isascii() and year.isdigit()]
    columns = [(c, sex, year) for c, sex, year in columns if sex is not None]
    _require_sexes(book, sheet, {sex for _, sex, _ in columns})
    dest_col, origin_col = layout.label_cols["destination_code"], layout.label_cols["origin_code"]
    records: list[tuple[int, int, int, str, float]] = []
    seen: dict[tuple[int, int], int] = {}
    for r in range(layout.first_data_row, len(rows)):
        row = rows[r]
        dest = cell_code(book, sheet, r, dest_col, _at(row, dest_col))
        origin = cell_code(book, sheet, r, origin_col, _at(row, origin_col))
        if dest is None and origin is None:
            continue
        if dest is None or origin is None:
            raise book.error("row has only one of the two location codes", sheet=sheet, row=r + 1)
        if (dest, origin) in seen:
            raise book.error(
                f"duplicate destination x origin pair {dest} x {origin} (first at row {seen[dest, origin]})",
                sheet=sheet, row=r + 1,
            )
        seen[dest, origin] = r + 1
        for c, sex, year in columns:
            value = cell_number(book, sheet, r, c, _at(row, c))
            if value is not None:
                records.append((year, dest, origin, sex, value))
    frame = pd.DataFrame(records, columns=["year", "destination_code", "origin_code", "sex", "migrants"])
    frame.insert(0, "revision", revision)
    frame["migrants"] = frame["migrants"].round().astype("int64")
    return frame


def _by_sex(block: str, year: str) -> str | None:
    return sex_of_block(block) if year.isascii() and year.isdigit() else None


def _refugee_block(block: str, year: str) -> str | None:
    lowered = block.lower()
    if year.isascii() and year.isdigit() and "refugee" in lowered and "percentage" not in lowered and "rate" not in lowered:
        return "total"
    return None


def _at(row: list[object], col: int) -> object:
    return row[col] if col < len(row) else ""


def _number(book: Workbook, sheet: str, r: int, col: int, row: list[object]) -> float | None:
    """cell_number with a fast path for the common case, a finite float (180,000 cells a build)."""
    value = row[col] if col < len(row) else ""
    if type(value) is float and value - value == 0.0:  # finite: inf - inf and nan - nan are nan
        return value
    return cell_number(book, sheet, r, col, value)


def _layout(book: Workbook, sheet: str) -> TableLayout:
    return locate_table(
        book, sheet, {"name": NAME_LABEL, "code": CODE_LABEL}, {"data_type": DATA_TYPE_LABEL}
    )


def _read_area_table(
    book: Workbook,
    sheet: str,
    keep: Callable[[str, str], str | None],
    *,
    with_areas: bool,
    by_index: dict[int, tuple[int, str]] | None = None,
) -> tuple[list[dict[str, object]], list[tuple[int, str, str, int]]]:
    """Records (area_code, year, sex, value) and, optionally, the areas in sheet order.

    A location code printed twice (2019 lists Oceania, 909, as a geographic region and again
    as an SDG region) is kept once if both rows carry identical values, and is an error if not.
    """
    layout = _layout(book, sheet)
    rows = book.sheet(sheet)
    code_col = layout.label_cols["code"]
    type_col = layout.label_cols.get("data_type")
    columns = [(c, keep(block, year), year) for c, block, year in layout.value_cols]
    columns = [(c, sex, int(year)) for c, sex, year in columns if sex is not None]
    if not columns:
        raise book.error("no value columns recognised under the header", sheet=sheet, row=layout.header_row + 1)
    locate = _code_locator(book, sheet, layout, by_index)
    records: list[tuple[int, int, str, float]] = []  # (area_code, year, sex, value)
    areas: list[tuple[int, str, str, int]] = []
    first_seen: dict[int, tuple[int, list[float | None]]] = {}
    for r in range(layout.first_data_row, len(rows)):
        row = rows[r]
        found = locate(r, row)
        if found is None:
            continue
        code, name, index = found
        if code not in areas_reference.known_codes():
            raise book.error(f"unknown location code {code} ({name!r}): not an M49 area in etl/reference",
                             sheet=sheet, row=r + 1, column=code_col, value=code)
        values = [_number(book, sheet, r, c, row) for c, _, _ in columns]
        if code in first_seen:
            first_row, first_values = first_seen[code]
            if first_values != values:
                raise book.error(
                    f"location code {code} appears twice with different values (first at row {first_row})",
                    sheet=sheet, row=r + 1, column=code_col,
                )
            if with_areas:  # the later printing sits in the geographic hierarchy: keep its position
                data_type = text(_at(row, type_col)) if type_col is not None else ""
                areas = [a for a in areas if a[0] != code] + [(code, name, data_type, index)]
            continue
        first_seen[code] = (r + 1, values)
        if with_areas:
            data_type = text(_at(row, type_col)) if type_col is not None else ""
            areas.append((code, name, data_type, index))
        for (_, sex, year), value in zip(columns, values, strict=True):
            if value is not None:
                records.append((code, year, sex, value))
    return records, areas


RowLocator = Callable[[int, list[object]], tuple[int, str, int] | None]


def _code_locator(
    book: Workbook, sheet: str, layout: TableLayout, by_index: dict[int, tuple[int, str]] | None
) -> RowLocator:
    """How to find each row's (code, name, row index).

    Normally the code column. The 2024 edition's Table 2 prints the data-type letters under
    'Location code' and no codes at all; there the code is joined from the stock table by the
    publisher's row index (the column left of the names), and the names must agree.
    """
    rows = book.sheet(sheet)
    name_col, code_col = layout.label_cols["name"], layout.label_cols["code"]
    index_col = name_col - 1
    data_rows = rows[layout.first_data_row:]
    has_codes = any(
        isinstance(_at(row, code_col), float | int) and not isinstance(_at(row, code_col), bool)
        for row in data_rows
    )

    def index_of(r: int, row: list[object]) -> int | None:
        value = _at(row, index_col)
        return int(value) if isinstance(value, float | int) and float(value).is_integer() else None

    def by_code(r: int, row: list[object]) -> tuple[int, str, int] | None:
        code = cell_code(book, sheet, r, code_col, _at(row, code_col))
        if code is None:
            return None
        name = clean_name(_at(row, name_col))
        if not name:
            raise book.error("location code without an area name", sheet=sheet, row=r + 1, column=name_col)
        return code, name, index_of(r, row) or r + 1

    def by_row_index(r: int, row: list[object]) -> tuple[int, str, int] | None:
        index, name = index_of(r, row), clean_name(_at(row, name_col))
        if index is None or not name:
            return None
        if index not in by_index:  # type: ignore[operator]
            raise book.error(f"row index {index} not in the stock table", sheet=sheet, row=r + 1, column=index_col)
        code, expected = by_index[index]  # type: ignore[index]
        if expected.lower() != name.lower():
            raise book.error(
                f"row index {index} is '{name}' here but '{expected}' in the stock table",
                sheet=sheet, row=r + 1, column=name_col,
            )
        return code, name, index

    if has_codes:
        return by_code
    if by_index is None:
        raise book.error("no location codes under the code column", sheet=sheet, column=code_col)
    return by_row_index


def _require_sexes(book: Workbook, sheet: str, found: set[str]) -> None:
    missing = {"total", "male", "female"} - found
    if missing:
        raise book.error(
            f"blocks for sex {sorted(missing)} not found (expected 'both sexes', 'male', 'female' blocks)",
            sheet=sheet,
        )


def _frame(records: list[tuple[int, int, str, float]], revision: int, value_name: str) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=["area_code", "year", "sex", "value"])
    frame.insert(0, "revision", revision)
    frame = frame[["revision", "year", "area_code", "sex", "value"]]
    return frame.rename(columns={"value": value_name}).astype(
        {"revision": "int64", "year": "int64", "area_code": "int64", "sex": "string"}
    )
