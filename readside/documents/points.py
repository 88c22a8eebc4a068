"""Talking points: `talking_points(db, subject, lang)` writes the sentences that the CLI's brief,
the HTML/PDF brief, the report and the dashboard's cards all show. An area gets its figures
ranked among the OAS member states; a grouping, sums of its members' figures (said so); a theme
of the work plan, the figures its meeting needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from etl.areas import WORLD
from readside import asylum_points, corridors, flows, groupings, queries, reporting
from readside.documents.measures import (
    AREA_METRICS,
    DISASTER,
    MAX_POINTS,
    METRICS,
    Frames,
    Metric,
    TalkingPoint,
    aggregate_point,
    area_points_for,
    base_year,
    change_fields,
    complete_aggregate_years,
    count_point,
    custom_point,
    frame_sentence,
    measure,
    member_frames,
    signed_percent,
    sum_point,
    top_point,
)
from readside.documents.subjects import (
    OAS,
    Subject,
    loaded_sources,
    names,
    oas_members,
    oas_sids,
    situation_codes,
    subject_title,
)
from readside.documents.values import (
    LAC,
    PROTECTION,
    RECEIVED,
    RECEIVED_GDP,
    americas_stock,
    displacement_vintage,
    indicator,
    latest_revision,
    source_coverage,
    stock,
    vintage_of,
)
from readside.queries import Database
from readside.text import decimal, language, money, people, percent, t


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


def talking_points(db: Database, subject: Subject, lang: str, frames: Frames | None = None) -> list[TalkingPoint]:
    """The sentences of a subject, in the reader's language (the CLI, the brief and the cards)."""
    lang = language(lang)
    if subject.kind == "area":
        return area_points(db, subject.code, lang, frames)
    if subject.kind == "group":
        return group_points(db, subject.key, lang)
    return THEME_POINTS[subject.key](db, lang)


def overview_points(db: Database, lang: str) -> list[TalkingPoint]:
    """The Americas and the OAS member states: totals, change, the world share, the largest host,
    women, remittances to LAC, protection needs."""
    revision = latest_revision(db)
    total, female = americas_stock(db), americas_stock(db, "female")
    world = stock(db, [WORLD]).set_index("year")["value"]
    year = int(total.index.max())
    base = base_year(list(total.index), year)
    found = reporting.change("percent", float(total[year]), float(total[base]), base)
    changed = change_fields(found, people(total[base], lang), lang)
    shown = people(total[year], lang)
    details = [t(lang, "briefs.world_share", share=percent(100 * total[year] / world[year], lang)),
               reporting.describe(found, lang, changed["base_shown"])]
    points = [custom_point(
        db, "americas", frame_sentence(t(lang, "briefs.tp.americas", year=year, value=shown), details, lang),
        label=t(lang, "briefs.label.americas"),
        value=float(total[year]), shown=shown, year=year, source="undesa_ims", vintage=str(revision), lang=lang,
        dataset="destination_%", **changed)]
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
    changed: dict = {}
    if base is not None:
        found = reporting.change("percent", float(trend[year]), float(trend[base]), base)
        changed = change_fields(found, people(trend[base], lang), lang)
        details.append(reporting.describe(found, lang, changed["base_shown"]))
    origin = ", ".join(names(db, codes, lang)[c] for c in codes)
    shown = people(trend[year], lang)
    sentence = frame_sentence(t(lang, "briefs.tp.situation", origin=origin, year=year, value=shown), details, lang)
    return custom_point(db, f"situation_{key}", sentence, label=t(lang, "briefs.label.situation", origin=origin),
                        value=float(trend[year]), shown=shown, year=year,
                        source="unhcr", vintage=vintage, lang=lang, **changed)


def special_points(db: Database, lang: str) -> list[TalkingPoint]:
    if "unhcr" not in loaded_sources(db):
        return []
    points = [situation_point(db, key, codes, lang) for key, codes in situation_codes(db).items()]
    points.append(hosts_point(db, "venezuela", 100_000, lang))
    points.append(top_point(db, "hosted", oas_members(db), lang, prefix="top"))
    points += asylum_theme_points(db, "special-situations", lang)  # issue 25 hook
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
    """An area's change from year-1 to year (remittances in the pandemic: 2020, then 2021), only
    between real figures of years its members cover (readside.reporting)."""
    frame = reporting.real(indicator(db, [series], [code]), METRICS["remittances"].unit)
    complete = complete_aggregate_years(db, METRICS["remittances"], code, frame)
    values = frame[frame["year"].isin(complete)].set_index("year")["value"]
    if year not in values.index or year - 1 not in values.index:
        return None
    found = reporting.change("percent", float(values[year]), float(values[year - 1]), year - 1)
    if found.amount is None:
        return None
    name = names(db, [code], lang)[code]
    sentence = t(lang, f"briefs.tp.{key}", name=name, year=year, previous=year - 1, value=money(values[year], lang),
                 change=signed_percent(found.amount, lang), base_value=money(values[year - 1], lang))
    return custom_point(db, key, sentence, label=t(lang, "briefs.label.remittances_in", year=year),
                        value=float(values[year]), shown=money(values[year], lang), year=year,
                        source="worldbank", vintage=str(vintage_of(db, series)), lang=lang, dataset=f"%{series}%",
                        **change_fields(found, money(values[year - 1], lang), lang))


