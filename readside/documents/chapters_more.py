"""The report's chapters 5-7: remittances (World Bank), the human cost (IOM Missing Migrants,
each year with its coverage) and data availability and caveats (what each source counts,
double counting, revisions, members without data)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from etl.areas import AMERICAS_SUBREGIONS
from readside import availability, flows
from readside.documents import report_points as rp
from readside.documents.chapters import missing, oas_label, pct_cell
from readside.documents.charts import Chart, Series
from readside.documents.figures import lac_remittance_chart, member_bars, source_label
from readside.documents.layout import availability_table, revision_caveat
from readside.documents.points import data_points, remittance_points
from readside.documents.report_model import Chapter, Notice, Numbers, Section, Text, points, row
from readside.documents.subjects import OAS, Subject, loaded_sources, names, oas_members
from readside.documents.values import RECEIVED, RECEIVED_GDP, indicator, vintage_of
from readside.queries import Database
from readside.text import money, percent, t

SOURCES = ("undesa_ims", "knomad", "oecd", "unhcr", "idmc", "worldbank", "iom_missing_migrants", "wpp")


# ---------------------------------------------------------------- 5. remittances


def remittances_chapter(db: Database, lang: str, numbers: Numbers) -> Chapter:
    if "worldbank" not in loaded_sources(db):
        return Chapter(5, "remittances", t(lang, "documents.ch5.title"), t(lang, "documents.ch5.intro"),
                       [Section("remittances", t(lang, "documents.ch5.s_trend"), missing("worldbank", lang))])
    members = oas_members(db)
    found = {p.key: p for p in remittance_points(db, lang)}
    oas = oas_label(db, lang)
    trend = numbers.figure(lac_remittance_chart(db, lang))  # numbered in the order they are shown
    subregions = subregion_chart(db, lang)
    subregions = numbers.figure(subregions) if subregions else None
    receivers = numbers.figure(member_bars(db, "remittances", members, lang, "briefs.chart.members_remittances",
                                           name=oas))
    dependence = numbers.figure(member_bars(db, "remittances_gdp", members, lang, "briefs.chart.members_gdp", name=oas))
    sections = [
        Section("remittances-trend", t(lang, "documents.ch5.s_trend"), [
            Text(t(lang, "documents.ch5.trend_text")),
            *points(found.get("lac_remittances"), found.get("pandemic_year"), found.get("rebound_year")),
            *row(trend, subregions)]),
        Section("remittances-receivers", t(lang, "documents.ch5.s_receivers"), [
            *points(found.get("top_remittances"), found.get("top_remittances_gdp"), found.get("dependence")),
            *row(receivers, dependence), receivers_table(db, members, lang, numbers)]),
    ]
    return Chapter(5, "remittances", t(lang, "documents.ch5.title"), t(lang, "documents.ch5.intro"),
                   [Section(s.key, s.title, [i for i in s.items if i is not None]) for s in sections],
                   [p for p in (found.get("lac_remittances"), found.get("dependence")) if p])


def subregion_chart(db: Database, lang: str):
    """Remittances received by the Americas' subregions, where the World Bank publishes them."""
    frame = indicator(db, [RECEIVED], AMERICAS_SUBREGIONS)
    frame = frame[frame["year"] >= 2000]
    if frame["area_code"].nunique() < 2:
        return None
    labels = names(db, list(AMERICAS_SUBREGIONS), lang)
    chart = Chart("line", t(lang, "documents.ch5.fig_subregions"),
                  source_label(db, "worldbank", vintage_of(db, RECEIVED), lang),
                  [Series(labels[int(c)], part["year"].astype(int).tolist(), part["value"].tolist(), int(c))
                   for c, part in frame.groupby("area_code", sort=False)], "money")
    return chart


def receivers_table(db: Database, members: Sequence[int], lang: str, numbers: Numbers, limit: int = 15):
    received = indicator(db, [RECEIVED], members)
    if received.empty:
        return None
    year = int(received["year"].max())
    latest = received[received["year"] == year].set_index("area_code")["value"].sort_values(ascending=False).head(limit)
    base = received[received["year"] == 2000].set_index("area_code")["value"]
    gdp = indicator(db, [RECEIVED_GDP], list(latest.index))
    gdp_year = int(gdp["year"].max()) if len(gdp) else None
    gdp = gdp[gdp["year"] == gdp_year].set_index("area_code")["value"] if gdp_year else pd.Series(dtype=float)
    labels = names(db, list(latest.index), lang)
    rows = [[labels[c], money(v, lang), pct_cell(gdp.get(c), lang),
             percent(100 * (v - base[c]) / base[c], lang, signed=True) if c in base and base[c] else "—"]
            for c, v in latest.items()]
    headers = [t(lang, "documents.ch1.col_member"), t(lang, "documents.ch5.col_received", year=year),
               t(lang, "documents.ch5.col_gdp", year=gdp_year or "—"), t(lang, "documents.ch1.col_change")]
    source = t(lang, "documents.ch5.table_source", amounts=source_label(db, "worldbank", vintage_of(db, RECEIVED), lang),
               gdp=source_label(db, "worldbank", vintage_of(db, RECEIVED_GDP), lang))
    return numbers.table(t(lang, "documents.ch5.table_receivers", n=len(rows)), headers, rows, source, (1, 2, 3))


# ---------------------------------------------------------------- 6. the human cost


