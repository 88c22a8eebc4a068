"""The read side's handle on the database file: read-only, one cursor per query.

A new build replaces the database file with os.replace; `Database` notices the new inode on
the next query and attaches the new file, so the dashboard picks up builds without restart
and every query sees exactly one build. Each call uses its own cursor (DuckDB connections are
not shared across threads).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd


class NoDatabase(RuntimeError):
    """The database file is missing: the dashboard says which command builds it."""


@dataclass(frozen=True)
class _Attached:
    inode: tuple[int, int]
    connection: duckdb.DuckDBPyConnection


class Database:
    """A read-only handle on the database file that follows atomic replacements."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._attached: _Attached | None = None

    def _connection(self) -> duckdb.DuckDBPyConnection:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise NoDatabase(f"no database at {self.path}; run `migdash etl` to build it") from None
        inode = (stat.st_dev, stat.st_ino)
        with self._lock:
            if self._attached is None or self._attached.inode != inode:
                con = duckdb.connect(":memory:")
                # The path comes from configuration, never from a request; quote it for SQL.
                quoted = str(self.path).replace("'", "''")
                con.execute(f"ATTACH '{quoted}' AS db (READ_ONLY)")
                self._attached = _Attached(inode, con)
            return self._attached.connection

    def close(self) -> None:
        """Let go of the file (a build reopens it for writing right after reading it)."""
        with self._lock:
            if self._attached is not None:
                self._attached.connection.close()
                self._attached = None

    def pinned(self) -> Database:
        """A handle fixed on the build attached now: every query through it sees that one build,
        even if a new file replaces it meanwhile (one per request keeps responses consistent)."""
        return _Pinned(self.path, self._connection())

    def frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        cursor = self._connection().cursor()
        try:
            cursor.execute("USE db")
            return cursor.execute(sql, list(params)).df()
        finally:
            cursor.close()

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        cursor = self._connection().cursor()
        try:
            cursor.execute("USE db")
            return cursor.execute(sql, list(params)).fetchall()
        finally:
            cursor.close()


class _Pinned(Database):
    def __init__(self, path: Path, connection: duckdb.DuckDBPyConnection):
        super().__init__(path)
        self._pinned = connection

    def _connection(self) -> duckdb.DuckDBPyConnection:
        return self._pinned


def placeholders(values: Sequence[object]) -> str:
    """One placeholder per value: the values themselves always travel as parameters."""
    return ", ".join("?" for _ in values) or "NULL"
