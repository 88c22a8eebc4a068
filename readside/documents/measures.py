"""The talking-point machinery: a figure with its rank among the OAS member states, its change
since 2000 (or 1990, or a source's earliest edition) and the publisher's citation, written as
one sentence in the reader's language. Briefs, the report and the page cards all use it, so a
figure reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from readside import citations, reporting
from readside.documents.subjects import country_codes, loaded_sources, names, oas_members
from readside.documents.values import (
    RECEIVED,
    RECEIVED_GDP,
    UNHCR_ASYLUM,
    UNHCR_ORIGIN,
    citation,
    disaster_displacement,
    emigrants,
    idmc_vintage,
    indicator,
    latest_revision,
    share,
    stock,
    unhcr_population_file,
    vintage_of,
    women_share,
)
from readside.queries import Database
from readside.text import in_sentence, money, people, percent, percent_of_gdp, t

BASE_YEARS = (2000, 1990)
MAX_POINTS = 8
@dataclass(frozen=True)
class TalkingPoint:
    """One sentence with its figure, rank among the OAS member states, change and citation."""

    key: str
    sentence: str
    citation: str
    label: str  # what the figure is, for the key-figure table
    value: float
    shown: str  # the value as written in the sentence
    year: int
    source: str
    vintage: str
    rank: int | None = None
    of: int | None = None
    change: float | None = None
    base_year: int | None = None
    base_shown: str = ""
    rank_year: int | None = None  # the metric's ranking year, when it is not `year`
    change_short: str = ""  # the change as the key-figure table states it (readside.reporting.describe)
    dataset: str = "%"  # which of the source's files (provenance.dataset LIKE), for the sources list

    @property
    def copy_text(self) -> str:
        """What a copy button copies: the sentence, then its citation."""
        return f"{self.sentence} {self.citation}"


@dataclass(frozen=True)
class Metric:
    """A figure every area has: how to load it for many areas, format it, and measure change."""

    key: str
    load: Callable[[Database, Sequence[int]], pd.DataFrame]
    fmt: Callable[[float, str], str]
    source: str
    vintage: Callable[[Database], str]
    change: str = "percent"  # percent | points | level
    dataset: str = "%"
    unit: str = "persons"  # the unit of its figures: where a 0 is "not reported" (readside.reporting)
    file_of: Callable[[Database, str], str] | None = None  # the dataset pattern, where it depends on the vintage

    def file(self, db: Database, vintage: str) -> str:
        """Which of the source's files the metric's figures come from (provenance.dataset LIKE)."""
        return self.file_of(db, vintage) if self.file_of else self.dataset


def _undesa(db: Database) -> str:
    return str(latest_revision(db))


def _series_vintage(series: str) -> Callable[[Database], str]:
    return lambda db: str(vintage_of(db, series))


def _knomad_vintage(db: Database) -> str:
    rows = db.rows("SELECT vintage FROM provenance WHERE source = 'knomad' ORDER BY revision DESC LIMIT 1")
    return rows[0][0] if rows else ""


def _wpp_vintage(db: Database) -> str:
    return str(vintage_of(db, "wpp.net_migration"))


AREA_METRICS: tuple[Metric, ...] = (
    Metric("stock", stock, people, "undesa_ims", _undesa, dataset="destination_%"),
    Metric("share", share, lambda v, lang: percent(v, lang), "undesa_ims", _undesa, "points", "destination_%"),
    Metric("remittances", lambda db, c: indicator(db, [RECEIVED], c), money, "worldbank",
           _series_vintage(RECEIVED), dataset=f"%{RECEIVED}%", unit="current US$"),
    Metric("remittances_gdp", lambda db, c: indicator(db, [RECEIVED_GDP], c), percent_of_gdp, "worldbank",
           _series_vintage(RECEIVED_GDP), "points", f"%{RECEIVED_GDP}%", unit="% of GDP"),
    Metric("displaced_abroad", lambda db, c: indicator(db, UNHCR_ORIGIN, c), people, "unhcr",
           _series_vintage(UNHCR_ORIGIN[0]), file_of=unhcr_population_file),
    Metric("hosted", lambda db, c: indicator(db, UNHCR_ASYLUM, c), people, "unhcr", _series_vintage(UNHCR_ASYLUM[0]),
           file_of=unhcr_population_file),
    Metric("emigrants", emigrants, people, "knomad", _knomad_vintage),
    Metric("net_migration", lambda db, c: indicator(db, ["wpp.net_migration"], c),
           lambda v, lang: signed(people(abs(v), lang), v), "wpp", _wpp_vintage, "level"),
    Metric("women", women_share, lambda v, lang: percent(v, lang), "undesa_ims", _undesa, "points", "destination_%"),
)


DISASTER = Metric("disaster", lambda db, c: disaster_displacement(db, c), people, "idmc",
                  lambda db: str(idmc_vintage(db)))


METRICS = {m.key: m for m in (*AREA_METRICS, DISASTER)}


signed = reporting.signed  # '+1.2 million', '−350 thousand' (U+2212)


def signed_percent(value: float, lang: str) -> str:
    return signed(percent(abs(value), lang), value)


def base_year(years: Sequence[int], latest: int) -> int | None:
    """2000 if published, else 1990, else the earliest year before the latest (KNOMAD: 2013)."""
    earlier = [y for y in years if y < latest]
    return next((b for b in BASE_YEARS if b in earlier), min(earlier) if earlier else None)


def measure(db: Database, metric: Metric, code: int, frame: pd.DataFrame, members: Sequence[int], name: str,
            lang: str, vintage: str | None = None, more: Sequence[str] = (),
            ranked: dict[int, reporting.Rank] | None = None) -> TalkingPoint | None:
    """One area's figure of a metric: the latest year it has a real figure (never a placeholder:
    readside.reporting), its rank among the OAS member states in the metric's ranking year (when
    it is one and has a figure then), its change since the base year, then `more` details. None
    when it has no figure. `ranked`: the members' ranks, when already known (readside.reporting.ranks)."""
    mine = reporting.real(frame[frame["area_code"] == code], metric.unit).set_index("year")["value"]
    if mine.empty:
        return None
    year = int(mine.index.max())
    value = float(mine[year])
    if ranked is None:
        ranked = reporting.ranks(frame, metric.source, members, unit=metric.unit) if code in members else {}
    rank = ranked.get(code) if code in members else None
    vintage = vintage or metric.vintage(db)
    shown = metric.fmt(value, lang)
    details = [rank_words(rank, year, lang)] if rank else []
    base = base_year(list(mine.index), year)
    extra: dict = {}
    if base is not None:
        found = reporting.change(metric.change, value, float(mine[base]), base)
        extra = change_fields(found, metric.fmt(float(mine[base]), lang), lang)
        details.append(reporting.describe(found, lang, extra["base_shown"]))
    details += [*not_reported_words(frame[frame["area_code"] == code], metric, year, lang), *more]
    sentence = frame_sentence(t(lang, f"briefs.tp.{metric.key}", name=in_sentence(name, lang), year=year, value=shown),
                              details, lang)
    return TalkingPoint(
        key=metric.key, sentence=sentence, citation=cite(db, metric.source, vintage, metric.file(db, vintage), lang),
        label=t(lang, f"briefs.label.{metric.key}"), value=value, shown=shown, year=year, source=metric.source,
        vintage=vintage, rank=rank.rank if rank else None, of=rank.of if rank else None,
        rank_year=rank.year if rank and rank.year != year else None, dataset=metric.file(db, vintage), **extra,
    )


