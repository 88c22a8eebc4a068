"""The report's chapters 1-4: the migrant stock and its revisions, who lives where (corridors),
flows (OECD inflows) and forced displacement (UNHCR, IDMC, and UNHCR's asylum tables when the
build holds them). Every sentence with a figure is a talking point (with its citation); every
chart and table is numbered and names its source; a source that is not loaded leaves a notice
saying so, never an empty chart.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from etl.areas import AMERICAS_SUBREGIONS
from readside import corridors, flows, queries
from readside.documents import report_points as rp
from readside.documents.asylum import asylum_section
from readside.documents.charts import Chart, Series
from readside.documents.figures import (
    climate_charts,
    corridor_label,
    data_charts,
    source_label,
    special_charts,
)
from readside.documents.measures import DISASTER, METRICS, sum_point, top_point
from readside.documents.points import (
    group_points,
    hosts_point,
    overview_points,
    revision_points,
    situation_point,
)
from readside.documents.report_model import Chapter, Notice, Numbers, Section, Text, points, row
from readside.documents.subjects import (
    OAS,
    Subject,
    loaded_sources,
    names,
    oas_members,
    short_names,
    situation_codes,
    subject_title,
)
from readside.documents.values import (
    UNHCR_ASYLUM,
    UNHCR_ORIGIN,
    americas_stock,
    indicator,
    latest_revision,
    share,
    stock,
    women_share,
)
from readside.queries import Database
from readside.text import decimal, language, percent, t
from readside.transform import REST


def cell(value: object, lang: str, digits: int = 0) -> str:
    """A table cell: the number in the reader's format, or an em dash where there is none."""
    return "—" if value is None or pd.isna(value) else decimal(float(value), lang, digits)


def pct_cell(value: object, lang: str) -> str:
    return "—" if value is None or pd.isna(value) else percent(float(value), lang)


def missing(source: str, lang: str) -> list:
    """The notice a chapter shows where its source is not in this build."""
    return [Notice(t(lang, "documents.report.not_loaded", what=t(lang, f"briefs.source.{source}")))]


def oas_label(db: Database, lang: str) -> str:
    """The member states as the briefs name them in a sum ("OAS member states")."""
    return subject_title(db, Subject("group", OAS), lang)


# ---------------------------------------------------------------- 1. the migrant stock


def stock_chapter(db: Database, lang: str, numbers: Numbers) -> Chapter:
    members = oas_members(db)
    revision = latest_revision(db)
    ims = source_label(db, "undesa_ims", revision, lang)
    overview = {p.key: p for p in overview_points(db, lang)}
    oas_total = next(iter(group_points(db, OAS, lang)), None)
    largest = overview.get("stock")
    top_share = top_point(db, "share", members, lang, prefix="top")
    revised = revision_points(db, lang)
    parts = list(AMERICAS_SUBREGIONS)  # the Caribbean, Central and South America, Northern America
    labels = names(db, parts, lang)
    trend = stock(db, parts)
    subregions = numbers.figure(Chart("line", t(lang, "documents.ch1.fig_subregions"), ims,
                                      [Series(labels[c], part["year"].astype(int).tolist(), part["value"].tolist(), c)
                                       for c, part in trend.groupby("area_code", sort=False)], "people"), "wide")
    shares = share(db, parts)
    share_fig = numbers.figure(Chart("line", t(lang, "documents.ch1.fig_share"), ims,
                                     [Series(labels[c], part["year"].astype(int).tolist(), part["value"].tolist(), c)
                                      for c, part in shares.groupby("area_code", sort=False)], "percent"))
    revisions_fig = numbers.figure(data_charts(db, lang)[0])
    sections = [
        Section("stock-trend", t(lang, "documents.ch1.s_trend"), [
            *points(overview.get("americas"), oas_total, overview.get("americas_women")),
            subregions, *row(share_fig, revisions_fig)]),
        Section("stock-members", t(lang, "documents.ch1.s_members"), [
            *points(largest, top_share), members_table(db, members, lang, numbers, ims)]),
        Section("stock-revisions", t(lang, "documents.ch1.s_revisions"), [
            Text(t(lang, "documents.ch1.revisions_text")), *points(*revised), revisions_table(db, lang, numbers)]),
    ]
    return Chapter(1, "stock", t(lang, "documents.ch1.title"), t(lang, "documents.ch1.intro"), _clean(sections),
                   [p for p in (overview.get("americas"), oas_total, revised[0] if revised else None) if p])


