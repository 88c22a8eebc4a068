"""Read publisher workbooks by their labels, never by fixed cell positions.

UN DESA moves header rows and columns between revisions; these helpers find the header
row from its labels, the year columns from their values and the sex blocks from the
label row above them, and fail with the sheet, row and column when something is missing.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from etl.errors import UpstreamFormatError

Rows = list[list[object]]
# The publisher's notes: ".." not available, "..." not meaningful, "~" suppressed for privacy
# (fewer than five), "—" non-zero but below half a unit. None of these is a number we can store.
MISSING_MARKERS = frozenset({"", "..", "...", "…", "~", "—"})
YEAR_RE = re.compile(r"^(19|20)\d\d$")
PERIOD_RE = re.compile(r"^(19|20)\d\d-(19|20)\d\d$")


@dataclass(frozen=True)
class Workbook:
    """A parsed workbook's sheets, read once, with the names needed for error messages."""

    source: str
    file: str
    sheets: dict[str, Rows]

    def sheet(self, name: str) -> Rows:
        if name not in self.sheets:
            raise UpstreamFormatError(
                self.source, self.file, f"sheet '{name}' not found; sheets are {list(self.sheets)}"
            )
        return self.sheets[name]

    def error(self, detail: str, **where: object) -> UpstreamFormatError:
        return UpstreamFormatError(self.source, self.file, detail, **where)  # type: ignore[arg-type]


def open_workbook(source: str, path: Path) -> Workbook:
    """Load every sheet with calamine (Rust reader, ~10x faster than openpyxl on these files).

    skip_empty_area=False keeps leading blank rows/columns, so error positions match Excel's A1.
    """
    if not zipfile.is_zipfile(path):
        raise UpstreamFormatError(
            source, path.name, "not a valid .xlsx file (truncated or not a zip archive)"
        )
    try:  # from the bytes, so the content decides the format, not the name (an .xlsx saved as .xls)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        sheets = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    except Exception as exc:  # calamine raises its own error types for corrupt parts
        raise UpstreamFormatError(source, path.name, f"cannot read workbook: {exc}") from exc
    return Workbook(source, path.name, sheets)


def text(cell: object) -> str:
    return cell.strip() if isinstance(cell, str) else ""


def find_sheet_by_title(
    book: Workbook, pattern: str, *, required: bool, header: str | None = None
) -> str | None:
    """The sheet whose title (within its first 12 rows) matches `pattern` (case-insensitive).

    With `header`, a sheet that also has a cell matching that label within its first 40 rows
    is preferred: a table of contents quotes every title but has no table header, whatever
    its name. Without such a sheet, the first titled one is returned, so that the caller's
    header search can say which label is missing.
    """
    regex = re.compile(pattern, re.IGNORECASE)
    titled = [
        name for name, rows in book.sheets.items()
        if not name.lower().startswith(("table of contents", "contents"))
        and any(regex.search(text(cell)) for row in rows[:12] for cell in row)
    ]
    if header:
        header_regex = re.compile(header, re.IGNORECASE)
        with_header = [n for n in titled
                       if any(header_regex.search(text(c)) for row in book.sheet(n)[:40] for c in row)]
        titled = with_header or titled
    if titled:
        return titled[0]
    if required:
        raise book.error(f"no sheet has a title matching /{pattern}/; sheets are {list(book.sheets)}")
    return None


@dataclass(frozen=True)
class TableLayout:
    """Where the parts of an area x year table sit in one sheet (0-based indexes)."""

    sheet: str
    header_row: int
    first_data_row: int
    label_cols: dict[str, int]
    value_cols: list[tuple[int, str, str]]  # (column, block label, year or period label)


