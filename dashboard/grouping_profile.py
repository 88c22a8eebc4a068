"""The country profile of a grouping (OAS member states, CARICOM, SICA, CAN, Mercosur).

UN DESA, the World Bank and UNHCR publish no figure for these groupings, so the profile shows
only what can honestly be added up from the members' published figures: the migrant stock and
its sex split, remittances received in US$, refugees and others hosted; migrants as % of the
population recomputed from the summed stock and population. Every chart says "sum of country
figures", how many members it counts and which members have no figure. Shares that cannot be
recomputed (% of GDP) and country-only panels (partners, map, net migration) get one line.
"""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import figures
from dashboard.components import data_table, indicator_source_line, notice, numbers_behind
from dashboard.panels import RECEIVED
from readside import groupings, queries, reporting
from readside.queries import Database
from readside.text import capitalised, money, name_column, people, t
from readside.text import percent as percent_text

# UNHCR's series of people hosted (by country of asylum), each summed over the members.
HOSTED = {"unhcr.refugees.asylum": "refugees", "unhcr.asylum_seekers.asylum": "asylum_seekers",
          "unhcr.oip.asylum": "oip"}


def group_options(db: Database, lang: str) -> list[dict]:
    """Picker options for the groupings, labelled as sums of country figures."""
    frame = groupings.groupings(db)
    return [{"label": t(lang, "group.option", name=row[name_column(lang)]), "value": int(row["code"])}
            for _, row in frame.iterrows()]


def grouping_row(db: Database, grouping: str) -> dict:
    return groupings.groupings(db).set_index("grouping").loc[grouping].to_dict()


def names(frame: pd.DataFrame, lang: str) -> str:
    return ", ".join(frame[name_column(lang)])


def sum_note(counted: int, total: int, year: int, without: pd.DataFrame, lang: str) -> str:
    """'Sum of country figures: 14 of 15 members in 2024; no figure for: Haiti'."""
    line = t(lang, "group.sum_line", counted=counted, total=total, year=year)
    missing = t(lang, "group.without", names=names(without, lang)) if not without.empty else t(lang, "group.all_counted")
    return f"{line}; {missing}"


def counted_column(frame: pd.DataFrame, lang: str) -> pd.Series:
    return [t(lang, "group.counted_of", counted=c, total=n)
            for c, n in zip(frame["members_counted"], frame["members_total"], strict=True)]


def facts(db: Database, grouping: str, lang: str) -> str:
    """The membership rule the sums use (the roster, as on the overview)."""
    return t(lang, "group.rule", rule=grouping_row(db, grouping)[f"roster_note_{lang}"])


def stock_panels(db: Database, grouping: str, revision: int, sex: str, source: str, lang: str) -> tuple:
    """Trend, share and sex split of a grouping: figure, table (with members counted) for each."""
    row = grouping_row(db, grouping)
    name, code = row[name_column(lang)], int(row["code"])
    stock = groupings.stock_by_group(db, grouping, revision)
    trend = stock[stock["sex"] == sex].assign(area_code=code, **{name_column(lang): name})
    trend_note = _stock_note(db, grouping, revision, trend, lang)
    trend_fig = _left(figures.lines(trend, value="migrants", lang=lang, source=f"{source}<br>{trend_note}",
                              y_title=t(lang, "axis.migrants"),
                              title=t(lang, "group.trend_title", name=name, sex=t(lang, f"sex.{sex}"), revision=revision)))
    share_fig, share_table = _share(db, grouping, name, code, revision, sex, source, lang)
    sex_fig, sex_table = _sex_split(stock, name, revision, f"{source}<br>{trend_note}", lang)
    return (trend_fig, _counted_table(trend, "migrants", people, trend_note, "country-group-trend", lang),
            share_fig, share_table, sex_fig, sex_table)


def _stock_note(db: Database, grouping: str, revision: int, trend: pd.DataFrame, lang: str) -> str:
    if trend.empty:
        return ""
    last = trend.iloc[-1]
    without = groupings.without_data(db, grouping, revision, int(last["year"]))
    return sum_note(int(last["members_counted"]), int(last["members_total"]), int(last["year"]), without, lang)


def _counted_table(frame: pd.DataFrame, column: str, fmt, note: str, table_id: str, lang: str) -> html.Div:
    shown = pd.DataFrame({"year": frame["year"], column: [fmt(v, lang) for v in frame[column]],
                          "counted": counted_column(frame, lang)})
    headers = [t(lang, "table.year"), t(lang, "group.col.sum"), t(lang, "group.col.members_counted")]
    return html.Div([html.P(note, className="group-sum-note"), data_table(shown, headers, table_id)])