def members_table(db: Database, members: Sequence[int], lang: str, numbers: Numbers, source: str, limit: int = 15):
    """The member states with the most international migrants: stock, % of population, women,
    change since 2000 (all UN DESA, newest revision)."""
    frame = stock(db, members)
    year = int(frame["year"].max())
    latest = frame[frame["year"] == year].set_index("area_code")["value"].sort_values(ascending=False).head(limit)
    base = frame[frame["year"] == 2000].set_index("area_code")["value"]
    shares = share(db, list(latest.index))
    shares = shares[shares["year"] == year].set_index("area_code")["value"]
    women = women_share(db, list(latest.index))
    women = women[women["year"] == year].set_index("area_code")["value"]
    labels = names(db, list(latest.index), lang)
    rows = [[labels[c], cell(v, lang), pct_cell(shares.get(c), lang), pct_cell(women.get(c), lang),
             percent(100 * (v - base[c]) / base[c], lang, signed=True) if c in base and base[c] else "—"]
            for c, v in latest.items()]
    headers = [t(lang, f"documents.ch1.col_{k}") for k in ("member", "migrants", "share", "women", "change")]
    return numbers.table(t(lang, "documents.ch1.table_members", n=len(rows), year=year), headers, rows, source,
                         (1, 2, 3, 4))


def revisions_table(db: Database, lang: str, numbers: Numbers):
    """The Americas' migrant stock of the same years as each revision publishes it."""
    revisions = queries.revisions(db)
    series = {r: americas_stock(db, revision=r) for r in revisions}
    years = sorted(set.intersection(*(set(s.index) for s in series.values()))) if series else []
    if len(revisions) < 2 or not years:
        return None
    oldest, newest = revisions[0], revisions[-1]
    rows = [[str(y), *(cell(series[r][y], lang) for r in revisions),
             percent(100 * (series[newest][y] - series[oldest][y]) / series[oldest][y], lang, signed=True)]
            for y in years]
    headers = [t(lang, "documents.ch1.col_year"), *(t(lang, "briefs.revision", revision=r) for r in revisions),
               t(lang, "documents.ch1.col_revised", newest=newest, oldest=oldest)]
    return numbers.table(t(lang, "documents.ch1.table_revisions"), headers, rows,
                         source_label(db, "undesa_ims", ", ".join(map(str, revisions)), lang),
                         tuple(range(1, len(revisions) + 2)), size="half")


# ---------------------------------------------------------------- 2. who lives where


def corridors_chapter(db: Database, lang: str, numbers: Numbers) -> Chapter:
    members = oas_members(db)
    sections = []
    revision = latest_revision(db)
    if queries.has_origin_data(db, revision):
        sections.append(undesa_corridors(db, lang, numbers, revision))
    edition, base = rp.knomad_edition(db)
    findings = []
    if edition is None:
        sections.append(Section("corridors-knomad", t(lang, "documents.ch2.s_knomad"), missing("knomad", lang)))
    else:
        source = source_label(db, "knomad", rp.knomad_vintage(db, edition), lang)
        top = rp.corridor_point(db, lang)
        emigrants = sum_point(db, METRICS["emigrants"], members, oas_label(db, lang), lang, key="oas_emigrants")
        findings = [p for p in (top,) if p]
        sections.append(Section("corridors-knomad", t(lang, "documents.ch2.s_knomad"), [
            Text(t(lang, "documents.ch2.knomad_text")), *points(top, emigrants),
            numbers.figure(top_corridors_chart(db, edition, base, lang, source), "wide"),
            subregion_table(db, edition, lang, numbers, source)]))
        sections.append(Section("corridors-comparison", t(lang, "documents.ch2.s_comparison"), [
            Text(t(lang, "documents.ch2.comparison_text")), *points(rp.comparison_point(db, members, lang)),
            comparison_table(db, edition, members, lang, numbers, source)]))
    return Chapter(2, "corridors", t(lang, "documents.ch2.title"), t(lang, "documents.ch2.intro"), _clean(sections),
                   findings)


def top_corridors_chart(db: Database, edition: int, base: int | None, lang: str, source: str, limit: int = 15) -> Chart:
    top = corridors.bilateral_top_corridors(db, edition, base, limit=limit)
    short = short_names(db, sorted({*top["origin_code"].astype(int), *top["destination_code"].astype(int)}), lang)
    labels = [corridor_label(short[int(r.origin_code)], short[int(r.destination_code)], lang, 22)
              for r in top.itertuples(index=False)]
    year = int(top["year"].max()) if len(top) else ""
    return Chart("bars", t(lang, "documents.ch2.fig_corridors", n=len(top), year=year), source,
                 [Series("", labels, top["migrants"].astype(float).tolist())] if len(top) else [], "people")


