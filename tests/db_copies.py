"""Copies of the session database with some tables emptied, for the "no data" paths.

A table is emptied by dropping it and creating it again from its own DDL (the views read it by
name, so they follow): DuckDB's DELETE of the 454,259 displacement rows updates the primary
key's index row by row and took 10 s of CPU a copy, this takes milliseconds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb


def copy_without(source: Path | str, target: Path, tables: Iterable[str]) -> Path:
    """`source` copied to `target` with every table named in `tables` (schema core) empty."""
    shutil.copy(source, target)
    with duckdb.connect(str(target)) as con:
        for table in tables:
            (ddl,) = con.execute("SELECT sql FROM duckdb_tables() WHERE schema_name = 'core' AND table_name = ?",
                                 [table]).fetchone()
            con.execute(f"DROP TABLE core.{table}")  # noqa: S608 - a table name found in the catalogue above
            con.execute(ddl)
    return target
