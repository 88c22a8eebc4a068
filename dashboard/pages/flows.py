"""Flows (SICREMI's view), the human cost and internal displacement: OECD permanent-type and
temporary inflows by category, IOM's dead and missing in the Americas with each year's
coverage, IDMC's displacement by disasters and conflict (Caribbean SIDS marked)."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import figures, maps
from dashboard.components import (
    chart_block,
    data_table,
    database,
    indicator_source_line,
    needs_database,
    not_loaded_notice,
    numbers_behind,
    page_frame,
    parse_choice,
    table_box,
    url_sync_script,
)
from readside import citations, flows, queries, style
from readside.text import decimal, language, name_column, strings, t

dash.register_page(__name__, path="/flows", name="Flows", order=22)

PATH = "/flows"
DEFAULT_DESTINATION = 840  # the United States: the largest reporting destination
PERMANENT = ("work", "family", "accompanying_family", "humanitarian", "free_movement", "other")
TEMPORARY = ("WHM", "SEAS", "TRA", "INTRA", "STU", "OTH")


@needs_database(PATH)
def layout(lang: str = "en", destination: str | None = None, year: str | None = None, **_: object) -> html.Div:
    lang = language(lang)
    db = database()
    params = {"destination": destination, "year": year}
    loaded = flows.loaded(db)
    return page_frame(
        lang, PATH, params,
        html.H1(t(lang, "flows_page.title")), html.P(t(lang, "flows_page.intro")),
        *_inflow_section(db, lang, destination, "migration_flow" in loaded),
        *_human_cost_section(db, lang, year, "missing_migrants" in loaded),
        *_displacement_section(db, lang, "internal_displacement" in loaded),
        dcc.Store(id="flows-lang", data=lang),
    )


def _inflow_section(db: queries.Database, lang: str, destination: object, loaded: bool) -> list:
    head = [html.H2(t(lang, "flows_page.inflows_title")), html.P(t(lang, "flows_page.inflows_intro"))]
    if not loaded:
        return [*head, not_loaded_notice(lang, "oecd")]
    reporting = flows.flow_destinations(db)
    codes = [int(c) for c in reporting["area_code"]]
    options = [{"label": n, "value": int(c)} for c, n in zip(reporting["area_code"], reporting[name_column(lang)],
                                                            strict=True)]
    chosen = parse_choice(destination, codes) or (DEFAULT_DESTINATION if DEFAULT_DESTINATION in codes else codes[0])
    names = ", ".join(reporting[name_column(lang)])
    return [*head, html.P(t(lang, "flows_page.reporting", names=names), className="note"),
            html.Div([html.Label(t(lang, "flows_page.destination"), htmlFor="flows-destination"),
                      dcc.Dropdown(id="flows-destination", options=options, value=chosen, clearable=False)],
                     className="controls", style={"maxWidth": "360px"}),
            *chart_block("flows-permanent", "migdash-flows-permanent", lang),
            *chart_block("flows-temporary", "migdash-flows-temporary", lang),
            *chart_block("flows-totals", "migdash-flows-permanent-totals", lang),
            html.Div(id="flows-destination-sync", hidden=True)]


def _human_cost_section(db: queries.Database, lang: str, year: object, loaded: bool) -> list:
    head = [html.H2(t(lang, "flows_page.cost_title")), html.P(t(lang, "flows_page.cost_intro"))]
    if not loaded:
        return [*head, not_loaded_notice(lang, "iom_missing_migrants")]
    by_year = flows.dead_and_missing_by_year(db)
    by_year = by_year[by_year["coverage"] != flows.NOT_COVERED]  # a year no file covers has no routes
    years = [int(y) for y in by_year["year"]]
    chosen = parse_choice(year, years) or max(y for y, c in zip(years, by_year["coverage"], strict=True)
                                              if c == "complete")
    return [*head, *chart_block("flows-cost", "migdash-human-cost", lang),
            html.Div([html.Label(t(lang, "flows_page.year"), htmlFor="flows-year"),
                      dcc.Dropdown(id="flows-year", options=[{"label": str(y), "value": y} for y in reversed(years)],
                                   value=chosen, clearable=False)], className="controls", style={"maxWidth": "220px"}),
            *chart_block("flows-routes", "migdash-human-cost-routes", lang),
            *_incidents_block(lang),
            html.Div(id="flows-year-sync", hidden=True)]


def _incidents_block(lang: str) -> list:
    """The year's incidents on the app's own base map, what the files cover, the top incidents."""
    return [html.H3(t(lang, "flows_page.incidents_heading")),
            html.P(id="flows-incidents-note", className="note", **{"aria-live": "polite"}),
            dcc.Graph(id="flows-incidents", config=maps.map_config("migdash-incidents-map"), style={"height": "640px"}),
            numbers_behind("flows-incidents", lang, table_box("flows-incidents-table", lang), "map.table")]


def _displacement_section(db: queries.Database, lang: str, loaded: bool) -> list:
    head = [html.H2(t(lang, "flows_page.idp_title")), html.P(t(lang, "flows_page.idp_intro"))]
    if not loaded:
        return [*head, not_loaded_notice(lang, "idmc")]
    return [*head, *chart_block("flows-disasters", "migdash-disaster-displacement", lang, height="560px"),
            *chart_block("flows-conflict", "migdash-conflict-displacement", lang, height="480px"),
            dcc.Store(id="flows-idp-lang", data=lang)]


def _by_category(frame: pd.DataFrame, categories: tuple[str, ...], prefix: str, lang: str, title: str, source: str,
                 table_id: str):
    """Stacked bars per year, one colour per category (only the categories published)."""
    wide = frame.pivot_table(index="year", columns="category", values="persons", aggfunc="sum").reset_index()
    present = [c for c in categories if c in wide.columns] + [c for c in wide.columns if c not in (*categories, "year")]
    series = {c: t(lang, f"{prefix}.{c}") if c in categories else c for c in present}
    figure = figures.grouped_bars(wide, category="year", series=series, lang=lang, title=title, source=source,
                                  y_title=t(lang, "axis.persons"), stacked=True, year_basis="calendar_year")
    shown = wide.copy()
    for column in present:
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else decimal(v, lang, 0))
    table = data_table(shown[["year", *present]], [t(lang, "table.year"), *series.values()], table_id)
    return figure, table


@callback(
    Output("flows-permanent", "figure"), Output("flows-permanent-table", "children"),
    Output("flows-temporary", "figure"), Output("flows-temporary-table", "children"),
    Output("flows-totals", "figure"), Output("flows-totals-table", "children"),
    Input("flows-destination", "value"), State("flows-lang", "data"),
)
def update_inflows(destination: object, lang: object):
    lang = language(lang)
    db = database()
    reporting = flows.flow_destinations(db)
    codes = [int(c) for c in reporting["area_code"]]
    code = parse_choice(destination, codes) or (DEFAULT_DESTINATION if DEFAULT_DESTINATION in codes else codes[0])
    name = reporting.set_index("area_code").loc[code, name_column(lang)]
    # each chart cites its own OECD dataset: DF_MIG_INT_PER (permanent-type), DF_MIG_INT_TEMP (temporary)
    cite = {kind: citations.source_line(flows.flow_citations(db, code, kind), lang) for kind in ("permanent", "temporary")}
    permanent = _by_category(flows.inflows_by_category(db, code, "permanent"), PERMANENT, "flows_page.permanent",
                             lang, t(lang, "flows_page.permanent_title", name=name), cite["permanent"],
                             "flows-permanent-data")
    temporary = _by_category(flows.inflows_by_category(db, code, "temporary"), TEMPORARY, "flows_page.temporary",
                             lang, t(lang, "flows_page.temporary_title", name=name), cite["temporary"],
                             "flows-temporary-data")
    totals = flows.permanent_totals(db, codes)
    every_reporter = [row for c in codes for row in flows.flow_citations(db, c, "permanent")]
    totals_fig = figures.lines(totals, value="persons", lang=lang, y_title=t(lang, "axis.persons"),
                               source=citations.source_line(list({r["dataset"]: r for r in every_reporter}.values()),
                                                            lang),
                               title=t(lang, "flows_page.totals_title"), year_basis="calendar_year")
    shown = totals.assign(shown=totals["persons"].map(lambda v: decimal(v, lang, 0)))
    totals_table = data_table(shown[["year", name_column(lang), "shown", "categories"]],
                              [t(lang, "table.year"), t(lang, "table.area"), t(lang, "axis.persons"),
                               t(lang, "flows_page.categories")], "flows-totals-data")
    return (*permanent, *temporary, totals_fig, totals_table)


@callback(
    Output("flows-cost", "figure"), Output("flows-cost-table", "children"),
    Output("flows-routes", "figure"), Output("flows-routes-table", "children"),
    Input("flows-year", "value"), State("flows-lang", "data"),
)
def update_human_cost(year: object, lang: object):
    """Dead and missing per year, each bar saying its coverage (a partial year drawn apart, a year
    no file covers left as a gap on the axis: readside.reporting); the routes of one year."""
    lang = language(lang)
    db = database()
    by_year = flows.dead_and_missing_by_year(db)
    years = [int(y) for y, c in zip(by_year["year"], by_year["coverage"], strict=True) if c != flows.NOT_COVERED]
    year = parse_choice(year, years) or years[-1]  # a list or an object is no year: never a 500
    # the yearly chart draws every file's years, the routes chart one year's file: each cites its own
    source = citations.source_line(citations.rows(db, "iom_missing_migrants"), lang)
    covering = flows.file_covering(db, year)
    year_source = citations.source_line([covering], lang) if covering else source
    complete = by_year["coverage"] == "complete"
    labelled = by_year.assign(label=[f"{y} ({t(lang, f'flows_page.coverage.{c}')})"
                                     for y, c in zip(by_year["year"], by_year["coverage"], strict=True)],
                              complete=by_year["dead_and_missing"].where(complete),
                              partial=by_year["dead_and_missing"].where(~complete))
    # years on a year axis (a year no file covers is a gap there); complete or partial is the
    # bar's colour and legend, not a label written under every bar
    cost = figures.grouped_bars(labelled, category="year", lang=lang, title=t(lang, "flows_page.cost_chart"),
                                series={"complete": t(lang, "flows_page.dead_missing"),
                                        "partial": t(lang, "reporting.iom_partial")},
                                source=source, y_title=t(lang, "axis.persons"), year_basis="calendar_year",
                                colours={"complete": style.MEASURE_COLOURS["dead_and_missing"]})
    cost.update_layout(barmode="overlay")
    shown = by_year.assign(shown=by_year["dead_and_missing"].map(lambda v: "—" if pd.isna(v) else decimal(v, lang, 0)),
                           coverage=by_year["coverage"].map(lambda c: t(lang, f"flows_page.coverage.{c}")))
    cost_table = data_table(shown[["year", "shown", "coverage"]], [t(lang, "table.year"), t(lang, "flows_page.dead_missing"),
                                                                   t(lang, "flows_page.coverage")], "flows-cost-data")
    routes = flows.dead_and_missing_by_route(db, year)
    routes = routes.assign(route=[route_words(r, lang) for r in routes["route"]],
                           region=[", ".join(region_words(x.strip(), lang) for x in str(r).split(",")) for r in routes["region"]])
    coverage = dict(zip(by_year["year"], by_year["coverage"], strict=True))[year]
    routes_fig = figures.horizontal_bars(routes, label="route", value="dead_and_missing", lang=lang, source=year_source,
                                         title=t(lang, "flows_page.routes_title", year=year,
                                                 coverage=t(lang, f"flows_page.coverage.{coverage}")),
                                         x_title=t(lang, "flows_page.dead_missing"))
    routes_table = data_table(routes.assign(shown=routes["dead_and_missing"].map(lambda v: decimal(v, lang, 0)))[
        ["route", "region", "shown"]], [t(lang, "flows_page.route"), t(lang, "flows_page.region"),
                                        t(lang, "flows_page.dead_missing")], "flows-routes-data")
    return cost, cost_table, routes_fig, routes_table


TOP_INCIDENTS = 25


@callback(
    Output("flows-incidents", "figure"), Output("flows-incidents-table", "children"),
    Output("flows-incidents-note", "children"),
    Input("flows-year", "value"), State("flows-lang", "data"),
)
def update_incidents(year: object, lang: object):
    """The chosen year's incidents in the Americas (only years a file covers can be chosen)."""
    lang = language(lang)
    db = database()
    coverage = dict(flows.coverage(db)[["year", "coverage"]].itertuples(index=False, name=None))
    year = parse_choice(year, list(coverage)) or max(coverage)  # a list or an object is no year: never a 500
    frame = flows.incidents(db, year)
    located = frame.dropna(subset=["latitude", "longitude"])
    shown = t(lang, f"flows_page.coverage.{coverage[year]}")
    cited = flows.file_covering(db, year)
    line = citations.source_line([cited], lang) if cited else indicator_source_line(db, "iom_missing_migrants", lang)
    source = f"{line} {t(lang, 'flows_page.minimum_estimates')}"
    title = t(lang, "flows_page.incidents_title", year=year, coverage=shown)
    figure = maps.incidents_map(located, lang=lang, title=title, source=source,
                                legend=t(lang, "flows_page.incidents_legend"), hover=_incident_hover(located, lang))
    return figure, _incidents_table(frame, lang), _incidents_note(frame, located, coverage, lang)