def subregion_table(db: Database, edition: int, lang: str, numbers: Numbers, source: str):
    """Origin subregion x destination subregion (and the rest of the world), one matrix."""
    links = corridors.bilateral_subregion_links(db, edition)
    if links.empty:
        return None
    nodes = list(AMERICAS_SUBREGIONS)
    labels = {**names(db, nodes, lang), REST: t(lang, "documents.report.rest_of_world")}
    order = [*nodes, REST]
    matrix = links.pivot_table(index="origin_code", columns="destination_code", values="migrants", aggfunc="sum")
    rows = [[labels[o], *(cell(matrix.at[o, d] if o in matrix.index and d in matrix.columns else None, lang)
                          for d in order)] for o in order if o in matrix.index]
    headers = [t(lang, "documents.ch2.col_origin"), *(labels[d] for d in order)]
    return numbers.table(t(lang, "documents.ch2.table_subregions", year=corridors.bilateral_year(db, edition)), headers,
                         rows, source, tuple(range(1, len(order) + 1)), t(lang, "documents.ch2.subregions_note"))


def comparison_table(db: Database, edition: int, members: Sequence[int], lang: str, numbers: Numbers, source: str,
                     limit: int = 12):
    frame = corridors.source_comparison(db, edition, members).dropna(subset=["knomad", "undesa"]).head(limit)
    if frame.empty:
        return None
    labels = names(db, frame["area_code"].astype(int).tolist(), lang)
    rows = [[labels[int(r.area_code)], cell(r.knomad, lang), str(int(r.year)), cell(r.undesa, lang),
             str(int(r.undesa_year)), percent(100 * r.difference / r.undesa, lang, signed=True)]
            for r in frame.itertuples(index=False)]
    headers = [t(lang, f"documents.ch2.col_{k}") for k in ("member", "knomad", "knomad_year", "undesa", "undesa_year",
                                                             "difference")]
    return numbers.table(t(lang, "documents.ch2.table_comparison", n=len(rows)), headers, rows,
                         t(lang, "documents.ch2.comparison_source", knomad=source,
                           undesa=source_label(db, "undesa_ims", int(frame["revision"].max()), lang)),
                         (1, 2, 3, 4, 5))


def undesa_corridors(db: Database, lang: str, numbers: Numbers, revision: int) -> Section:
    """UN DESA's own origin x destination corridors, where its workbook is loaded."""
    year = max(queries.years(db, revision))
    top = queries.top_corridors(db, revision, year, 2000, limit=15)
    column = f"_{language(lang)}"
    labels = [corridor_label(r[f"origin{column}"], r[f"destination{column}"], lang, 22) for _, r in top.iterrows()] \
        if {f"origin{column}", f"destination{column}"} <= set(top.columns) else []
    chart = Chart("bars", t(lang, "documents.ch2.fig_undesa", year=year), source_label(db, "undesa_ims", revision, lang),
                  [Series("", labels, top["migrants"].astype(float).tolist())] if labels else [], "people")
    return Section("corridors-undesa", t(lang, "documents.ch2.s_undesa"), [numbers.figure(chart, "wide")])


# ---------------------------------------------------------------- 3. flows


def flows_chapter(db: Database, lang: str, numbers: Numbers) -> Chapter:
    codes = rp.reporters(db)
    if not codes:
        return Chapter(3, "flows", t(lang, "documents.ch3.title"), t(lang, "documents.ch3.intro"),
                       [Section("flows-permanent", t(lang, "documents.ch3.s_permanent"), missing("oecd", lang))])
    permanent = source_label(db, "oecd", rp.oecd_vintage(db, rp.OECD_PERMANENT), lang)
    temporary = source_label(db, "oecd", rp.oecd_vintage(db, rp.OECD_TEMPORARY), lang)
    foreign = source_label(db, "oecd", rp.oecd_vintage(db, rp.OECD_FOREIGN), lang)
    inflows = rp.inflows_point(db, lang)
    labels = names(db, codes, lang)
    complete = rp.permanent_complete(db, codes)
    by_country = numbers.figure(Chart("line", t(lang, "documents.ch3.fig_permanent"), permanent,
                                      [Series(labels[c], part["year"].astype(int).tolist(), part["value"].tolist(), c)
                                       for c, part in complete.groupby("area_code", sort=False)], "people"))
    sections = [
        Section("flows-permanent", t(lang, "documents.ch3.s_permanent"), [
            Text(t(lang, "documents.ch3.permanent_text")), *points(inflows, rp.category_point(db, lang)),
            *row(by_country, numbers.figure(category_chart(db, complete, lang, permanent))),
            category_table(db, complete, lang, numbers, permanent)]),
        Section("flows-temporary", t(lang, "documents.ch3.s_temporary"), [
            Text(t(lang, "documents.ch3.temporary_text")), *points(rp.temporary_point(db, lang)),
            temporary_table(db, codes, lang, numbers, temporary)]),
        Section("flows-foreign", t(lang, "documents.ch3.s_foreign"), [
            Text(t(lang, "documents.ch3.foreign_text")), foreign_table(db, codes, lang, numbers, foreign)]),
    ]
    return Chapter(3, "flows", t(lang, "documents.ch3.title"), t(lang, "documents.ch3.intro"), _clean(sections),
                   [p for p in (inflows,) if p])


