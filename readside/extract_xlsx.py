"""The Excel extract: a `data` sheet (the CSV's columns and rows, numbers as numbers, a frozen
header with filters, column widths that fit) and a `notes` sheet in the reader's language
(source, vintage, citation, licence, caveats, the links that reproduce the selection, and what
each column means).

Written with XlsxWriter in constant-memory mode: each row goes to a temporary file as soon as
it is complete, and strings are written inline rather than gathered into a shared table, so a
request holds one batch of rows (`XLSX_CHUNK_ROWS`) plus one worksheet row, whatever the selection's
size; the finished workbook is a spooled temporary file (in memory up to 8 MB, then on disk).
An xlsx cannot be streamed while it is written (the zip is assembled on close), so a selection
larger than a worksheet holds (1,048,575 rows under the header) is refused before any work with
a message pointing to CSV or Parquet. Text cells keep the CSV's formula protection (a leading ')
and are always written as text, never as formulas or links.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc

from readside import csv_encode, flows, queries
from readside.extract import fields, neutralize, selection_sources
from readside.queries import EXTRACT_VIEWS, Database, Selection
from readside.selection import Rejected, SelectionError, compact
from readside.text import decimal, strings, t

XLSX_MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows per worksheet, less the header
MAX_WIDTH = 60  # characters: a citation wider than this wraps in the notes, not in the data sheet
MAX_URL = 2079  # Excel ignores longer hyperlinks; such a link is written as text
SPOOL_BYTES = 8 << 20
XLSX_CHUNK_ROWS = 10_000  # rows per batch: their Python values are what the writer holds at once
WITHIN_STOCK = ("refugee_stock", "unhcr_refugees", "displacement")  # UNHCR counts inside the migrant stock


@dataclass(frozen=True)
class TooManyRows(Rejected):
    """A selection larger than an Excel worksheet: said in the reader's language, with both numbers."""

    rows: int = 0

    def message(self, lang: str) -> str:
        return t(lang, "data.rejected.xlsx_rows", rows=decimal(self.rows, lang, 0), limit=decimal(XLSX_MAX_ROWS, lang, 0))


@dataclass(frozen=True)
class Links:
    """Absolute URLs that reproduce the selection (the route knows the host; the read side does not)."""

    page: str
    file: str
    api: str


def check_rows(db: Database, selection: Selection) -> int:
    """The selection's row count, or SelectionError when a worksheet cannot hold it."""
    rows = queries.extract_count(db, selection)
    if rows > XLSX_MAX_ROWS:
        raise SelectionError([TooManyRows("xlsx_rows", "", rows=rows)])
    return rows


def xlsx_file(db: Database, selection: Selection, lang: str, links: Links, chunk_rows: int = XLSX_CHUNK_ROWS) -> IO[bytes]:
    """The extract as an xlsx workbook in a spooled temporary file, positioned at its start."""
    import xlsxwriter

    rows = check_rows(db, selection)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - send_file closes it
    book = xlsxwriter.Workbook(spool, {"constant_memory": True, "strings_to_formulas": False,
                                       "strings_to_urls": False, "strings_to_numbers": False})
    try:
        _data_sheet(book, db, selection, chunk_rows)
        _notes_sheet(book, db, selection, lang, links, rows)
    finally:
        book.close()
    spool.seek(0)
    return spool


def _data_sheet(book, db: Database, selection: Selection, chunk_rows: int) -> None:
    sheet = book.add_worksheet("data")
    header = book.add_format({"bold": True, "bottom": 1})
    columns = queries.extract_columns(selection.dataset)
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, header)
    widths = [len(name) for name in columns]
    row = 1
    for batch in queries.extract_batches(db, selection, chunk_rows, text=neutralize):
        widths = [max(width, _width(column)) for width, column in zip(widths, batch.columns, strict=True)]
        writers = [_writer(sheet, field.type) for field in batch.schema]
        for values in zip(*(column.to_pylist() for column in batch.columns), strict=True):
            for col, (write, value) in enumerate(zip(writers, values, strict=True)):
                if value is not None:
                    write(row, col, value)
            row += 1
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row - 1, 1), len(columns) - 1)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, MAX_WIDTH) + 2)


def _writer(sheet, kind: pa.DataType):
    """The cell writer for a column: numbers and booleans typed, everything else text (never a formula)."""
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return sheet.write_number
    return sheet.write_boolean if pa.types.is_boolean(kind) else sheet.write_string


def _width(column: pa.Array) -> int:
    """Characters of the column's widest cell (numbers as the CSV writes them), computed by Arrow."""
    if len(column) == 0 or column.null_count == len(column):
        return 0
    if pa.types.is_floating(column.type):
        text = csv_encode.plain_decimals(column)
    elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        text = column
    else:
        text = pc.cast(column, pa.string())
    return int(pc.max(pc.utf8_length(text)).as_py() or 0)


