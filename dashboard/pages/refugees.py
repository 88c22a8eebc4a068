"""Refugees and special migration situations: UNHCR populations by origin (Venezuela, northern
Central America, Haiti) and by host country in the Americas, over time."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import asylum_sections, figures, grouping_profile
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
from etl.areas import AMERICAS_SUBREGIONS
from etl.sources.unhcr import POPULATIONS, series_code
from readside import citations, corridors, groupings, queries, style
from readside.style import year_basis
from readside.text import LANGUAGES, decimal, language, name_column, people, t

dash.register_page(__name__, path="/refugees", name="Refugees", order=45)
asylum_sections.register_callbacks()  # this module runs once per app; the helper module once per process

PATH = "/refugees"
# Venezuela; El Salvador, Guatemala, Honduras (northern Central America); Haiti.
ORIGINS = (862, 222, 320, 340, 332)
HOSTS_SHOWN = 12
# Forcibly displaced across borders: what the corridor charts sum (IDPs stay in their country).
ACROSS_BORDERS = ("refugees", "asylum_seekers", "oip")
PAIRS_SHOWN = 15
HOSTS_MAPPED = 500  # every host: UNHCR reports fewer than 200 countries of asylum
ANY = "any"


@needs_database(PATH)
def layout(lang: str = "en", population: str = "refugees", year: str | None = None, release: str | None = None,
           origin: str | None = None, host: str | None = None, pyear: str | None = None, **query: object) -> html.Div:
    lang = language(lang)
    db = database()
    params = {"population": population, "year": year, "release": release, "origin": origin, "host": host,
              "pyear": pyear, **asylum_sections.params(query)}
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
        *corridor_section(db, lang, release, origin, host, pyear),
        *asylum_sections.sections(db, lang, query),  # issue 25: asylum, new displacement, solutions
        dcc.Store(id="ref-lang", data=lang),
        html.Div(id="ref-url-sync", hidden=True),
    )


def corridor_section(db: queries.Database, lang: str, release: object, origin: object, host: object,
                     year: object) -> list:
    """Origin -> asylum corridors (UNHCR's pairs): a Sankey and ranked table for one year and
    release, and the origin's (or host's) total over time in every release side by side."""
    heading = [html.H2(t(lang, "refugees.corridors_title")), html.P(t(lang, "refugees.corridors_intro"))]
    releases = corridors.displacement_vintages(db)
    if not releases:
        return [*heading, not_loaded_notice(lang, "unhcr")]
    chosen = parse_choice(release, releases) or releases[0]
    years = corridors.displacement_years(db, chosen)
    name_col = name_column(lang)
    countries = queries.countries(db)
    highlighted = [{"label": n, "value": c} for c, n in zip(countries["code"], countries[name_col], strict=True)
                   if c in ORIGINS]
    others = [{"label": n, "value": c} for c, n in zip(countries["code"], countries[name_col], strict=True)
              if c not in ORIGINS]
    any_option = [{"label": t(lang, "refugees.any"), "value": ANY}, *grouping_profile.group_options(db, lang)]
    codes = [o["value"] for o in any_option[1:] + highlighted + others]
    controls = html.Div([
        _labelled("ref-release", t(lang, "refugees.release"),
                  [{"label": _release_label(r, lang), "value": r} for r in releases], chosen),
        _labelled("ref-pair-origin", t(lang, "refugees.origin"), any_option + highlighted + others,
                  parse_choice(origin, codes) or (ANY if str(origin) == ANY else ORIGINS[0]), width="260px"),
        _labelled("ref-pair-host", t(lang, "refugees.host"), any_option + highlighted + others,
                  parse_choice(host, codes) or ANY, width="260px"),
        _labelled("ref-pair-year", t(lang, "refugees.year"), [{"label": str(y), "value": y} for y in reversed(years)],
                  parse_choice(year, years) or years[-1]),
    ], className="controls")
    return [*heading, controls,
            *chart_block("ref-pairs", "migdash-refugees-corridors", lang, height="620px"),
            *chart_block("ref-pair-trend", "migdash-refugees-corridor-trend", lang),
            *hosts_map_block(lang),
            html.Div(id="ref-pair-url-sync", hidden=True)]


def hosts_map_block(lang: str) -> list:
    """Where the chosen origin's people are hosted (the corridor controls' release and year),
    with every host, inside the Americas or not, in the table behind it."""
    return [html.H3(t(lang, "map.hosts_heading")), html.Div(id="ref-hosts-map-notice"),
            dcc.Graph(id="ref-hosts-map", config=drawing.map_config("migdash-refugees-hosts-map"),
                      style={"height": "720px"}),
            numbers_behind("ref-hosts-map", lang, table_box("ref-hosts-map-table", lang), "map.hosts_table")]


def _labelled(control_id: str, label: str, options: list[dict], value: object, width: str = "200px") -> html.Div:
    return html.Div([html.Label(label, htmlFor=control_id),
                     dcc.Dropdown(id=control_id, options=options, value=value, clearable=False)],
                    style={"minWidth": width})


def _release_label(release: str, lang: str) -> str:
    """'2025.12.1' is a release of UNHCR's refugees dataset; a dated label is a Data Finder download."""
    kind = "refugees.release_download" if "-" in release else "refugees.release_package"
    return t(lang, kind, release=release)