def category_chart(db: Database, complete: pd.DataFrame, lang: str, source: str) -> Chart:
    """Permanent-type inflows by category of entry, summed over the reporters that are complete
    in every year shown (so the total never moves because a reporter is missing)."""
    wide = complete.pivot(index="area_code", columns="year", values="value")
    steady = wide.dropna()  # reporters complete in every year of the common span
    years = [int(y) for y in wide.columns if wide.loc[steady.index, y].notna().all()] if len(steady) else []
    series = []
    for category in ("work", "family", "accompanying_family", "humanitarian", "free_movement", "other"):
        values = [float(rp.categories(db, list(steady.index), "permanent", y).get(category, 0.0)) for y in years]
        if any(values):
            series.append(Series(t(lang, f"flows_page.permanent.{category}"), years, values, category))
    listed = ", ".join(short_names(db, [int(c) for c in steady.index], lang).values())
    return Chart("stacked", t(lang, "documents.ch3.fig_categories", names=listed), source, series, "people")


def category_table(db: Database, complete: pd.DataFrame, lang: str, numbers: Numbers, source: str):
    if complete.empty:
        return None
    year = int(complete["year"].max())
    codes = complete.loc[complete["year"] == year, "area_code"].astype(int).tolist()
    order = ("work", "family", "accompanying_family", "humanitarian", "free_movement", "other")
    rows = []
    for code, name in names(db, codes, lang).items():
        values = rp.categories(db, [code], "permanent", year)
        rows.append([name, *(cell(values.get(k), lang) for k in order), cell(values.sum(), lang)])
    headers = [t(lang, "documents.ch3.col_country"), *(t(lang, f"flows_page.permanent.{k}") for k in order),
               t(lang, "documents.ch3.col_total")]
    return numbers.table(t(lang, "documents.ch3.table_categories", year=year), headers, rows, source,
                         tuple(range(1, len(order) + 2)), t(lang, "documents.ch3.total_note"))


def temporary_table(db: Database, codes: Sequence[int], lang: str, numbers: Numbers, source: str):
    frame = pd.concat([flows.inflows_by_category(db, c, "temporary").assign(area_code=c) for c in codes],
                      ignore_index=True)
    if frame.empty:
        return None
    latest = frame.loc[frame.groupby("area_code")["year"].idxmax(), ["area_code", "year"]]
    order = ("WHM", "SEAS", "TRA", "INTRA", "STU", "OTH")
    rows = []
    labels = names(db, latest["area_code"].astype(int).tolist(), lang)
    for code, year in latest.itertuples(index=False):
        that = frame[(frame["area_code"] == code) & (frame["year"] == year)].set_index("category")["persons"]
        rows.append([labels[int(code)], str(int(year)), *(cell(that.get(k), lang) for k in order)])
    headers = [t(lang, "documents.ch3.col_country"), t(lang, "documents.ch1.col_year"),
               *(t(lang, f"flows_page.temporary.{k}") for k in order)]
    return numbers.table(t(lang, "documents.ch3.table_temporary"), headers, rows, source, tuple(range(1, len(order) + 2)))