def _notes_sheet(book, db: Database, selection: Selection, lang: str, links: Links, rows: int) -> None:
    sheet = book.add_worksheet("notes")
    title = book.add_format({"bold": True, "font_size": 14})
    label = book.add_format({"bold": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    link = book.add_format({"font_color": "blue", "underline": 1, "valign": "top"})
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 100)
    sheet.set_column(2, 2, 12)
    sheet.write_string(0, 0, neutralize(t(lang, f"data.dataset.{selection.dataset}")), title)
    line = 2
    for key, value in _facts(db, selection, lang, rows):
        sheet.write_string(line, 0, t(lang, f"xlsx.notes.{key}"), label)
        sheet.write_string(line, 1, neutralize(value), wrap)
        line += 1
    for key, url in (("page_url", links.page), ("file_url", links.file), ("api_url", links.api)):
        sheet.write_string(line, 0, t(lang, f"xlsx.notes.{key}"), label)
        if len(url) <= MAX_URL:
            sheet.write_url(line, 1, url, link, string=url)
        else:
            sheet.write_string(line, 1, url, wrap)
        line += 1
    line += 1
    sheet.write_string(line, 0, t(lang, "xlsx.notes.columns"), label)
    line += 1
    for col, key in enumerate(("column", "label", "unit")):
        sheet.write_string(line, col, t(lang, f"xlsx.notes.{key}"), label)
    for name, unit in _column_units(selection.dataset):
        line += 1
        sheet.write_string(line, 0, name)
        sheet.write_string(line, 1, strings(lang).get(f"data.column.{name}") or strings("en").get(f"data.column.{name}", name))
        if unit:
            sheet.write_string(line, 2, unit)


def _facts(db: Database, selection: Selection, lang: str, rows: int) -> list[tuple[str, str]]:
    """(label key, text) pairs of the notes: what the rows are, where they come from, what to mind."""
    sources = selection_sources(db, selection)
    build = queries.build_info(db)
    spec = EXTRACT_VIEWS[selection.dataset]
    licences = sources.drop_duplicates(["licence", "licence_url"])
    return [
        ("dataset_code", selection.dataset),
        ("source", spec.source),
        ("publisher", "; ".join(sorted(set(sources["publisher"])))),
        ("revision", str(selection.revision)),
        ("vintage", ", ".join(sorted(set(map(str, sources["vintage"]))))),
        ("citation", "\n".join(sorted(set(sources["citation"])))),
        ("licence", "\n".join(f"{r.licence} ({r.licence_url})" for r in licences.itertuples())),
        ("caveats", "\n".join(caveats(db, selection.dataset, lang))),
        ("selection", _selection_text(selection, lang)),
        ("rows", decimal(rows, lang, 0)),
        ("build", f"{build['build_id']} ({build['built_at']})"),
    ]


def _selection_text(selection: Selection, lang: str) -> str:
    parts = [t(lang, "xlsx.selection.areas", areas=", ".join(map(str, selection.areas))),
             t(lang, "xlsx.selection.years", years=compact(list(selection.years)))]
    if selection.sexes:
        parts.append(t(lang, "xlsx.selection.sex", sexes=", ".join(t(lang, f"sex.{s}") for s in selection.sexes)))
    if selection.all_origins:
        parts.append(t(lang, "xlsx.selection.origins_all"))
    if selection.series:
        parts.append(t(lang, "xlsx.selection.series", series=", ".join(selection.series)))
    return "; ".join(parts)


def _column_units(dataset: str) -> list[tuple[str, str]]:
    """Each data column with the unit the datapackage gives it (value columns only)."""
    return [(str(f["name"]), str(f.get("unit", ""))) for f in fields(dataset)]


def caveats(db: Database, dataset: str, lang: str) -> list[str]:
    """What a reader must know before using the numbers, in the reader's language (the same
    facts as the datapackage's English description, and the rules every page follows)."""
    spec = EXTRACT_VIEWS[dataset]
    notes = []
    if spec.source == "undesa_ims":
        notes.append(t(lang, "xlsx.caveat.revisions"))
    if dataset in WITHIN_STOCK:
        notes.append(t(lang, "xlsx.caveat.within_stock"))
    if dataset == "missing_migrants":
        notes += _missing_migrants_coverage(db, lang)
    if dataset == "internal_displacement":
        notes.append(t(lang, "xlsx.caveat.idmc"))
    notes.append(t(lang, "xlsx.caveat.formula"))
    return notes


def _missing_migrants_coverage(db: Database, lang: str) -> list[str]:
    coverage = flows.coverage(db)
    covered = "; ".join(t(lang, f"xlsx.caveat.coverage_year.{row.coverage}", year=row.year, vintage=row.vintage)
                        for row in coverage.itertuples())
    notes = [t(lang, "xlsx.caveat.missing_migrants"), t(lang, "xlsx.caveat.coverage", coverage=covered)]
    if not coverage.empty:
        years = set(coverage["year"])
        missing = [y for y in range(int(min(years)), int(max(years)) + 1) if y not in years]
        if missing:
            notes.append(t(lang, "xlsx.caveat.not_covered", years=compact(missing)))
    return notes
