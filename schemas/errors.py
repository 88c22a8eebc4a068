"""Errors of the contracts: any failure that stops a build, and a schema that rejects a table.

They live at the bottom floor so that schemas/ needs nothing above it; etl/ raises them and
adds its own (download and upstream-format errors) on top of `EtlError`.
"""

from __future__ import annotations


class EtlError(Exception):
    """Base class: any failure that must stop a build and leave the old database in place."""


class ValidationFailed(EtlError):
    """A pandera schema or a reconciliation check rejected the parsed data."""

    def __init__(self, table: str, summary: str, report_path: str | None = None):
        self.table, self.summary, self.report_path = table, summary, report_path
        tail = f"; full report: {report_path}" if report_path else ""
        super().__init__(f"validation of table '{table}' failed:\n{summary}{tail}")