def foreign_table(db: Database, codes: Sequence[int], lang: str, numbers: Numbers, source: str):
    rows = []
    labels = names(db, codes, lang)
    for code in codes:
        frame = flows.foreign_inflows(db, code).dropna()
        if frame.empty:
            continue
        last = frame.iloc[-1]
        base = frame[frame["year"] == 2015]
        rows.append([labels[code], str(int(last.year)), cell(last.persons, lang),
                     cell(base["persons"].iloc[0], lang) if len(base) else "—"])
    headers = [t(lang, "documents.ch3.col_country"), t(lang, "documents.ch1.col_year"),
               t(lang, "documents.ch3.col_foreign"), t(lang, "documents.ch3.col_foreign_2015")]
    return numbers.table(t(lang, "documents.ch3.table_foreign"), headers, rows, source, (1, 2, 3),
                         t(lang, "documents.ch3.foreign_note"), size="wide")


# ---------------------------------------------------------------- 4. forced displacement


def displacement_chapter(db: Database, lang: str, numbers: Numbers) -> Chapter:
    members = oas_members(db)
    available = loaded_sources(db)
    sections, findings = [], []
    oas = oas_label(db, lang)
    if "unhcr" not in available:
        sections.append(Section("displacement-unhcr", t(lang, "documents.ch4.s_unhcr"), missing("unhcr", lang)))
    else:
        hosted = sum_point(db, METRICS["hosted"], members, oas, lang, key="oas_hosted")
        abroad = sum_point(db, METRICS["displaced_abroad"], members, oas, lang, key="oas_displaced_abroad")
        situations = [situation_point(db, key, codes, lang) for key, codes in situation_codes(db).items()]
        findings = [p for p in (hosted, situations[0]) if p]
        special = special_charts(db, lang)
        figures = [numbers.figure(c) for c in special[:4]]  # numbered only if shown
        sections.append(Section("displacement-unhcr", t(lang, "documents.ch4.s_unhcr"), [
            Text(t(lang, "documents.ch4.unhcr_text")), *points(hosted, abroad), hosts_table(db, members, lang, numbers)]))
        sections.append(Section("displacement-situations", t(lang, "documents.ch4.s_situations"), [
            *points(*situations, hosts_point(db, "venezuela", 100_000, lang)),
            *row(*figures[:2]), *row(*figures[2:4])]))
    section = asylum_section(db, lang, numbers)
    if section is not None:
        sections.append(section)
    if "idmc" not in available:
        sections.append(Section("displacement-idmc", t(lang, "documents.ch4.s_idmc"), missing("idmc", lang)))
    else:
        disaster = sum_point(db, DISASTER, members, oas, lang, key="disaster_oas")
        conflict = sum_point(db, rp.CONFLICT, members, oas, lang, key="conflict_oas",
                             text_key="documents.sum.conflict")
        top = top_point(db, "disaster", members, lang, prefix="top")
        climate = [numbers.figure(c) for c in climate_charts(db, lang)[:2]]  # the SIDS chart is the climate brief's
        findings.append(disaster)
        sections.append(Section("displacement-idmc", t(lang, "documents.ch4.s_idmc"), [
            Text(t(lang, "documents.ch4.idmc_text")), *points(disaster, top, conflict), *row(*climate[:2]),
            Notice(t(lang, "briefs.caveat.idmc"))]))
    return Chapter(4, "displacement", t(lang, "documents.ch4.title"), t(lang, "documents.ch4.intro"),
                   _clean(sections), [p for p in findings if p])


def hosts_table(db: Database, members: Sequence[int], lang: str, numbers: Numbers, limit: int = 12):
    """The member states hosting the most people in need of international protection, with the
    number from each of them abroad (UNHCR, newest release)."""
    hosted = indicator(db, UNHCR_ASYLUM, members)
    abroad = indicator(db, UNHCR_ORIGIN, members)
    if hosted.empty:
        return None
    year = int(hosted["year"].max())
    latest = hosted[hosted["year"] == year].set_index("area_code")["value"].sort_values(ascending=False).head(limit)
    away = abroad[abroad["year"] == year].set_index("area_code")["value"]
    labels = names(db, list(latest.index), lang)
    rows = [[labels[c], cell(v, lang), cell(away.get(c), lang)] for c, v in latest.items()]
    headers = [t(lang, f"documents.ch4.col_{k}") for k in ("member", "hosted", "abroad")]
    metric = METRICS["hosted"]
    return numbers.table(t(lang, "documents.ch4.table_hosts", n=len(rows), year=year), headers, rows,
                         source_label(db, "unhcr", metric.vintage(db), lang), (1, 2))


def _clean(sections: list[Section]) -> list[Section]:
    """Sections without the items that turned out empty (a table with no rows)."""
    return [Section(s.key, s.title, [i for i in s.items if i is not None]) for s in sections]

