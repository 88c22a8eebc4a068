"""Briefs and talking points: a page of sourced figures a delegate takes into a meeting.

One function, `talking_points(db, subject, lang)`, writes the sentences that the CLI's brief,
the HTML/PDF brief and the dashboard's cards all show, so a figure reads the same everywhere.
Each point carries its figure, its rank among the OAS member states (the roster of 35), its
change since 2000 (or 1990, or the earliest edition a source has) and the publisher's own
citation from the `provenance` table. `brief(db, subject, lang)` adds what the page needs
around them: charts (as data; readside.brief_charts draws them), a key-figure table, caveats,
sources and vintages, and for a theme whose source is not loaded, which command loads it.

Subjects: an area (M49 country code), a grouping (oas, caricom, sica, can, mercosur: sums of
the members' figures, said so) or a theme of the Committee's work plan (data/briefs/themes.yaml).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from etl.areas import AMERICAS_PARTS, WORLD
from readside import availability, citations, corridors, flows, groupings, queries
from readside.claims import long_date
from readside.queries import Database
from readside.text import (
    decimal,
    in_sentence,
    language,
    money,
    name_column,
    people,
    percent,
    percent_of_gdp,
    t,
)

THEMES_FILE = Path(__file__).resolve().parents[1] / "data" / "briefs" / "themes.yaml"
BASE_YEARS = (2000, 1990)
MAX_POINTS = 8
TIMES_FROM = 900.0  # from +900% on, a change is said as a multiple ("19.4 times the 2000 figure")
LAC = 904
RECEIVED, RECEIVED_GDP, PAID = "BX.TRF.PWKR.CD.DT", "BX.TRF.PWKR.DT.GD.ZS", "BM.TRF.PWKR.CD.DT"
# UNHCR: refugees, asylum-seekers and other people in need of international protection.
PROTECTION = ("refugees", "asylum_seekers", "oip")
UNHCR_ORIGIN = tuple(f"unhcr.{p}.origin" for p in PROTECTION)
UNHCR_ASYLUM = tuple(f"unhcr.{p}.asylum" for p in PROTECTION)
OAS = "oas"
KINDS = ("area", "group", "theme")


class BriefError(ValueError):
    """A subject the build cannot write a brief about (unknown code, grouping or theme)."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values

    def message(self, lang: str) -> str:
        return t(lang, self.key, **self.values)


# ---------------------------------------------------------------- subjects and themes


@dataclass(frozen=True)
class Subject:
    kind: str  # area | group | theme
    key: str  # "484", "caricom", "sids"

    @property
    def slug(self) -> str:
        return f"{self.kind}-{self.key}"

    @property
    def code(self) -> int:
        return int(self.key)


@cache
def theme_registry(path: Path = THEMES_FILE) -> dict:
    """The work plan's themes, the OAS member SIDS and the special situations' origins."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def themes() -> list[str]:
    return [theme["key"] for theme in theme_registry()["themes"]]


def theme_sources(key: str) -> list[str]:
    return next(theme["sources"] for theme in theme_registry()["themes"] if theme["key"] == key)


def parse_subject(db: Database, *, area: object = None, group: object = None, theme: object = None) -> Subject:
    """Exactly one of area (M49 country code), group or theme, validated against the build."""
    given = [(kind, value) for kind, value in zip(KINDS, (area, group, theme), strict=True) if value not in (None, "")]
    if len(given) != 1:
        raise BriefError("briefs.error.one_subject")
    kind, value = given[0]
    text = str(value).strip()[:40]
    if kind == "area":
        if not text.isdigit() or text not in {str(c) for c in country_codes(db)}:
            raise BriefError("briefs.error.area", value=text)
        return Subject("area", str(int(text)))
    if kind == "group":
        if text not in set(groupings.groupings(db)["grouping"]):
            raise BriefError("briefs.error.group", value=text)
        return Subject("group", text)
    if text not in themes():
        raise BriefError("briefs.error.theme", value=text, themes=", ".join(themes()))
    return Subject("theme", text)


def country_codes(db: Database) -> list[int]:
    return [c for (c,) in db.rows("SELECT code FROM area WHERE kind = 'country' ORDER BY code")]


def oas_members(db: Database) -> list[int]:
    """The roster: the 35 member states the Committee's documents speak of."""
    return [c for (c,) in db.rows("SELECT member_code FROM area_group WHERE grouping = ? AND roster ORDER BY 1", [OAS])]


def oas_sids(db: Database) -> list[int]:
    """The OAS member states on the UN's list of SIDS (checked against themes.yaml by the tests)."""
    return [c for (c,) in db.rows("SELECT code FROM area WHERE sids AND oas_member ORDER BY code")]


def codes_of_iso3(db: Database, iso3: Sequence[str]) -> list[int]:
    return [c for (c,) in db.rows("SELECT code FROM area WHERE iso3 IN (SELECT unnest(?)) ORDER BY code",
                                  [list(iso3)])]


def names(db: Database, codes: Sequence[int], lang: str) -> dict[int, str]:
    column = name_column(lang)
    frame = db.frame("SELECT code, name_en, name_es, name_fr, name_pt FROM area WHERE code IN (SELECT unnest(?))",
                     [list(codes)])
    return dict(zip(frame["code"].astype(int), frame[column], strict=True))