def rank_words(rank: reporting.Rank, year: int, lang: str) -> str:
    """'rank 3 of 33 OAS member states' (in the point's year) or '… in 2023' (the ranking year)."""
    if rank.year == year:
        return t(lang, "briefs.rank", rank=rank.rank, of=rank.of)
    return t(lang, "briefs.rank_in", rank=rank.rank, of=rank.of, year=rank.year)


def change_fields(found: reporting.Change, base_shown: str, lang: str) -> dict:
    """A TalkingPoint's change fields, stated by the one change rule (readside.reporting)."""
    return {"change": found.amount, "base_year": found.base_year, "base_shown": base_shown,
            "change_short": reporting.describe(found, lang, base_shown, short=True)}


def not_reported_words(frame: pd.DataFrame, metric: Metric, year: int, lang: str) -> list[str]:
    """Placeholders after the point's year ('the file shows 0 for 2017–2023: not reported')."""
    runs = [r for r in reporting.placeholder_runs(frame, metric.unit) if r[0] > year]
    return [t(lang, "briefs.not_reported", first=first, last=last) if first != last else
            t(lang, "briefs.not_reported_year", year=first) for first, last in runs]


def frame_sentence(main: str, details: Sequence[str], lang: str) -> str:
    return t(lang, "briefs.sentence", main=main, details="; ".join(details)) if details else \
        t(lang, "briefs.sentence_plain", main=main)