def fell_point(db: Database, year: int, lang: str) -> TalkingPoint | None:
    """How many OAS member states received less in `year` than the year before (and which)."""
    members = oas_members(db)
    frame = reporting.real(indicator(db, [RECEIVED], members), METRICS["remittances"].unit)
    frame = frame.pivot(index="area_code", columns="year", values="value")
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
    members = oas_members(db)
    frame = indicator(db, [RECEIVED], members)
    year = reporting.ranking_year(frame, "worldbank", members, unit=METRICS["remittances"].unit)
    return int(reporting.ranking(frame, members, year, unit=METRICS["remittances"].unit)["area_code"].iloc[0])


def inflow_point(db: Database, lang: str) -> TalkingPoint | None:
    """Permanent-type inflows into the Americas' OECD reporters, 2019 -> 2020 (same reporters)."""
    reporters = flows.flow_destinations(db)["area_code"].astype(int).tolist()
    totals = flows.permanent_totals(db, reporters).pivot(index="area_code", columns="year", values="persons")
    if 2019 not in totals or 2020 not in totals:
        return None
    both = totals[[2019, 2020]].dropna()
    before, after = float(both[2019].sum()), float(both[2020].sum())
    found = reporting.change("percent", after, before, 2019)
    if found.amount is None:
        return None
    listed = ", ".join(sorted(names(db, [int(c) for c in both.index], lang).values()))
    sentence = t(lang, "briefs.tp.inflows", value=people(after, lang), base_value=people(before, lang),
                 change=signed_percent(found.amount, lang), names=listed)
    vintage = db.rows("SELECT vintage FROM provenance WHERE dataset = 'oecd_df_mig_int_per'")
    return custom_point(db, "inflows", sentence, label=t(lang, "briefs.label.inflows"), value=after,
                        shown=people(after, lang), year=2020, source="oecd",
                        vintage=vintage[0][0] if vintage else "", lang=lang, dataset="oecd_df_mig_int_per",
                        **change_fields(found, people(before, lang), lang))


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
        found = reporting.change("percent", float(values[newest]), float(values[oldest]), oldest)
        change = found.amount if found.amount is not None else 0.0
        listed = "; ".join(t(lang, "briefs.in_revision", revision=r, value=people(v, lang)) for r, v in values.items())
        sentence = t(lang, "briefs.tp.revised", year=year, values=listed, newest=newest, oldest=oldest,
                     change=signed_percent(change, lang))
        points.append(custom_point(db, f"revised_{year}", sentence, label=t(lang, "briefs.label.revised", year=year),
                                   value=float(values[newest]),
                                   shown=people(values[newest], lang), year=year, source="undesa_ims",
                                   vintage=str(newest), lang=lang, dataset="destination_%",
                                   **change_fields(found, people(values[oldest], lang), lang)))
    return points


def data_points(db: Database, lang: str) -> list[TalkingPoint]:
    """Collection of data: what each IMS revision says, and how many members each source covers."""
    points = revision_points(db, lang) + asylum_theme_points(db, "data-and-statistics", lang)  # issue 25 hook
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


# ---------------------------------------------------------------- issue 25 hook: UNHCR asylum and flows
# readside.asylum_points writes the sentences; this turns them into cited talking points.


def asylum_theme_points(db: Database, theme: str, lang: str) -> list[TalkingPoint]:
    found = asylum_points.theme_points(db, theme, lang, situations=situation_codes(db), members=oas_members(db))
    return [custom_point(db, p.key, p.sentence, label=p.label, value=p.value, shown=p.shown, year=p.year,
                         source="unhcr", vintage=p.vintage, lang=lang, dataset=p.dataset) for p in found]

# ---------------------------------------------------------------- end of the issue 25 hook


THEME_POINTS: dict[str, Callable[[Database, str], list[TalkingPoint]]] = {
    "overview": overview_points, "sids": sids_points, "special-situations": special_points,
    "remittances": remittance_points, "data-and-statistics": data_points, "covid-19": covid_points,
    "climate-change": climate_points,
}