def subject_title(db: Database, subject: Subject, lang: str) -> str:
    if subject.kind == "area":
        return names(db, [subject.code], lang)[subject.code]
    if subject.kind == "group":
        row = groupings.groupings(db).set_index("grouping").loc[subject.key]
        return str(row.get(f"name_{language(lang)}", row["name_en"]))
    return t(lang, f"briefs.theme.{subject.key}")


def loaded_sources(db: Database) -> set[str]:
    """Every source with a file behind this build (UN DESA, indicators, KNOMAD, OECD, IOM, IDMC)."""
    return {s for (s,) in db.rows("SELECT DISTINCT source FROM provenance")}


# ---------------------------------------------------------------- values per area and year


def stock(db: Database, codes: Sequence[int], sex: str = "total", revision: int | None = None) -> pd.DataFrame:
    """area_code, year, value: migrant stock (destination totals) in the newest revision."""
    revision = revision or latest_revision(db)
    return db.frame(
        "SELECT destination_code AS area_code, year, migrants::DOUBLE AS value FROM stock WHERE revision = ? "
        "AND sex = ? AND origin_code = ? AND destination_code IN (SELECT unnest(?)) ORDER BY 1, 2",
        [revision, sex, WORLD, list(codes)],
    )


def share(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """area_code, year, value: migrants as % of population (newest revision), as published."""
    return db.frame(
        "SELECT area_code, year, percent_of_population AS value FROM stock_share WHERE revision = ? "
        "AND sex = 'total' AND area_code IN (SELECT unnest(?)) ORDER BY 1, 2",
        [latest_revision(db), list(codes)],
    )


def women_share(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    total, female = stock(db, codes), stock(db, codes, "female")
    both = total.merge(female, on=["area_code", "year"], suffixes=("_t", "_f"))
    return both.assign(value=100 * both["value_f"] / both["value_t"])[["area_code", "year", "value"]]


def indicator(db: Database, series: Sequence[str], codes: Sequence[int]) -> pd.DataFrame:
    """area_code, year, value: the sum of the series (newest vintage of each, estimates)."""
    return db.frame(
        "SELECT area_code, year, sum(value) AS value FROM indicator_vintages WHERE newest AND variant = 'estimate' "
        "AND series IN (SELECT unnest(?)) AND area_code IN (SELECT unnest(?)) GROUP BY ALL ORDER BY 1, 2",
        [list(series), list(codes)],
    )


def emigrants(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """area_code, year, value: emigrants born in the area living anywhere, per KNOMAD edition."""
    return db.frame(
        "SELECT origin_code AS area_code, year, sum(migrants)::DOUBLE AS value FROM bilateral_stock "
        "WHERE source = 'knomad' AND origin_code IN (SELECT unnest(?)) GROUP BY ALL ORDER BY 1, 2",
        [list(codes)],
    )


def disaster_displacement(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """area_code, year, value: new displacements by disasters (IDMC, newest vintage)."""
    return db.frame(
        "SELECT area_code, year, persons::DOUBLE AS value FROM internal_displacement WHERE cause = 'disaster' "
        "AND measure = 'new_displacements' AND area_code IN (SELECT unnest(?)) AND vintage = "
        "(SELECT max(vintage) FROM internal_displacement WHERE cause = 'disaster' AND measure = 'new_displacements') "
        "ORDER BY 1, 2",
        [list(codes)],
    )


def latest_revision(db: Database) -> int:
    return queries.revisions(db)[-1]


def vintage_of(db: Database, series: str) -> str | None:
    rows = db.rows("SELECT max(revision) FROM indicator_vintages WHERE newest AND series = ?", [series])
    return rows[0][0] if rows else None


def citation(db: Database, source: str, vintage: object, dataset: str = "%") -> str:
    """The publisher's own citation of one file behind the build (English, as published)."""
    rows = db.rows("SELECT citation FROM provenance WHERE source = ? AND vintage = ? AND dataset LIKE ? "
                   "ORDER BY dataset LIMIT 1", [source, str(vintage), dataset])
    return rows[0][0] if rows else source


def idmc_vintage(db: Database) -> str | None:
    rows = db.rows("SELECT max(vintage) FROM internal_displacement WHERE cause = 'disaster' "
                   "AND measure = 'new_displacements'")
    return rows[0][0] if rows else None


# ---------------------------------------------------------------- talking points


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


def area_points(db: Database, code: int, lang: str, frames: Frames | None = None) -> list[TalkingPoint]:
    """Up to eight points about one country or area, each ranked among the OAS member states."""
    frames = frames or member_frames(db, [code])
    name = names(db, [code], lang)[code]
    points = []
    for metric in AREA_METRICS:
        if metric.key not in frames.frames:
            continue
        frame, vintage = frames.frames[metric.key]
        point = measure(db, metric, code, frame, frames.members, name, lang, vintage)
        if point is not None:
            points.append(point)
    return points[:MAX_POINTS]


def talking_points(db: Database, subject: Subject, lang: str, frames: Frames | None = None) -> list[TalkingPoint]:
    """The sentences of a subject, in the reader's language (the CLI, the brief and the cards)."""
    lang = language(lang)
    if subject.kind == "area":
        return area_points(db, subject.code, lang, frames)
    if subject.kind == "group":
        return group_points(db, subject.key, lang)
    return THEME_POINTS[subject.key](db, lang)


# ---------------------------------------------------------------- sums: groupings and themes


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


def group_points(db: Database, grouping: str, lang: str, codes: Sequence[int] | None = None,
                 label: str | None = None) -> list[TalkingPoint]:
    """Sums over a grouping's roster (or the given members): stock, remittances, UNHCR, emigrants."""
    if codes is None:
        members = groupings.members(db, grouping)
        codes = [int(c) for c in members.loc[members["roster"], "member_code"]]
    label = label or subject_title(db, Subject("group", grouping), lang)
    available = loaded_sources(db)
    points = [sum_point(db, METRICS[k], codes, label, lang)
              for k in ("stock", "remittances", "displaced_abroad", "hosted", "emigrants")
              if METRICS[k].source in available]
    return [p for p in points if p is not None]


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


def americas_stock(db: Database, sex: str = "total", revision: int | None = None) -> pd.Series:
    """year -> migrants in the UN's Americas (LAC + Northern America) in a revision."""
    frame = stock(db, AMERICAS_PARTS, sex, revision)
    counted = frame.groupby("year")["value"].agg(["sum", "count"])
    return counted.loc[counted["count"] == len(AMERICAS_PARTS), "sum"]


def overview_points(db: Database, lang: str) -> list[TalkingPoint]:
    """The Americas and the OAS member states: totals, change, the world share, the largest host,
    women, remittances to LAC, protection needs."""
    revision = latest_revision(db)
    total, female = americas_stock(db), americas_stock(db, "female")
    world = stock(db, [WORLD]).set_index("year")["value"]
    year = int(total.index.max())
    base = base_year(list(total.index), year)
    change = 100 * (total[year] - total[base]) / total[base]
    shown = people(total[year], lang)
    details = [t(lang, "briefs.world_share", share=percent(100 * total[year] / world[year], lang)),
               t(lang, "briefs.change.percent", change=signed_percent(change, lang), base=base,
                 base_value=people(total[base], lang))]
    points = [custom_point(
        db, "americas", frame_sentence(t(lang, "briefs.tp.americas", year=year, value=shown), details, lang),
        label=t(lang, "briefs.label.americas"),
        value=float(total[year]), shown=shown, year=year, source="undesa_ims", vintage=str(revision), lang=lang,
        dataset="destination_%", change=change, base_year=base, base_shown=people(total[base], lang))]
    points += [p for p in group_points(db, OAS, lang)[:1]]
    women = 100 * female[year] / total[year]
    points.append(custom_point(
        db, "americas_women", t(lang, "briefs.tp.americas_women", year=year, value=percent(women, lang)),
        label=t(lang, "briefs.label.women"),
        value=float(women), shown=percent(women, lang), year=year, source="undesa_ims", vintage=str(revision),
        lang=lang, dataset="destination_%"))
    members = oas_members(db)
    top = stock(db, members)
    top = top[top["year"] == year].sort_values("value", ascending=False)
    if not top.empty:  # a build holding only the regional totals has no member to rank
        points.append(area_points_for(db, int(top["area_code"].iloc[0]), lang, "stock"))
    available = loaded_sources(db)
    if "worldbank" in available:
        points.append(aggregate_point(db, "lac_remittances", METRICS["remittances"], LAC, lang))
    if "unhcr" in available:
        points.append(sum_point(db, METRICS["hosted"], members, subject_title(db, Subject("group", OAS), lang), lang))
    return [p for p in points if p is not None][:MAX_POINTS]


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


def sids_points(db: Database, lang: str) -> list[TalkingPoint]:
    """The OAS member SIDS: stock, % of population, remittances as % of GDP, emigration."""
    codes = oas_sids(db)
    label = t(lang, "briefs.sids_label", n=len(codes))
    available = loaded_sources(db)
    points = [sum_point(db, METRICS["stock"], codes, label, lang, key="sids_stock")]
    points.append(top_point(db, "share", codes, lang, prefix="sids"))
    if "worldbank" in available:
        points.append(top_point(db, "remittances_gdp", codes, lang, prefix="sids"))
        points.append(count_point(db, "sids_dependence", RECEIVED_GDP, codes, 10.0, lang))
        points.append(sum_point(db, METRICS["remittances"], codes, label, lang, key="sids_remittances"))
    if "knomad" in available:
        points.append(sum_point(db, METRICS["emigrants"], codes, label, lang, key="sids_emigrants"))
        points.append(top_point(db, "emigrants", codes, lang, prefix="sids"))
    return [p for p in points if p is not None][:MAX_POINTS]


def situation_codes(db: Database) -> dict[str, list[int]]:
    return {key: codes_of_iso3(db, iso3) for key, iso3 in theme_registry()["special_situations"].items()}


def displacement_vintage(db: Database) -> str | None:
    vintages = corridors.displacement_vintages(db)
    return vintages[0] if vintages else None


def situation_point(db: Database, key: str, codes: Sequence[int], lang: str) -> TalkingPoint | None:
    """People in need of international protection from the origins, latest year, change since
    the base year, and their largest host (UNHCR pairs, newest release)."""
    vintage = displacement_vintage(db)
    if vintage is None:
        return None
    trend = pd.concat([corridors.displacement_trend(db, vintage, PROTECTION, origin=c) for c in codes])
    trend = trend.groupby("year")["persons"].sum()
    if trend.empty:
        return None
    year = int(trend.index.max())
    base = base_year([y for y in trend.index if trend[y] > 0], year)
    pairs = pd.concat([corridors.displacement_pairs(db, vintage, year, PROTECTION, origin=c, limit=100) for c in codes])
    hosts = pairs.groupby("asylum_code")["persons"].sum().sort_values(ascending=False)
    host = int(hosts.index[0])
    details = [t(lang, "briefs.largest_host", name=names(db, [host], lang)[host], value=people(hosts.iloc[0], lang),
                 share=percent(100 * hosts.iloc[0] / trend[year], lang))]
    change = None
    if base is not None:
        change, text = describe_change("percent", trend[year], trend[base], base, people, lang)
        details.append(text)
    origin = ", ".join(names(db, codes, lang)[c] for c in codes)
    shown = people(trend[year], lang)
    sentence = frame_sentence(t(lang, "briefs.tp.situation", origin=origin, year=year, value=shown), details, lang)
    return custom_point(db, f"situation_{key}", sentence, label=t(lang, "briefs.label.situation", origin=origin),
                        value=float(trend[year]), shown=shown, year=year,
                        source="unhcr", vintage=vintage, lang=lang, change=change, base_year=base,
                        base_shown=people(trend[base], lang) if base else "")


def special_points(db: Database, lang: str) -> list[TalkingPoint]:
    if "unhcr" not in loaded_sources(db):
        return []
    points = [situation_point(db, key, codes, lang) for key, codes in situation_codes(db).items()]
    points.append(hosts_point(db, "venezuela", 100_000, lang))
    points.append(top_point(db, "hosted", oas_members(db), lang, prefix="top"))
    return [p for p in points if p is not None]


def hosts_point(db: Database, key: str, threshold: int, lang: str) -> TalkingPoint | None:
    """How many OAS member states host more than `threshold` people from a situation's origins."""
    vintage = displacement_vintage(db)
    codes = situation_codes(db)[key]
    members = set(oas_members(db))
    year = max(corridors.displacement_years(db, vintage, PROTECTION)) if vintage else None
    if year is None:
        return None
    pairs = pd.concat([corridors.displacement_pairs(db, vintage, year, PROTECTION, origin=c, limit=200) for c in codes])
    hosts = pairs[pairs["asylum_code"].isin(members)].groupby("asylum_code")["persons"].sum()
    above = hosts[hosts > threshold].sort_values(ascending=False)
    listed = ", ".join(names(db, [int(c)], lang)[int(c)] for c in above.index) or "—"
    origin = t(lang, f"briefs.situation.{key}")
    sentence = t(lang, "briefs.tp.hosts", count=len(above), year=year, threshold=decimal(threshold, lang, 0),
                 origin=origin, names=listed)
    return custom_point(db, f"hosts_{key}", sentence, label=t(lang, "briefs.label.hosts", origin=origin,
                        threshold=decimal(threshold, lang, 0)), value=float(len(above)), shown=str(len(above)),
                        year=year, source="unhcr", vintage=vintage, lang=lang)


def yearly_change(db: Database, key: str, series: str, code: int, year: int, lang: str) -> TalkingPoint | None:
    """An area's change from year-1 to year (remittances in the pandemic: 2020, then 2021)."""
    values = indicator(db, [series], [code]).set_index("year")["value"]
    if year not in values.index or year - 1 not in values.index:
        return None
    change = 100 * (values[year] - values[year - 1]) / values[year - 1]
    name = names(db, [code], lang)[code]
    sentence = t(lang, f"briefs.tp.{key}", name=name, year=year, previous=year - 1, value=money(values[year], lang),
                 change=signed_percent(change, lang), base_value=money(values[year - 1], lang))
    return custom_point(db, key, sentence, label=t(lang, "briefs.label.remittances_in", year=year),
                        value=float(values[year]), shown=money(values[year], lang), year=year,
                        source="worldbank", vintage=str(vintage_of(db, series)), lang=lang, dataset=f"%{series}%",
                        change=change, base_year=year - 1, base_shown=money(values[year - 1], lang))


def fell_point(db: Database, year: int, lang: str) -> TalkingPoint | None:
    """How many OAS member states received less in `year` than the year before (and which)."""
    members = oas_members(db)
    frame = indicator(db, [RECEIVED], members).pivot(index="area_code", columns="year", values="value")
    if year not in frame or year - 1 not in frame:
        return None
    both = frame[[year - 1, year]].dropna()
    fell = both[both[year] < both[year - 1]]
    listed = ", ".join(sorted(names(db, [int(c) for c in fell.index], lang).values())) if len(fell) else "—"
    sentence = t(lang, "briefs.tp.fell", count=len(fell), of=len(both), year=year, previous=year - 1, names=listed)
    return custom_point(db, "fell", sentence, label=t(lang, "briefs.label.fell", year=year), value=float(len(fell)), shown=str(len(fell)), year=year,
                        source="worldbank", vintage=str(vintage_of(db, RECEIVED)), lang=lang, dataset=f"%{RECEIVED}%")


def remittance_points(db: Database, lang: str) -> list[TalkingPoint]:
    """Contributions to countries of origin: LAC's total, 2020 and 2021, the largest receiver,
    dependence as % of GDP."""
    if "worldbank" not in loaded_sources(db):
        return []
    members = oas_members(db)
    points = [aggregate_point(db, "lac_remittances", METRICS["remittances"], LAC, lang),
              yearly_change(db, "pandemic_year", RECEIVED, LAC, 2020, lang),
              yearly_change(db, "rebound_year", RECEIVED, LAC, 2021, lang),
              top_point(db, "remittances", members, lang, prefix="top"),
              top_point(db, "remittances_gdp", members, lang, prefix="top"),
              count_point(db, "dependence", RECEIVED_GDP, members, 10.0, lang)]
    return [p for p in points if p is not None]


def covid_points(db: Database, lang: str) -> list[TalkingPoint]:
    """The pandemic in the data that exists: remittances in 2020 and 2021, which members saw
    them fall, and OECD permanent-type inflows into the Americas' reporting countries."""
    available = loaded_sources(db)
    points: list[TalkingPoint | None] = []
    if "worldbank" in available:
        points += [yearly_change(db, "pandemic_year", RECEIVED, LAC, 2020, lang),
                   yearly_change(db, "rebound_year", RECEIVED, LAC, 2021, lang), fell_point(db, 2020, lang),
                   yearly_change(db, "pandemic_year", RECEIVED, top_receiver(db), 2020, lang)]
    if "oecd" in available:
        points.append(inflow_point(db, lang))
    return [p for p in points if p is not None]


def top_receiver(db: Database) -> int:
    """The OAS member state receiving the most remittances in the latest year (Mexico)."""
    frame, _ = _latest(indicator(db, [RECEIVED], oas_members(db)))
    return int(frame.sort_values("value", ascending=False)["area_code"].iloc[0])


def inflow_point(db: Database, lang: str) -> TalkingPoint | None:
    """Permanent-type inflows into the Americas' OECD reporters, 2019 -> 2020 (same reporters)."""
    reporters = flows.flow_destinations(db)["area_code"].astype(int).tolist()
    totals = flows.permanent_totals(db, reporters).pivot(index="area_code", columns="year", values="persons")
    if 2019 not in totals or 2020 not in totals:
        return None
    both = totals[[2019, 2020]].dropna()
    before, after = float(both[2019].sum()), float(both[2020].sum())
    change = 100 * (after - before) / before
    listed = ", ".join(sorted(names(db, [int(c) for c in both.index], lang).values()))
    sentence = t(lang, "briefs.tp.inflows", value=people(after, lang), base_value=people(before, lang),
                 change=signed_percent(change, lang), names=listed)
    vintage = db.rows("SELECT vintage FROM provenance WHERE dataset = 'oecd_df_mig_int_per'")
    return custom_point(db, "inflows", sentence, label=t(lang, "briefs.label.inflows"), value=after, shown=people(after, lang), year=2020, source="oecd",
                        vintage=vintage[0][0] if vintage else "", lang=lang, dataset="oecd_df_mig_int_per",
                        change=change, base_year=2019, base_shown=people(before, lang))


def climate_points(db: Database, lang: str) -> list[TalkingPoint]:
    """Disaster displacement (IDMC): the Americas' total, the largest, the OAS member SIDS."""
    if "idmc" not in loaded_sources(db):
        return []
    members = oas_members(db)
    sids = oas_sids(db)
    points = [sum_point(db, DISASTER, members, subject_title(db, Subject("group", OAS), lang), lang, key="disaster_oas"),
              top_point(db, "disaster", members, lang, prefix="top"),
              sum_point(db, DISASTER, sids, t(lang, "briefs.sids_label", n=len(sids)), lang, key="disaster_sids"),
              top_point(db, "disaster", sids, lang, prefix="sids"),
              peak_point(db, DISASTER, sids, lang)]
    return [p for p in points if p is not None]


def peak_point(db: Database, metric: Metric, codes: Sequence[int], lang: str) -> TalkingPoint | None:
    """The year the members' disaster displacement peaked, and who was hit hardest that year."""
    frame = metric.load(db, codes)
    if frame.empty:
        return None
    by_year = frame.groupby("year")["value"].sum()
    year = int(by_year.idxmax())
    that = frame[frame["year"] == year].set_index("area_code")["value"]
    top = int(that.idxmax())
    sentence = t(lang, "briefs.tp.disaster_peak", year=year, value=people(by_year[year], lang),
                 first=int(by_year.index.min()), last=int(by_year.index.max()),
                 name=names(db, [top], lang)[top], top=people(that[top], lang))
    return custom_point(db, "disaster_peak", sentence, label=t(lang, "briefs.label.disaster_peak"), value=float(by_year[year]), shown=people(by_year[year], lang),
                        year=year, source="idmc", vintage=metric.vintage(db), lang=lang)


def revision_points(db: Database, lang: str) -> list[TalkingPoint]:
    """What each IMS revision says about the same year: the Americas in 2015 and 2020 as
    published in every edition that has them (revisions rewrite history)."""
    revisions = queries.revisions(db)
    points = []
    for year in (2020, 2015):
        values = {r: americas_stock(db, revision=r).get(year) for r in revisions}
        values = {r: v for r, v in values.items() if v is not None and not pd.isna(v)}
        if len(values) < 2:
            continue
        newest, oldest = max(values), min(values)
        change = 100 * (values[newest] - values[oldest]) / values[oldest]
        listed = "; ".join(t(lang, "briefs.in_revision", revision=r, value=people(v, lang)) for r, v in values.items())
        sentence = t(lang, "briefs.tp.revised", year=year, values=listed, newest=newest, oldest=oldest,
                     change=signed_percent(change, lang))
        points.append(custom_point(db, f"revised_{year}", sentence, label=t(lang, "briefs.label.revised", year=year),
                                   value=float(values[newest]),
                                   shown=people(values[newest], lang), year=year, source="undesa_ims",
                                   vintage=str(newest), lang=lang, dataset="destination_%", change=change,
                                   base_year=oldest, base_shown=people(values[oldest], lang)))
    return points


def data_points(db: Database, lang: str) -> list[TalkingPoint]:
    """Collection of data: what each IMS revision says, and how many members each source covers."""
    points = revision_points(db, lang)
    members = oas_members(db)
    for row in source_coverage(db).itertuples(index=False):
        if row.members is None:
            continue
        sentence = t(lang, "briefs.tp.coverage", what=t(lang, f"briefs.source.{row.source}"), count=row.members,
                     of=len(members), year=row.latest, vintage=row.vintage)
        points.append(custom_point(db, f"coverage_{row.source}", sentence,
                                   label=t(lang, "briefs.label.coverage", what=t(lang, f"briefs.source.{row.source}")),
                                   value=float(row.members),
                                   shown=str(row.members), year=int(row.latest), source=row.source,
                                   vintage=str(row.vintage), lang=lang))
    return points[:MAX_POINTS]


THEME_POINTS: dict[str, Callable[[Database, str], list[TalkingPoint]]] = {
    "overview": overview_points, "sids": sids_points, "special-situations": special_points,
    "remittances": remittance_points, "data-and-statistics": data_points, "covid-19": covid_points,
    "climate-change": climate_points,
}


# ---------------------------------------------------------------- availability


def source_coverage(db: Database) -> pd.DataFrame:
    """source, vintage, latest (year), members (OAS member states with a figure that year): one
    row per source in the build, read from the `availability` view (readside/availability.py),
    so the brief and the /availability page never disagree."""
    rows = availability.availability(db, oas_members(db))
    out = []
    for source, frame in rows.groupby("source", sort=False):
        latest = int(frame["latest_year"].max())
        newest = frame[frame["latest_year"] == latest]
        out.append({"source": source, "vintage": ", ".join(sorted(set(newest["vintage"]))), "latest": latest,
                    "members": int(newest["area_code"].nunique())})
    return pd.DataFrame(out, columns=["source", "vintage", "latest", "members"])


# ---------------------------------------------------------------- the brief around the points


@dataclass(frozen=True)
class Series:
    label: str
    x: list
    y: list[float]
    key: object = None  # the area (M49 code) or measure it draws: its colour (readside/style.py)


@dataclass(frozen=True)
class Chart:
    """A static chart as data: `line` (series over years) or `bars` (one value per label)."""

    kind: str
    title: str
    source: str
    series: list[Series]
    unit: str  # people | money | percent | gdp

    def fmt(self, value: float, lang: str) -> str:
        return {"people": people, "money": money, "percent": lambda v, lg: percent(v, lg),
                "gdp": percent_of_gdp}[self.unit](value, lang)


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
    used = sorted({(p.source, p.vintage) for p in points})
    return Brief(
        subject=subject, lang=lang, title=title, heading=t(lang, f"briefs.heading.{subject.kind}", name=title),
        date=long_date((today or dt.date.today()).isoformat(), lang), build_id=queries.build_info(db)["build_id"],
        vintages=[t(lang, "briefs.vintage", source=t(lang, f"briefs.source.{s}"), vintage=v) for s, v in used],
        points=points, charts=charts, table_headers=table_headers(lang), table_rows=[table_row(p, lang) for p in points],
        caveats=caveats(db, subject, points, lang), sources=sources(db, [*used, ("undesa_ims", str(latest_revision(db)))]),
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
    rank = t(lang, "briefs.rank_short", rank=point.rank, of=point.of) if point.rank else "—"
    change = "—"
    if point.base_year is not None and point.change is not None:
        change = t(lang, "briefs.change_short", change=signed(decimal(abs(point.change), lang, 1), point.change),
                   base=point.base_year, unit=t(lang, "briefs.unit.points") if point.key in POINT_KEYS else "%")
    elif point.base_year is not None and point.base_shown:
        change = t(lang, "briefs.change.level", base=point.base_year, base_value=point.base_shown)
    return [point.label, str(point.year), point.shown, rank, change, t(lang, f"briefs.source.{point.source}")]


POINT_KEYS = {"share", "remittances_gdp", "women", "sids_share", "sids_remittances_gdp", "top_remittances_gdp"}


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


def sources(db: Database, used: Sequence[tuple[str, str]]) -> list[dict]:
    """One entry per file behind the figures (source and vintage): citation, URL, licence, retrieval."""
    frame = db.frame("SELECT source, dataset, vintage, citation, url, licence, retrieved_at FROM provenance "
                     "WHERE list_contains(?, source || '|' || vintage) ORDER BY source, vintage DESC, dataset",
                     [sorted({f"{s}|{v}" for s, v in used})])
    return frame.to_dict("records")


def missing_notices(db: Database, subject: Subject, lang: str) -> list[str]:
    """A theme whose source is not in the build says which command loads it."""
    if subject.kind != "theme":
        return []
    available = loaded_sources(db)
    return [t(lang, "briefs.missing", what=t(lang, f"briefs.source.{s}"), source=s)
            for s in theme_sources(subject.key) if s not in available]


# ---------------------------------------------------------------- charts (as data)


def _lines(frame: pd.DataFrame, labels: dict[int, str]) -> list[Series]:
    return [Series(labels.get(int(code), str(code)), part["year"].astype(int).tolist(), part["value"].tolist(),
                   key=int(code))
            for code, part in frame.groupby("area_code", sort=False)]


def _bars(frame: pd.DataFrame, labels: dict[int, str], limit: int = 16) -> list[Series]:
    top = frame.sort_values("value", ascending=False).head(limit)
    return [Series("", [labels.get(int(c), str(c)) for c in top["area_code"]], top["value"].tolist())] if len(top) else []


def _latest(frame: pd.DataFrame) -> tuple[pd.DataFrame, int | None]:
    if frame.empty:
        return frame, None
    year = int(frame["year"].max())
    return frame[frame["year"] == year], year


def source_label(db: Database, source: str, vintage: object, lang: str) -> str:
    return t(lang, "briefs.chart_source", source=t(lang, f"briefs.source.{source}"), vintage=vintage)


def area_charts(db: Database, subject: Subject, lang: str) -> list[Chart]:
    code = subject.code
    row = queries.area_row(db, code) or {}
    parts = [code] + ([int(row["subregion"])] if pd.notna(row.get("subregion")) else [])
    labels = names(db, parts, lang)
    name = labels[code]
    revision = latest_revision(db)
    ims = source_label(db, "undesa_ims", revision, lang)
    charts = [Chart("line", t(lang, "briefs.chart.stock", name=name), ims, _lines(stock(db, [code]), labels), "people"),
              Chart("line", t(lang, "briefs.chart.share", name=name), ims, _lines(share(db, parts), labels), "percent")]
    available = loaded_sources(db)
    if "worldbank" in available:
        received = indicator(db, [RECEIVED], [code])
        charts.append(Chart("line", t(lang, "briefs.chart.remittances", name=name),
                            source_label(db, "worldbank", vintage_of(db, RECEIVED), lang),
                            _lines(received[received["year"] >= 1990], labels), "money"))
    if "unhcr" in available:
        series = []
        for key, names_of in (("from", UNHCR_ORIGIN), ("in", UNHCR_ASYLUM)):
            frame = indicator(db, names_of, [code])
            frame = frame[frame["year"] >= 1990]
            if not frame.empty:
                series.append(Series(t(lang, f"briefs.series.{key}", name=name), frame["year"].astype(int).tolist(),
                                     frame["value"].tolist()))
        charts.append(Chart("line", t(lang, "briefs.chart.protection", name=name),
                            source_label(db, "unhcr", vintage_of(db, UNHCR_ORIGIN[0]), lang), series, "people"))
    return charts


def member_bars(db: Database, key: str, codes: Sequence[int], lang: str, title_key: str, **values: object) -> Chart:
    metric = METRICS[key]
    frame, year = _latest(metric.load(db, codes))
    unit = {"share": "percent", "remittances": "money", "remittances_gdp": "gdp"}.get(key, "people")
    return Chart("bars", t(lang, title_key, year=year, **values),
                 source_label(db, metric.source, metric.vintage(db), lang), _bars(frame, names(db, codes, lang)), unit)


def group_charts(db: Database, subject: Subject, lang: str) -> list[Chart]:
    members = groupings.members(db, subject.key)
    codes = [int(c) for c in members.loc[members["roster"], "member_code"]]
    name = subject_title(db, subject, lang)
    total = stock(db, codes).groupby("year")["value"].sum().reset_index().assign(area_code=0)
    charts = [Chart("line", t(lang, "briefs.chart.group_stock", name=name),
                    source_label(db, "undesa_ims", latest_revision(db), lang), _lines(total, {0: name}), "people"),
              member_bars(db, "stock", codes, lang, "briefs.chart.members_stock", name=name)]
    available = loaded_sources(db)
    if "worldbank" in available:
        charts.append(member_bars(db, "remittances", codes, lang, "briefs.chart.members_remittances", name=name))
    if "unhcr" in available:
        charts.append(member_bars(db, "hosted", codes, lang, "briefs.chart.members_hosted", name=name))
    return charts


def theme_charts(db: Database, subject: Subject, lang: str) -> list[Chart]:
    return THEME_CHARTS[subject.key](db, lang)


def overview_charts(db: Database, lang: str) -> list[Chart]:
    parts = list(AMERICAS_PARTS)
    labels = names(db, parts, lang)
    ims = source_label(db, "undesa_ims", latest_revision(db), lang)
    members = oas_members(db)
    charts = [Chart("line", t(lang, "briefs.chart.americas"), ims, _lines(stock(db, parts), labels), "people"),
              member_bars(db, "stock", members, lang, "briefs.chart.members_stock",
                          name=subject_title(db, Subject("group", OAS), lang))]
    if "worldbank" in loaded_sources(db):
        charts.append(lac_remittance_chart(db, lang))
    if "unhcr" in loaded_sources(db):
        charts.append(member_bars(db, "hosted", members, lang, "briefs.chart.members_hosted",
                                  name=subject_title(db, Subject("group", OAS), lang)))
    return charts


def lac_remittance_chart(db: Database, lang: str) -> Chart:
    frame = indicator(db, [RECEIVED], [LAC])
    return Chart("line", t(lang, "briefs.chart.lac_remittances"),
                 source_label(db, "worldbank", vintage_of(db, RECEIVED), lang),
                 _lines(frame[frame["year"] >= 1990], names(db, [LAC], lang)), "money")


def sids_charts(db: Database, lang: str) -> list[Chart]:
    codes = oas_sids(db)
    charts = [member_bars(db, "share", codes, lang, "briefs.chart.sids_share"),
              member_bars(db, "stock", codes, lang, "briefs.chart.sids_stock")]
    available = loaded_sources(db)
    if "worldbank" in available:
        charts.append(member_bars(db, "remittances_gdp", codes, lang, "briefs.chart.sids_gdp"))
    if "knomad" in available:
        charts.append(member_bars(db, "emigrants", codes, lang, "briefs.chart.sids_emigrants"))
    return charts


def special_charts(db: Database, lang: str) -> list[Chart]:
    vintage = displacement_vintage(db)
    if vintage is None:
        return []
    series = []
    for key, codes in situation_codes(db).items():
        trend = pd.concat([corridors.displacement_trend(db, vintage, PROTECTION, origin=c) for c in codes])
        trend = trend.groupby("year")["persons"].sum()
        trend = trend[trend.index >= 2000]
        series.append(Series(t(lang, f"briefs.situation.{key}"), [int(y) for y in trend.index], trend.tolist()))
    source = source_label(db, "unhcr", vintage, lang)
    charts = [Chart("line", t(lang, "briefs.chart.situations"), source, series, "people")]
    for key in ("venezuela", "northern_central_america"):
        codes = situation_codes(db)[key]
        year = int(max(s.x[-1] for s in series if s.x)) if any(s.x for s in series) else None
        if year is None:
            continue
        pairs = pd.concat([corridors.displacement_pairs(db, vintage, year, PROTECTION, origin=c, limit=100)
                           for c in codes])
        hosts = pairs.groupby("asylum_code")["persons"].sum().reset_index()
        hosts = hosts.rename(columns={"asylum_code": "area_code", "persons": "value"})
        charts.append(Chart("bars", t(lang, "briefs.chart.hosts", origin=t(lang, f"briefs.situation.{key}"), year=year),
                            source, _bars(hosts, names(db, hosts["area_code"].astype(int).tolist(), lang), 10),
                            "people"))
    return charts


def remittance_charts(db: Database, lang: str) -> list[Chart]:
    if "worldbank" not in loaded_sources(db):
        return []
    members = oas_members(db)
    return [lac_remittance_chart(db, lang),
            member_bars(db, "remittances", members, lang, "briefs.chart.members_remittances",
                        name=subject_title(db, Subject("group", OAS), lang)),
            member_bars(db, "remittances_gdp", members, lang, "briefs.chart.members_gdp",
                        name=subject_title(db, Subject("group", OAS), lang))]


def covid_charts(db: Database, lang: str) -> list[Chart]:
    charts = []
    if "worldbank" in loaded_sources(db):
        frame = indicator(db, [RECEIVED], [LAC])
        charts.append(Chart("line", t(lang, "briefs.chart.lac_remittances"),
                            source_label(db, "worldbank", vintage_of(db, RECEIVED), lang),
                            _lines(frame[frame["year"] >= 2015], names(db, [LAC], lang)), "money"))
    if "oecd" in loaded_sources(db):
        reporters = flows.flow_destinations(db)["area_code"].astype(int).tolist()
        totals = flows.permanent_totals(db, reporters)
        totals = totals[totals["year"] >= 2015].rename(columns={"persons": "value"})
        charts.append(Chart("line", t(lang, "briefs.chart.inflows"), source_label(db, "oecd", "", lang),
                            _lines(totals, names(db, reporters, lang)), "people"))
    return charts


def climate_charts(db: Database, lang: str) -> list[Chart]:
    if "idmc" not in loaded_sources(db):
        return []
    members = oas_members(db)
    frame = disaster_displacement(db, members)
    source = source_label(db, "idmc", idmc_vintage(db), lang)
    yearly = frame.groupby("year")["value"].sum().reset_index().assign(area_code=0)
    sids = disaster_displacement(db, oas_sids(db)).groupby("year")["value"].sum().reset_index().assign(area_code=1)
    labels = {0: subject_title(db, Subject("group", OAS), lang), 1: t(lang, "briefs.sids_label", n=len(oas_sids(db)))}
    latest, year = _latest(frame)
    return [Chart("line", t(lang, "briefs.chart.disaster"), source, _lines(pd.concat([yearly, sids]), labels), "people"),
            Chart("bars", t(lang, "briefs.chart.disaster_top", year=year), source,
                  _bars(latest, names(db, members, lang)), "people")]


def data_charts(db: Database, lang: str) -> list[Chart]:
    """The Americas as each IMS revision publishes it: the same years, different figures."""
    series = []
    for revision in queries.revisions(db):
        values = americas_stock(db, revision=revision)
        series.append(Series(t(lang, "briefs.revision", revision=revision), [int(y) for y in values.index],
                             values.tolist()))
    return [Chart("line", t(lang, "briefs.chart.revisions"), source_label(db, "undesa_ims", "2019–2024", lang),
                  series, "people")]


THEME_CHARTS: dict[str, Callable[[Database, str], list[Chart]]] = {
    "overview": overview_charts, "sids": sids_charts, "special-situations": special_charts,
    "remittances": remittance_charts, "data-and-statistics": data_charts, "covid-19": covid_charts,
    "climate-change": climate_charts,
}
CHARTS: dict[str, Callable[[Database, Subject, str], list[Chart]]] = {
    "area": area_charts, "group": group_charts, "theme": theme_charts,
}


def availability_table(db: Database, lang: str) -> tuple[list[str], list[list[str]]]:
    """The data-and-statistics brief's matrix: per source, vintage, latest year, members covered."""
    frame = source_coverage(db)
    headers = [t(lang, f"briefs.avail.{c}") for c in ("source", "vintage", "latest", "members")]
    rows = [[t(lang, f"briefs.source.{r.source}"), str(r.vintage) or "—", str(r.latest), str(r.members)]
            for r in frame.itertuples(index=False)]
    return headers, rows