def _area_choice(value: object, known: set[int]) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value in known else None


def _known_areas(db: queries.Database) -> set[int]:
    """Countries and the groupings (OAS, CARICOM, SICA, CAN, Mercosur) a picker may hold."""
    return set(queries.countries(db)["code"]) | {int(c) for c in groupings.groupings(db)["code"]}


def _members_or_area(db: queries.Database, code: int | None) -> int | list[int] | None:
    """A grouping stands for its roster members (people from or hosted in any of them, as
    published per country pair); a country for itself."""
    grouping = groupings.grouping_of_code(db, code) if code is not None else None
    if grouping is None:
        return code
    members = groupings.members(db, grouping)
    return [int(c) for c in members.loc[members["roster"], "member_code"]]


@callback(
    Output("ref-pairs", "figure"), Output("ref-pairs-table", "children"),
    Output("ref-pair-trend", "figure"), Output("ref-pair-trend-table", "children"),
    Input("ref-release", "value"), Input("ref-pair-origin", "value"), Input("ref-pair-host", "value"),
    Input("ref-pair-year", "value"), State("ref-lang", "data"),
)
def update_pairs(release: object, origin: object, host: object, year: object, lang: object):
    lang = language(lang)
    db = database()
    releases = corridors.displacement_vintages(db)
    release = parse_choice(release, releases) or releases[0]
    known = _known_areas(db)
    origin, host = _area_choice(origin, known), _area_choice(host, known)
    if origin is None and host is None:
        origin = ORIGINS[0]
    years = corridors.displacement_years(db, release)
    year = parse_choice(year, years) or years[-1]
    names = _names(db, lang)
    where = t(lang, "refugees.pair_where", origin=names.get(origin, t(lang, "refugees.any")),
              host=names.get(host, t(lang, "refugees.any")))
    source = indicator_source_line(db, "unhcr", lang, vintage=release)
    pairs = corridors.displacement_pairs(db, release, year, ACROSS_BORDERS, origin=_members_or_area(db, origin),
                                         asylum=_members_or_area(db, host), limit=PAIRS_SHOWN)
    title = t(lang, "refugees.pairs_title", where=where, year=year)
    links = pairs.rename(columns={"asylum_code": "destination_code", "persons": "migrants"})
    sankey = figures.sankey(links, names, lang=lang, title=title, source=source)
    suffix = language(lang)
    shown = pairs.assign(persons=pairs["persons"].map(lambda v: decimal(v, lang, 0)))
    table = data_table(shown[[f"origin_{suffix}", f"asylum_{suffix}", "persons"]],
                       [t(lang, "table.origin"), t(lang, "refugees.host"), t(lang, "axis.persons")], "ref-pairs-data")
    trend, trend_table = _trend_by_release(db, releases, origin, host, where, lang)
    return sankey, table, trend, trend_table


