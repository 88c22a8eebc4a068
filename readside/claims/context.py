"""The data a check needs, read once: the registry (or figures built in memory), UN DESA's
revisions and every destination total the figures name, and the other publishers' rows
(readside.vintage_values)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from etl.areas import AMERICAS_PARTS, WORLD
from readside import queries, vintage_values
from readside.claims.labels import REGISTRY_WORDED, metric_label
from readside.queries import Database
from readside.text import language, t

COMPUTABLE = {"stock", "change_percent", "share", "share_sex"}  # UN DESA, per revision
SHARES = {"share", "share_sex"}


def _codes(text: object) -> list[int]:
    return [int(c) for c in str(text).split(",")] if isinstance(text, str) and text else []


@dataclass(frozen=True)
class Context:
    """Registry, revisions and every needed destination total: one read, then pure lookups."""

    claims: pd.DataFrame
    figures: pd.DataFrame
    revisions: list[int]
    published: dict[int, list[int]]
    totals: dict[tuple[int, int, int, str], float]
    names: dict[int, tuple[str, str, str, str]]  # code -> name in en, es, fr, pt
    source: dict
    population: dict[tuple[int, int, int, str], float] = field(default_factory=dict)  # persons, UN DESA
    sources: vintage_values.Data = field(default_factory=vintage_values.Data)  # the other publishers

    @classmethod
    def load(cls, db: Database, claims: pd.DataFrame | None = None, figures: pd.DataFrame | None = None) -> Context:
        """The registry's claims, or the given claims and figures (built in memory, e.g. by readside.scan)."""
        figures = queries.claim_figures(db) if figures is None else figures
        codes = sorted({c for col in ("areas", "minus_areas", "origin_areas") if col in figures for text in figures[col]
                        for c in _codes(text)} | {WORLD})
        frame = queries.claim_area_totals(db, codes)
        revisions = queries.revisions(db)
        latest = revisions[-1] if revisions else 0
        names = queries.area_names(db, codes)
        return cls(
            claims=queries.claims(db) if claims is None else claims,
            figures=figures,
            revisions=revisions,
            published={r: queries.years(db, r) for r in revisions},
            totals={(r, y, c, s): float(m) for r, y, c, s, m in frame.itertuples(index=False)},
            names={int(c): (en, es, fr, pt) for c, en, es, fr, pt in names.itertuples(index=False)},
            source=queries.provenance_citation(db, latest) or {},
            population=vintage_values.undesa_population(db, codes) if figures["metric"].isin(["share"]).any() else {},
            sources=vintage_values.Data.load(db, figures),
        )

    @property
    def latest(self) -> int:
        return self.revisions[-1]

    def claim(self, claim_id: str) -> pd.Series:
        return self.claims.set_index("claim_id").loc[claim_id]

    def figures_of(self, claim_id: str) -> pd.DataFrame:
        return self.figures[self.figures["claim_id"] == claim_id]

    def level(self, revision: int, figure: pd.Series, year: int, sex: str | None = None,
              table: dict | None = None) -> float | None:
        """Persons in the figure's areas minus its minus_areas, or None if one is missing."""
        sex, table = sex or figure["sex"], self.totals if table is None else table
        parts = [table.get((revision, year, c, sex)) for c in _codes(figure["areas"])]
        minus = [table.get((revision, year, c, sex)) for c in _codes(figure["minus_areas"])]
        if any(v is None for v in parts + minus):
            return None
        return sum(parts) - sum(minus)

    def value(self, revision: int, figure: pd.Series, year: int) -> float | None:
        """The figure recomputed for one revision and (end) year, in its quoted unit (None for a
        metric no loaded source publishes, or a year or area the revision lacks)."""
        level = self.level(revision, figure, year) if figure["metric"] in COMPUTABLE else None
        if level is None:
            return None
        if figure["metric"] == "stock":
            return level / 1e6
        if figure["metric"] in SHARES:  # of the population, or women/men of all migrants
            whole = self.level(revision, figure, year, "total") if figure["metric"] == "share_sex" else \
                self.level(revision, figure, year, table=self.population)
            return 100 * level / whole if whole else None
        base = self.level(revision, figure, int(figure["base_year"]))
        return None if not base else 100 * (level / base - 1)

    def area_label(self, figure: pd.Series, lang: str) -> str:
        """'Americas', 'rest of the world', or the areas' names joined by + and −."""
        plus, minus = _codes(figure["areas"]), _codes(figure["minus_areas"])
        if sorted(plus) == sorted(AMERICAS_PARTS) and not minus:
            return t(lang, "claims.area.americas")
        if plus == [WORLD] and sorted(minus) == sorted(AMERICAS_PARTS):
            return t(lang, "claims.area.rest_of_world")
        text = " + ".join(self.area_name(c, lang) for c in plus)
        return text + "".join(f" − {self.area_name(c, lang)}" for c in minus)

    def figure_label(self, figure: pd.Series, lang: str) -> str:
        """'Americas, 2019', 'Rest of the world, change 1990–2013', 'Peru — from Venezuela, refugees 2024'."""
        year = int(figure["year"]) if pd.notna(figure["year"]) else ""
        base = int(figure["base_year"]) if pd.notna(figure["base_year"]) else ""
        if figure["metric"] in REGISTRY_WORDED:
            return t(lang, f"claims.metric.{figure['metric']}", area=self.area_label(figure, lang), year=year,
                     base=base).rstrip()
        origin = " + ".join(self.area_name(c, lang) for c in _codes(figure.get("origin_areas")))
        detail = figure.get("detail")
        return metric_label(lang, figure["metric"], area=self.area_label(figure, lang), origin=origin,
                            detail=detail if isinstance(detail, str) else None, sex=str(figure.get("sex") or "total"),
                            year=year, base=base)

    def area_name(self, code: int, lang: str) -> str:
        names = dict(zip(("en", "es", "fr", "pt"), self.names.get(code, (str(code),) * 4), strict=True))
        return names[language(lang)]

