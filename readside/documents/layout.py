"""A brief's content around its talking points: charts (as data), the key-figure table, caveats,
sources and vintages, the availability matrix, and for a theme whose source is not loaded,
which command loads it. `brief(db, subject, lang)` returns it all; render.py writes it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from readside import citations, queries
from readside.claims import long_date
from readside.documents.charts import Chart
from readside.documents.figures import CHARTS
from readside.documents.measures import Frames, TalkingPoint
from readside.documents.points import talking_points
from readside.documents.subjects import Subject, loaded_sources, names, subject_title, theme_sources
from readside.documents.values import (
    americas_stock,
    edition_label,
    latest_revision,
    source_coverage,
    stock,
)
from readside.queries import Database
from readside.text import language, people, t


@dataclass(frozen=True)
class Brief:
    subject: Subject
    lang: str
    title: str
    heading: str
    date: str
    build_id: str
    vintages: list[str]
    points: list[TalkingPoint]
    charts: list[Chart]
    table_headers: list[str]
    table_rows: list[list[str]]
    caveats: list[str]
    sources: list[dict]
    missing: list[str] = field(default_factory=list)
    matrix_headers: list[str] = field(default_factory=list)  # data-and-statistics: the availability matrix
    matrix_rows: list[list[str]] = field(default_factory=list)


def brief(db: Database, subject: Subject, lang: str, today: dt.date | None = None,
          frames: Frames | None = None) -> Brief:
    """Everything a brief shows, in one language, from one build (charts as data)."""
    lang = language(lang)
    db = db.pinned()
    points = talking_points(db, subject, lang, frames)
    title = subject_title(db, subject, lang)
    charts = [c for c in CHARTS[subject.kind](db, subject, lang) if c.series and any(s.y for s in c.series)][:4]
    used = sorted({(p.source, p.vintage, p.dataset) for p in points})
    return Brief(
        subject=subject, lang=lang, title=title, heading=t(lang, f"briefs.heading.{subject.kind}", name=title),
        date=long_date((today or dt.date.today()).isoformat(), lang), build_id=queries.build_info(db)["build_id"],
        vintages=editions(points, lang),
        points=points, charts=charts, table_headers=table_headers(lang), table_rows=[table_row(p, lang) for p in points],
        caveats=caveats(db, subject, points, lang), sources=sources(db, [*used, ("undesa_ims", str(latest_revision(db)), "destination_%")],
                                                                 lang),
        missing=missing_notices(db, subject, lang),
        **matrix(db, subject, lang),
    )


def matrix(db: Database, subject: Subject, lang: str) -> dict:
    if subject != Subject("theme", "data-and-statistics"):
        return {}
    headers, rows = availability_table(db, lang)
    return {"matrix_headers": headers, "matrix_rows": rows}


def table_headers(lang: str) -> list[str]:
    return [t(lang, f"briefs.col.{c}") for c in ("figure", "year", "value", "rank", "change", "source")]


def table_row(point: TalkingPoint, lang: str) -> list[str]:
    rank = "—"
    if point.rank:
        rank = t(lang, "briefs.rank_short", rank=point.rank, of=point.of)
        rank = t(lang, "briefs.rank_short_in", rank=rank, year=point.rank_year) if point.rank_year else rank
    change = point.change_short or "—"  # the same rule as the sentence (readside.reporting.describe)
    return [point.label, str(point.year), point.shown, rank, change, t(lang, f"briefs.source.{point.source}")]


def caveats(db: Database, subject: Subject, points: Sequence[TalkingPoint], lang: str) -> list[str]:
    """Always: UNHCR counts are within the stock; revisions rewrite history (with a figure)."""
    out = [t(lang, "briefs.caveat.unhcr"), revision_caveat(db, subject, lang)]
    sources = {p.source for p in points}
    if subject.kind != "area" or any(p.key.startswith(("sum_", "sids_", "disaster_")) for p in points):
        out.append(t(lang, "briefs.caveat.sums"))
    for source in ("knomad", "idmc", "worldbank"):
        if source in sources:
            out.append(t(lang, f"briefs.caveat.{source}"))
    return out


def revision_caveat(db: Database, subject: Subject, lang: str) -> str:
    """'The 2020 revision put X at 1.2 million in 2015; the 2024 revision, at 1.1 million.'"""
    revisions = queries.revisions(db)
    code = subject.code if subject.kind == "area" else None
    year = 2015
    values = {}
    for r in (revisions[0], revisions[-1]):
        series = (stock(db, [code], revision=r).set_index("year")["value"] if code is not None
                  else americas_stock(db, revision=r))
        values[r] = series.get(year)
    name = names(db, [code], lang)[code] if code is not None else t(lang, "briefs.americas")
    if any(v is None or pd.isna(v) for v in values.values()):
        return t(lang, "briefs.caveat.revisions_plain")
    (old, old_value), (new, new_value) = values.items()
    return t(lang, "briefs.caveat.revisions", name=name, year=year, old=old, old_value=people(old_value, lang),
             new=new, new_value=people(new_value, lang))


def sources(db: Database, used: Sequence[tuple[str, str, str]], lang: str = "en") -> list[dict]:
    """One entry per file behind the figures (source, vintage and dataset pattern): citation (in
    the brief's language, readside/citations.py), URL (where the citation does not already hold
    it), licence, retrieval. Files of the same release that no figure uses are not listed."""
    rows: dict[str, dict] = {}
    for source, vintage, dataset in sorted(set(used)):
        frame = db.frame("SELECT source, dataset, revision, vintage, publisher, citation, url, licence, retrieved_at "
                         "FROM provenance WHERE source = ? AND vintage = ? AND dataset LIKE ? ORDER BY dataset",
                         [source, str(vintage), dataset])
        rows.update({r["dataset"]: _cited(r, lang) for r in frame.to_dict("records")})
    return sorted(rows.values(), key=lambda r: (r["source"], -_order(r["vintage"]), r["dataset"]))


def _cited(row: dict, lang: str) -> dict:
    cited = citations.cite(row, lang) + "."
    return {**row, "citation": cited, "url": "" if str(row["url"]).split(" ")[0] in cited else row["url"]}


def _order(vintage: object) -> float:
    """Newest first: vintages are dates, years or release labels, compared by their digits."""
    digits = "".join(c for c in str(vintage) if c.isdigit())[:8]
    return float(digits.ljust(8, "0")) if digits else 0.0


def editions(points: Sequence[TalkingPoint], lang: str) -> list[str]:
    """One entry per source: the edition its figures use. Where one source's figures come from
    two of its files released apart (World Bank remittances in US$ and as % of GDP), the entry
    names the other file's figure and date instead of listing the source twice."""
    by_source: dict[str, dict[str, list[str]]] = {}
    for point in points:
        by_source.setdefault(point.source, {}).setdefault(str(point.vintage), []).append(point.label)
    out = []
    for source, vintages in sorted(by_source.items(), key=lambda item: t(lang, f"briefs.source.{item[0]}")):
        main, *others = vintages
        text = t(lang, "briefs.vintage", source=t(lang, f"briefs.source.{source}"), vintage=edition_label(main, lang))
        if others:
            text += " " + t(lang, "documents.edition_also", detail="; ".join(
                t(lang, "documents.edition_of", label=vintages[v][0], vintage=edition_label(v, lang)) for v in others))
        out.append(text)
    return out


def missing_notices(db: Database, subject: Subject, lang: str) -> list[str]:
    """A theme whose source is not in the build says which command loads it."""
    if subject.kind != "theme":
        return []
    available = loaded_sources(db)
    return [t(lang, "briefs.missing", what=t(lang, f"briefs.source.{s}"), source=s)
            for s in theme_sources(subject.key) if s not in available]


def availability_table(db: Database, lang: str) -> tuple[list[str], list[list[str]]]:
    """The data-and-statistics brief's matrix: per source, vintage, latest year, members covered."""
    frame = source_coverage(db)
    headers = [t(lang, f"briefs.avail.{c}") for c in ("source", "vintage", "latest", "members")]
    rows = [[t(lang, f"briefs.source.{r.source}"), str(r.vintage) or "—", str(r.latest), str(r.members)]
            for r in frame.itertuples(index=False)]
    return headers, rows