def _share(db: Database, grouping: str, name: str, code: int, revision: int, sex: str, source: str, lang: str) -> tuple:
    """sum(stock) / sum(population) over the members having both, or one line saying why not."""
    share = groupings.population_share(db, grouping, revision, sex)
    title = t(lang, "group.share_title", name=name, revision=revision)
    if share.empty:
        message = t(lang, "group.no_share", name=name)
        return figures.empty_figure(message), notice(message, "info")
    last = share.iloc[-1]
    without = groupings.share_members_without(db, grouping, revision, int(last["year"]), sex)
    note = (f'{t(lang, "group.share_how")}. '
            f'{sum_note(int(last["members_counted"]), int(last["members_total"]), int(last["year"]), without, lang)}')
    frame = share.assign(area_code=code, **{name_column(lang): name})
    fig = figures.lines(frame, value="percent_of_population", lang=lang, percent=True, title=title,
                        source=f"{source}<br>{note}", y_title=t(lang, "axis.percent"))
    return _left(fig), _counted_table(share, "percent_of_population", lambda v, lg: percent_text(v, lg), note,
                               "country-group-share", lang)


def _sex_split(stock: pd.DataFrame, name: str, revision: int, source: str, lang: str) -> tuple:
    split = stock[stock["sex"] != "total"].pivot(index="year", columns="sex", values="migrants").reset_index()
    title = t(lang, "group.sex_title", name=name, revision=revision)
    if not {"male", "female"} <= set(split.columns):
        return figures.empty_figure(title), notice(t(lang, "group.no_sex", name=name), "info")
    fig = figures.grouped_bars(split, category="year", lang=lang, source=source, title=title,
                               series={"female": t(lang, "sex.female"), "male": t(lang, "sex.male")},
                               y_title=t(lang, "axis.migrants"))
    shown = split.assign(female=split["female"].map(lambda v: people(v, lang)),
                         male=split["male"].map(lambda v: people(v, lang)))
    return _left(fig), data_table(shown[["year", "female", "male"]],
                           [t(lang, "table.year"), t(lang, "sex.female"), t(lang, "sex.male")], "country-group-sex")


def _left(fig):
    """The source and the sum note as one left-aligned block under the chart."""
    fig.update_annotations(align="left")
    return fig


def country_only_note(lang: str) -> html.Div:
    """The one line that replaces the panels a grouping has no figure for."""
    return notice(t(lang, "group.country_only"), "info")


def indicator_panels(db: Database, grouping: str, loaded: set[str], lang: str) -> list:
    """Remittances received (US$) and people hosted (UNHCR), each a sum of the members' figures."""
    name = grouping_row(db, grouping)[name_column(lang)]
    panels: list = []
    if "worldbank" in loaded:
        panels += _remittances(db, grouping, name, lang)
    if "unhcr" in loaded:
        panels += _hosted(db, grouping, name, lang)
    return panels


def _graph(graph_id: str, figure, table, lang: str, note: html.Div | None = None) -> list:
    parts = [dcc.Graph(id=graph_id, figure=figure, config=figures.graph_config(f"migdash-{graph_id}"),
                       style={"height": "460px"})]
    return [*parts, *([note] if note is not None else []),
            numbers_behind(graph_id, lang, table)]


def _remittances(db: Database, grouping: str, name: str, lang: str) -> list:
    """Received, summed, with the line saying why % of GDP is not offered."""
    gdp_line = html.P(t(lang, "group.gdp_not_offered"), id="country-group-gdp")
    made = remittances_sum(db, grouping, name, lang, "country-group-remittances-data")
    if made is None:
        return [notice(t(lang, "group.no_series", publisher=capitalised(t(lang, "publisher.worldbank")), what=t(lang, "what.worldbank"), name=name)),
                gdp_line]
    fig, table, note = made
    return [*_graph("country-group-remittances", fig, table, lang, html.P(note, className="group-sum-note")), gdp_line]


