"""Remittances: Latin America and the Caribbean and the subregions over time, top receivers,
growth, and one country's received and paid series (World Bank)."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import figures, grouping_profile, indicator_maps, partial_years
from dashboard import maps as drawing
from dashboard.components import (
    chart_block,
    data_table,
    database,
    href,
    indicator_source_line,
    needs_database,
    not_loaded_notice,
    notice,
    numbers_behind,
    page_frame,
    parse_choice,
    table_box,
    url_sync_script,
)
from dashboard.panels import RECEIVED, RECEIVED_GDP, remittance_panel
from etl.areas import (
    AMERICAS_SUBREGIONS,
    CARIBBEAN,
    CENTRAL_AMERICA,
    LATIN_AMERICA_AND_CARIBBEAN,
    SOUTH_AMERICA,
)
from readside import citations, groupings, maps, queries, regional, reporting
from readside.style import year_basis
from readside.text import capitalised, language, money, name_column, percent, percent_of_gdp, t

dash.register_page(__name__, path="/remittances", name="Remittances", order=40)

PATH = "/remittances"

MEASURES = {"usd": RECEIVED, "gdp": RECEIVED_GDP}
MAP_INDICATORS = {"usd": "remittances", "gdp": "remittances_gdp"}  # readside.maps keys of the same series
LAC_SUBREGIONS = (CARIBBEAN, CENTRAL_AMERICA, SOUTH_AMERICA)
# Growth from the Committee's base year on: before it the subregions' sums hold a handful of
# reporting countries, and a country starting to report reads as a 1,500 % "growth".
GROWTH_FROM = 2000
DEFAULT_COUNTRY = 484  # Mexico, the largest receiver in the region


@needs_database(PATH)
def layout(lang: str = "en", year: str | None = None, measure: str = "usd", area: str | None = None,
           vintage: str | None = None, **_: object) -> html.Div:
    lang = language(lang)
    db = database()
    params = {"year": year, "measure": measure, "area": area, "vintage": vintage}
    if "worldbank" not in queries.loaded_sources(db):
        return page_frame(lang, PATH, params, html.H1(t(lang, "remittances.title")),
                          html.P(t(lang, "remittances.intro")), not_loaded_notice(lang, "worldbank"))
    years = queries.indicator_years(db, RECEIVED)
    default_year = ranking_year(db, RECEIVED, None) or years[-1]
    name_col = name_column(lang)
    # every country of the Americas the World Bank has a row for, in any year (its panel shows
    # the gaps where the file says 0 for "not reported"), not only this year's receivers
    published = set(regional.country_rows(db, RECEIVED)["area_code"])
    receivers = maps.americas_areas(db)
    receivers = receivers[receivers["area_code"].isin(published)]
    countries = grouping_profile.group_options(db, lang) + [
        {"label": row[name_col], "value": int(row["area_code"])} for _, row in receivers.sort_values(name_col).iterrows()]
    country_codes = [c["value"] for c in countries]
    vintages = queries.series_vintages(db, RECEIVED)
    return page_frame(
        lang, PATH, params,
        html.H1(t(lang, "remittances.title")),
        html.P(t(lang, "remittances.intro")),
        html.P(headline(db, lang), id="remittances-headline", className="headline"),
        html.Div([_dropdown("rem-vintage", t(lang, "remittances.vintage"),
                            [{"label": _vintage_label(v, vintages, lang), "value": v} for v in vintages],
                            parse_choice(vintage, vintages) or vintages[0])], className="controls"),
        html.Div(vintage_note(db, lang), id="rem-vintage-note"),
        *chart_block("rem-trend", "migdash-remittances-trend", lang),
        html.P(t(lang, "remittances.subregion_note"), className="note"),
        html.P(id="rem-partial-note", className="note"),
        *chart_block("rem-growth", "migdash-remittances-growth", lang),
        html.Div([
            _dropdown("rem-year", t(lang, "remittances.year"), [{"label": str(y), "value": y} for y in reversed(years)],
                      parse_choice(year, years) or default_year),
            html.Div([html.Label(t(lang, "remittances.measure"), id="rem-measure-label"),
                      dcc.RadioItems(id="rem-measure", value=parse_choice(measure, list(MEASURES)) or "usd", inline=True,
                                     options=[{"label": t(lang, f"remittances.measure_{m}"), "value": m} for m in MEASURES])],
                     role="radiogroup", **{"aria-labelledby": "rem-measure-label"}),
        ], className="controls"),
        top_receivers_block(lang),
        html.P(id="rem-top-note", className="note"),
        html.Div([_dropdown("rem-area", t(lang, "remittances.country"), countries,
                            parse_choice(area, country_codes) or DEFAULT_COUNTRY, searchable=True)], className="controls"),
        *chart_block("rem-country", "migdash-remittances-country", lang),
        dcc.Location(id="rem-nav", refresh="callback-nav"),
        dcc.Store(id="rem-lang", data=lang),
        html.Div(id="rem-url-sync", hidden=True),
    )


def top_receivers_block(lang: str) -> html.Div:
    """The top receivers as a bar chart or, one tab over, as a map of every area of the Americas
    (same year, measure and vintage); the numbers behind both stay below the tabs."""
    chart = dcc.Graph(id="rem-top", config=figures.graph_config("migdash-remittances-top"), style={"height": "520px"})
    drawn = dcc.Graph(id="rem-map", config=drawing.map_config("migdash-remittances-map"), style={"height": "720px"})
    return html.Div([
        dcc.Tabs(id="rem-top-tabs", value="chart", children=[
            dcc.Tab(label=t(lang, "map.tab_chart"), value="chart", children=[chart]),
            dcc.Tab(label=t(lang, "map.tab_map"), value="map",
                    children=[drawn, html.P(t(lang, "map.click_hint"), className="note")]),
        ]),
        numbers_behind("rem-top", lang, table_box("rem-top-table", lang)),
    ])


def _dropdown(control_id: str, label: str, options: list[dict], value: object, searchable: bool = False) -> html.Div:
    return html.Div([html.Label(label, htmlFor=control_id),
                     dcc.Dropdown(id=control_id, options=options, value=value, clearable=False, searchable=searchable)],
                    style={"minWidth": "260px"})


def _vintage_label(vintage: str, vintages: list[str], lang: str) -> str:
    return t(lang, "remittances.vintage_newest", vintage=vintage) if vintage == vintages[0] else vintage


def headline(db: queries.Database, lang: str) -> str:
    """'Remittances to Latin America and the Caribbean reached US$ X billion in YEAR, +Y% on
    YEAR-1 (World Bank, data updated VINTAGE)': always the newest vintage, in the latest year its
    countries cover (readside.reporting); a newer partial year is named, never compared."""
    series = regional.regional_series(db, RECEIVED)
    series = series[series["area_code"] == LATIN_AMERICA_AND_CARIBBEAN].set_index("year")
    complete = series[series["complete"]]
    if complete.empty:
        return ""
    year = int(complete.index.max())
    value = float(complete.loc[year, "value"])
    vintage = t(lang, "remittances.headline_vintage", vintage=citations.date(queries.series_vintages(db, RECEIVED)[0], lang))
    later = series[series.index > year]
    partial = (" " + t(lang, "reporting.headline_partial", year=int(later.index.max()),
                       reporting=int(later["reporting"].iloc[-1]), expected=int(later["expected"].iloc[-1]))
               if not later.empty else "")
    found = reporting.change("percent", value, float(complete.loc[year - 1, "value"]), year - 1) \
        if year - 1 in complete.index else None
    if found is None or found.amount is None:
        return t(lang, "remittances.headline_no_change", amount=money(value, lang), year=year) + " " + vintage + partial
    return t(lang, "remittances.headline", amount=money(value, lang), year=year,
             change=percent(found.amount, lang, signed=True), previous=year - 1) + " " + vintage + partial


def ranking_year(db: queries.Database, series: str, vintage: str | None) -> int | None:
    """The latest year the Americas' countries cover (the default of the top receivers)."""
    codes = [int(c) for c in maps.americas_areas(db)["area_code"]]
    return reporting.latest_complete_year(regional.ranking_coverage(db, series, codes, vintage))