def route_words(route: str, lang: str) -> str:
    """IOM's route in the page's words ('Del Caribe a Estados Unidos'); incidents with no route
    named, grouped per region ('— (Central America)'), with the region in the page's words; a
    route this page has no words for as the publisher names it."""
    if route.startswith("— (") and route.endswith(")"):
        return t(lang, "iom.no_route", region=region_words(route[3:-1], lang))
    key = f"iom.route.{route}"
    return t(lang, key) if key in strings(lang) else route


def region_words(region: str, lang: str) -> str:
    key = f"iom.region.{region}"
    return t(lang, key) if key in strings(lang) else region


def _incident_hover(frame: pd.DataFrame, lang: str) -> list[list[str]]:
    """Per incident: date, the count with its words, the route, the cause (the publisher's own labels)."""
    none = t(lang, "flows_page.not_stated")
    return [[date, t(lang, "flows_page.incident_count", count=decimal(count, lang, 0)),
             t(lang, "flows_page.incident_route", route=route_words(route if isinstance(route, str) else f"— ({region})",
                                                                    lang)),
             t(lang, "flows_page.incident_cause", cause=cause if isinstance(cause, str) else none)]
            for date, count, route, region, cause in frame[["date", "dead_and_missing", "route", "region", "cause"]]
            .itertuples(index=False, name=None)]