def remittances_sum(db: Database, grouping: str, name: str, lang: str, table_id: str) -> tuple | None:
    """(figure, table, note) of remittances received summed over a grouping's members (also the
    Remittances page's choice of a grouping); years whose reporting members stand for clearly
    less than usual (readside.reporting) are drawn apart, never as a fall. None when no member
    has a figure."""
    sums = groupings.indicator_by_group(db, grouping, RECEIVED)
    if sums.empty:
        return None
    full = sums["year"].isin(reporting.complete_years(member_coverage(db, grouping, RECEIVED)))
    most = int(sums.loc[full, "members_counted"].iloc[-1]) if full.any() else int(sums["members_counted"].max())
    frame = sums.assign(complete=sums["value"].where(full), partial=sums["value"].where(~full))
    last = sums.iloc[-1]
    without = groupings.indicator_members_without(db, grouping, RECEIVED, int(last["year"]))
    note = sum_note(int(last["members_counted"]), int(last["members_total"]), int(last["year"]), without, lang)
    told = f'{note}. {t(lang, "reporting.group_partial", year=int(last["year"]))}' if not bool(full.iloc[-1]) else note
    total = int(last["members_total"])
    fig = figures.grouped_bars(frame, category="year", lang=lang, fmt=money, y_title=t(lang, "axis.usd"),
                               title=t(lang, "group.remittances_title", name=name),
                               source=f"{indicator_source_line(db, 'worldbank', lang)}<br>{note}",
                               series={"complete": t(lang, "group.complete", counted=most, total=total),
                                       "partial": t(lang, "group.partial")}, year_basis="calendar_year")
    _left(fig).update_layout(barmode="overlay")
    return fig, _counted_table(sums, "value", money, told, table_id, lang), told


def member_coverage(db: Database, grouping: str, series: str) -> pd.DataFrame:
    """Per year, how much of the roster members' usual figure the members reporting stand for."""
    codes = [int(c) for c in groupings.members(db, grouping).query("roster")["member_code"]]
    rows = queries.indicator_series(db, series, codes)
    unit = str(rows["unit"].iloc[0]) if not rows.empty else ""
    return reporting.coverage_for(rows, "worldbank", codes, unit=unit)


def _hosted(db: Database, grouping: str, name: str, lang: str) -> list:
    """Refugees, asylum-seekers and others in need of protection hosted, each series summed."""
    sums = {series: groupings.indicator_by_group(db, grouping, series) for series in HOSTED}
    sums = {series: frame for series, frame in sums.items() if not frame.empty}
    if not sums:
        return [notice(t(lang, "group.no_series", publisher=capitalised(t(lang, "publisher.unhcr")), what=t(lang, "what.unhcr"), name=name))]
    labels = {series: t(lang, f"refugees.pop.{HOSTED[series]}") for series in sums}
    wide = pd.concat([frame.set_index("year")["value"].rename(series) for series, frame in sums.items()], axis=1)
    wide = wide.sort_index().reset_index()
    notes = [html.Li(f"{labels[series]}: {_last_note(db, grouping, series, frame, lang)}") for series, frame in sums.items()]
    fig = figures.grouped_bars(wide, category="year", lang=lang, y_title=t(lang, "axis.persons"), series=labels,
                               title=t(lang, "group.refugees_title", name=name),
                               source=indicator_source_line(db, "unhcr", lang), year_basis="end_year")
    shown = pd.DataFrame({"year": wide["year"]})
    for series, frame in sums.items():
        counted = dict(zip(frame["year"], counted_column(frame, lang), strict=True))
        shown[series] = [f"{people(v, lang)} ({counted[y]})" if pd.notna(v) else ""
                         for y, v in zip(wide["year"], wide[series], strict=True)]
    table = data_table(shown, [t(lang, "table.year"), *labels.values()], "country-group-refugees-data")
    return _graph("country-group-refugees", fig, table, lang, html.Ul(notes, className="group-sum-note"))


def _last_note(db: Database, grouping: str, series: str, frame: pd.DataFrame, lang: str) -> str:
    last = frame.iloc[-1]
    without = groupings.indicator_members_without(db, grouping, series, int(last["year"]))
    return sum_note(int(last["members_counted"]), int(last["members_total"]), int(last["year"]), without, lang)


def members_section(db: Database, grouping: str, lang: str) -> list:
    """The members with since/until/note, whether the roster counts them, and the rule used."""
    row = grouping_row(db, grouping)
    frame = groupings.members(db, grouping)
    shown = pd.DataFrame({
        "member": frame[name_column(lang)], "since": frame["since"], "until": frame["until"].fillna(""),
        "counted": [t(lang, "group.counted_yes" if r else "group.counted_no") for r in frame["roster"]],
        "note": frame["note"].fillna(""),
    })
    headers = [t(lang, f"group.col.{c}") for c in ("member", "since", "until", "counted", "note")]
    return [html.H2(t(lang, "group.members_heading", name=row[name_column(lang)])),
            html.P(t(lang, "group.rule", rule=row[f"roster_note_{lang}"])),
            html.P(_source_link(row["source"], lang)),
            data_table(shown, headers, "country-group-members")]


def _source_link(citation: str, lang: str) -> list:
    """'As the organisation states it: <citation>', its address a link (data/groupings cites it)."""
    text, _, url = citation.rpartition(", ")
    if not url.startswith("https://"):
        return [t(lang, "group.source", source=citation)]
    return [t(lang, "group.source", source=text), " ", html.A(url, href=url, rel="noopener")]
