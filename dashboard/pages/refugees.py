"""Refugees and special migration situations: UNHCR populations by origin (Venezuela, northern
Central America, Haiti) and by host country in the Americas, over time."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import figures
from dashboard.components import (
    chart_block,
    data_table,
    database,
    indicator_source_line,
    needs_database,
    not_loaded_notice,
    page_frame,
    parse_choice,
    url_sync_script,
)
from etl.areas import AMERICAS_SUBREGIONS
from etl.sources.unhcr import POPULATIONS, series_code
from readside import queries
from readside.text import decimal, language, t

dash.register_page(__name__, path="/refugees", name="Refugees", order=45)

PATH = "/refugees"
# Venezuela; El Salvador, Guatemala, Honduras (northern Central America); Haiti.
ORIGINS = (862, 222, 320, 340, 332)
HOSTS_SHOWN = 12


@needs_database(PATH)
def layout(lang: str = "en", population: str = "refugees", year: str | None = None, **_: object) -> html.Div:
    lang = language(lang)
    db = database()
    params = {"population": population, "year": year}
    head = [html.H1(t(lang, "refugees.title")), html.P(t(lang, "refugees.intro"))]
    if "unhcr" not in queries.loaded_sources(db):
        return page_frame(lang, PATH, params, *head, not_loaded_notice(lang, "unhcr"))
    years = queries.indicator_years(db, series_code("refugees", "asylum"))
    return page_frame(
        lang, PATH, params, *head,
        html.Div([
            html.Div([html.Label(t(lang, "refugees.population"), id="ref-population-label"),
                      dcc.RadioItems(id="ref-population", inline=True,
                                     value=parse_choice(population, list(POPULATIONS)) or "refugees",
                                     options=[{"label": t(lang, f"refugees.pop.{p}"), "value": p} for p in POPULATIONS])],
                     role="radiogroup", **{"aria-labelledby": "ref-population-label"}),
        ], className="controls"),
        *chart_block("ref-origins", "migdash-refugees-origins", lang),
        *chart_block("ref-host-trend", "migdash-refugees-host-trend", lang),
        html.Div([html.Label(t(lang, "refugees.year"), htmlFor="ref-year"),
                  dcc.Dropdown(id="ref-year", options=[{"label": str(y), "value": y} for y in reversed(years)],
                               value=parse_choice(year, years) or years[-1], clearable=False, searchable=False)],
                 className="controls", style={"maxWidth": "220px"}),
        *chart_block("ref-hosts", "migdash-refugees-hosts", lang, height="600px"),
        dcc.Store(id="ref-lang", data=lang),
        html.Div(id="ref-url-sync", hidden=True),
    )


def _people_table(frame: pd.DataFrame, name_col: str, lang: str, table_id: str) -> html.Table:
    shown = frame.assign(shown=frame["value"].map(lambda v: decimal(v, lang, 0)))
    return data_table(shown[["year", name_col, "shown"]],
                      [t(lang, "table.year"), t(lang, "table.area"), t(lang, "axis.persons")], table_id)


@callback(
    Output("ref-origins", "figure"), Output("ref-origins-table", "children"),
    Output("ref-host-trend", "figure"), Output("ref-host-trend-table", "children"),
    Input("ref-population", "value"), State("ref-lang", "data"),
)
def update_trends(population: object, lang: object):
    lang = language(lang)
    db = database()
    population = population if isinstance(population, str) and population in POPULATIONS else "refugees"
    label = t(lang, f"refugees.pop.{population}")
    name_col = "name_es" if lang == "es" else "name_en"
    source = indicator_source_line(db, "unhcr", lang)
    origins = queries.indicator_series(db, series_code(population, "origin"), ORIGINS)
    origins_fig = figures.lines(origins, value="value", lang=lang, source=source, y_title=t(lang, "axis.persons"),
                                title=t(lang, "refugees.origins_title", population=label))
    hosted = series_code(population, "asylum")
    years = queries.indicator_years(db, hosted)
    top = queries.indicator_ranking(db, hosted, years[-1], AMERICAS_SUBREGIONS, limit=5) if years else pd.DataFrame()
    hosts = queries.indicator_series(db, hosted, [int(c) for c in top.get("area_code", [])])
    hosts_fig = figures.lines(hosts, value="value", lang=lang, source=source, y_title=t(lang, "axis.persons"),
                              title=t(lang, "refugees.host_trend_title", population=label))
    return (origins_fig, _people_table(origins, name_col, lang, "ref-origins-data"),
            hosts_fig, _people_table(hosts, name_col, lang, "ref-host-trend-data"))


@callback(
    Output("ref-hosts", "figure"), Output("ref-hosts-table", "children"),
    Input("ref-year", "value"), State("ref-lang", "data"),
)
def update_hosts(year: object, lang: object):
    """Stacked bars: each host's refugees, asylum-seekers and others in need of protection."""
    lang = language(lang)
    db = database()
    years = queries.indicator_years(db, series_code("refugees", "asylum"))
    chosen = parse_choice(year, years) or (years[-1] if years else None)
    title = t(lang, "refugees.hosts_title", year=chosen)
    if chosen is None:
        return figures.empty_figure(title), None
    name_col = "name_es" if lang == "es" else "name_en"
    parts = []
    for population in POPULATIONS:
        ranking = queries.indicator_ranking(db, series_code(population, "asylum"), chosen, AMERICAS_SUBREGIONS, limit=200)
        parts.append(ranking.set_index(["area_code", name_col])["value"].rename(population))
    wide = pd.concat(parts, axis=1).reset_index()
    wide["total"] = wide[list(POPULATIONS)].sum(axis=1, min_count=1)
    wide = wide.sort_values("total", ascending=False).head(HOSTS_SHOWN)
    fig = figures.grouped_bars(wide, category=name_col, lang=lang, y_title=t(lang, "axis.persons"), title=title,
                               source=indicator_source_line(db, "unhcr", lang), stacked=True,
                               series={p: t(lang, f"refugees.pop.{p}") for p in POPULATIONS})
    shown = wide.copy()
    for column in [*POPULATIONS, "total"]:
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else decimal(v, lang, 0))
    table = data_table(shown[[name_col, *POPULATIONS]],
                       [t(lang, "table.area"), *(t(lang, f"refugees.pop.{p}") for p in POPULATIONS)], "ref-hosts-data")
    return fig, table


clientside_callback(
    url_sync_script("population", "year", "lang"),
    Output("ref-url-sync", "children"),
    Input("ref-population", "value"), Input("ref-year", "value"), State("ref-lang", "data"),
)