def _incidents_table(frame: pd.DataFrame, lang: str):
    """The largest incidents of the year: what a reader of the map would ask for first."""
    top = frame.head(TOP_INCIDENTS)
    shown = top.assign(shown=top["dead_and_missing"].map(lambda v: decimal(v, lang, 0)),
                       route=[route_words(r, lang) if isinstance(r, str) else "—" for r in top["route"]],
                       region=[region_words(r, lang) for r in top["region"]], cause=top["cause"].fillna("—"))
    return data_table(shown[["date", "region", "route", "cause", "shown"]],
                      [t(lang, "flows_page.date"), t(lang, "flows_page.region"), t(lang, "flows_page.route"),
                       t(lang, "flows_page.cause"), t(lang, "flows_page.dead_missing")], "flows-incidents-data")


def _incidents_note(frame: pd.DataFrame, located: pd.DataFrame, coverage: dict[int, str], lang: str) -> str:
    """How many incidents, how many drawn, and which years the loaded files cover (and how)."""
    years = ", ".join(f"{y} ({t(lang, f'flows_page.coverage.{c}')})" for y, c in sorted(coverage.items()))
    note = t(lang, "flows_page.incidents_note", count=decimal(len(frame), lang, 0),
             total=decimal(frame["dead_and_missing"].sum(), lang, 0), top=TOP_INCIDENTS, years=years)
    unplaced = len(frame) - len(located)
    return f"{note} {t(lang, 'flows_page.incidents_unplaced', count=decimal(unplaced, lang, 0))}" if unplaced else note