@callback(
    Output("ref-hosts-map", "figure"), Output("ref-hosts-map-table", "children"),
    Output("ref-hosts-map-notice", "children"),
    Input("ref-release", "value"), Input("ref-pair-origin", "value"), Input("ref-pair-year", "value"),
    State("ref-lang", "data"),
)
def update_hosts_map(release: object, origin: object, year: object, lang: object):
    """The origin's hosts as circles sized by people hosted; 'any origin' has nothing to map."""
    lang = language(lang)
    db = database()
    releases = corridors.displacement_vintages(db)
    release = parse_choice(release, releases) or releases[0]
    if _area_choice(origin, _known_areas(db)) is not None and groupings.grouping_of_code(db, origin) is not None:
        return figures.empty_figure(""), None, notice(t(lang, "map.hosts_pick_country"), "info")
    origin = _area_choice(origin, set(queries.countries(db)["code"]))
    if origin is None:
        return figures.empty_figure(""), None, notice(t(lang, "map.hosts_pick_origin"), "info")
    years = corridors.displacement_years(db, release)
    year = parse_choice(year, years) or years[-1]
    name = _names(db, lang).get(origin, str(origin))
    hosts = origin_hosts(db, release, year, origin, lang)
    fig = hosts_figure(db, hosts, origin, name, release, year, lang)
    if hosts.empty:
        return fig, None, notice(t(lang, "map.hosts_none", origin=name, year=year), "info")
    outside = hosts[hosts["iso3"].isna()]
    said = [] if outside.empty else [html.P(t(lang, "map.hosts_outside", count=len(outside),
                                              persons=people(outside["persons"].sum(), lang)), className="note")]
    return fig, hosts_table(hosts, lang), said


def origin_hosts(db: queries.Database, release: str, year: int, origin: int, lang: str) -> pd.DataFrame:
    """asylum_code, name, persons, iso3 (None off the base map) of every host of the origin's
    people displaced across borders, largest first."""
    pairs = corridors.displacement_pairs(db, release, year, ACROSS_BORDERS, origin=origin, limit=HOSTS_MAPPED)
    on_map = {props["m49"]: iso for iso, props in drawing.shapes().items()}
    return pd.DataFrame({"asylum_code": pairs["asylum_code"], "name": pairs[f"asylum_{lang}"],
                         "persons": pairs["persons"].astype(float),
                         "iso3": [on_map.get(int(c)) for c in pairs["asylum_code"]]})


def hosts_figure(db: queries.Database, hosts: pd.DataFrame, origin: int, name: str, release: str, year: int,
                 lang: str):
    """The hosts of the Americas on the app's base map, the origin filled."""
    mapped = hosts.dropna(subset=["iso3"])
    origin_iso3 = {props["m49"]: iso for iso, props in drawing.shapes().items()}.get(origin)
    hover = [t(lang, "map.hosts_hover", persons=decimal(v, lang, 0), origin=name, year=year) for v in mapped["persons"]]
    return drawing.hosts_map(mapped, origin_iso3, lang=lang, hover=hover,
                             title=t(lang, "map.hosts_title", origin=name, year=year),
                             source=indicator_source_line(db, "unhcr", lang, vintage=release),
                             legend=t(lang, "map.hosts_legend"), origin_legend=t(lang, "map.hosts_origin", origin=name),
                             origin_colour=style.area_colour(origin))


def hosts_table(hosts: pd.DataFrame, lang: str) -> html.Table:
    """Every host (a link to its profile) and the people it hosts, as published."""
    shown = pd.DataFrame({
        "host": [dcc.Link(n, href=href("/country", area=int(c), lang=lang))
                 for c, n in zip(hosts["asylum_code"], hosts["name"], strict=True)],
        "persons": [decimal(v, lang, 0) for v in hosts["persons"]],
    })
    return data_table(shown, [t(lang, "refugees.host"), t(lang, "axis.persons")], "ref-hosts-map-data")


