"""Small generated workbooks in UN DESA's layouts, for the error paths.

The numbers in them are synthetic test fixtures, never presented as data: real figures are
only ever read from the publisher's files.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import write_workbook

YEARS = [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]
BLOCKS = ("both sexes combined", "males", "females")
# code, name, data type, total per year (male = 60%, female = the rest)
AREAS = [
    (900, "World", "", 1000),
    (904, "LATIN AMERICA AND THE CARIBBEAN", "", 300),
    (915, "Caribbean", "", 100),
    (332, "Haiti", "B R", 40),
    (388, "Jamaica", "B", 60),
    (916, "Central America", "", 100),
    (484, "Mexico", "B", 100),
    (931, "South America", "", 100),
    (76, "Brazil", "B", 100),
    (905, "NORTHERN AMERICA", "", 700),
    (840, "United States of America*", "B", 700),
]


def destination_rows(header_offset: int = 0, code_label: str = "Location code") -> list[list[object]]:
    """Rows of a 2024-style 'Table 1' sheet."""
    rows: list[list[object]] = [["", "", "", "", "", "International Migrant Stock 2024: Destination"]]
    rows.append(["", "", "", "", "", "Table 1: International migrant stock at mid-year by sex and by region, country or area of destination, 1990-2024"])
    rows += [[""]] * (3 + header_offset)
    block_row: list[object] = ["", "", "", "", ""]
    for block in BLOCKS:
        block_row += [f"International migrant stock at mid-year, {block}"] + [""] * (len(YEARS) - 1)
    rows.append(block_row)
    rows.append([""])
    rows.append(["", "", "Migrant notes"])
    rows.append(["", "Region, development group, country or area", "Coverage", "Data type", code_label] + YEARS * 3)
    for index, (code, name, data_type, total) in enumerate(AREAS, start=1):
        male = [round(total * 0.6)] * len(YEARS)
        female = [total - m for m in male]
        rows.append([index, name, "", data_type, code] + [total] * len(YEARS) + male + female)
    return rows


def destination_workbook(path: Path, rows: list[list[object]] | None = None, sheet: str = "Table 1") -> Path:
    return write_workbook(path, {"Table of contents": [["Table of contents"]], sheet: rows or destination_rows()})


def origin_destination_rows(pairs: list[tuple[int, str, int, str, int]], years: list[int] | None = None) -> list[list[object]]:
    """Rows of the origin x destination 'Table 1': (dest code, dest name, origin code, origin name, total)."""
    years = years or [1990, 1995, 2000, 2005, 2010, 2015, 2020]
    block_row: list[object] = [""] * 7
    for block in BLOCKS:
        block_row += [f"International migrant stock at mid-year, {block}"] + [""] * (len(years) - 1)
    rows: list[list[object]] = [["International Migrant Stock 2020: Destination and origin"],
                                ["Table 1: International migrant stock at mid-year by sex and by region, country or area of destination and origin, 1990-2020"],
                                [""], block_row, [""]]
    rows.append(["Index", "Region, development group, country or area of destination", "Notes", "Location code of destination",
                 "Type of data", "Region, development group, country or area of origin", "Location code of origin"] + years * 3)
    for index, (dest, dest_name, origin, origin_name, total) in enumerate(pairs, start=1):
        male = round(total * 0.5)
        rows.append([index, dest_name, "", dest, "B", origin_name, origin] + [total] * len(years) + [male] * len(years) + [total - male] * len(years))
    return rows


SUBREGIONS = {915: "Caribbean", 916: "Central America", 931: "South America", 905: "NORTHERN AMERICA"}
# Synthetic origin x destination pairs for 2020 (dest code, dest name, origin code, origin name, total).
OD_PAIRS = [
    (905, "NORTHERN AMERICA", 916, "Central America", 40_000),
    (905, "NORTHERN AMERICA", 915, "Caribbean", 20_000),
    (931, "South America", 931, "South America", 30_000),
    (916, "Central America", 916, "Central America", 5_000),
    (900, "WORLD", 916, "Central America", 60_000),
    (900, "WORLD", 915, "Caribbean", 25_000),
    (900, "WORLD", 931, "South America", 45_000),
    (840, "United States of America", 484, "Mexico", 35_000),
    (170, "Colombia", 862, "Venezuela (Bolivarian Republic of)", 28_000),
    (840, "United States of America", 2003, "Other", 100),
]
