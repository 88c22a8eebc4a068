"""Callback baseline: the same dashboard, but the overview's data comes from pandas DataFrames
held in memory and filtered per request, the common alternative to querying a database.

Served by gunicorn exactly like the real app: `gunicorn 'bench.baseline_app:wsgi()'` with
MIGDASH_DB naming the database the frames are loaded from (once per worker, at start).
"""

from __future__ import annotations

import os

import duckdb
import pandas as pd
from flask import Flask

from dashboard.app import create_app
from etl.areas import AMERICAS_PARTS, AMERICAS_SUBREGIONS, WORLD
from readside import queries


class InMemory:
    """Destination totals and area names as DataFrames; each question is a boolean filter."""

    def __init__(self, db_path: str):
        with duckdb.connect(db_path, read_only=True) as con:
            self.stock = con.execute("SELECT * FROM stock WHERE origin_code = ?", [WORLD]).df()
            self.area = con.execute("SELECT code, name_en, name_es FROM area").df()

    def _rows(self, revision: int, sex: str, codes: tuple[int, ...]) -> pd.DataFrame:
        s = self.stock
        return s[(s["revision"] == revision) & (s["sex"] == sex) & s["destination_code"].isin(codes)]

    def revisions(self, _db: object) -> list[int]:
        return sorted(int(r) for r in self.stock["revision"].unique())

    def americas_by_subregion(self, _db: object, revision: int, sex: str = "total") -> pd.DataFrame:
        rows = self._rows(revision, sex, AMERICAS_SUBREGIONS).rename(columns={"destination_code": "area_code"})
        named = rows.merge(self.area, left_on="area_code", right_on="code")
        return named[["year", "area_code", "name_en", "name_es", "migrants"]].sort_values(["year", "area_code"], ignore_index=True)

    def americas_total(self, _db: object, revision: int, sex: str = "total") -> pd.DataFrame:
        rows = self._rows(revision, sex, AMERICAS_PARTS)
        sums = rows.groupby("year")["migrants"].agg(["sum", "size"]).reset_index()
        sums = sums[sums["size"] == len(AMERICAS_PARTS)]
        return sums.rename(columns={"sum": "migrants"})[["year", "migrants"]].reset_index(drop=True)

    def world_total(self, _db: object, revision: int, sex: str = "total") -> pd.DataFrame:
        rows = self._rows(revision, sex, (WORLD,))
        return rows[["year", "migrants"]].sort_values("year", ignore_index=True)


def wsgi() -> Flask:
    """The real app with the overview's stock questions answered from memory."""
    db_path = os.environ["MIGDASH_DB"]
    memory = InMemory(db_path)
    for name in ("revisions", "americas_by_subregion", "americas_total", "world_total"):
        setattr(queries, name, getattr(memory, name))
    return create_app(db_path).server