def vintage_note(db: queries.Database, lang: str) -> list:
    """Where the World Bank's vintages disagree on the LAC total: the years and each vintage's
    figure, so a reader quoting an older figure sees that it was revised."""
    differences = queries.vintage_differences(db, RECEIVED, LATIN_AMERICA_AND_CARIBBEAN)
    if differences.empty:
        return []
    latest = differences[differences["year"] == differences["year"].max()]
    figures_by_vintage = "; ".join(f"{money(v, lang)} ({vintage})" for vintage, v in
                                   zip(latest["vintage"], latest["value"], strict=True))
    table = data_table(differences.assign(shown=differences["value"].map(lambda v: money(v, lang)))[
        ["year", "vintage", "shown"]], [t(lang, "table.year"), t(lang, "remittances.vintage"),
                                        t(lang, "remittances.received")], "rem-vintage-data")
    text = t(lang, "remittances.vintages_disagree", years=differences["year"].nunique(),
             year=int(latest["year"].iloc[0]), figures=figures_by_vintage)
    return [html.P(text, className="note"), html.Details([html.Summary(t(lang, "remittances.vintage_table")), table])]


def growth(frame: pd.DataFrame, since: int = GROWTH_FROM) -> pd.DataFrame:
    """Year-on-year % change per area from `since` on, only between consecutive complete years (a
    partial year is never compared: readside.reporting). Before 2000 the subregions' sums hold a
    handful of reporting countries, and a country starting to report reads as a 1,500 % growth."""
    out = frame.sort_values(["area_code", "year"]).copy()
    out = out.assign(value=out["value"].where(out["complete"].astype(bool)))
    previous = out.groupby("area_code")["value"].shift()
    consecutive = out.groupby("area_code")["year"].diff() == 1
    out["value"] = ((out["value"] / previous - 1) * 100).where(consecutive & (previous > 0))
    return out[out["year"] >= since].dropna(subset=["value"])


