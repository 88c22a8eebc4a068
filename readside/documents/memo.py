"""A pinned build's answers, each asked once: a document asks the same questions many times
(the newest revision, a vintage, a citation, a country's inflows per category), and within one
pinned build the answer cannot change. The report asks about two thousand questions, a third
of them distinct."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from readside.queries import Database


def _frozen(params: Sequence[object]) -> tuple:
    return tuple(tuple(p) if isinstance(p, list | tuple) else p for p in params)


class Memo(Database):
    """Wraps a pinned handle; frames are copied out so a caller's changes never leak."""

    def __init__(self, pinned: Database):
        super().__init__(pinned.path)
        self._inner = pinned
        self._frames: dict[tuple, pd.DataFrame] = {}
        self._rows: dict[tuple, list[tuple]] = {}

    def pinned(self) -> Database:
        return self

    def frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        key = (sql, _frozen(params))
        if key not in self._frames:
            self._frames[key] = self._inner.frame(sql, params)
        return self._frames[key].copy()

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        key = (sql, _frozen(params))
        if key not in self._rows:
            self._rows[key] = self._inner.rows(sql, params)
        return list(self._rows[key])


def memo(db: Database) -> Memo:
    """The build attached now, pinned, with its answers remembered (one per document)."""
    return db if isinstance(db, Memo) else Memo(db.pinned())