def locate_table(
    book: Workbook,
    sheet: str,
    required_labels: dict[str, str],
    optional_labels: dict[str, str] | None = None,
    *,
    search_rows: int = 40,
) -> TableLayout:
    """Find the header row holding every required label (regex per key) and the value columns.

    Year labels are either on the header row itself (2020, 2024) or on the row below (2019);
    the block label (e.g. "..., both sexes combined") is the nearest non-empty cell at or left
    of each value column on the rows above the years.
    """
    rows = book.sheet(sheet)
    compiled = {key: re.compile(pat, re.IGNORECASE) for key, pat in required_labels.items()}
    optional = {k: re.compile(p, re.IGNORECASE) for k, p in (optional_labels or {}).items()}
    for r, row in enumerate(rows[:search_rows]):
        found = _match_labels(row, compiled)
        if len(found) < len(compiled):
            continue
        found.update(_match_labels(row, optional))
        year_row = _year_row(rows, r)
        if year_row is None:
            raise book.error("no year columns found next to the header row", sheet=sheet, row=r + 1)
        value_cols = _value_columns(rows, r, year_row, after=max(found.values()))
        return TableLayout(sheet, r, year_row + 1, found, value_cols)
    wanted = ", ".join(f"{k} /{p}/" for k, p in required_labels.items())
    raise book.error(f"header row not found: expected labels {wanted}", sheet=sheet)


def _match_labels(row: list[object], patterns: dict[str, re.Pattern[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for key, regex in patterns.items():
        for c, cell in enumerate(row):
            if regex.search(text(cell)):
                found[key] = c
                break
    return found


def _year_label(cell: object) -> str | None:
    if isinstance(cell, float | int) and not isinstance(cell, bool) and float(cell).is_integer():
        label = str(int(cell))
        return label if YEAR_RE.match(label) else None
    label = text(cell)
    return label if YEAR_RE.match(label) or PERIOD_RE.match(label) else None


def _year_row(rows: Rows, header_row: int) -> int | None:
    for r in (header_row, header_row + 1):
        if r < len(rows) and sum(_year_label(c) is not None for c in rows[r]) >= 2:
            return r
    return None


def _value_columns(rows: Rows, header_row: int, year_row: int, after: int) -> list[tuple[int, str, str]]:
    label_rows = [rows[r] for r in range(max(0, header_row - 4), year_row + 1) if r != year_row]
    out = []
    for c, cell in enumerate(rows[year_row]):
        if c <= after:
            continue
        year = _year_label(cell)
        if year is not None:
            out.append((c, _block_label(label_rows, c, after), year))
    return out


def _block_label(label_rows: Rows, column: int, after: int) -> str:
    for row in reversed(label_rows):
        for c in range(min(column, len(row) - 1), after, -1):
            if text(row[c]) and not _year_label(row[c]):
                return text(row[c])
    return ""


def cell_number(
    book: Workbook, sheet: str, row_index: int, col: int, value: object
) -> float | None:
    """A numeric cell as float; None for the publisher's missing markers; error otherwise."""
    if isinstance(value, bool):
        raise book.error("boolean in a numeric column", sheet=sheet, row=row_index + 1, column=col, value=value)
    if isinstance(value, int | float):
        if math.isnan(value) or math.isinf(value):
            raise book.error("non-finite number", sheet=sheet, row=row_index + 1, column=col, value=value)
        return float(value)
    if text(value) in MISSING_MARKERS or value is None:
        return None
    raise book.error(
        "non-numeric value in a numeric column", sheet=sheet, row=row_index + 1, column=col, value=value
    )


def cell_code(book: Workbook, sheet: str, row_index: int, col: int, value: object) -> int | None:
    """An M49 location code as int; None for section heading rows that carry no code."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if float(value).is_integer() and value > 0:
            return int(value)
    elif text(value) == "":
        return None
    elif text(value).isascii() and text(value).isdigit():
        return int(text(value))
    raise book.error("invalid location code", sheet=sheet, row=row_index + 1, column=col, value=value)


def sex_of_block(label: str) -> str | None:
    """'total' | 'male' | 'female' from a block label such as '..., males (thousands)'."""
    lowered = label.lower()
    if "female" in lowered:
        return "female"
    if re.search(r"\bmales?\b", lowered):
        return "male"
    if "both sexes" in lowered or "both sexes" in lowered.replace("(", "").replace(")", ""):
        return "total"
    return None


BlockFilter = Callable[[str], bool]
