"""Errors the ETL raises: each names the source and where in it the problem is."""

from __future__ import annotations


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class EtlError(Exception):
    """Base class: any failure that must stop a build and leave the old database in place."""


class FetchError(EtlError):
    """A download failed (HTTP status, timeout, truncated body, missing mirror file)."""

    def __init__(self, source: str, url: str, detail: str, *, not_found: bool = False):
        self.source, self.url, self.detail, self.not_found = source, url, detail, not_found
        super().__init__(f"[{source}] download failed: {url}: {detail}")


class UpstreamFormatError(EtlError):
    """The upstream file does not have the layout or values the parser expects."""

    def __init__(
        self,
        source: str,
        file: str,
        detail: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: int | None = None,
        value: object = None,
    ):
        self.source, self.file, self.sheet = source, file, sheet
        self.row, self.column, self.value, self.detail = row, column, value, detail
        where = [f"file {file}"]
        if sheet is not None:
            where.append(f"sheet '{sheet}'")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column_letter(column)}")
        if value is not None:
            where.append(f"value {value!r}")
        super().__init__(f"[{source}] {detail} ({', '.join(where)})")


class ValidationFailed(EtlError):
    """A pandera schema or a reconciliation check rejected the parsed data."""

    def __init__(self, table: str, summary: str, report_path: str | None = None):
        self.table, self.summary, self.report_path = table, summary, report_path
        tail = f"; full report: {report_path}" if report_path else ""
        super().__init__(f"validation of table '{table}' failed:\n{summary}{tail}")