def cost_chapter(db: Database, lang: str, numbers: Numbers) -> Chapter:
    if "iom_missing_migrants" not in loaded_sources(db):
        return Chapter(6, "cost", t(lang, "documents.ch6.title"), t(lang, "documents.ch6.intro"),
                       [Section("cost", t(lang, "documents.ch6.s_years"), missing("iom_missing_migrants", lang))])
    yearly = flows.dead_and_missing_by_year(db)
    total = rp.dead_missing_point(db, lang)
    route = rp.route_point(db, lang)
    source = t(lang, "documents.ch6.source", files=", ".join(sorted(set(flows.coverage(db)["vintage"]))))
    years = list(range(int(yearly["year"].min()), int(yearly["year"].max()) + 1))
    by_year = yearly.set_index("year")
    partial = [int(y) for y in by_year.index if by_year.at[y, "coverage"] != "complete"]
    absent = [y for y in years if y not in by_year.index]
    note = " ".join(filter(None, [
        t(lang, "documents.ch6.partial_note", years=", ".join(map(str, partial))) if partial else "",
        t(lang, "documents.ch6.absent_note", years=", ".join(map(str, absent))) if absent else ""]))
    chart = Chart("columns", t(lang, "documents.ch6.fig_years"), source,
                  [Series("", years, [float(by_year.at[y, "dead_and_missing"]) if y in by_year.index else None
                                      for y in years], "dead_and_missing")], "people", note=note, marked=partial)
    complete = rp.complete_years(db)
    year = int(complete["year"].max()) if len(complete) else None
    routes = flows.dead_and_missing_by_route(db, year, limit=8) if year else pd.DataFrame()
    route_chart = Chart("bars", t(lang, "documents.ch6.fig_routes", year=year), source,
                        [Series("", [_capital(rp.route_label(str(r), lang)) for r in routes["route"]],
                                routes["dead_and_missing"].astype(float).tolist(), "dead_and_missing")]
                        if len(routes) else [], "people")
    coverage_rows = [[str(int(r.year)), t(lang, f"flows_page.coverage.{r.coverage}"), str(r.vintage)]
                     for r in flows.coverage(db).itertuples(index=False)]
    coverage = numbers.table(t(lang, "documents.ch6.table_coverage"),
                             [t(lang, "documents.ch1.col_year"), t(lang, "flows_page.coverage"),
                              t(lang, "documents.ch6.col_file")], coverage_rows, source, size="half")
    sections = [Section("cost-years", t(lang, "documents.ch6.s_years"), [
        Text(t(lang, "documents.ch6.years_text")), *points(total, route),
        *row(numbers.figure(chart), numbers.figure(route_chart)), *row(coverage),
        Notice(t(lang, "flows_page.minimum_estimates"))])]
    return Chapter(6, "cost", t(lang, "documents.ch6.title"), t(lang, "documents.ch6.intro"),
                   [Section(s.key, s.title, [i for i in s.items if i is not None]) for s in sections],
                   [p for p in (total,) if p])


def _capital(label: str) -> str:
    """A route as a chart label: "Cruce de la frontera…" (in a sentence it follows a colon)."""
    return label[:1].upper() + label[1:]


# ---------------------------------------------------------------- 7. data availability and caveats


def caveats_chapter(db: Database, lang: str, numbers: Numbers) -> Chapter:
    members = oas_members(db)
    headers, rows = availability_table(db, lang)
    coverage = numbers.table(t(lang, "documents.ch7.table_coverage"), headers, rows,
                             t(lang, "documents.ch7.coverage_source"), (2, 3))
    loaded = loaded_sources(db)
    counts = [Text(t(lang, f"documents.ch7.counts.{s}")) for s in SOURCES if s in loaded]
    sections = [
        Section("caveats-availability", t(lang, "documents.ch7.s_availability"), [
            Text(t(lang, "documents.ch7.availability_text")),
            *points(*[p for p in data_points(db, lang) if p.key.startswith("coverage_")]), coverage,
            without_table(db, members, lang, numbers)]),
        Section("caveats-counts", t(lang, "documents.ch7.s_counts"), counts),
        Section("caveats-double", t(lang, "documents.ch7.s_double"), [
            Text(t(lang, "briefs.caveat.unhcr")), Text(t(lang, "briefs.caveat.knomad")),
            Text(t(lang, "documents.ch7.flows_vs_stocks")), Text(t(lang, "briefs.caveat.sums"))]),
        Section("caveats-revisions", t(lang, "documents.ch7.s_revisions"), [
            Text(revision_caveat(db, Subject("group", OAS), lang)), Text(t(lang, "documents.ch7.vintages_text"))]),
    ]
    return Chapter(7, "caveats", t(lang, "documents.ch7.title"), t(lang, "documents.ch7.intro"),
                   [Section(s.key, s.title, [i for i in s.items if i is not None]) for s in sections])


def without_table(db: Database, members: Sequence[int], lang: str, numbers: Numbers):
    """Per source, the member states with no figure in its latest year (named, so a reader knows
    whose absence a sum hides)."""
    frame = availability.availability(db, members)
    if frame.empty:
        return None
    labels = names(db, members, lang)
    rows = []
    for source, part in frame.groupby("source", sort=False):
        latest = int(part["latest_year"].max())
        have = set(part.loc[part["latest_year"] == latest, "area_code"].astype(int))
        lacking = sorted((labels[c] for c in members if c not in have), key=str.casefold)
        rows.append([t(lang, f"briefs.source.{source}"), str(latest), str(len(lacking)),
                     ", ".join(lacking) if lacking else "—"])
    headers = [t(lang, f"documents.ch7.col_{k}") for k in ("source", "latest", "count", "members")]
    return numbers.table(t(lang, "documents.ch7.table_without"), headers, rows, t(lang, "documents.ch7.coverage_source"),
                         (1, 2), t(lang, "documents.ch7.without_note"))