@callback(
    Output("rem-trend", "figure"), Output("rem-trend-table", "children"),
    Output("rem-growth", "figure"), Output("rem-growth-table", "children"), Output("rem-partial-note", "children"),
    Input("rem-vintage", "value"), State("rem-lang", "data"),
)
def update_regional(vintage: object, lang: object):
    lang = language(lang)
    db = database()
    vintage = parse_choice(vintage, queries.series_vintages(db, RECEIVED))
    source = indicator_source_line(db, "worldbank", lang, series=RECEIVED, vintage=vintage)
    name_col = name_column(lang)
    regions = regional.regional_series(db, RECEIVED, vintage)
    basis = year_basis("worldbank")
    trend = figures.lines(partial_years.complete_only(regions), value="value", lang=lang, source=source,
                          y_title=t(lang, "axis.usd"), title=t(lang, "remittances.trend_title"),
                          fmt=partial_years.blank_safe(money), year_basis=basis)
    partial_years.add_partial_years(trend, regions, lang=lang, fmt=money)
    labels = [partial_years.coverage_label(r, e, c, lang)
              for r, e, c in zip(regions["reporting"], regions["expected"], regions["complete"], strict=True)]
    table = regions.assign(shown=regions["value"].map(lambda v: money(v, lang)), reporting=labels)
    trend_table = data_table(table[["year", name_col, "shown", "reporting"]],
                             [t(lang, "table.year"), t(lang, "table.area"), t(lang, "remittances.received"),
                              t(lang, "remittances.reporting")], "rem-trend-data")
    change = growth(regions)
    growth_fig = figures.lines(change, value="value", lang=lang, source=source, y_title=t(lang, "axis.growth"),
                               title=t(lang, "remittances.growth_since", since=GROWTH_FROM), percent=True,
                               year_basis=basis)
    growth_fig.update_yaxes(rangemode="normal")
    growth_table = data_table(change.assign(shown=change["value"].map(lambda v: percent(v, lang, signed=True)))[
        ["year", name_col, "shown"]], [t(lang, "table.year"), t(lang, "table.area"), t(lang, "remittances.growth")],
        "rem-growth-data")
    names = dict(db.rows(f"SELECT code, {name_col} FROM area"))  # noqa: S608 - a constant column name
    note = partial_years.partial_note(regions, names, lang, since=int(regions["year"].max()) - 5) if len(regions) else ""
    return trend, trend_table, growth_fig, growth_table, note


