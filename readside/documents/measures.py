"""The talking-point machinery: a figure with its rank among the OAS member states, its change
since 2000 (or 1990, or a source's earliest edition) and the publisher's citation, written as
one sentence in the reader's language. Briefs, the report and the page cards all use it, so a
figure reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from readside import citations
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
    vintage_of,
    women_share,
)
from readside.queries import Database
from readside.text import decimal, in_sentence, money, people, percent, percent_of_gdp, t

BASE_YEARS = (2000, 1990)
MAX_POINTS = 8
TIMES_FROM = 900.0  # from +900% on, a change is said as a multiple ("19.4 times the 2000 figure")


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
           _series_vintage(RECEIVED), dataset=f"%{RECEIVED}%"),
    Metric("remittances_gdp", lambda db, c: indicator(db, [RECEIVED_GDP], c), percent_of_gdp, "worldbank",
           _series_vintage(RECEIVED_GDP), "points", f"%{RECEIVED_GDP}%"),
    Metric("displaced_abroad", lambda db, c: indicator(db, UNHCR_ORIGIN, c), people, "unhcr",
           _series_vintage(UNHCR_ORIGIN[0])),
    Metric("hosted", lambda db, c: indicator(db, UNHCR_ASYLUM, c), people, "unhcr", _series_vintage(UNHCR_ASYLUM[0])),
    Metric("emigrants", emigrants, people, "knomad", _knomad_vintage),
    Metric("net_migration", lambda db, c: indicator(db, ["wpp.net_migration"], c),
           lambda v, lang: signed(people(abs(v), lang), v), "wpp", _wpp_vintage, "level"),
    Metric("women", women_share, lambda v, lang: percent(v, lang), "undesa_ims", _undesa, "points", "destination_%"),
)


DISASTER = Metric("disaster", lambda db, c: disaster_displacement(db, c), people, "idmc",
                  lambda db: str(idmc_vintage(db)))


METRICS = {m.key: m for m in (*AREA_METRICS, DISASTER)}


def signed(text: str, value: float) -> str:
    """A formatted magnitude with its sign: '+1.2 million', '−350 thousand' (U+2212)."""
    return ("+" if value > 0 else "−" if value < 0 else "") + text.lstrip("-−")


def signed_percent(value: float, lang: str) -> str:
    return signed(percent(abs(value), lang), value)


def base_year(years: Sequence[int], latest: int) -> int | None:
    """2000 if published, else 1990, else the earliest year before the latest (KNOMAD: 2013)."""
    earlier = [y for y in years if y < latest]
    return next((b for b in BASE_YEARS if b in earlier), min(earlier) if earlier else None)


def rank_of(values: pd.Series, code: int) -> tuple[int, int]:
    """(rank, of): the area's place among the areas with a figure, largest first (ties share a rank)."""
    ranks = values.rank(ascending=False, method="min")
    return int(ranks[code]), int(values.notna().sum())


def measure(db: Database, metric: Metric, code: int, frame: pd.DataFrame, members: Sequence[int], name: str,
            lang: str, vintage: str | None = None) -> TalkingPoint | None:
    """One area's figure of a metric: latest year it has, rank among the OAS member states that
    year (when it is one), change since the base year. None when the area has no figure."""
    mine = frame[frame["area_code"] == code].set_index("year")["value"].dropna()
    if mine.empty:
        return None
    year = int(mine.index.max())
    value = float(mine[year])
    rank = of = None
    if code in members:
        that_year = frame[(frame["year"] == year) & frame["area_code"].isin(members)].set_index("area_code")["value"]
        rank, of = rank_of(that_year, code)
    base = base_year(list(mine.index), year)
    vintage = vintage or metric.vintage(db)
    shown = metric.fmt(value, lang)
    details = [t(lang, "briefs.rank", rank=rank, of=of)] if rank else []
    change = None
    base_shown = ""
    if base is not None:
        change, text = describe_change(metric.change, value, float(mine[base]), base, metric.fmt, lang)
        base_shown = metric.fmt(float(mine[base]), lang)
        details.append(text)
    sentence = frame_sentence(t(lang, f"briefs.tp.{metric.key}", name=in_sentence(name, lang), year=year, value=shown),
                              details, lang)
    return TalkingPoint(
        key=metric.key, sentence=sentence, citation=cite(db, metric.source, vintage, metric.dataset, lang),
        label=t(lang, f"briefs.label.{metric.key}"), value=value, shown=shown, year=year, source=metric.source,
        vintage=vintage, rank=rank, of=of, change=change, base_year=base, base_shown=base_shown,
    )


def describe_change(kind: str, value: float, base_value: float, base: int, fmt: Callable[[float, str], str],
                    lang: str) -> tuple[float | None, str]:
    """(change, words): % change, percentage points, or (a net flow, or from zero) the base level."""
    if kind == "percent" and base_value:
        change = 100 * (value - base_value) / base_value
        if change >= TIMES_FROM:  # "+1,191,923.7%" says less than "11,920 times"
            return change, t(lang, "briefs.change.times", times=decimal(value / base_value, lang, 1), base=base,
                             base_value=fmt(base_value, lang))
        return change, t(lang, "briefs.change.percent", change=signed_percent(change, lang), base=base,
                         base_value=fmt(base_value, lang))
    if kind == "points":
        change = value - base_value
        return change, t(lang, "briefs.change.points", change=signed(decimal(abs(change), lang, 1), change),
                         base=base, base_value=fmt(base_value, lang))
    return None, t(lang, "briefs.change.level", base=base, base_value=fmt(base_value, lang))


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