def _names(db: queries.Database, lang: str) -> dict[int, str]:
    frame = queries.area_names(db, queries.area_codes(db))
    return dict(zip(frame["code"], frame[name_column(lang)], strict=True))


def _trend_by_release(db: queries.Database, releases: list[str], origin: int | None, host: int | None, where: str,
                      lang: str):
    """One line per release: each rewrites history, so the releases are shown side by side."""
    origins, hosts = _members_or_area(db, origin), _members_or_area(db, host)
    frames = [corridors.displacement_trend(db, r, ACROSS_BORDERS, origin=origins, asylum=hosts)
              .assign(area_code=i, **{f"name_{lang}": _release_label(r, lang) for lang in LANGUAGES})
              for i, r in enumerate(releases)]
    frame = pd.concat([f for f in frames if not f.empty] or [pd.DataFrame()], ignore_index=True)
    title = t(lang, "refugees.pair_trend_title", where=where)
    every_release = citations.source_line(citations.rows(db, "unhcr", vintages=releases), lang)
    fig = figures.lines(frame, value="persons", lang=lang, source=every_release, y_title=t(lang, "axis.persons"),
                        title=title, year_basis=year_basis("unhcr"))
    if frame.empty:
        return fig, None
    name_col = name_column(lang)
    shown = frame.assign(shown=frame["persons"].map(lambda v: decimal(v, lang, 0)))
    return fig, data_table(shown[["year", name_col, "shown"]], [t(lang, "table.year"), t(lang, "refugees.release"),
                                                                 t(lang, "axis.persons")], "ref-pair-trend-data")


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
    name_col = name_column(lang)
    source = indicator_source_line(db, "unhcr", lang)
    origins = queries.indicator_series(db, series_code(population, "origin"), ORIGINS)
    origins_fig = figures.lines(origins, value="value", lang=lang, source=source, y_title=t(lang, "axis.persons"),
                                title=t(lang, "refugees.origins_title", population=label),
                                year_basis=year_basis("unhcr"))
    hosted = series_code(population, "asylum")
    years = queries.indicator_years(db, hosted)
    top = queries.indicator_ranking(db, hosted, years[-1], AMERICAS_SUBREGIONS, limit=5) if years else pd.DataFrame()
    hosts = queries.indicator_series(db, hosted, [int(c) for c in top.get("area_code", [])])
    hosts_fig = figures.lines(hosts, value="value", lang=lang, source=source, y_title=t(lang, "axis.persons"),
                              title=t(lang, "refugees.host_trend_title", population=label),
                              year_basis=year_basis("unhcr"))
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
    name_col = name_column(lang)
    parts = []
    for population in POPULATIONS:
        ranking = queries.indicator_ranking(db, series_code(population, "asylum"), chosen, AMERICAS_SUBREGIONS, limit=200)
        parts.append(ranking.set_index(["area_code", name_col])["value"].rename(population))
    wide = pd.concat(parts, axis=1).reset_index()
    wide["total"] = wide[list(POPULATIONS)].sum(axis=1, min_count=1)
    wide = wide.sort_values("total", ascending=False).head(HOSTS_SHOWN)
    fig = figures.grouped_bars(wide, category=name_col, lang=lang, y_title=t(lang, "axis.persons"), title=title,
                               source=indicator_source_line(db, "unhcr", lang), stacked=True, horizontal=True,
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

clientside_callback(  # the corridor controls exist only where displacement data is loaded
    url_sync_script("release", "origin", "host", "pyear"),
    Output("ref-pair-url-sync", "children"),
    Input("ref-release", "value"), Input("ref-pair-origin", "value"), Input("ref-pair-host", "value"),
    Input("ref-pair-year", "value"),
)