@callback(
    Output("flows-disasters", "figure"), Output("flows-disasters-table", "children"),
    Output("flows-conflict", "figure"), Output("flows-conflict-table", "children"),
    Input("flows-idp-lang", "data"),
)
def update_displacement(lang: object):
    """The latest year's new displacements by disasters and by conflict, SIDS marked."""
    lang = language(lang)
    db = database()
    out = []
    for cause in ("disaster", "conflict"):
        years = flows.internal_displacement_years(db, cause)
        year = years[-1] if years else None
        frame = flows.internal_displacement_ranking(db, year, cause) if year else pd.DataFrame()
        title = t(lang, f"flows_page.idp_{cause}_title", year=year)
        if frame.empty:
            out += [figures.empty_figure(title), None]
            continue
        name = name_column(lang)
        frame = frame.assign(label=[f"{n} ({t(lang, 'flows_page.sids')})" if s else n
                                    for n, s in zip(frame[name], frame["sids"], strict=True)])
        # disasters and conflict are two IDMC exports: each chart cites the one its figures come from
        source = citations.source_line(flows.displacement_citations(db, cause, year), lang)
        out.append(figures.horizontal_bars(frame, label="label", value="persons", lang=lang, title=title, source=source,
                                           x_title=t(lang, "axis.persons")))
        out.append(data_table(frame.assign(shown=frame["persons"].map(lambda v: decimal(v, lang, 0)))[["label", "shown"]],
                              [t(lang, "table.area"), t(lang, "axis.persons")], f"flows-{cause}-data"))
    return tuple(out)


# one URL sync per section: a section whose source is not loaded has no controls
clientside_callback(url_sync_script("destination"), Output("flows-destination-sync", "children"),
                    Input("flows-destination", "value"))
clientside_callback(url_sync_script("year"), Output("flows-year-sync", "children"), Input("flows-year", "value"))