def cite(db: Database, source: str, vintage: str, dataset: str, lang: str) -> str:
    """The file's citation in the sentence's language, its licence once (readside/citations.py)."""
    found = citations.rows(db, source, vintages=[str(vintage)], like=dataset)[:1]
    return citations.source_line(found, lang) if found else \
        t(lang, "briefs.citation", citation=citation(db, source, vintage, dataset).rstrip())


@dataclass(frozen=True)
class Frames:
    """Every area metric for a set of areas, loaded once: briefs of many areas (the tests, a
    batch of briefs) reuse it instead of asking the same questions per area and language."""

    members: list[int]
    frames: dict[str, tuple[pd.DataFrame, str]]  # metric key -> (area_code, year, value), vintage
    ranks: dict[str, dict[int, reporting.Rank]] = field(default_factory=dict)  # metric key -> the members' ranks


def member_frames(db: Database, codes: Sequence[int] | None = None) -> Frames:
    """The metrics of the OAS member states plus `codes` (every country when None)."""
    members = oas_members(db)
    wanted = sorted({*members, *(country_codes(db) if codes is None else codes)})
    available = loaded_sources(db)
    frames = {m.key: (m.load(db, wanted), m.vintage(db)) for m in AREA_METRICS if m.source in available}
    ranked = {m.key: reporting.ranks(frames[m.key][0], m.source, members, unit=m.unit)
              for m in AREA_METRICS if m.key in frames}
    return Frames(members, frames, ranked)


def sum_point(db: Database, metric: Metric, codes: Sequence[int], label: str, lang: str, *,
              key: str | None = None, text_key: str | None = None) -> TalkingPoint | None:
    """A sum of members' figures (said so) in its latest complete year (readside.reporting: never
    a year whose reporting members stand for clearly less than usual, never a placeholder): the
    members with a figure, the change since the base year over the members that have both years,
    the largest contributor, and the later partial year left out."""
    frame = reporting.real(metric.load(db, codes), metric.unit)
    cover = reporting.coverage_for(frame, metric.source, codes, unit=metric.unit)
    year = reporting.latest_complete_year(cover)
    if year is None:
        return None
    latest = frame[frame["year"] == year].set_index("area_code")["value"]
    total = float(latest.sum())
    top = int(latest.idxmax())
    details = [t(lang, "briefs.sum_of", counted=int(latest.notna().sum()), total=len(codes)),
               t(lang, "briefs.largest", name=names(db, [top], lang)[top], value=metric.fmt(float(latest[top]), lang))]
    base = base_year(reporting.complete_years(cover), year)
    extra: dict = {}
    if base is not None:
        both = frame[frame["year"].isin([base, year])].pivot(index="area_code", columns="year", values="value").dropna()
        found = reporting.change(metric.change, float(both[year].sum()), float(both[base].sum()), base)
        extra = change_fields(found, metric.fmt(float(both[base].sum()), lang), lang)
        details.append(reporting.describe(found, lang, extra["base_shown"]))
    details += partial_words(cover, len(codes), lang)
    shown = metric.fmt(total, lang)
    vintage = metric.vintage(db)
    sentence = frame_sentence(t(lang, text_key or f"briefs.sum.{metric.key}", name=in_sentence(label, lang), year=year,
                                value=shown),
                              details, lang)
    return TalkingPoint(key=key or f"sum_{metric.key}", sentence=sentence,
                        citation=cite(db, metric.source, vintage, metric.file(db, vintage), lang),
                        label=t(lang, f"briefs.label.{metric.key}"), value=total, shown=shown, year=year,
                        source=metric.source, vintage=vintage, dataset=metric.file(db, vintage), **extra)


def partial_words(cover: pd.DataFrame, total: int | None, lang: str) -> list[str]:
    """The newest partial year, left out of a sum or an aggregate ('2024 left out: 28 of 35 reported so far')."""
    later = reporting.partial_after(cover)
    if later.empty:
        return []
    last = later.iloc[-1]
    return [t(lang, "briefs.partial_year", year=int(last["year"]), counted=int(last["reporting"]),
              total=total if total is not None else int(last["expected"]))]


