"""Map of the Americas: one indicator, edition and year as a choropleth drawn from the app's own
base map (no request leaves the app); clicking an area opens its country profile."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import maps as drawing
from dashboard.components import (
    data_table,
    database,
    href,
    missing_notice,
    needs_database,
    not_loaded_notice,
    notice,
    numbers_behind,
    page_frame,
    parse_choice,
    table_box,
    url_sync_script,
)
from dashboard.indicator_maps import clicked_area, edition_label, formatter, map_figure
from readside import maps
from readside.queries import Database
from readside.text import (
    decimal,
    language,
    name_column,
    t,
)

dash.register_page(__name__, path="/map", name="Map", order=25)

PATH = "/map"
# Migrants as % of the population: a share compares a small island with a large country (the
# stock in persons paints almost every country in the top class).
DEFAULT = "share"
PROFILE = "/country"


@needs_database(PATH)
def layout(lang: str = "en", indicator: str | None = None, edition: str | None = None, year: str | None = None,
           **_: object) -> html.Div:
    lang = language(lang)
    db = database()
    params = {"indicator": indicator, "edition": edition, "year": year}
    available = {key: maps.editions(db, key) for key in maps.INDICATORS}
    head = [html.H1(t(lang, "map.title")), html.P(t(lang, "map.intro"))]
    if not available[DEFAULT]:
        return page_frame(lang, PATH, params, *head, notice(t(lang, "notice.no_database"), "warning"))
    loaded = [key for key, found in available.items() if found]
    chosen = parse_choice(indicator, loaded) or DEFAULT
    notices = [] if indicator in (None, "") or chosen == indicator else \
        [notice(t(lang, "map.bad_indicator", value=str(indicator)[:40], indicator=t(lang, f"map.indicator.{chosen}")), "warning")]
    editions = available[chosen]
    edition_value = parse_choice(edition, editions) or editions[0]
    years = maps.years(db, chosen, edition_value)
    options = [{"label": t(lang, f"map.indicator.{key}") + ("" if available[key] else " — " + t(lang, "map.not_loaded")),
                "value": key, "disabled": not available[key]} for key in maps.INDICATORS]
    return page_frame(
        lang, PATH, params, *head, *notices,
        html.Div([
            _dropdown("map-indicator", t(lang, "map.indicator"), options, chosen, width="340px"),
            _dropdown("map-edition", t(lang, "map.edition"), _edition_options(chosen, editions, lang), edition_value),
            _dropdown("map-year", t(lang, "map.year"), [{"label": str(y), "value": y} for y in reversed(years)],
                      parse_choice(year, years) or years[-1], width="160px"),
        ], className="controls"),
        html.Div(_missing_notices(db, available, lang), id="map-missing"),
        html.Div(id="map-notice"),
        html.Div([
            html.P(id="map-summary", className="note"),
            dcc.Graph(id="map-graph", config=drawing.map_config("migdash-map"), style={"height": "760px"}),
            html.P(t(lang, "map.click_hint"), className="note"),
            numbers_behind("map-graph", lang, table_box("map-graph-table", lang), "map.table"),
        ], id="map-graph-box"),
        dcc.Location(id="map-nav", refresh="callback-nav"),
        dcc.Store(id="map-lang", data=lang),
        html.Div(id="map-url-sync", hidden=True),
    )


def _dropdown(control_id: str, label: str, options: list[dict], value: object, width: str = "260px") -> html.Div:
    return html.Div([html.Label(label, htmlFor=control_id),
                     dcc.Dropdown(id=control_id, options=options, value=value, clearable=False, searchable=False)],
                    style={"minWidth": width})


def _edition_options(key: str, editions: list[str], lang: str) -> list[dict]:
    return [{"label": edition_label(key, e, i == 0 and len(editions) > 1, lang), "value": e} for i, e in enumerate(editions)]


def _missing_notices(db: Database, available: dict[str, list[str]], lang: str) -> list[html.Div]:
    """Which indicator is not in this build, and what loads it: a source not loaded at all, or
    (WPP's rate) a series the loaded files do not publish."""
    loaded_sources = {maps.INDICATORS[key].source for key, found in available.items() if found}
    out, said = [], set()
    for key, found in available.items():
        source = maps.INDICATORS[key].source
        if found or source in said:
            continue
        said.add(source)
        out.append(missing_notice(lang, t(lang, "map.series_missing", indicator=t(lang, f"map.indicator.{key}"), source=source,
                            publisher=t(lang, f"publisher.{source}")), "info") if source in loaded_sources
                   else not_loaded_notice(lang, source))
    return out


@callback(Output("map-edition", "options"), Output("map-edition", "value"),
          Input("map-indicator", "value"), State("map-edition", "value"), State("map-lang", "data"))
def update_editions(indicator: object, edition: object, lang: object):
    """The chosen indicator's revisions or vintages; the current one kept where it exists."""
    lang = language(lang)
    key = parse_choice(indicator, list(maps.INDICATORS)) or DEFAULT
    editions = maps.editions(database(), key)
    if not editions:
        return [], None
    return _edition_options(key, editions, lang), parse_choice(edition, editions) or editions[0]


@callback(Output("map-year", "options"), Output("map-year", "value"),
          Input("map-indicator", "value"), Input("map-edition", "value"), State("map-year", "value"))
def update_years(indicator: object, edition: object, year: object):
    """The edition's published years; the current one kept where published, else the latest."""
    key = parse_choice(indicator, list(maps.INDICATORS)) or DEFAULT
    years = maps.years(database(), key, str(edition)) if edition is not None else []
    if not years:
        return [], None
    return [{"label": str(y), "value": y} for y in reversed(years)], parse_choice(year, years) or years[-1]


@callback(Output("map-graph", "figure"), Output("map-graph-table", "children"), Output("map-summary", "children"),
          Output("map-notice", "children"), Output("map-graph-box", "hidden"),
          Input("map-indicator", "value"), Input("map-edition", "value"), Input("map-year", "value"),
          State("map-lang", "data"))
def update_map(indicator: object, edition: object, year: object, lang: object):
    lang = language(lang)
    db = database()
    key = parse_choice(indicator, list(maps.INDICATORS)) or DEFAULT
    edition = parse_choice(edition, maps.editions(db, key))
    chosen = parse_choice(year, maps.years(db, key, edition)) if edition else None
    if chosen is None:
        return {}, None, "", notice(t(lang, "map.no_figures", indicator=t(lang, f"map.indicator.{key}")), "info"), True
    frame = maps.values(db, key, edition, chosen)
    areas = maps.americas_areas(db)
    fig = map_figure(db, key, edition, chosen, frame, areas, lang)
    return fig, map_table(key, frame, lang), summary(key, frame, areas, lang), None, False


def map_table(key: str, frame: pd.DataFrame, lang: str) -> html.Table:
    """The numbers behind the map: each area (a link to its profile), its figure as published."""
    name_col = name_column(lang)
    digits = 0 if maps.INDICATORS[key].unit in ("persons", "usd") else 2
    shown = pd.DataFrame({
        "area": [dcc.Link(n, href=href(PROFILE, area=int(c), lang=lang)) for c, n in zip(frame["area_code"], frame[name_col], strict=True)],
        "iso3": frame["iso3"],
        "member": [t(lang, "map.member_short" if m else "map.territory_short") for m in frame["oas_member"]],
        "value": [decimal(v, lang, digits) for v in frame["value"]],
    })
    headers = [t(lang, "table.area"), "ISO3", t(lang, "map.oas_column"), t(lang, f"map.column.{key}")]
    for series in maps.INDICATORS[key].series if len(maps.INDICATORS[key].series) > 1 else ():
        shown[series] = ["" if pd.isna(v) else decimal(v, lang, 0) for v in frame[series]]
        headers.append(t(lang, f"map.part.{series.split('.')[1]}"))
    return data_table(shown, headers, "map-data")


def summary(key: str, frame: pd.DataFrame, areas: pd.DataFrame, lang: str) -> str:
    """One sentence a screen reader (and everyone) gets before the map."""
    top = frame.iloc[0]
    return t(lang, "map.summary", count=len(frame), total=len(areas), name=top[name_column(lang)],
             value=formatter(key)(top["value"], lang))


@callback(Output("map-nav", "href"), Input("map-graph", "clickData"), State("map-lang", "data"),
          prevent_initial_call=True)
def open_profile(click: object, lang: object) -> str:
    """A click on an area (shape or marker) opens its country profile in the same language."""
    code = clicked_area(click)
    if code is None:
        return dash.no_update
    return href(PROFILE, area=code, lang=language(lang))


clientside_callback(
    url_sync_script("indicator", "edition", "year", "lang"),
    Output("map-url-sync", "children"),
    Input("map-indicator", "value"), Input("map-edition", "value"), Input("map-year", "value"),
    State("map-lang", "data"),
)