@callback(
    Output("rem-top", "figure"), Output("rem-top-table", "children"), Output("rem-map", "figure"),
    Output("rem-top-note", "children"), Input("rem-year", "value"), Input("rem-measure", "value"), Input("rem-vintage", "value"), State("rem-lang", "data"),
)
def update_top(year: object, measure: object, vintage: object, lang: object):
    lang = language(lang)
    db = database()
    measure = measure if isinstance(measure, str) and measure in MEASURES else "usd"
    # the chosen vintage where the series has it (each series has its own vintages), else its newest
    vintage = parse_choice(vintage, queries.series_vintages(db, MEASURES[measure]))
    years = queries.indicator_years(db, MEASURES[measure], vintage)
    chosen = parse_choice(year, years) or ranking_year(db, MEASURES[measure], vintage) or (years[-1] if years else None)
    name_col = name_column(lang)
    fmt = money if measure == "usd" else percent_of_gdp
    title = t(lang, "remittances.top_title", year=chosen, measure=t(lang, f"remittances.measure_{measure}"))
    if chosen is None:
        return figures.empty_figure(title), None, figures.empty_figure(title), ""
    top = queries.indicator_ranking(db, MEASURES[measure], chosen, AMERICAS_SUBREGIONS, limit=15, vintage=vintage)
    fig = figures.horizontal_bars(top, label=name_col, value="value", lang=lang, title=title, fmt=fmt,
                                  source=indicator_source_line(db, "worldbank", lang, series=MEASURES[measure],
                                                               vintage=vintage),
                                  x_title=t(lang, "axis.usd") if measure == "usd" else t(lang, "remittances.measure_gdp"))
    table = data_table(top.assign(shown=top["value"].map(lambda v: fmt(v, lang)))[[name_col, "iso3", "shown"]],
                       [t(lang, "table.area"), "ISO3", t(lang, f"remittances.measure_{measure}")], "rem-top-data")
    return fig, table, receivers_map(db, measure, vintage, chosen, lang), top_note(db, measure, vintage, chosen, lang)


def top_note(db: queries.Database, measure: str, vintage: str | None, year: int, lang: str) -> str:
    """A partial year's ranking says who has not reported yet (its ranks may still change)."""
    codes = [int(c) for c in maps.americas_areas(db)["area_code"]]
    cover = regional.ranking_coverage(db, MEASURES[measure], codes, vintage).set_index("year")
    if year not in cover.index or bool(cover.loc[year, "complete"]):
        return ""
    names = dict(db.rows(f"SELECT code, {name_column(lang)} FROM area"))  # noqa: S608 - a constant column name
    missing = ", ".join(names.get(int(c), str(c)) for c in cover.loc[year, "missing"])
    return t(lang, "reporting.ranking_partial", year=year, reporting=int(cover.loc[year, "reporting"]),
             expected=int(cover.loc[year, "expected"]), missing=missing)


def receivers_map(db: queries.Database, measure: str, vintage: str | None, year: int, lang: str):
    """The Map page's remittances choropleth for the page's own year, measure and vintage (the
    series' newest where the chosen vintage does not hold it), so both tabs show one edition."""
    key = MAP_INDICATORS[measure]
    edition = vintage or maps.editions(db, key)[0]
    return indicator_maps.map_figure(db, key, edition, year, maps.values(db, key, edition, year),
                                     maps.americas_areas(db), lang)


@callback(Output("rem-nav", "href"), Input("rem-map", "clickData"), State("rem-lang", "data"),
          prevent_initial_call=True)
def open_profile(click: object, lang: object) -> str:
    """A click on an area of the map opens its country profile in the same language."""
    code = indicator_maps.clicked_area(click)
    return dash.no_update if code is None else href("/country", area=code, lang=language(lang))


@callback(
    Output("rem-country", "figure"), Output("rem-country-table", "children"),
    Input("rem-area", "value"), State("rem-lang", "data"),
)
def update_country(area: object, lang: object):
    lang = language(lang)
    db = database()
    code = area if isinstance(area, int) and not isinstance(area, bool) else DEFAULT_COUNTRY
    row = queries.area_row(db, code)
    if row is None:
        code, row = DEFAULT_COUNTRY, queries.area_row(db, DEFAULT_COUNTRY)
    name = row[name_column(lang)] if row else str(code)
    grouping = groupings.grouping_of_code(db, code)
    if grouping is None:
        return remittance_panel(db, code, name, lang, "rem-country")
    made = grouping_profile.remittances_sum(db, grouping, name, lang, "rem-country-data")
    if made is None:
        return figures.empty_figure(name), notice(t(lang, "group.no_series", publisher=capitalised(t(lang, "publisher.worldbank")),
                                                    what=t(lang, "what.worldbank"), name=name), "info")
    fig, table, note = made
    return fig, [html.P(note, className="group-sum-note"), table, html.P(t(lang, "group.gdp_not_offered"))]


clientside_callback(
    url_sync_script("year", "measure", "area", "vintage", "lang"),
    Output("rem-url-sync", "children"),
    Input("rem-year", "value"), Input("rem-measure", "value"), Input("rem-area", "value"), Input("rem-vintage", "value"),
    State("rem-lang", "data"),
)