def member_frames(db: Database, codes: Sequence[int] | None = None) -> Frames:
    """The metrics of the OAS member states plus `codes` (every country when None)."""
    members = oas_members(db)
    wanted = sorted({*members, *(country_codes(db) if codes is None else codes)})
    available = loaded_sources(db)
    return Frames(members, {m.key: (m.load(db, wanted), m.vintage(db)) for m in AREA_METRICS if m.source in available})


def sum_point(db: Database, metric: Metric, codes: Sequence[int], label: str, lang: str, *,
              key: str | None = None, text_key: str | None = None) -> TalkingPoint | None:
    """A sum of members' figures (said so): the latest year, the members with a figure, change
    since the base year over the members that have both years, and the largest contributor."""
    frame = metric.load(db, codes)
    if frame.empty:
        return None
    year = int(frame["year"].max())
    latest = frame[frame["year"] == year].set_index("area_code")["value"]
    total = float(latest.sum())
    top = int(latest.idxmax())
    details = [t(lang, "briefs.sum_of", counted=int(latest.notna().sum()), total=len(codes)),
               t(lang, "briefs.largest", name=names(db, [top], lang)[top], value=metric.fmt(float(latest[top]), lang))]
    base = base_year(sorted(frame["year"].unique()), year)
    change = None
    base_shown = ""
    if base is not None:
        both = frame[frame["year"].isin([base, year])].pivot(index="area_code", columns="year", values="value").dropna()
        change, text = describe_change(metric.change, float(both[year].sum()), float(both[base].sum()), base,
                                       metric.fmt, lang)
        base_shown = metric.fmt(float(both[base].sum()), lang)
        details.append(text)
    shown = metric.fmt(total, lang)
    vintage = metric.vintage(db)
    sentence = frame_sentence(t(lang, text_key or f"briefs.sum.{metric.key}", name=in_sentence(label, lang), year=year,
                                value=shown),
                              details, lang)
    return TalkingPoint(key=key or f"sum_{metric.key}", sentence=sentence,
                        citation=cite(db, metric.source, vintage, metric.dataset, lang),
                        label=t(lang, f"briefs.label.{metric.key}"), value=total, shown=shown, year=year,
                        source=metric.source, vintage=vintage, change=change, base_year=base, base_shown=base_shown)


def aggregate_point(db: Database, key: str, metric: Metric, code: int, lang: str) -> TalkingPoint | None:
    """A published aggregate (the Americas' parts, LAC, the world) with its change, no rank."""
    point = measure(db, metric, code, metric.load(db, [code]), [], names(db, [code], lang)[code], lang)
    return None if point is None else _renamed(point, key)


def _renamed(point: TalkingPoint, key: str) -> TalkingPoint:
    return TalkingPoint(**{**point.__dict__, "key": key})


def custom_point(db: Database, key: str, sentence: str, *, label: str, value: float, shown: str, year: int,
                 source: str, vintage: str, lang: str, dataset: str = "%", **extra: object) -> TalkingPoint:
    return TalkingPoint(key=key, sentence=sentence, citation=cite(db, source, vintage, dataset, lang),
                        label=label, value=value, shown=shown, year=year, source=source,
                        vintage=vintage, **extra)  # type: ignore[arg-type]


def area_points_for(db: Database, code: int, lang: str, key: str) -> TalkingPoint | None:
    """One metric's point about one area, ranked among the OAS member states."""
    members = oas_members(db)
    metric = METRICS[key]
    return measure(db, metric, code, metric.load(db, sorted({*members, code})), members, names(db, [code], lang)[code],
                   lang)


def top_point(db: Database, key: str, codes: Sequence[int], lang: str, *, prefix: str) -> TalkingPoint | None:
    """The point of the member of `codes` with the largest figure of a metric in its latest year."""
    frame = METRICS[key].load(db, codes)
    if frame.empty:
        return None
    latest = frame[frame["year"] == frame["year"].max()].sort_values("value", ascending=False)
    point = area_points_for(db, int(latest["area_code"].iloc[0]), lang, key)
    return None if point is None else _renamed(point, f"{prefix}_{key}")


def count_point(db: Database, key: str, series: str, codes: Sequence[int], threshold: float,
                lang: str) -> TalkingPoint | None:
    """How many of `codes` received more than `threshold` % of GDP in remittances (latest year)."""
    frame = indicator(db, [series], codes)
    if frame.empty:
        return None
    year = int(frame["year"].max())
    latest = frame[frame["year"] == year]
    above = latest[latest["value"] > threshold].sort_values("value", ascending=False)
    listed = ", ".join(names(db, [int(c)], lang)[int(c)] for c in above["area_code"])
    sentence = t(lang, f"briefs.tp.{key}", count=len(above), of=len(latest), year=year,
                 threshold=percent(threshold, lang, 0), names=listed or "—")
    return custom_point(db, key, sentence, label=t(lang, "briefs.label.dependence", threshold=percent(threshold, lang, 0)),
                        value=float(len(above)), shown=str(len(above)), year=year,
                        source="worldbank", vintage=str(vintage_of(db, series)), lang=lang, dataset=f"%{series}%")