def aggregate_point(db: Database, key: str, metric: Metric, code: int, lang: str) -> TalkingPoint | None:
    """A published aggregate (the Americas' parts, LAC, the world) with its change, no rank, in
    its latest year the member countries cover (the World Bank's LAC in 2024 lacks Haiti, Peru…)."""
    frame = metric.load(db, [code])
    cover = aggregate_cover(db, metric, code, frame)
    complete = frame[frame["year"].isin(reporting.complete_years(cover))]
    point = measure(db, metric, code, complete, [], names(db, [code], lang)[code], lang,
                    more=partial_words(cover, None, lang))
    return None if point is None else _renamed(point, key)


def aggregate_cover(db: Database, metric: Metric, code: int, frame: pd.DataFrame) -> pd.DataFrame:
    """The coverage of an area's own series by its member countries (a country: always complete)."""
    members = region_countries(db, code)
    loaded = metric.load(db, members) if members else frame.iloc[0:0]
    return reporting.aggregate_coverage(loaded, frame["year"], metric.source, unit=metric.unit)


def complete_aggregate_years(db: Database, metric: Metric, code: int, frame: pd.DataFrame) -> list[int]:
    return reporting.complete_years(aggregate_cover(db, metric, code, frame))


def region_countries(db: Database, code: int) -> list[int]:
    """The countries and territories an M49 region or subregion groups (a publisher's aggregate's members)."""
    return [c for (c,) in db.rows("SELECT code FROM area WHERE kind = 'country' AND (region = ? OR subregion = ?)",
                                  [code, code])]


def _renamed(point: TalkingPoint, key: str) -> TalkingPoint:
    return TalkingPoint(**{**point.__dict__, "key": key})


def custom_point(db: Database, key: str, sentence: str, *, label: str, value: float, shown: str, year: int,
                 source: str, vintage: str, lang: str, dataset: str = "%", **extra: object) -> TalkingPoint:
    return TalkingPoint(key=key, sentence=sentence, citation=cite(db, source, vintage, dataset, lang),
                        label=label, value=value, shown=shown, year=year, source=source,
                        vintage=vintage, dataset=dataset, **extra)  # type: ignore[arg-type]


def area_points_for(db: Database, code: int, lang: str, key: str) -> TalkingPoint | None:
    """One metric's point about one area, ranked among the OAS member states."""
    members = oas_members(db)
    metric = METRICS[key]
    return measure(db, metric, code, metric.load(db, sorted({*members, code})), members, names(db, [code], lang)[code],
                   lang)


def top_point(db: Database, key: str, codes: Sequence[int], lang: str, *, prefix: str) -> TalkingPoint | None:
    """The point of the member of `codes` ranked first by a metric (in its ranking year: readside.reporting)."""
    metric = METRICS[key]
    frame = metric.load(db, codes)
    year = reporting.ranking_year(frame, metric.source, codes, unit=metric.unit)
    if year is None:
        return None
    first = reporting.ranking(frame, codes, year, unit=metric.unit)
    point = area_points_for(db, int(first["area_code"].iloc[0]), lang, key)
    return None if point is None else _renamed(point, f"{prefix}_{key}")


def count_point(db: Database, key: str, series: str, codes: Sequence[int], threshold: float,
                lang: str) -> TalkingPoint | None:
    """How many of `codes` received more than `threshold` % of GDP in remittances, among those
    with a real figure in the series' ranking year (readside.reporting)."""
    unit = METRICS["remittances_gdp"].unit
    frame = indicator(db, [series], codes)
    year = reporting.ranking_year(frame, "worldbank", codes, unit=unit)
    if year is None:
        return None
    latest = reporting.ranking(frame, codes, year, unit=unit)
    above = latest[latest["value"] > threshold].sort_values("value", ascending=False)
    listed = ", ".join(names(db, [int(c)], lang)[int(c)] for c in above["area_code"])
    sentence = t(lang, f"briefs.tp.{key}", count=len(above), of=len(latest), year=year,
                 threshold=percent(threshold, lang, 0), names=listed or "—")
    return custom_point(db, key, sentence, label=t(lang, "briefs.label.dependence", threshold=percent(threshold, lang, 0)),
                        value=float(len(above)), shown=str(len(above)), year=year,
                        source="worldbank", vintage=str(vintage_of(db, series)), lang=lang, dataset=f"%{series}%")
