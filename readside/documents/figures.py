"""The charts of each brief, as data (readside.documents.charts draws them): a subject's trend,
its members' or the theme's figures, each titled and citing its own dataset once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from etl.areas import AMERICAS_PARTS
from readside import corridors, flows, groupings, queries, reporting
from readside.documents.charts import Chart, Series
from readside.documents.measures import METRICS, aggregate_cover, not_reported_words, partial_words
from readside.documents.subjects import (
    OAS,
    Subject,
    loaded_sources,
    names,
    oas_members,
    oas_sids,
    short_names,
    situation_codes,
    subject_title,
)
from readside.documents.values import (
    LAC,
    PROTECTION,
    RECEIVED,
    UNHCR_ASYLUM,
    UNHCR_ORIGIN,
    americas_stock,
    disaster_displacement,
    displacement_vintage,
    edition_label,
    idmc_vintage,
    indicator,
    latest_revision,
    latest_rows,
    oecd_vintage,
    share,
    source_coverage,
    stock,
    vintage_of,
)
from readside.queries import Database
from readside.text import t


def _lines(frame: pd.DataFrame, labels: dict[int, str], keys: dict[int, object] | None = None) -> list[Series]:
    """One line per area (its M49 code is its colour's key, unless `keys` says otherwise)."""
    return [Series(labels.get(int(code), str(code)), part["year"].astype(int).tolist(), part["value"].tolist(),
                   (keys or {}).get(int(code), int(code)))
            for code, part in frame.groupby("area_code", sort=False)]


def _bars(frame: pd.DataFrame, labels: dict[int, str], limit: int = 16) -> list[Series]:
    top = frame.sort_values("value", ascending=False).head(limit)
    return [Series("", [labels.get(int(c), str(c)) for c in top["area_code"]], top["value"].tolist())] if len(top) else []



def source_label(db: Database, source: str, vintage: object, lang: str) -> str:
    return t(lang, "briefs.chart_source", source=t(lang, f"briefs.source.{source}"), vintage=edition_label(vintage, lang))


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
    if "worldbank" in available:  # a placeholder (Venezuela's 0 since 2017) is a gap, said so
        unit = METRICS["remittances"].unit
        received = indicator(db, [RECEIVED], [code])
        received = received[received["year"] >= 1990]
        words = not_reported_words(received, METRICS["remittances"], 0, lang)
        charts.append(Chart("line", t(lang, "briefs.chart.remittances", name=name),
                            _with_note(source_label(db, "worldbank", vintage_of(db, RECEIVED), lang), words),
                            _lines(reporting.with_gaps(received, unit), labels), "money"))
    if "unhcr" in available:
        series = []
        for key, names_of in (("from", UNHCR_ORIGIN), ("in", UNHCR_ASYLUM)):
            frame = indicator(db, names_of, [code])
            frame = frame[frame["year"] >= 1990]
            if not frame.empty:
                series.append(Series(t(lang, f"briefs.series.{key}", name=name), frame["year"].astype(int).tolist(),
                                     frame["value"].tolist(), key))
        charts.append(Chart("line", t(lang, "briefs.chart.protection", name=name),
                            source_label(db, "unhcr", vintage_of(db, UNHCR_ORIGIN[0]), lang), series, "people"))
    return charts


def member_bars(db: Database, key: str, codes: Sequence[int], lang: str, title_key: str, **values: object) -> Chart:
    """The members ranked by a metric in its ranking year (readside.reporting: real figures of a
    complete year only)."""
    metric = METRICS[key]
    loaded = metric.load(db, codes)
    year = reporting.ranking_year(loaded, metric.source, codes, unit=metric.unit)
    frame = reporting.ranking(loaded, codes, year, unit=metric.unit) if year is not None else loaded.iloc[0:0]
    unit = {"share": "percent", "remittances": "money", "remittances_gdp": "gdp"}.get(key, "people")
    return Chart("bars", t(lang, title_key, year=year, **values),
                 source_label(db, metric.source, metric.vintage(db), lang), _bars(frame, short_names(db, codes, lang)), unit)


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


def lac_remittance_chart(db: Database, lang: str, since: int = 1990) -> Chart:
    """The World Bank's LAC total in the years its countries cover; a partial newest year is left
    out and named under the chart."""
    frame = indicator(db, [RECEIVED], [LAC])
    cover = aggregate_cover(db, METRICS["remittances"], LAC, frame)
    frame = frame[frame["year"].isin(reporting.complete_years(cover)) & (frame["year"] >= since)]
    return Chart("line", t(lang, "briefs.chart.lac_remittances"),
                 _with_note(source_label(db, "worldbank", vintage_of(db, RECEIVED), lang),
                            partial_words(cover, None, lang)),
                 _lines(frame, names(db, [LAC], lang)), "money")


def _with_note(source: str, words: Sequence[str]) -> str:
    """A chart's source line with what it leaves out ('2024 left out: only 26 of 35 have reported it')."""
    text = "; ".join(words)
    return f"{source} {text[:1].upper()}{text[1:]}." if words else source


def sids_charts(db: Database, lang: str) -> list[Chart]:
    """What the SIDS meeting looks at: migrants as % of population, remittances as % of GDP,
    disaster displacement, emigration (the stock itself is in the points)."""
    codes = oas_sids(db)
    charts = [member_bars(db, "share", codes, lang, "briefs.chart.sids_share")]
    available = loaded_sources(db)
    if "worldbank" in available:
        charts.append(member_bars(db, "remittances_gdp", codes, lang, "briefs.chart.sids_gdp"))
    if "idmc" in available:
        charts.append(sids_disaster_chart(db, codes, lang))
    if "knomad" in available:
        charts.append(member_bars(db, "emigrants", codes, lang, "briefs.chart.sids_emigrants"))
    if len(charts) < 4:
        charts.append(member_bars(db, "stock", codes, lang, "briefs.chart.sids_stock"))
    return charts


def sids_disaster_chart(db: Database, codes: Sequence[int], lang: str) -> Chart:
    """New displacements by disasters in the member SIDS per year (a sum of country figures):
    the hurricane years stand out."""
    yearly = disaster_displacement(db, codes).groupby("year")["value"].sum()
    return Chart("columns", t(lang, "documents.chart.sids_disaster"),
                 source_label(db, "idmc", idmc_vintage(db), lang),
                 [Series("", [int(y) for y in yearly.index], yearly.tolist(), "disaster")] if len(yearly) else [],
                 "people")


def special_charts(db: Database, lang: str) -> list[Chart]:
    vintage = displacement_vintage(db)
    if vintage is None:
        return []
    series = []
    for key, codes in situation_codes(db).items():
        trend = pd.concat([corridors.displacement_trend(db, vintage, PROTECTION, origin=c) for c in codes])
        trend = trend.groupby("year")["persons"].sum()
        trend = trend[trend.index >= 2000]
        series.append(Series(t(lang, f"briefs.situation.{key}"), [int(y) for y in trend.index], trend.tolist(), key))
    source = source_label(db, "unhcr", vintage, lang)
    charts = [Chart("line", t(lang, "briefs.chart.situations"), source, series, "people")]
    year = int(max(s.x[-1] for s in series if s.x)) if any(s.x for s in series) else None
    if year is None:
        return charts
    charts.append(situation_corridors_chart(db, vintage, year, lang))
    for key in ("venezuela", "northern_central_america"):
        codes = situation_codes(db)[key]
        pairs = pd.concat([corridors.displacement_pairs(db, vintage, year, PROTECTION, origin=c, limit=100)
                           for c in codes])
        hosts = pairs.groupby("asylum_code")["persons"].sum().reset_index()
        hosts = hosts.rename(columns={"asylum_code": "area_code", "persons": "value"})
        charts.append(Chart("bars", t(lang, "briefs.chart.hosts", origin=t(lang, f"briefs.situation.{key}"), year=year),
                            source, _bars(hosts, short_names(db, hosts["area_code"].astype(int).tolist(), lang), 10),
                            "people"))
    return charts


def situation_corridors_chart(db: Database, vintage: str, year: int, lang: str, limit: int = 12) -> Chart:
    """The largest displacement corridors (origin -> country of asylum) out of the special
    situations' origins, one bar per pair."""
    origins = [c for codes in situation_codes(db).values() for c in codes]
    pairs = corridors.displacement_pairs(db, vintage, year, PROTECTION, origin=origins, limit=limit)
    short = short_names(db, sorted({*pairs["origin_code"].astype(int), *pairs["asylum_code"].astype(int)}), lang)
    labels = [corridor_label(short[int(row.origin_code)], short[int(row.asylum_code)], lang)
              for row in pairs.itertuples(index=False)]
    return Chart("bars", t(lang, "documents.chart.situation_corridors", year=year),
                 source_label(db, "unhcr", vintage, lang),
                 [Series("", labels, pairs["persons"].astype(float).tolist())] if len(pairs) else [], "people")


def corridor_label(origin: str, destination: str, lang: str, room: int = 15) -> str:
    """'Venezuela (Rep… → Colombia': each end cut to `room` characters, so both stay readable."""
    def cut(name: str) -> str:
        return name if len(name) <= room else name[:room - 1].rstrip() + "…"
    return t(lang, "documents.corridor", origin=cut(origin), destination=cut(destination))


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
        charts.append(lac_remittance_chart(db, lang, since=2015))
    if "oecd" in loaded_sources(db):
        reporters = flows.flow_destinations(db)["area_code"].astype(int).tolist()
        totals = flows.permanent_totals(db, reporters)
        totals = totals[totals["year"] >= 2015].rename(columns={"persons": "value"})
        charts.append(Chart("line", t(lang, "briefs.chart.inflows"), source_label(db, "oecd", oecd_vintage(db), lang),
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
    latest, year = latest_rows(frame)
    return [Chart("line", t(lang, "briefs.chart.disaster"), source,
                  _lines(pd.concat([yearly, sids]), labels, {1: "sids"}), "people"),
            Chart("bars", t(lang, "briefs.chart.disaster_top", year=year), source,
                  _bars(latest, short_names(db, members, lang)), "people"),
            sids_disaster_chart(db, oas_sids(db), lang)]


def data_charts(db: Database, lang: str) -> list[Chart]:
    """The Americas as each IMS revision publishes it: the same years, different figures."""
    series = []
    for revision in queries.revisions(db):
        values = americas_stock(db, revision=revision)
        series.append(Series(t(lang, "briefs.revision", revision=revision), [int(y) for y in values.index],
                             values.tolist(), f"revision-{revision}"))
    coverage = source_coverage(db).dropna(subset=["members"]).sort_values("members", ascending=False)
    covered = Chart("bars", t(lang, "documents.chart.coverage", n=len(oas_members(db))),
                    t(lang, "documents.ch7.coverage_source"),
                    [Series("", [t(lang, f"documents.source_short.{s}") for s in coverage["source"]],
                            coverage["members"].astype(float).tolist())] if len(coverage) else [], "people")
    return [Chart("line", t(lang, "briefs.chart.revisions"), source_label(db, "undesa_ims", "2019–2024", lang),
                  series, "people"), covered]


THEME_CHARTS: dict[str, Callable[[Database, str], list[Chart]]] = {
    "overview": overview_charts, "sids": sids_charts, "special-situations": special_charts,
    "remittances": remittance_charts, "data-and-statistics": data_charts, "covid-19": covid_charts,
    "climate-change": climate_charts,
}


CHARTS: dict[str, Callable[[Database, Subject, str], list[Chart]]] = {
    "area": area_charts, "group": group_charts, "theme": theme_charts,
}
