"""Errors the ETL raises: each names the source and where in it the problem is."""

from __future__ import annotations

from schemas.errors import EtlError, ValidationFailed

__all__ = ["EtlError", "FetchError", "UpstreamFormatError", "ValidationFailed", "column_letter"]


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


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
